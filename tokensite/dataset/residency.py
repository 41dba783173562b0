"""Residency: which sites may serve which demand, per layer (layers.csv ``residency``).

A layer's residency is one of :data:`RESIDENCY`. Under ``none`` any site may serve any metro's
demand (within the layer's SLO). Under ``market``, ``jurisdiction`` or ``country`` the demand of a
metro may be served only from sites in the same group: the column of that name of regions.csv and
of metros.csv (a blank ``market`` is the row's ``country``). The same groups pool a pooled layer's
demand: per market, per jurisdiction, per country, or worldwide (:data:`WORLD`) under ``none``
(docs/formulation.md, "Index sets" and family 1).

The groupings need not nest: a jurisdiction such as the EU holds many countries, and a market may
join countries of several jurisdictions, so each is its own rule.
"""

from __future__ import annotations

import pandas as pd

RESIDENCY = ("none", "market", "jurisdiction", "country")
"""The words layers.csv ``residency`` accepts."""
WORLD = "*"
"""The one group of a layer without residency."""
GROUPED = RESIDENCY[1:]
"""The residency words that split the world into groups (each a column of regions.csv and metros.csv)."""


def groups(frame: pd.DataFrame, residency: str) -> pd.Series:
    """Each row's group under ``residency`` (rows of regions.csv or metros.csv): its market
    (blank = its country), jurisdiction or country; :data:`WORLD` under ``none``."""
    if residency == "none":
        return pd.Series(WORLD, index=frame.index, dtype=object)
    if residency == "market":
        return (frame.market.fillna(frame.country) if "market" in frame else frame.country).astype(str)
    return frame[residency].astype(str)


def group_by_id(frame: pd.DataFrame, key: str, residency: str) -> dict[str, str]:
    """{id (``key`` column): its group under ``residency``}."""
    return dict(zip(frame[key], groups(frame, residency)))


def groups_by_id(frame: pd.DataFrame, key: str) -> dict[str, dict[str, str]]:
    """{residency word: {id: its group}} for every word of :data:`RESIDENCY`."""
    return {res: group_by_id(frame, key, res) for res in RESIDENCY}

