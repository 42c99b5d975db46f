"""The package's layers hold (pyproject.toml's import-linter contracts, docs/ARCHITECTURE.md):
web and cli on top, each layer importing only those below it, no circles, Flask only in web."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept():
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_no_module_imports_another_modules_private_names():
    """A leading underscore means "this module's own": what another module needs is public,
    with a docstring, so a newcomer can see what a module offers."""
    reached = []
    for path in (ROOT / "server" / "govgraph").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("govgraph"):
                reached += [f"{path.relative_to(ROOT)}: {node.module}.{alias.name}"
                            for alias in node.names
                            if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert reached == []


def test_every_module_and_public_function_and_class_says_what_it_is_for():
    missing = []
    for path in (ROOT / "server" / "govgraph").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = str(path.relative_to(ROOT))
        if not ast.get_docstring(tree):
            missing.append(name)
        for node in tree.body:
            members = node.body if isinstance(node, ast.ClassDef) else []
            for item in (node, *members):
                if (isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                        and not item.name.startswith("_") and not ast.get_docstring(item)):
                    missing.append(f"{name}:{item.lineno} {item.name}")
    assert missing == []
