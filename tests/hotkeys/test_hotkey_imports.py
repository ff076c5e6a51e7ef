"""The hotkeys package imports pynput and python-xlib only inside functions, and never Qt or torch."""

from __future__ import annotations

import ast
from pathlib import Path

import inkscope_desktop.hotkeys as hotkeys

PACKAGE = Path(hotkeys.__file__).parent
LAZY_ONLY = {"pynput", "Xlib"}
FORBIDDEN = {"PySide6", "torch", "transformers", "mss", "pyttsx3"}


def imports(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def test_display_libraries_are_imported_lazily_and_heavy_ones_never():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        top_level = imports(ast.Module(body=[n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))],
                                       type_ignores=[]))
        assert not top_level & (LAZY_ONLY | FORBIDDEN), path.name
        assert not imports(tree) & FORBIDDEN, path.name


def test_modules_are_small_and_say_their_job():
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        doc = ast.get_docstring(tree)
        assert doc and "\n" not in doc, path.name
        assert len(path.read_text().splitlines()) <= 300, path.name
