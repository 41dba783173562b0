"""The world builder's provenance algebra (data/world_builder/sourced.py): hand-checked cases."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "data"))
from world_builder.sourced import Sourced, combine, estimate, table, worst  # noqa: E402


def test_worst_basis():
    assert worst("published") == "published"
    assert worst("published", "published") == "derived"
    assert worst("published", "derived") == "derived"
    assert worst("derived", "estimate", "published") == "estimate"


def test_combine_takes_worst_basis_and_union_of_sources_in_order():
    share = Sourced(0.25, "published", "JLL-GDCO-2026")
    mw = Sourced(7700, "derived", "CW-GDCMC-2025;JLL-GDCO-2026")
    out = combine(share.value * mw.value, share, mw)
    assert out == Sourced(1925.0, "derived", "JLL-GDCO-2026;CW-GDCMC-2025")
    assert combine(1.0, share, estimate(2.0)).basis == "estimate"


def test_unknown_basis_is_refused():
    with pytest.raises(AssertionError):
        Sourced(1.0, "guess", "TEAM-EST")


def test_table_splits_values_from_provenance():
    t = table("x.csv", [dict(id="a", v=estimate(1.5), w=None), dict(id="b", v=Sourced(2.0, "published", "S"), w=3)])
    assert t.frame.v.tolist() == [1.5, 2.0] and t.frame.id.tolist() == ["a", "b"]
    assert t.cells == (("v", "estimate", "TEAM-EST"), ("v", "published", "S"))
    assert t.provenance()[("x.csv", "v", "estimate", "TEAM-EST")] == 1
