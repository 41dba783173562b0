"""Issue 11, defect 4: the model and the input contract live in the repository, and every hint
in the README and in user-facing messages points at a file that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tokensite.dataset.reference import render, section

ROOT = Path(__file__).resolve().parents[1]
PATH_LIKE = re.compile(r"[\w./-]+\.(?:md|py|csv|toml|ipynb|geojson)\b")


def _exists(ref: str) -> bool:
    ref = ref.lstrip("./")
    return (ROOT / ref).exists() or (ROOT / "docs" / ref).exists()


def test_docs_exist_and_keep_the_family_names():
    formulation = (ROOT / "docs" / "formulation.md").read_text()
    for family in ("Demand", "Throughput", "Training", "Power", "Queue timing", "Reliability", "Residency / jurisdiction", "Supply and policy"):
        assert f"**{family}**" in formulation
    assert "(implementation)" in formulation  # the README's departures are in the math
    data_format = (ROOT / "docs" / "data-format.md").read_text()
    for name in ("regions.csv", "bridge_carbon_kg_per_mwh", "Warnings (plausibility)"):
        assert name in data_format


def test_readme_links_point_at_files_in_the_repository():
    readme = (ROOT / "README.md").read_text()
    assert "../shared" not in readme
    for target in re.findall(r"\]\(([^)#]+)\)", readme):
        assert (ROOT / target).exists(), target
    for ref in re.findall(r"`([^`\s]+\.(?:md|toml|ipynb))`", readme):
        assert _exists(ref) or "/" not in ref and any(ROOT.rglob(ref)), ref


def _message_strings(path: Path) -> list[str]:
    """String constants of a module that are not docstrings (what a user can see in a message)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body and isinstance(n.body[0], ast.Expr)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_hints_in_messages_point_at_files_that_exist():
    seen = []
    for path in sorted((ROOT / "tokensite").rglob("*.py")):
        for text in _message_strings(path):
            for ref in PATH_LIKE.findall(text):
                if "/" in ref and ref.endswith(".md"):
                    seen.append(ref)
                    assert _exists(ref), f"{path.name}: {ref}"
            assert "DATA_FORMAT.md" not in text and "FORMULATION.md" not in text, f"{path.name}: {text}"
    assert "docs/data-format.md" in seen


def test_the_column_reference_is_the_schemas_declarations():
    """docs/data-format.md's column reference is written from tokensite/dataset/schemas.py; regenerate it
    with ``python -m tokensite.dataset.reference docs/data-format.md`` after changing a schema."""
    assert section((ROOT / "docs" / "data-format.md").read_text()) == render()
