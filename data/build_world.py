"""Build the world dataset (``OUT``: ``tokensite/cases/world/``, shipped in the package) from the reference figures
in ``data/reference/`` (see ``world_builder``).

Run ``python data/build_world.py`` from the repository root; ``--calibrate RESULTS_DIR`` writes
``tokensite/cases/world/CALIBRATION.md`` from a solved world plan instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tokensite import read_dataset
from world_builder.loader import load_reference
from world_builder.pipeline import build_world, provenance_summary, write_world

HERE = Path(__file__).resolve().parent
REF = HERE / "reference"
OUT = HERE.parent / "tokensite" / "cases" / "world"
"""The builder's one output folder: the world dataset the package ships (and its cases read as ``data = "world"``)."""


def main() -> None:
    tables = build_world(load_reference(REF), REF)
    prov = write_world(tables, OUT)
    from calibration import write_calibration_csv

    write_calibration_csv(OUT)
    read_dataset(OUT)
    print(f"wrote {len(tables)} files to {OUT}; {prov.cells.sum()} counted values")
    print(provenance_summary(prov))


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calibrate", metavar="RESULTS_DIR", type=Path,
                    help=f"write {OUT.relative_to(HERE.parent)}/CALIBRATION.md from a solved world plan instead of rebuilding")
    ap.add_argument("--what-if", metavar="RESULTS_DIR", type=Path,
                    help="with --calibrate: the plan with the largest US campus's power price doubled")
    ap.add_argument("--what-if-site", metavar="SITE_ID", help="the campus of --what-if (default: the largest US campus built)")
    args = ap.parse_args()
    if args.calibrate:
        from calibration import calibration_markdown

        text = calibration_markdown(args.calibrate, OUT, args.what_if, args.what_if_site)
        (OUT / "CALIBRATION.md").write_text(text + "\n")
        print(f"wrote {OUT / 'CALIBRATION.md'}")
    else:
        main()
