"""Moved to :mod:`tokensite.dataset.overrides`. Kept only until ``tokensite/run.py`` and the CLI import
from there (issue 26); delete this file then."""

from tokensite.dataset.overrides import *  # noqa: F401,F403
from tokensite.dataset.overrides import read_case_dataset  # noqa: F401
