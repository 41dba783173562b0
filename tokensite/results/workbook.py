"""``plan.xlsx``: a planner's workbook (openpyxl through pandas).

The build schedule comes first: ``cash`` (calendar year: GW added, GPUs bought and the cash by category, the
years between planning years included), ``cash by category``, ``sites by year`` (every site built, MW by
planning year, largest first) and ``GPU purchases`` (GPUs bought by generation and year, and what they cost);
then each plan table of :func:`tokensite.results.plans.plan_tables`. Every sheet has human headers with their
unit, money in USD M, number formats with thousands separators by unit, a frozen header row and column widths
that fit their contents.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from tokensite.results.decision import build_and_cash, where_to_build
from tokensite.results.detail import cash_by_category
from tokensite.results.formatting import planner, unit_of
from tokensite.results.plans import plan_tables
from tokensite.results.results import Results

FORMATS = {"USD M": "#,##0.0", "GW": "#,##0.00", "MW": "#,##0.0", "M": "#,##0.00", "G tokens/s": "#,##0.00", "USD/Mtok": "#,##0.0000",
           "%": "0.0", "GPUs": "#,##0", "T": "#,##0.0", "USD M per MW-year": "#,##0.00", "USD bn per GW-year": "#,##0.0",
           "kWh/Mtok": "#,##0.0000", "M GPUs": "#,##0.00"}
"""Number format by the unit in a column's header; other numbers get #,##0.00 (whole numbers #,##0)."""
YEARS = {"year", "start_year", "planning year", "opens", "vintage", "calendar year"}
MAX_WIDTH = 48


def in_usd_m(df: pd.DataFrame) -> pd.DataFrame:
    """Columns in USD bn restated in USD M (a workbook shows money to 0.1 M with separators)."""
    cols = {c: c.replace("USD bn", "USD M") for c in df.columns if "USD bn" in c and "GW" not in c}
    return df.assign(**{c: df[c] * 1e3 for c in cols}).rename(columns=cols)


def gpu_purchases(res: Results) -> pd.DataFrame:
    """GPUs bought by generation and planning year, and the investment they are (cash.csv), most bought first."""
    c = res.cash
    g = c[c.category.str.startswith("gpus:")].assign(GPU=lambda d: d.category.str.removeprefix("gpus:"))
    out = g.groupby(["GPU", "year"], as_index=False).agg(bought=("quantity", "sum"), usd=("usd", "sum"))
    out = out.rename(columns={"year": "planning year", "bought": "GPUs bought (GPUs)", "usd": "investment (USD M)"})
    out["investment (USD M)"] *= 1e-6
    return out.sort_values(["planning year", "GPUs bought (GPUs)"], ascending=[True, False]).reset_index(drop=True)


def sheets(res: Results) -> dict[str, pd.DataFrame]:
    """Sheet name -> table with human headers in the workbook's units, build schedule first."""
    out: dict[str, pd.DataFrame] = {}
    if "cash" in res.frames:
        out["cash"] = in_usd_m(build_and_cash(res))
        out["cash by category"] = in_usd_m(cash_by_category(res))
    out["sites by year"] = where_to_build(res)
    if "cash" in res.frames:
        out["GPU purchases"] = gpu_purchases(res)
    for name, t in plan_tables(res).items():
        out[name] = in_usd_m(planner(t))
    return out


def _format(ws, frame: pd.DataFrame) -> None:
    """Number formats by unit, a bold wrapped header frozen in place, widths that fit."""
    ws.freeze_panes = "B2"
    for j, col in enumerate(frame.columns, start=1):
        letter = get_column_letter(j)
        head = ws.cell(row=1, column=j)
        head.font, head.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="bottom")
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        fmt = "0" if str(col) in YEARS else FORMATS.get(unit_of(str(col)))
        if numeric and fmt is None:
            fmt = "#,##0" if pd.api.types.is_integer_dtype(values) else "#,##0.00"
        widest = 0
        for i in range(2, len(frame) + 2):
            c = ws.cell(row=i, column=j)
            if numeric and fmt:
                c.number_format = fmt
            widest = max(widest, len(_shown(c.value, fmt if numeric else None)))
        ws.column_dimensions[letter].width = min(MAX_WIDTH, max(widest, min(len(str(col)), 18)) + 2)
    ws.row_dimensions[1].height = 15 * max(1, max((len(str(c)) // 16 + 1 for c in frame.columns), default=1))


def _shown(value: object, fmt: str | None) -> str:
    """How wide a cell looks: a number in its format's digits and separators, else its text."""
    if value is None:
        return ""
    if fmt and isinstance(value, (int, float)):
        decimals = len(fmt.split(".")[1]) if "." in fmt else 0
        return f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
    return str(value)


def write_workbook(res: Results, path: str | Path) -> Path:
    """Write ``plan.xlsx`` (module docstring)."""
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        for name, frame in sheets(res).items():
            frame.to_excel(xl, sheet_name=name[:31], index=False)
            _format(xl.sheets[name[:31]], frame)
    return Path(path)
