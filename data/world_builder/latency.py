"""Measured round-trip times between a city with a candidate site and a city with a demand metro
(``latency.csv``); other pairs are estimated at load time (tokensite/dataset/geo.py)."""

from __future__ import annotations

from .loader import Reference
from .sourced import Sourced, Table, table

# Reference RTT endpoints -> site ids placed in that city, and metro ids there.
LAT_CITY_SITES = {
    "Dallas": ["us-dfw-metro"], "Toronto": ["ca-toronto-metro"], "Washington DC": ["us-nova-metro"],
    "N. Virginia": ["us-nova-metro"], "Frankfurt": ["de-frankfurt-metro"], "Frankfurt (eu-central-1)": ["de-frankfurt-metro"],
    "London": ["gb-london-metro"], "London (eu-west-2)": ["gb-london-metro"], "Madrid": ["es-madrid-metro"],
    "Osaka": ["jp-osaka-metro"], "Osaka (ap-northeast-3)": ["jp-osaka-metro"], "Sydney": ["au-sydney-metro"],
    "Sydney (ap-southeast-2)": ["au-sydney-metro"], "Tokyo": ["jp-tokyo-metro"], "Tokyo (ap-northeast-1)": ["jp-tokyo-metro"],
    "Sao Paulo": ["br-saopaulo-metro"], "Sao Paulo (sa-east-1)": ["br-saopaulo-metro"], "Ireland": ["ie-dublin-metro"],
    "Mumbai": ["in-mumbai-metro"], "Seoul": ["kr-seoul-metro"], "Singapore": ["sg-singapore-metro"],
    "Stockholm": ["se-stockholm-metro"], "Paris": ["fr-paris-metro"], "UAE": ["ae-dubai-metro"],
    "Ohio": ["us-prometheus-meta"], "Oregon": ["us-hillsboro-metro"], "N. California": ["us-siliconvalley-metro"],
}
LAT_CITY_METROS = {
    "Dallas": "DFW", "Toronto": "TOR", "Washington DC": "WAS", "N. Virginia": "WAS", "Frankfurt": "FRA",
    "Frankfurt (eu-central-1)": "FRA", "London": "LON", "London (eu-west-2)": "LON", "Madrid": "MAD", "Osaka": "OSA",
    "Osaka (ap-northeast-3)": "OSA", "Sydney": "SYD", "Sydney (ap-southeast-2)": "SYD", "Tokyo": "TYO",
    "Tokyo (ap-northeast-1)": "TYO", "Sao Paulo": "SAO", "Sao Paulo (sa-east-1)": "SAO", "Hong Kong": "HKG",
    "Ireland": "DUB", "Mumbai": "BOM", "Seoul": "SEL", "Singapore": "SIN", "Stockholm": "STO", "Paris": "PAR",
}


def build_latency(ref: Reference) -> Table:
    """The first measurement of each (site, metro) pair, either direction, sorted by the pair."""
    seen: dict[tuple[str, str], dict] = {}
    for r in ref.latency.itertuples():
        for a, b in ((r._1, r.to), (r.to, r._1)):
            for site in LAT_CITY_SITES.get(a, []):
                metro = LAT_CITY_METROS.get(b)
                if metro is None or (site, metro) in seen:
                    continue
                seen[(site, metro)] = dict(site_id=site, metro_id=metro, rtt_ms=Sourced(float(r.rtt_ms), "published", r.source),
                                           transit_usd_per_mtok=None, source=r.source)
    return table("latency.csv", [seen[k] for k in sorted(seen)])
