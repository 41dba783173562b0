"""Model vs published: the calibration of the world dataset (``tokensite/cases/world/CALIBRATION.md``).

``python data/build_world.py --calibrate RESULTS_DIR [--what-if WHATIF_DIR]`` writes the file from a
solved world plan (and, optionally, the power-price what-if's plan); ``tests/test_world_calibration.py``
checks the bands on a fresh solve. The published figures are read from ``data/reference`` through the
builder's own functions, so the figures the world was built on and checked against are the same.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from tokensite import load_case
from tokensite.model.periods import token_value_by_year
from tokensite.results.plans import share_among_layers

sys.path.insert(0, str(Path(__file__).resolve().parent))
from world_builder.loader import load_reference, ref_row  # noqa: E402
from world_builder.metros import market_of  # noqa: E402
from world_builder.power_path import IEA_REGIONS, ai_shares, geometric, region_of, world_band_gw  # noqa: E402
from world_builder.tokens import INFERENCE_LAYERS, UNDISCLOSED_FACTOR, disclosed_2026, trajectory  # noqa: E402

REF = Path(__file__).resolve().parent / "reference"
WORLD = Path(__file__).resolve().parent.parent / "tokensite" / "cases" / "world"

HOURS_PER_YEAR = 8760.0
SECONDS_PER_YEAR = HOURS_PER_YEAR * 3600
US_EPRI_2025_GW = 5.0  # EPRI & Epoch AI: "around 5 GW" of US AI power today (2025)
US_EPRI_2030_GW = 50.0  # EPRI & Epoch AI: "could exceed 50 GW" (lower bound)
COST_ANCHORS = "NVIDIA serving cost of DeepSeek-R1: 0.12 USD/Mtok on GB300 NVL72, 4.2 on HGX H200 (token_prices.csv, NVIDIA-TCO-2026)"


@dataclass(frozen=True)
class Band:
    """A published range of AI data-centre capacity (GW) for a region and year."""

    region: str
    year: int
    low_gw: float
    high_gw: float
    source: str


def world_ai_shares(world: Path = WORLD) -> dict[str, float]:
    """Each region's AI share (power_path.ai_shares) from a world dataset folder's installed base."""
    return ai_shares(*(pd.read_csv(world / f"{n}.csv") for n in ("installed", "regions", "gpus")))


def bands(years: list[int], world: Path = WORLD) -> list[Band]:
    """World: JLL-derived path (low) to McKinsey path (high). US: EPRI/Epoch path 5 -> 50 GW
    (low) to the McKinsey path x the US AI share (high). Other regions: the world band x their AI
    share, the share of the end-2025 installed base's facility MW (Epoch's counts, power_path.ai_shares),
    not the IEA share of all data-centre electricity: AI stands where the GPUs are."""
    ref = load_reference(REF)
    shares = world_ai_shares(world)
    out = []
    for y in years:
        low, _, high = world_band_gw(ref, y)
        out.append(Band("World", y, low, high, "JLL-GDCO-2026 (low); MCK-COMPUTE-2025 (high)"))
        for region in IEA_REGIONS:
            share = shares[region]
            if region == "United States":
                us_low = geometric(y, 2025, US_EPRI_2025_GW, 2030, US_EPRI_2030_GW)
                out.append(Band(region, y, us_low, high * share,
                                f"EPRI-EPOCH-2025 (low); MCK-COMPUTE-2025 x US AI share {share:.1%} (high)"))
            else:
                out.append(Band(region, y, low * share, high * share, f"world band x AI share {share:.1%} (installed.csv)"))
    return out


def bands_frame(years: list[int], countries: list[str], world: Path = WORLD) -> pd.DataFrame:
    """The bands as the dataset's optional ``calibration.csv`` (docs/data-format.md), which the report compares
    the plan with: region, year, low_gw, high_gw, countries (the codes of ``countries``, regions.csv's, that the
    region holds, joined by ';'; blank for World, every site), source."""
    held = {r: ";".join(sorted(c for c in set(countries) if region_of(c) == r)) for r in IEA_REGIONS}
    rows = [dict(region=b.region, year=b.year, low_gw=round(b.low_gw, 3), high_gw=round(b.high_gw, 3),
                 countries="" if b.region == "World" else held[b.region], source=b.source) for b in bands(years, world)]
    return pd.DataFrame(rows, columns=["region", "year", "low_gw", "high_gw", "countries", "source"])


def model_by_region(sites: pd.DataFrame, allocation: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """GW (sum of site peak draws) and TWh (mean draw x 8,760 h) by IEA region and year, world included."""
    region_of_site = regions.set_index("site_id").country.map(region_of)
    s = sites.assign(region=sites.site_id.map(region_of_site))
    a = allocation.assign(region=allocation.site_id.map(region_of_site))
    gw = s.groupby(["region", "year"]).peak_draw_mw.sum() / 1000.0
    twh = a.groupby(["region", "year"]).draw_mw.sum() * HOURS_PER_YEAR / 1e6
    by_region = pd.DataFrame({"gw": gw, "twh": twh}).fillna(0.0).reset_index()
    world = by_region.groupby("year")[["gw", "twh"]].sum().reset_index().assign(region="World")
    return pd.concat([world, by_region], ignore_index=True)


def band_table(model: pd.DataFrame, years: list[int], world: Path = WORLD) -> pd.DataFrame:
    rows = []
    for b in bands(years, world):
        hit = model[(model.region == b.region) & (model.year == b.year)]
        gw = float(hit.gw.iloc[0]) if len(hit) else 0.0
        twh = float(hit.twh.iloc[0]) if len(hit) else 0.0
        miss = "" if b.low_gw <= gw <= b.high_gw else f"{gw - (b.low_gw if gw < b.low_gw else b.high_gw):+,.1f} GW"
        rows.append(dict(region=b.region, year=b.year, model_gw=gw, low_gw=b.low_gw, high_gw=b.high_gw,
                         inside=b.low_gw <= gw <= b.high_gw, miss=miss, model_twh=twh, source=b.source))
    return pd.DataFrame(rows)


def revenue_band_usd() -> tuple[float, float, str]:
    """World LLM revenue 2026 from Anthropic's figures and its share of the market (ai_revenue.csv):
    low = its 2026-Q1 revenue x 4 / its Q1 share; high = its mid-2026 run-rate / the same share."""
    ref = load_reference(REF)
    r = ref.ai_revenue
    q1 = ref_row(r, entity="Anthropic", metric="quarterly revenue")
    share = ref_row(r, entity="Anthropic", metric="share of global LLM market revenue")
    mid = ref_row(r, entity="Anthropic", metric="annualised revenue run-rate (approx.)")
    low, high = q1.value_usd * 4 / share.value_usd, mid.value_usd / share.value_usd
    return low, high, f"{q1.ref_id} x 4 / {share.ref_id} (low); {mid.ref_id} / {share.ref_id} (high)"


def tokens_section(res: dict[str, pd.DataFrame], data_dir: Path) -> list[str]:
    ref = load_reference(REF)
    d = disclosed_2026(ref)
    disclosed = sum(v.value for v in d.values())
    demand = pd.read_csv(data_dir / "demand.csv")
    inf = demand[demand.layer.isin(INFERENCE_LAYERS)].groupby("year").tokens_per_s.sum()
    served = res["served"][res["served"].layer.isin(INFERENCE_LAYERS)].groupby("year").served_tokens_per_s.sum()
    rows = [dict(disclosure=k, tokens_per_s=v.value, source=v.source) for k, v in d.items()]
    frames = {n: pd.read_csv(data_dir / f"{n}.csv") for n in ("gpus", "throughput", "layers")}
    traj = pd.DataFrame([vars(s) for s in trajectory(ref, frames["gpus"], frames["throughput"], frames["layers"])])
    planned = res["served"][res["served"].layer.isin(INFERENCE_LAYERS)].groupby("year").demand_tokens_per_s.sum()
    t = pd.DataFrame(dict(year=inf.index, demand_tokens_per_s=inf.values))
    t["planning_year_demand_tokens_per_s"] = t.year.map(planned)
    t["served_tokens_per_s"] = t.year.map(served)
    t["growth_vs_previous_year"] = (t.demand_tokens_per_s / t.demand_tokens_per_s.shift()).map(lambda v: f"x{v:.2f}" if v == v else "")
    t = t.merge(traj[["year", "ceiling_tokens_per_s", "reason"]], on="year", how="left")
    ratio = inf[2026] / disclosed
    return ["## Tokens (total input + output tokens per second)", "",
            _md(pd.DataFrame(rows)), "",
            f"Disclosed total {disclosed:,.3g} tokens/s. Inference demand 2026 (batch, interactive, agentic, edge; on-device "
            f"excluded): {inf[2026]:,.3g} tokens/s = **{ratio:.2f}x** the disclosed total (band 1-5x): China's national figure "
            f"as published, the rest x {UNDISCLOSED_FACTOR.value:g} (undisclosed share, data/world_builder/tokens.py).", "",
            f"Trajectory used (demand.csv, calendar years), the demand each planning year serves (world.toml's period_demand "
            f"= \"{_period_demand(data_dir)}\": \"first\" serves a planning year's own calendar year, \"mean\" the mean of "
            "the calendar years it stands for) and served (the plan; planning years only):", "", _md(t), ""]


def calendar_revenue_usd(res: dict[str, pd.DataFrame], data_dir: Path, year: int) -> float:
    """Revenue of calendar year ``year``'s served inference tokens: each metro and layer's served share in the
    planning year that stands for it (a pooled layer's, whose served.csv rows name a group, the layer's), times
    demand.csv's tokens of that calendar year, times its token_values.csv value. A planning year's own revenue is its period's mean; the published revenue is a calendar year's."""
    served = res["served"]
    planning = max(y for y in served.year.unique() if y <= year)
    sv = served[(served.year == planning) & served.layer.isin(INFERENCE_LAYERS)]
    share = (sv.served_tokens_per_s / sv.demand_tokens_per_s.where(sv.demand_tokens_per_s > 0)).fillna(0.0)
    share.index = pd.MultiIndex.from_arrays([sv.metro_id, sv.layer])
    demand = pd.read_csv(data_dir / "demand.csv")
    d = demand[(demand.year == year) & demand.layer.isin(INFERENCE_LAYERS)]
    value = token_value_by_year(pd.read_csv(data_dir / "layers.csv"), pd.read_csv(data_dir / "token_values.csv"), [year])
    layer = sv.groupby("layer").served_tokens_per_s.sum() / sv.groupby("layer").demand_tokens_per_s.sum()  # pooled rows name a group
    got = [share.get((m, l), layer.get(l, 0.0)) * t * value[(l, year)] for m, l, t in zip(d.metro_id, d.layer, d.tokens_per_s)]
    return float(sum(got)) * SECONDS_PER_YEAR / 1e6


def _period_demand(data_dir: Path) -> str:
    return load_case(data_dir.parent / "world.toml").period_demand


def _growth(data_dir: Path, year: int) -> float:
    demand = pd.read_csv(data_dir / "demand.csv")
    inf = demand[demand.layer.isin(INFERENCE_LAYERS)].groupby("year").tokens_per_s.sum()
    return float(inf[year + 1] / inf[year])


def installed_capital_usd(res: dict[str, pd.DataFrame], data_dir: Path, rate: float = 0.08) -> pd.DataFrame:
    """The installed base's capital charge by layer and year: each installed unit kept (vintage before
    the first planning year) at its generation's price x the capital recovery factor of its life,
    shared among the layers that use that generation at the site by their units, as token_economics shares a
    generation's GPU cost (a generation idle there by the site's units). Sunk for the plan, it is a cost of
    the tokens those units make."""
    fleet, alloc = res["fleet"], res["allocation"]
    gpus = pd.read_csv(data_dir / "gpus.csv").set_index("gpu")
    first = int(fleet.year.min())
    inst = fleet[(fleet.vintage < first) & (fleet.units_active > 0)].copy()
    life = inst.gpu.map(gpus.lifetime_years)
    crf = rate / (1 - (1 + rate) ** -life)
    inst["usd"] = inst.units_active * inst.gpu.map(gpus.gpus_per_unit) * inst.gpu.map(gpus.capex_usd_per_gpu) * crf
    site, gen = ["site_id", "year"], ["site_id", "year", "gpu"]
    by_gen = share_among_layers(inst.groupby(gen, as_index=False).usd.sum(), alloc, gen, "units_mean")
    idle = by_gen[by_gen.layer.isna()].groupby(site, as_index=False).usd.sum()
    shared = pd.concat([by_gen, share_among_layers(idle, alloc, site, "units_mean")]).dropna(subset=["layer"])
    return shared.groupby(["layer", "year"], as_index=False).cost_usd.sum().rename(columns={"cost_usd": "usd"})


def misses_section(res: dict[str, pd.DataFrame], data_dir: Path, power: pd.DataFrame) -> list[str]:
    """Why the plan's power stands where it does against the bands, in the plan's own numbers."""
    regions, metros = pd.read_csv(data_dir / "regions.csv"), pd.read_csv(data_dir / "metros.csv")
    market = metros.set_index("metro_id").market
    served = res["served"].assign(market=res["served"].metro_id.map(market).fillna(res["served"].metro_id.str.removeprefix("pool:")))
    cn = served[(served.market == "CN") & served.layer.isin(["interactive", "agentic"])].groupby("year")[
        ["demand_tokens_per_s", "served_tokens_per_s"]].sum()
    cn_share = (cn.served_tokens_per_s / cn.demand_tokens_per_s).map(lambda v: f"{v:.0%}")
    y0 = int(served.year.min())
    first = served[served.year == y0].groupby("layer")[["demand_tokens_per_s", "served_tokens_per_s"]].sum()
    first_share = ", ".join(f"{l} {v:.0%}" for l, v in (first.served_tokens_per_s / first.demand_tokens_per_s).items())
    demand = pd.read_csv(data_dir / "demand.csv")
    d0 = demand[(demand.layer == "agentic") & (demand.year == y0)]
    agentic_2026 = d0.tokens_per_s.groupby(d0.metro_id.map(market)).sum()
    a0 = served[(served.layer == "agentic") & (served.year == y0)]
    agentic_served = a0.served_tokens_per_s.groupby(a0.market).sum()
    values = res.get("token_values")
    agentic_value = float(values[(values.layer == "agentic") & (values.year == y0)].value_usd_per_mtok.iloc[0]) if values is not None else float("nan")
    fleet = res["fleet"]
    bought_2026 = float((fleet[fleet.year == y0].units_bought * fleet[fleet.year == y0].gpu.map(
        pd.read_csv(data_dir / "gpus.csv").set_index("gpu").gpus_per_unit)).sum()) / 1e6
    w = power[power.region == "World"].set_index("year")
    china = power[power.region == "China"].set_index("year")
    europe = power[power.region == "Europe"].set_index("year")
    europe_installed = float(regions[regions.country.map(region_of) == "Europe"].existing_facility_mw.sum()) / 1000
    site_country = regions.set_index("site_id").country
    alloc = res["allocation"].assign(region=res["allocation"].site_id.map(site_country).map(region_of))
    last = int(alloc.year.max())
    row = alloc[(alloc.region == "Rest of world") & (alloc.year == last)]
    row_layers = (row.groupby("layer").draw_mw.sum() / 1000).sort_values(ascending=False)
    row_countries = (row.groupby(row.site_id.map(site_country)).draw_mw.sum() / 1000).sort_values(ascending=False)
    band = lambda t, y: f"{t.model_gw.get(y, 0):.1f} GW against {t.low_gw.get(y, 0):.1f}-{t.high_gw.get(y, 0):.1f}"  # noqa: E731
    inside = ", ".join(f"{y}: {band(w, y)}" + ("" if w.inside.get(y) else f" ({w.miss.get(y)})") for y in w.index)
    return ["## Where the plan's power stands", "",
            f"* **World ({inside}).** Gigawatts are an output: the tokens of the trajectory above, served where cost "
            "decides, at the curves' field throughput. Three choices put it there, each stated in SOURCES.md: the planning "
            "year serves the mean demand of the calendar years it stands for (world.toml `period_demand = \"mean\"`: "
            "2026-27's tokens grow 5.6x, and with `first` the plan served 2026's rate through 2027, bought 1.1 M packages "
            "over 2026-27 against 15 M shipped and drew 24.0 GW in 2026); post-training is split by where the installed "
            "base stands, not by the IEA's shares of all data-centre electricity (with those, China's post-training was 3x "
            "what its chips can make, and the world drew 92 GW in 2030); and post-training is worth what a B200-hour "
            "earns on batch in its year, software gains included (without them it fell to 0.057 USD/Mtok in 2030, near "
            "its cost, and a sixth went unserved).",
            f"* **2026 served {first_share} of the planning year's demand** (the mean of 2026 and 2027). Agentic tokens "
            "served against calendar 2026's rate: "
            + ", ".join(f"{k} {agentic_served[k] / 1e9:.2f} G of {agentic_2026[k] / 1e9:.2f} G tokens/s" for k in agentic_2026.index)
            + f". At the period's demand-weighted value ({agentic_value:.3f} USD/Mtok) a GPU-hour of the installed base "
            "earns more on interactive and post-training than on frontier reasoning at 75 tokens/s per user, and GPUs "
            "bought in 2026 cost more per agentic token than it is worth (the plan buys "
            f"{bought_2026:.1f} M packages in 2026 where it could buy more: purchases table below): agentic is the layer "
            "with the thinnest margin in this world. From 2028, on Rubin at that year's software, the US-aligned "
            "market's agentic tokens are all served.",
            f"* **China ({band(china, last)} in {last}).** China's interactive and agentic tokens served: "
            + ", ".join(f"{y} {v}" for y, v in cn_share.items()) + ". China buys only Ascend and H20 (export rules); "
            "Ascend's supply (0.6 M 910C in 2026, Bloomberg; 1 M a year after, an estimate: no published volume) is "
            "bought whole in 2026 and 2028, and at the world's one value per layer and year an Ascend token costs more "
            "than it earns once values fall, so China's frontier programs and most of its post-training are not hosted. "
            "China's published tokens (token_volumes.csv#26) need 3-4x the accelerators Epoch counts there even at "
            "benchmark throughput; Huawei's later Ascend generations (950/960/970, export_controls.csv) have no published "
            "price, power or volume to model them with.",
            f"* **Rest of world ({last}: {row_layers.sum():.1f} GW against a band of 2.0 % of the world's).** The "
            "US-aligned market's post-training and batch go where power and facilities are cheapest: "
            + ", ".join(f"{l} {v:.1f} GW" for l, v in row_layers.head(3).items()) + "; by country "
            + ", ".join(f"{c} {v:.1f}" for c, v in row_countries.head(5).items()) + " GW. The band holds the region to its "
            "share of the installed base; the plan builds the Gulf's, Canada's and Mexico's cheap power, as the announced "
            "campuses there (Stargate UAE, Humain, the Alberta and Quebec pipelines) intend. Asia Pacific's small overshoot "
            "is the same: Johor and Chennai.",
            f"* **Europe ({band(europe, y0)} in {y0}).** Europe's installed base stands for {europe_installed:.1f} GW of "
            f"facility; the plan adds {europe.model_gw.get(y0, 0) - europe_installed:+.1f} GW for its own interactive, "
            "agentic and edge tokens (served within the market, near their users) and sends its share of batch and "
            "post-training, which may go anywhere in the US-aligned market, to cheaper power in North America and the "
            "Gulf. Inside its band in: " + (", ".join(str(y) for y in europe.index if europe.inside.get(y)) or "no year") + ".",
            ""]


def money_section(res: dict[str, pd.DataFrame], data_dir: Path) -> list[str]:
    te = res["token_economics"]
    low, high, src = revenue_band_usd()
    inf = te[te.layer.isin(INFERENCE_LAYERS)]
    plan26 = float(inf[inf.year == 2026].revenue_usd.sum())
    rev26 = calendar_revenue_usd(res, data_dir, 2026)
    cap = installed_capital_usd(res, data_dir)
    m = te.merge(cap, on=["layer", "year"], how="left").fillna({"usd": 0.0})
    m["cost_usd_per_mtok"] = m.cost_usd_per_mtok + m.usd / m.mtok
    m["margin"] = 1 - m.cost_usd_per_mtok / m.value_usd_per_mtok
    te = m
    margin = m.pivot(index="layer", columns="year", values="margin").map(lambda v: f"{v:.0%}")
    cost = te.pivot(index="layer", columns="year", values="cost_usd_per_mtok").map(lambda v: f"{v:.3f}")
    value = te.pivot(index="layer", columns="year", values="value_usd_per_mtok").map(lambda v: f"{v:.3f}")
    inside = low <= rev26 <= high
    return ["## Money", "",
            f"Revenue of served inference tokens 2026: **{rev26 / 1e9:,.1f} bn USD** against a band of {low / 1e9:,.1f}-"
            f"{high / 1e9:,.1f} bn USD ({'inside' if inside else 'OUTSIDE'}): world LLM revenue from {src} (ai_revenue.csv). "
            "Calendar 2026: each metro and layer's served share in planning year 2026 x demand.csv's 2026 tokens x the 2026 "
            f"value; the planning year's own revenue is {plan26 / 1e9:,.1f} bn USD a year (the same figure unless period_demand "
            f"is \"mean\", when it is the mean of 2026 and 2027, whose tokens are x{_growth(data_dir, 2026):.1f}).", "",
            "Margin (value - cost) / value by layer and year (band -50 % to +80 %); cost = the plan's capex and opex "
            "(token_economics.csv) + the installed base's capital charge (the end-2025 GPUs at their price x the capital "
            "recovery factor of their life, 8 %: sunk for the plan, a cost of the tokens they make):", "", _md(margin.reset_index()), "",
            "Cost per million tokens by layer (USD/Mtok, the same cost), against " + COST_ANCHORS + " (benchmark runs; this "
            "world's throughput is the curves' x the field factor 0.286, SOURCES.md):", "", _md(cost.reset_index()), "",
            "Value per million tokens by layer (USD/Mtok, token_values.csv):", "", _md(value.reset_index()), ""]


def hardware_section(res: dict[str, pd.DataFrame], data_dir: Path) -> list[str]:
    fleet, regions = res["fleet"], pd.read_csv(data_dir / "regions.csv")
    gpus = pd.read_csv(data_dir / "gpus.csv").set_index("gpu")
    active = fleet.groupby(["year", "gpu"]).gpus_active.sum().unstack(fill_value=0) / 1e6
    bought = fleet.groupby(["year", "gpu"]).units_bought.sum().unstack(fill_value=0)
    supply = pd.read_csv(data_dir / "gpu_supply.csv")
    world = supply[supply.market.isna()]
    years = sorted(fleet.year.unique())
    rows = []
    for y in years:
        nxt = next((z for z in years if z > y), y + 1)
        for g in bought.columns:
            cap = 0.0
            for c in range(y, nxt):
                r = world[(world.gpu == g) & (world.year <= c)]
                cap += float(r.sort_values("year").units_max.iloc[-1]) if len(r) else float("inf")
            b = float(bought.loc[y, g]) if y in bought.index else 0.0
            rows.append(dict(year=y, gpu=g, bought_packages_m=b * gpus.gpus_per_unit[g] / 1e6,
                             supply_packages_m=cap * gpus.gpus_per_unit[g] / 1e6, within=b <= cap + 1e-6))
    access = pd.read_csv(data_dir / "gpu_access.csv")
    banned = access[access.access == "banned"]
    country = regions.set_index("site_id").country
    f = fleet.assign(country=fleet.site_id.map(country))
    bad = f.merge(banned, left_on=["gpu", "country"], right_on=["gpu", "country"])
    bad = bad[(bad.units_bought > 0) & (bad.year >= bad.from_year) & (bad.to_year.isna() | (bad.year <= bad.to_year))]
    gens = (active.loc[2026] > 0).sum() if 2026 in active.index else 0
    return ["## Hardware (packages: a Blackwell or Rubin package holds two dies)", "",
            f"Active in 2026: **{gens} generations** (M GPUs):", "", _md(active.reset_index()), "",
            "Purchases by generation and planning year against supply (gpu_supply.csv, world rows, summed over the calendar "
            "years the planning year stands for; shipments in data/world_builder/hardware.py):", "", _md(pd.DataFrame(rows)), "",
            f"Purchases of a generation where it is banned (gpu_access.csv): **{len(bad)}**.", ""]


def markets_section(res: dict[str, pd.DataFrame], data_dir: Path) -> list[str]:
    flows = res["flows"]
    regions, metros = pd.read_csv(data_dir / "regions.csv"), pd.read_csv(data_dir / "metros.csv")
    site_market = regions.set_index("site_id").market
    metro_market = metros.set_index("metro_id").market
    f = flows[flows.layer.isin(["interactive", "agentic"])]
    cross = f[f.site_id.map(site_market) != f.metro_id.map(metro_market)]
    return ["## Markets", "", f"Interactive and agentic tokens/s served across markets (US-aligned <-> CN): "
            f"**{cross.tokens_per_s.sum():,.0f}** (of {f.tokens_per_s.sum():,.3g}).", ""]


def cost_decides_section(res: dict[str, pd.DataFrame], whatif: dict[str, pd.DataFrame] | None) -> list[str]:
    s, ex = res["sites"], res["explain"]
    last = s[s.year == s.year.max()]
    open_ = last[last.open]
    at_max = open_[open_.facility_mw >= open_.max_mw - 1e-6]
    ever = s.assign(built=(s.facility_mw > 1e-6) | (s.gpus_active > 0)).groupby("site_id").built.any()  # as explain.csv counts
    unbuilt = ever[~ever].index
    why = ex[ex.kind == "site"] if "kind" in ex else pd.DataFrame()
    reasons = why.groupby("reason").site_id.nunique().rename("sites").reset_index() if len(why) else pd.DataFrame()
    out = ["## Cost decides", "",
           f"{int(last.year.iloc[0])}: {len(at_max)} of {len(open_)} open sites at their max_mw (**{len(at_max) / max(len(open_), 1):.0%}**, "
           f"at most 40 %); {len(unbuilt)} of {len(ever)} candidates never built (**{len(unbuilt) / len(ever):.0%}**, at least 10 %), "
           f"{why.site_id.nunique() if len(why) else 0} with a 'why not here' row (explain.csv):", ""]
    if len(reasons):
        out += [_md(reasons), ""]
    if whatif is not None:
        out += whatif_rows(res, whatif)
    return out


def largest_us_campus(res: dict[str, pd.DataFrame], regions: pd.DataFrame) -> str:
    s = res["sites"]
    r = regions.set_index("site_id")
    last = s[(s.year == s.year.max()) & s.site_id.map(r.country).eq("US") & s.site_id.map(r.kind).eq("campus")]
    return str(last.sort_values(["facility_mw", "site_id"], ascending=[False, True]).site_id.iloc[0])


def whatif_rows(res: dict[str, pd.DataFrame], whatif: dict[str, pd.DataFrame]) -> list[str]:
    site = whatif["site"]
    y = res["sites"].year.max()
    def mw(r: dict[str, pd.DataFrame]) -> float:
        s = r["sites"]
        return float(s[(s.site_id == site) & (s.year == y)].facility_mw.sum())
    before, after = mw(res), mw(whatif)
    moved = (before - after) / before if before else 0.0
    return [f"Power-price what-if: the price at {site} (of the largest US campuses the plan builds) doubled: its {y} facility "
            f"{before:,.0f} MW -> {after:,.0f} MW, **{moved:.0%}** moved elsewhere (at least 20 %).", ""]


def sourcing_section(data_dir: Path) -> list[str]:
    prov = pd.read_csv(data_dir / "provenance.csv")
    share = prov[prov.basis != "estimate"].cells.sum() / prov.cells.sum()
    ids = prov.source.str.split(";").map(lambda s: any(i not in ("TEAM-EST", "definition") for i in s))
    named = prov[ids].cells.sum() / prov.cells.sum()
    by = prov.groupby("basis").cells.sum()
    return ["## Sourcing (provenance.csv)", "",
            f"Cells published or derived from published inputs: **{share:.1%}**; with at least one published input named: "
            f"{named:.1%}. By basis: " + ", ".join(f"{k} {v:,}" for k, v in by.items()) + ".", ""]


def _md(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(str(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for r in df.itertuples(index=False):
        lines.append("| " + " | ".join(f"{v:,.3g}" if isinstance(v, float) and abs(v) < 1000 else f"{v:,.1f}" if isinstance(v, float)
                                       else str(v) for v in r) + " |")
    return "\n".join(lines)


def read_results(res_dir: Path) -> dict[str, pd.DataFrame]:
    names = ("sites", "allocation", "served", "plan", "fleet", "flows", "token_economics", "explain", "training", "token_values")
    return {n: pd.read_csv(res_dir / f"{n}.csv") for n in names if (res_dir / f"{n}.csv").exists()}


def calibration_markdown(res_dir: Path, data_dir: Path, whatif_dir: Path | None = None, whatif_site: str | None = None) -> str:
    """The whole CALIBRATION.md text from a solved results folder and its dataset folder."""
    res = read_results(res_dir)
    regions = pd.read_csv(data_dir / "regions.csv")
    whatif = None
    if whatif_dir is not None:
        whatif = dict(read_results(whatif_dir), site=whatif_site or largest_us_campus(res, regions))
    years = sorted(res["sites"].year.unique())
    power = band_table(model_by_region(res["sites"], res["allocation"], regions), years, data_dir)
    progs = res.get("training")
    out = ["# World dataset calibration: model vs published", "",
           f"Written by `python data/build_world.py --calibrate {res_dir.name}` from a solved world plan. "
           "GW: sum of each site's peak facility draw; TWh: mean draw x 8,760 h. Sources: `tokensite/cases/world/SOURCES.md`; "
           "`<file>.csv#N` is data row N of `data/reference/<file>.csv`.", ""]
    out += tokens_section(res, data_dir)
    out += ["## Power: AI facility draw by region and year", "", _md(power), ""]
    out += misses_section(res, data_dir, power)
    out += money_section(res, data_dir) + hardware_section(res, data_dir) + markets_section(res, data_dir)
    out += cost_decides_section(res, whatif)
    if progs is not None:
        out += ["## Training programs", "", _md(progs), ""]
    out += sourcing_section(data_dir)
    return "\n".join(out)


def write_calibration_csv(world: Path) -> Path:
    """The world dataset's calibration.csv for the planning years of its case file (world.toml beside it)."""
    import tomllib

    years = tomllib.loads((world.parent / "world.toml").read_text())["case"]["years"]
    bands_frame(years, list(pd.read_csv(world / "regions.csv").country), world).to_csv(world / "calibration.csv", index=False)
    return world / "calibration.csv"


if __name__ == "__main__":
    # python data/calibration.py: the shipped world's calibration.csv (python data/build_world.py writes it too)
    print(f"wrote {write_calibration_csv(Path(__file__).resolve().parent.parent / 'tokensite' / 'cases' / 'world')}")
