"""plan.xlsx is a planner's workbook (tokensite/results/workbook.py), read back with openpyxl: the build schedule
sheets first (cash by calendar year, sites by year, GPU purchases), units in every header, number formats with
thousands separators, a frozen header row and column widths that fit."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from tests.test_cash import FINANCE, YEARS, _case
from tests.tiny import solve_tiny
from tokensite.results.report import write_outputs


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("workbook")
    res = solve_tiny(tmp / "solve", _case(), years=YEARS, rate=0.08, extra=FINANCE)
    return res.to_dir(tmp / "out", extras=write_outputs)


def _rows(ws) -> list[dict]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_the_build_schedule_comes_first(folder):
    wb = load_workbook(folder / "plan.xlsx")
    assert wb.sheetnames[:4] == ["cash", "cash by category", "sites by year", "GPU purchases"]
    assert {"token_economics", "gpu_hours", "plan"} <= set(wb.sheetnames)
    cash = _rows(wb["cash"])
    assert [r["calendar year"] for r in cash] == ["2026", "2027", "2028", "2029", "2030", "total"]
    assert cash[1]["investment (USD M)"] == 0 and cash[1]["opex (USD M)"] > 0  # 2027 pays opex only
    assert cash[0]["investment (USD M)"] == pytest.approx(1.103)  # 1 GPU, 0.001 MW of hall, the site and its tranche
    sites = _rows(wb["sites by year"])
    assert sites[0]["site"] == "Site A" and sites[0]["opens"] == 2026 and sites[0]["2030 (MW)"] == pytest.approx(0.006)
    gpus = _rows(wb["GPU purchases"])
    assert [(r["planning year"], r["GPUs bought (GPUs)"]) for r in gpus] == [(2026, 1), (2028, 2), (2030, 4)]


def test_every_sheet_has_units_formats_a_frozen_header_and_widths(folder):
    wb = load_workbook(folder / "plan.xlsx")
    for ws in wb.worksheets:
        assert ws.freeze_panes == "B2", ws.title
        assert all(ws.column_dimensions[c.column_letter].width and ws.column_dimensions[c.column_letter].width >= 5 for c in ws[1]), ws.title
        assert ws[1][0].font.bold
    cash = wb["cash"]
    head = [c.value for c in cash[1]]
    assert "cash (USD M)" in head and "facility added (GW)" in head
    money = cash.cell(row=2, column=head.index("cash (USD M)") + 1)
    assert money.number_format == "#,##0.0"
    assert wb["GPU purchases"].cell(row=2, column=3).number_format == "#,##0"
    assert wb["GPU purchases"].cell(row=2, column=2).number_format == "0"  # a year has no thousands separator
    te = [c.value for c in wb["token_economics"][1]]
    assert "cost (USD/Mtok)" in te and "tokens (G tokens/s)" in te and "cost_usd_per_mtok" not in te
    widths = {c.value: wb["sites by year"].column_dimensions[c.column_letter].width for c in wb["sites by year"][1]}
    assert widths["site"] >= len("Site A")
