"""Issue 9's proving harness on a tiny instance: tokensite = textbook strong CFLP = brute force.

A Cornuéjols–Sridharan–Thizy instance (6 sites × 15 customers, capacity ratio 3) is written
through tokensite's public CSV format (``benchmarks/cflp.py``: objective_usd = 1e6 × the
CFLP objective) and solved three independent ways: tokensite, the textbook strong CFLP in
plain highspy, and enumeration of all 2^6 open sets each priced by a transportation LP, so
that neither MIP is trusted alone.

The solves use HiGHS's default thread count: HiGHS fixes its thread pool once per process, and a
later solve asking for another count fails, so a test must not pick one of its own.
"""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks import cflp

SPEC = (6, 15, 3, 0)  # sites, customers, ratio, seed


@pytest.fixture(scope="module")
def inst():
    return cflp.generate(*SPEC)


@pytest.fixture(scope="module")
def optimum(inst):
    return cflp.brute_force(inst)


@pytest.fixture(scope="module")
def tokensite_run(inst, tmp_path_factory):
    return cflp.solve_tokensite(inst, tmp_path_factory.mktemp("cflp"), time_limit_s=60, rel_gap=1e-6, threads=0)


def test_generator_follows_the_classic_recipe(inst):
    assert inst.n == 6 and inst.m == 15
    assert np.all((inst.d >= 5) & (inst.d <= 35)) and np.all(inst.d == np.round(inst.d))
    assert np.all(inst.s == np.round(inst.s)) and abs(inst.s.sum() - 3 * inst.d.sum()) <= inst.n / 2
    lo, hi = 100 * np.sqrt(inst.s), 90 + 110 * np.sqrt(inst.s)
    assert np.all((inst.f >= lo) & (inst.f <= hi))
    dist = np.linalg.norm(inst.sites[:, None, :] - inst.customers[None, :, :], axis=2)
    assert np.allclose(inst.c, 10 * dist)
    again = cflp.generate(*SPEC)  # fixed seed
    assert np.array_equal(again.c, inst.c) and np.array_equal(again.f, inst.f)


def test_textbook_equals_brute_force(inst, optimum):
    z, open_set = optimum
    tb = cflp.solve_textbook(inst, time_limit_s=60, rel_gap=1e-6, threads=0)
    assert tb["status"] == "optimal"
    assert tb["objective"] == pytest.approx(z, rel=1e-6)
    assert tb["open_sites"] == len(open_set)
    weak = cflp.solve_textbook(inst, time_limit_s=60, rel_gap=1e-6, threads=0, strong=False)
    assert weak["objective"] == pytest.approx(z, rel=1e-6)


def test_tokensite_equals_textbook_and_brute_force(inst, optimum, tokensite_run):
    z, _ = optimum
    ts = tokensite_run
    assert ts["status"] == "optimal"
    tb = cflp.solve_textbook(inst, time_limit_s=60, rel_gap=1e-6, threads=0)
    assert ts["objective"] == pytest.approx(tb["objective"], rel=1e-6)
    assert ts["objective"] == pytest.approx(z, rel=1e-6)
    assert ts["bound"] <= ts["objective"] * (1 + 1e-9)


def test_tokensite_plan_reads_as_the_cflp_plan(inst, optimum, tokensite_run):
    """The written plan (sites, flows, served) prices at the objective: the mapping is exact."""
    _, open_set = optimum
    ts = tokensite_run
    assert ts["unserved_units"] == pytest.approx(0.0, abs=1e-6)
    assert ts["plan_cost"] == pytest.approx(ts["objective"], rel=1e-6)
    assert ts["open_sites"] == len(open_set)
    assert ts["idle_open_sites"] == 0


def test_after_branch_and_bound_the_flows_and_prices_are_one_solution(inst, tokensite_run):
    """Branch and bound improves the rounded plan here, so the written plan comes from the MIP's
    incumbent while the prices come from the LP with its integers fixed (issue 9, numerics). They
    must be the same point: every flow from i to j is priced at c_ij plus i's capacity price (at
    least c_ij, exactly c_ij where i has capacity to spare), and no open site with spare capacity
    could serve a customer for less than its price."""
    ts = tokensite_run
    by = {p["name"]: p for p in ts["phases"]}
    assert by["duals"]["objective"] < by["complete_routes"]["objective"], "branch and bound found nothing better: this instance no longer exercises it"
    fl, price = ts["flows"], ts["token_price"]
    served = fl.sum(axis=1)
    spare = (served < inst.s - 1e-6) & (served > 1e-6)
    tol = 1e-6 * float(inst.c.max())
    for i, j in zip(*np.nonzero(fl > 1e-6)):
        assert price[j] >= inst.c[i, j] - tol
        if spare[i]:
            assert price[j] == pytest.approx(inst.c[i, j], abs=tol)
    for i in np.flatnonzero(spare):
        assert (price <= inst.c[i] + tol).all()


@pytest.mark.parametrize("factor", [1e-3, 1e3])
def test_money_scaled_gives_the_same_plan_and_no_false_optimum(inst, optimum, tokensite_run, tmp_path, factor):
    """Every cost x1e-3 or x1e3: the same sites, the objective scaled by exactly that factor, a bound
    never above the true optimum, and no HiGHS scaling warning (issue 9, numerics)."""
    import dataclasses

    z, open_set = optimum
    scaled = dataclasses.replace(inst, f=inst.f * factor, c=inst.c * factor, name=f"{inst.name}-x{factor:g}")
    ts = cflp.solve_tokensite(scaled, tmp_path, time_limit_s=60, rel_gap=1e-6, threads=0)
    assert ts["status"] == "optimal"
    assert ts["objective"] == pytest.approx(z * factor, rel=1e-6)
    assert ts["bound"] <= z * factor * (1 + 1e-9)
    assert ts["open_sites"] == len(open_set)
    assert not [w for w in ts["solver_warnings"] if "cost" in w.lower() or "scal" in w.lower()], ts["solver_warnings"]
