"""Tables for people: planner units, human column names, HTML that fits the page.

A results frame's columns are named by unit (``capex_usd``, ``tokens_per_s``, ``facility_mw``);
:func:`planner` turns them into planner units with the unit in the header (``capex (USD bn)``,
``tokens (G tokens/s)``, ``GPUs (M)``), and :func:`html_table` writes a frame whose headers say their
unit, formatting each cell by it. Long tables show a screenful and keep the rest in a ``<details>``.
"""

from __future__ import annotations

import base64
import html
import math
from importlib.resources import files
from pathlib import Path

import pandas as pd

NAMES = {"tokens_per_s": "tokens (G tokens/s)", "usd": "amount (USD bn)", "usd_per_mtok": "cost (USD/Mtok)", "site_id": "site", "metro_id": "metro", "program_id": "program", "gpu": "GPU", "name": "name", "units_mean": "GPU units in use (mean)",
         "share_of_active_units": "share of active GPU units (%)", "mtok": "tokens a year (T)", "tokens_per_watt": "tokens per watt",
         "tokens_per_joule": "tokens per joule", "tokens_per_usd_capex": "tokens per USD of annual capex",
         "energy_kwh_per_mtok": "energy (kWh/Mtok)", "gpu_hours": "GPU-hours (M)", "discount_factor": "discount factor",
         "max_mw": "max (MW)", "peak_draw_mw": "peak draw (MW)", "gpus_active": "GPUs (M)", "slo_rtt_ms": "latency SLO (ms)"}
"""Column -> header where the rules of :func:`header` do not say it well."""
SCALE = {"USD bn": 1e-9, "G tokens/s": 1e-9, "M": 1e-6, "T": 1e-6, "%": 100.0, "USD bn per GW-year": 1e-9, "USD M per MW-year": 1e-6}
"""A header's unit -> the factor :func:`planner` multiplies the column's values by."""
SUFFIXES = (("_usd_per_mtok", "USD/Mtok"), ("_usd_per_gw_year", "USD bn per GW-year"), ("_usd_per_mw_year", "USD M per MW-year"),
            ("_usd", "USD bn"), ("tokens_per_s", "G tokens/s"), ("_mw", "MW"), ("_gw", "GW"), ("_mw_year", "MW"))


def header(column: str) -> str:
    """A human header with its unit: ``capex_usd`` -> ``capex (USD bn)``."""
    if column in NAMES:
        return NAMES[column]
    for suffix, unit in SUFFIXES:
        if column.endswith(suffix) or column == suffix.lstrip("_"):
            return f"{column.removesuffix(suffix).replace('_', ' ') or 'amount'} ({unit})"
    if column.startswith("share") or column.startswith("util"):
        return f"{column.replace('_', ' ')} (%)"
    return column.replace("_", " ")


def unit_of(head: str) -> str:
    """The unit in a header's last parentheses ("" if none)."""
    return head[head.rindex("(") + 1:-1] if head.endswith(")") and "(" in head else ""


def planner(df: pd.DataFrame) -> pd.DataFrame:
    """The frame with human headers and each numeric column in its planner unit (USD bn, G tokens/s, M, %)."""
    out = df.rename(columns={c: header(c) for c in df.columns})
    for c in out.columns:
        factor = SCALE.get(unit_of(c))
        if factor and pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            out[c] = out[c] * factor
    return out


def usd(v: float | None) -> str:
    """Money in running text: USD 1,234; USD 12.3 M; USD 4.56 bn; USD 1,312 bn."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    a = abs(v)
    if a >= 1e11:
        return f"USD {v / 1e9:,.0f} bn"
    if a >= 1e9:
        return f"USD {v / 1e9:,.2f} bn"
    if a >= 1e6:
        return f"USD {v / 1e6:,.1f} M"
    return f"USD {v:,.0f}"


def number(x: float) -> str:
    """A number with thousands separators and about three significant digits (no scientific notation)."""
    x = float(x) + 0.0
    a = abs(x)
    if a >= 100 or x == int(x):
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.1f}" if a >= 10 else f"{x:,.2f}"
    digits = 3 if a == 0 else min(9, 2 - math.floor(math.log10(a)))
    text = f"{x:.{digits}f}"
    return text.rstrip("0") if digits > 4 else text  # 0.000001, not 0.00000100


YEAR_COLUMNS = {"year", "start_year", "planning_year", "planning year", "vintage", "opens", "calendar year"}


def category_name(category: str) -> str:
    """A cost category for people: ``gpus:H100`` -> ``GPUs H100``, ``energy:firm`` -> ``energy (firm)``."""
    head, _, tail = category.partition(":")
    return f"GPUs {tail}" if head == "gpus" else f"{head} ({tail})" if tail else category


def cell(column: str, v: object) -> str:
    """One table cell, formatted by what its column holds (named by unit, code name or human header)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if isinstance(v, (str, bool)) or column in YEAR_COLUMNS:
        return html.escape(str(v)).replace(";", ";<wbr>")
    if column.endswith("_usd") or column == "usd":
        return usd(float(v) + 0.0)
    if unit_of(column) == "%":
        return number(float(v))
    if column.startswith("share") or column.startswith("util"):
        return f"{100 * float(v):,.1f} %"
    if column.endswith("_mw") or unit_of(column) == "MW":
        return "0" if float(v) == 0 else f"{float(v) + 0.0:,.1f}" if abs(float(v)) < 100 else f"{float(v):,.0f}"
    return number(float(v))


def _td(column: str, v: object) -> str:
    text = isinstance(v, str) and column not in YEAR_COLUMNS
    return f"<td class=t>{cell(column, v)}</td>" if text else f"<td>{cell(column, v)}</td>"


def _rows(d: pd.DataFrame, names: list[str], classes: pd.Series | None) -> str:
    out = []
    for i, r in enumerate(d.itertuples(index=False)):
        cls = f" class='{classes.iloc[i]}'" if classes is not None and classes.iloc[i] else ""
        out.append(f"<tr{cls}>" + "".join(_td(c, v) for c, v in zip(names, r)) + "</tr>")
    return "".join(out)


def _th(c: str, text: set[str], attrs: str = "") -> str:
    return f"<th{attrs}{' class=t' if c in text else ''}>{html.escape(c)}</th>"


def _head(columns: list[str], group_units: bool, text: set[str]) -> str:
    """One header row; with ``group_units``, runs of two or more columns in the same unit share a spanning
    header with the unit, and each keeps its own name below it. Text columns (``text``) are left-aligned."""
    units = [unit_of(c) if group_units else "" for c in columns]
    runs, i = [], 0
    while i < len(columns):
        j = i
        while j + 1 < len(columns) and units[j + 1] and units[j + 1] == units[i]:
            j += 1
        runs.append((i, j))
        i = j + 1
    if not any(j > i for i, j in runs):
        return "<thead><tr>" + "".join(_th(c, text) for c in columns) + "</tr></thead>"
    top, low = [], []
    for i, j in runs:
        if j > i:
            top.append(f"<th colspan={j - i + 1} class=group>{html.escape(units[i])}</th>")
            low += [f"<th>{html.escape(c[:c.rindex('(')].strip())}</th>" for c in columns[i:j + 1]]
        else:
            top.append(_th(columns[i], text, " rowspan=2"))
    return f"<thead><tr>{''.join(top)}</tr><tr>{''.join(low)}</tr></thead>"


def html_table(df: pd.DataFrame, max_rows: int = 200, shown: int | None = None, row_class: pd.Series | None = None,
               group_units: bool = False) -> str:
    """``df`` as an HTML table, each cell formatted by its column. With ``shown``, a longer table shows its first
    ``shown`` rows and keeps all of them (up to 2,000) in a ``<details>`` below; other tables stop at ``max_rows``
    rows, the rest staying in the CSV. ``group_units``: columns in one unit share a spanning header (:func:`_head`)."""
    limit = 2000 if shown is not None else max_rows
    more = f"<p class='note'>{len(df) - limit:,} more rows in the CSV.</p>" if len(df) > limit else ""
    d = df.head(limit).reset_index(drop=True)
    names = [str(c) for c in d.columns]
    rc = row_class.reset_index(drop=True).head(limit) if row_class is not None else None
    text = {n for n, c in zip(names, d.columns) if n not in YEAR_COLUMNS and d[c].map(lambda v: isinstance(v, str)).any()}
    head = _head(names, group_units, text)
    if shown is None or len(d) <= shown:
        return f"<table>{head}<tbody>{_rows(d, names, rc)}</tbody></table>{more}"
    first = f"<table>{head}<tbody>{_rows(d.head(shown), names, rc)}</tbody></table>"
    return (f"{first}<details><summary>Show all {len(d):,} rows</summary><table>{head}<tbody>{_rows(d, names, rc)}</tbody></table>"
            f"</details>{more}")


def largest_first(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Rows sorted by ``column``, largest first."""
    return df.sort_values(column, ascending=False, kind="stable").reset_index(drop=True)


def img_tag(path: Path) -> str:
    """The PNG embedded in the page, so a report is one file that can be mailed."""
    return f"<img alt='{path.stem}' src='data:image/png;base64,{base64.b64encode(path.read_bytes()).decode()}'>"


def static_text(name: str) -> str:
    """A file of ``tokensite/static`` (the report's stylesheet and template)."""
    return (files("tokensite") / "static" / name).read_text()


CSS = static_text("report.css")
