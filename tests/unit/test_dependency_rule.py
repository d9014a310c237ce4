"""domain/ may import the standard library only (import-linter checks the layers; this checks third parties)."""

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_domain_imports_only_the_standard_library_and_itself():
    offenders = {}
    for path in (ROOT / "domain").rglob("*.py"):
        foreign = {r for r in _imported_roots(path) if r not in sys.stdlib_module_names and r != "domain"}
        if foreign:
            offenders[str(path.relative_to(ROOT))] = sorted(foreign)
    assert offenders == {}


def test_application_imports_only_the_standard_library_domain_and_itself():
    allowed = {"domain", "application"}
    offenders = {}
    for path in (ROOT / "application").rglob("*.py"):
        foreign = {r for r in _imported_roots(path) if r not in sys.stdlib_module_names and r not in allowed}
        if foreign:
            offenders[str(path.relative_to(ROOT))] = sorted(foreign)
    assert offenders == {}
