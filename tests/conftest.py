"""Shared fixtures: the world case is solved once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokensite import shipped_case, solve
from tokensite.results.report import write_outputs

WORLD = shipped_case("world")


@pytest.fixture(scope="session")
def world_results():
    return solve(WORLD)


@pytest.fixture(scope="session")
def world_dir(world_results, tmp_path_factory):
    """The world results folder as `tokensite solve` writes it (plans, maps, report included)."""
    return world_results.to_dir(tmp_path_factory.mktemp("world") / "world", extras=write_outputs)
