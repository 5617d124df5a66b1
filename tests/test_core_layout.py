"""The core's shape: no import loops between its modules, grouped by feature."""
import ast
import pathlib

CORE = pathlib.Path(__file__).resolve().parents[1] / "core" / "beffroi"


def _module_name(path):
    parts = list(path.relative_to(CORE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path, known):
    """Modules of the core that ``path`` imports, at its top or inside a function (a
    function-level import hides a loop, it does not remove it)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Import):
            found |= {a.name for a in sub.names}
        elif isinstance(sub, ast.ImportFrom) and sub.level == 0 and sub.module:
            found.add(sub.module)
            found |= {f"{sub.module}.{a.name}" for a in sub.names}
    return {m for m in found if m in known}


def import_graph():
    paths = [p for p in CORE.rglob("*.py") if "scaffold" not in p.parts]
    known = {_module_name(p) for p in paths}
    return {_module_name(p): _imports(p, known) - {_module_name(p)} for p in paths}


def find_cycle(graph):
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_core_has_no_import_loop():
    cycle = find_cycle(import_graph())
    assert cycle is None, " → ".join(cycle)


def test_the_loop_finder_finds_a_loop():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
