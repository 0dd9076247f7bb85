"""Structure of the package: no two modules import each other (at any depth of the file)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _module_imports() -> dict[str, set[str]]:
    files = {
        ".".join(f.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): f
        for f in (ROOT / "hedui").rglob("*.py")
    }
    edges: dict[str, set[str]] = {}
    for name, path in files.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("hedui"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in files else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("hedui")}
        edges[name] = {t for t in found if t in files and t != name}
    return edges


def test_no_two_modules_import_each_other() -> None:
    edges = _module_imports()
    cycles = sorted(
        (a, b)
        for a, targets in edges.items()
        for b in targets
        if a < b and a in edges.get(b, set()) and not (a.startswith(b) or b.startswith(a))
    )
    assert not cycles, f"modules importing each other: {cycles}"


# Development modules that may import hedui_testing inside a function (never at import time).
DEV_ONLY = {"hedui/validation/bench.py"}
TEST_PACKAGES = ("hedui_testing", "tests", "conftest")


def _wheel_packages() -> list[str]:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    return project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]


def _test_imports(tree: ast.Module) -> list[tuple[int, str, bool]]:
    """(line, module, at import time) of every import of a test package in a module."""
    in_function: set[ast.AST] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            in_function |= set(ast.walk(node)) - {node}
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.split(".")[0] in TEST_PACKAGES:
                found.append((node.lineno, name, node not in in_function))
    return found


def test_the_wheel_ships_no_test_doubles_and_imports_none() -> None:
    packages = _wheel_packages()
    assert "hedui_testing" not in packages and "tests" not in packages
    shipped = [f for p in packages for f in (ROOT / p).rglob("*.py")]
    assert len(shipped) > 50
    moved = {"connectors/fake_api.py", "connectors/sql_publish.py", "hedui/web/sample.py",
             "hedui/warehouse/testing.py", "hedui/validation/synthetic.py"}  # fmt: skip
    assert not [f for f in shipped if f.relative_to(ROOT).as_posix() in moved]
    bad = []
    for path in shipped:
        rel = path.relative_to(ROOT).as_posix()
        for line, module, at_import in _test_imports(ast.parse(path.read_text("utf-8"))):
            if at_import or rel not in DEV_ONLY:
                bad.append(f"{rel}:{line} imports {module}")
    assert not bad, f"shipped modules import test code: {bad}"
    # the checker sees a function-level import (bench's synthetic rows)
    bench = ast.parse((ROOT / "hedui/validation/bench.py").read_text("utf-8"))
    assert [m for _, m, at_import in _test_imports(bench) if not at_import] == [
        "hedui_testing.synthetic"
    ]
