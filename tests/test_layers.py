"""The layer rules of DESIGN.md: only inkscope_desktop/qt imports PySide6; the core imports no heavy library."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "inkscope_desktop"


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def modules_outside(folder: str) -> list[Path]:
    return [p for p in PACKAGE.rglob("*.py") if (PACKAGE / folder) not in p.parents]


def test_only_the_qt_package_imports_pyside6():
    offenders = [str(p.relative_to(PACKAGE)) for p in modules_outside("qt") if "PySide6" in imported_roots(p)]
    assert offenders == []


def test_the_core_imports_only_stdlib_pil_and_numpy():
    allowed = set(sys.stdlib_module_names) | {"PIL", "numpy", "inkscope_desktop", "__future__"}
    for path in (PACKAGE / "core").rglob("*.py"):
        assert imported_roots(path) <= allowed, path


def test_the_checker_catches_a_violation(tmp_path):
    bad = tmp_path / "leak.py"
    bad.write_text("def f():\n    from PySide6.QtWidgets import QWidget\n")
    assert "PySide6" in imported_roots(bad)


def test_import_linter_contracts_hold():
    lint_imports = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint_imports, "import-linter is part of the test dependencies"
    result = subprocess.run([lint_imports, "--no-cache"], cwd=PACKAGE.parent, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
