"""tokensite's modules import downward only, and only at module level (import-linter's layers contract,
checked on the source's syntax tree so that it needs no extra tool and sees imports inside functions).

Layers, bottom to top: units/errors/config/packaged → dataset → model → scaling/compile/solver → results → the
pipeline (run) → studies (scenarios: sweep, stochastic, alternatives, rebound) → cli and the
package's own API (``tokensite/__init__.py``). A module may import its own layer or any below.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tokensite"

LAYERS: list[tuple[str, ...]] = [
    ("tokensite.units", "tokensite.errors", "tokensite.config", "tokensite.packaged"),
    ("tokensite.dataset",),
    ("tokensite.model",),
    ("tokensite.scaling", "tokensite.compile", "tokensite.solver"),
    ("tokensite.results",),
    ("tokensite.run",),
    ("tokensite.scenarios",),
    ("tokensite.cli", "tokensite.__main__", "tokensite"),
]

OPTIONAL_EXTRAS = ("dask", "distributed", "mpisppy", "mpi4py")
"""Packages of an optional extra (pyproject's ``dask`` and ``stochastic``): imported where they are used,
so that tokensite imports without them."""


def layer_of(module: str) -> int:
    """The layer of a dotted module name: its longest matching prefix."""
    best, depth = -1, -1
    for i, names in enumerate(LAYERS):
        for name in names:
            if (module == name or module.startswith(name + ".")) and name.count(".") > depth:
                best, depth = i, name.count(".")
    if best < 0:
        raise ValueError(f"{module} is in no layer: add it to LAYERS")
    return best


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = module.split(".")
            base = base[: len(base) - node.level + (1 if is_package else 0)]
            return [".".join([*base, node.module] if node.module else base)]
        return [node.module or ""]
    return []


def upward_imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """``module``'s imports of a tokensite module in a higher layer, as "line: name"."""
    own = layer_of(module)
    return [f"{node.lineno}: {name}" for node in ast.walk(ast.parse(source)) for name in _imported(node, module, is_package)
            if name.split(".")[0] == "tokensite" and layer_of(name) > own]


def imports_in_functions(source: str) -> list[str]:
    """Imports inside functions other than an optional extra's (a ``noqa``-style comment is not enough:
    only the extras of :data:`OPTIONAL_EXTRAS` are lazy), as "line: name"."""
    out = []
    for fn in ast.walk(ast.parse(source)):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                for name in _imported(node, "", False):
                    if name.split(".")[0] not in OPTIONAL_EXTRAS:
                        out.append(f"{node.lineno}: {name}")
    return out


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_imports_run_downward(path):
    assert upward_imports(path.read_text(), module_name(path), path.name == "__init__.py") == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE.parent)))
def test_no_imports_inside_functions(path):
    assert imports_in_functions(path.read_text()) == []


def test_an_upward_import_is_caught():
    """The check itself: the model importing results, or the solver importing a study, fails; the
    solver importing the model does not."""
    assert upward_imports("from tokensite.results.delivered import x\n", "tokensite.model.power") == ["1: tokensite.results.delivered"]
    assert upward_imports("def f():\n    from tokensite.scenarios import sweep\n", "tokensite.solver.routes") == ["2: tokensite.scenarios"]
    assert upward_imports("from ..results import Results\n", "tokensite.solver.routes") == ["1: tokensite.results"]
    assert upward_imports("from tokensite.model.index import Index\n", "tokensite.solver.routes") == []
    assert imports_in_functions("def f():\n    import pandas\n    import dask\n") == ["2: pandas"]


def test_every_module_is_in_a_layer():
    for path in _modules():
        layer_of(module_name(path))


def test_no_module_over_300_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in _modules() if (n := len(p.read_text().splitlines())) > 300}
    assert long == {}
