"""What ships inside the package, found through :mod:`importlib.resources` so that it works from any folder
after a plain (non-editable) ``pip install``: the shipped cases (``tokensite/cases/<name>.toml``), the world
dataset they read (``tokensite/cases/world/``) and the Natural Earth boundaries the maps and the location
warnings draw on (``tokensite/geo/``). Nothing here looks for a repository or at the working folder.
:func:`init_case` copies a shipped case and its dataset into a folder of the analyst's, to edit.
"""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

from tokensite.config import load_case
from tokensite.errors import UserError

DEFAULT_CASE = "world"
"""The case ``tokensite solve`` and ``tokensite validate`` use when given none."""
COUNTRIES = "ne_110m_admin_0_countries.geojson"
PROVINCES = "ne_50m_admin_1_states_provinces.geojson"


def _resource(*parts: str) -> Path:
    """A file or folder of the installed package, as a path (a zipped install has none: then an error that says so)."""
    found = files("tokensite").joinpath(*parts)
    if not isinstance(found, Path):
        raise UserError(f"tokensite's package data ({'/'.join(parts)}) is not on disk (a zipped install?); install tokensite with pip")
    return found


def shipped_cases() -> tuple[str, ...]:
    """The names of the case files shipped in the package, e.g. ``("us-interactive", "world")``."""
    return tuple(sorted(p.stem for p in _resource("cases").glob("*.toml")))


def shipped_case(name: str = DEFAULT_CASE) -> Path:
    """The case file of a shipped case (default: the world case); :class:`UserError` naming the shipped ones if unknown."""
    path = _resource("cases", f"{name}.toml")
    if not path.is_file():
        raise UserError(f"no shipped case {name!r}; the package ships {', '.join(shipped_cases())}")
    return path


def shipped_dataset(name: str = DEFAULT_CASE) -> Path:
    """The dataset folder a shipped case reads (the world cases: ``tokensite/cases/world``)."""
    return load_case(shipped_case(name)).data_dir


def boundaries_dir() -> Path:
    """The Natural Earth boundaries (1:110m countries, 1:50m states and provinces; public domain, ``geo/SOURCES.md``)."""
    return _resource("geo")


def init_case(dest: str | Path, name: str = DEFAULT_CASE) -> Path:
    """Write an editable copy of a shipped case into ``dest``, a new or empty folder: its case file and, beside it,
    its dataset folder, which the copied case file reads (shipped cases name their dataset as a sibling folder,
    ``data = "world"``). Returns the copied case file; refuses a folder that holds anything, so no edit is overwritten."""
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise UserError(f"{dest}: already exists and is not an empty folder; give a new folder (tokensite init never overwrites)")
    source, data = shipped_case(name), shipped_dataset(name)
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copytree(data, dest / data.name)
    copied = Path(shutil.copy2(source, dest / source.name))
    if load_case(copied).data_dir != (dest / data.name).resolve():  # a shipped case that named its data otherwise
        raise UserError(f"the shipped case {name} does not read its dataset as the sibling folder {data.name}; report this as a bug")
    return copied
