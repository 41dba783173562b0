"""Shared fixtures: the world case is solved once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tokensite import solve
from tokensite.results.report import write_outputs

ROOT = Path(__file__).resolve().parents[1]
WORLD = ROOT / "models" / "world.toml"


@pytest.fixture(scope="session")
def world_results():
    return solve(WORLD)


@pytest.fixture(scope="session")
def world_dir(world_results, tmp_path_factory):
    """The world results folder as `tokensite solve` writes it (plans, maps, report included)."""
    return world_results.to_dir(tmp_path_factory.mktemp("world") / "world", extras=write_outputs)
