"""The code map (docs/ARCHITECTURE.md), enforced on the import graph read from the source."""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "vignette"

# Leaves: pure or self-contained code that the rest builds on; they import no framework and
# nothing of Vignette but other leaves.
LEAVES = (
    "vignette.providers",
    "vignette.prompts",
    "vignette.descriptions",
    "vignette.books.parsing",
    "vignette.storage",
    "vignette.chat",
    "vignette.settings",
    "vignette.errors",
    "vignette.paths",
    "vignette.logs",
    "vignette.metrics",
)
FRAMEWORKS = ("fastapi", "starlette", "celery", "kombu", "sqlalchemy", "alembic", "redis")
FEATURES = (
    "vignette.books",
    "vignette.generation",
    "vignette.batches",
    "vignette.gallery",
    "vignette.usage",
    "vignette.translations",
    "vignette.events",
    "vignette.web",
    "vignette.operations",
    "vignette.maintenance",
)
# Layers below the features: each may import only what is listed (and leaves, and itself).
LOWER = {
    "vignette.db": (),
    "vignette.queue": (),
    "vignette.users": ("vignette.db",),
    "vignette.runtime": ("vignette.db", "vignette.queue"),
    "vignette.api": ("vignette.db", "vignette.queue", "vignette.users", "vignette.runtime"),
}
# What a feature's routes may use of the HTTP plumbing: the boundary, never its insides.
API_FOR_ROUTES = ("vignette.api.boundary", "vignette.api.deps", "vignette.api.files",
                  "vignette.api.multipart")  # fmt: skip


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def graph() -> dict[str, set[tuple[str, str]]]:
    """Module → {(imported module, imported name or "")} for every module of the package."""
    paths = [p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts]
    modules = {_module_name(p) for p in paths}
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in paths:
        name = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                edges[name].update((alias.name, "") for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    # `from vignette.books import repository` imports a module, not a name.
                    submodule = f"{node.module}.{alias.name}"
                    edges[name].add((submodule, "") if submodule in modules else
                                    (node.module, alias.name))  # fmt: skip
        edges.setdefault(name, set())
    return dict(edges)


def within(module: str, packages: Iterable[str]) -> bool:
    """Whether `module` is one of `packages` or inside one."""
    return any(module == p or module.startswith(p + ".") for p in packages)


def _imports(module: str) -> set[str]:
    return {target for target, _ in graph()[module]}


def _top(module: str) -> str:
    """The unit the cycle check works on: a top-level package, books.parsing on its own."""
    if within(module, ["vignette.books.parsing"]):
        return "vignette.books.parsing"
    return ".".join(module.split(".")[:2])


def test_the_graph_is_read() -> None:
    # A broken reader would make every other check pass vacuously.
    assert "vignette.generation.runner" in graph()
    assert "vignette.generation.repository" in _imports("vignette.generation.runner")
    assert ("vignette.api.boundary", "create") in graph()["vignette.books.routes"]


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_import_no_framework_and_no_other_layer(leaf: str) -> None:
    for module in [m for m in graph() if within(m, [leaf])]:
        for target in _imports(module):
            assert not within(target, FRAMEWORKS), f"{module} imports {target}"
            if target.startswith("vignette"):
                assert within(target, LEAVES), f"leaf {module} imports {target}"


@pytest.mark.parametrize("layer", sorted(LOWER))
def test_lower_layers_import_no_feature_and_only_what_is_below(layer: str) -> None:
    allowed = (layer, *LOWER[layer], *LEAVES)
    for module in [m for m in graph() if within(m, [layer])]:
        for target in _imports(module):
            if target.startswith("vignette"):
                assert within(target, allowed), f"{module} ({layer}) imports {target}"


def test_repositories_import_no_service_route_task_or_runner() -> None:
    above = ("service", "routes", "tasks", "runner")
    for module in [m for m in graph() if m.endswith(".repository")]:
        for target in _imports(module):
            assert target.rsplit(".", 1)[-1] not in above, f"{module} imports {target}"


def test_services_and_repositories_know_no_http_and_no_celery() -> None:
    for module in [m for m in graph() if m.rsplit(".", 1)[-1] in ("service", "repository")]:
        for target in _imports(module):
            assert not within(target, ("fastapi", "starlette", "celery", "vignette.api")), (
                f"{module} imports {target}"
            )


def test_features_never_build_the_runtime() -> None:
    for module in [m for m in graph() if within(m, FEATURES)]:
        for target, name in graph()[module]:
            assert (target, name) != ("vignette.runtime", "build_runtime"), module
            assert target != "vignette.app", module


def test_only_tasks_modules_reach_the_worker() -> None:
    for module in graph():
        if "vignette.worker" in _imports(module):
            assert module.endswith(".tasks") or module == "vignette.cli.main", module


def test_routes_use_the_request_boundary_not_its_insides() -> None:
    for module in [m for m in graph() if within(m, FEATURES)]:
        for target in _imports(module):
            if within(target, ["vignette.api"]):
                assert module.endswith(".routes"), f"{module} imports {target}"
                assert target in API_FOR_ROUTES, f"{module} imports {target}"


def test_no_package_cycle() -> None:
    deps: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph().items():
        for target in {t for t, _ in targets if t.startswith("vignette.")}:
            if _top(target) != _top(module):
                deps[_top(module)].add(_top(target))
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        seen[node] = 1
        for nxt in sorted(deps[node]):
            if seen.get(nxt) == 1:
                cycle = [*path[path.index(nxt) :], nxt] if nxt in path else [node, nxt]
                raise AssertionError("package cycle: " + " -> ".join(cycle))
            if nxt not in seen:
                visit(nxt, [*path, nxt])
        seen[node] = 2

    for node in sorted(deps):
        if node not in seen:
            visit(node, [node])
