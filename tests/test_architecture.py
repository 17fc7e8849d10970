"""The layering rule: imports only go bot -> intents -> knowledge; the core knows no Telegram."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> top-level modules it must never import
FORBIDDEN = {
    "knowledge": {"bot", "intents", "telegram", "tests"},
    "intents": {"bot", "telegram", "tests"},
    "bot": {"tests"},
}


def imported_top_level_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_go_downwards(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"{package}/ has no modules"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_top_level_modules(path) & FORBIDDEN[package])
        for path in files
    }
    offenders = {path: bad for path, bad in offenders.items() if bad}
    assert offenders == {}


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "sample.py"
    module.write_text("import telegram.ext\nfrom bot.cli import main\nfrom . import sibling\n")
    assert imported_top_level_modules(module) == {"telegram", "bot"}
