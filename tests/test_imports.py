"""The import graph of `laa.pooling` runs one way: no circles, counting imports made inside
functions and under TYPE_CHECKING (a circle hidden in a function is still a circle a newcomer
must untangle), and the solving layer knows programs and solutions, never a plan."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.paths import ROOT

POOLING = ROOT / "pooling"


def module_name(path: Path) -> str:
    parts = path.relative_to(POOLING).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("laa.pooling", *parts))


def imports_of(path: Path) -> set[str]:
    """Every laa.pooling module `path` imports, wherever in the file the import is."""
    found: set[str] = set()
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("laa.pooling"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            if not base.startswith("laa.pooling"):
                continue
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in POOLING.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        edges[name] = {m for m in imports_of(path) if m in modules and m != name}
        # a package's __init__ importing its own modules is not a circle through them
    return edges


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_pooling_imports_have_no_circles():
    assert circles(graph()) == []


def test_solving_knows_programs_and_solutions_never_a_plan():
    edges = graph()
    solving = {m: deps for m, deps in edges.items() if m.startswith("laa.pooling.solving")}
    assert solving, "the solving package was not found"
    for module, deps in solving.items():
        above = sorted(d for d in deps if not d.startswith(("laa.pooling.solving", "laa.pooling.program")))
        assert above == [], (module, above)


def test_every_pooling_module_lives_in_a_named_package():
    loose = sorted(p.name for p in POOLING.glob("*.py") if p.name not in ("__init__.py", "units.py"))
    assert loose == []


def test_docs_architecture_names_every_pooling_module():
    text = (ROOT / "docs" / "architecture.md").read_text()
    for path in POOLING.rglob("*.py"):
        if path.name != "__init__.py":
            assert f"`{path.name}`" in text, path.relative_to(ROOT)


def test_analyses_return_data_and_leave_formatting_to_the_writers():
    analysis = ROOT / "scenarios" / "analysis"
    for path in analysis.rglob("*.py"):
        assert "laa.scenarios.outputs" not in path.read_text(), path.relative_to(ROOT)
