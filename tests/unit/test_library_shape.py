"""The library's shape stays readable: no import cycle between its modules, no
function over 80 lines, no Snakemake import, heavy imports kept where they are needed."""

from __future__ import annotations

import ast
from pathlib import Path

LIBRARY = Path(__file__).resolve().parents[2] / "scripts" / "neoag"
MAX_FUNCTION_LINES = 80
STAGES = ("calling", "annotation", "hla", "scoring", "ranking", "report")


def module_name(path: Path) -> str:
    parts = path.relative_to(LIBRARY.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def library_modules() -> dict[str, ast.Module]:
    return {module_name(path): ast.parse(path.read_text(), str(path)) for path in sorted(LIBRARY.rglob("*.py"))}


def imported_modules(tree: ast.Module, known: set[str]) -> set[str]:
    """The library modules a module imports, at any depth (imports inside functions count too)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("neoag"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in known else node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
    return found & known


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a list of modules, or None (depth-first search with colours)."""
    state: dict[str, str] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return path[path.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        path.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_find_cycle_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_the_library():
    modules = library_modules()
    graph = {name: imported_modules(tree, set(modules)) - {name, "neoag"} for name, tree in modules.items()}
    assert find_cycle(graph) is None


def test_no_import_cycle_between_stages():
    """A stage may use another stage (ranking uses scoring), never the other way round as well."""
    modules = library_modules()

    def unit(name: str) -> str:
        parts = name.split(".")
        return parts[1] if len(parts) > 2 and parts[1] in STAGES else name

    graph: dict[str, set[str]] = {}
    for name, tree in modules.items():
        graph.setdefault(unit(name), set()).update(unit(target) for target in imported_modules(tree, set(modules)))
    graph = {node: targets - {node, "neoag"} for node, targets in graph.items()}
    assert find_cycle(graph) is None


def test_no_function_over_80_lines():
    long = [
        f"{name}.{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for name, tree in library_modules().items()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == []


def test_library_is_grouped_by_stage():
    for stage in STAGES:
        assert (LIBRARY / stage / "__init__.py").is_file(), stage


def test_library_never_imports_snakemake():
    for name, tree in library_modules().items():
        for node in ast.walk(tree):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "snakemake" for n in names), name
