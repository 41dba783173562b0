"""The plan against published ranges (``calibration.csv`` of the results, when the dataset has one).

For each band of the dataset's ``calibration.csv`` (region, year, low_gw, high_gw, countries, source) in a
planning year, the plan's GW is the sum of the peak facility draw (``sites.csv`` ``peak_draw_mw``) of the
sites whose ``country`` is listed (every site when ``countries`` is blank), the measure ``data/calibration.py``
uses for ``tokensite/cases/world/CALIBRATION.md``. ``miss_gw`` is how far outside the band the plan lies (negative below,
positive above, 0 inside).
"""

from __future__ import annotations

import pandas as pd

from tokensite.units import MW_PER_GW

COLUMNS = ["region", "year", "model_gw", "low_gw", "high_gw", "inside", "miss_gw", "source"]


def calibration(sites: pd.DataFrame, bands: pd.DataFrame) -> pd.DataFrame:
    """One row per band whose year is a planning year of ``sites``, in the bands' order."""
    years = set(sites.year.astype(int))
    rows = []
    for b in bands.itertuples(index=False):
        if int(b.year) not in years:
            continue
        listed = str(b.countries).split(";") if isinstance(b.countries, str) and b.countries else None
        s = sites[(sites.year == int(b.year)) & (sites.country.isin(listed) if listed else True)]
        gw = float(s.peak_draw_mw.sum()) / MW_PER_GW
        miss = gw - b.high_gw if gw > b.high_gw else gw - b.low_gw if gw < b.low_gw else 0.0
        rows.append(dict(region=b.region, year=int(b.year), model_gw=gw, low_gw=float(b.low_gw), high_gw=float(b.high_gw),
                         inside=miss == 0.0, miss_gw=miss, source=b.source if isinstance(b.source, str) else ""))
    return pd.DataFrame(rows, columns=COLUMNS)
