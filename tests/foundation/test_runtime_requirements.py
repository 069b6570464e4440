"""Production installs requirements.txt only: every package a non-test module imports must arrive through
it (directly or as a dependency), not through a dev requirement such as hypothesis. The full proof, a fresh
venv serving requests, is scripts/prod_smoke.sh in CI; this is the quick check that runs with the suite."""

import ast
import importlib.metadata as md
import sys

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import ROOT

NOT_PACKAGES = {"tests", "bench", "scripts", "deploy", "static", "templates", "locale"}


def _runtime_closure() -> set[str]:
    """Canonical names of every distribution `pip install -r requirements.txt` brings in."""
    todo: list[tuple[str, frozenset[str]]] = []
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            req = Requirement(line)
            todo.append((req.name, frozenset(req.extras)))
    seen: set[tuple[str, frozenset[str]]] = set()
    names: set[str] = set()
    while todo:
        name, extras = todo.pop()
        if (canonicalize_name(name), extras) in seen:
            continue
        seen.add((canonicalize_name(name), extras))
        names.add(canonicalize_name(name))
        for spec in md.requires(name) or []:
            req = Requirement(spec)
            envs = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    return names


def _imported_top_level_names() -> dict[str, str]:
    """Top-level module name -> one file that imports it, over every non-test module of every package."""
    found: dict[str, str] = {}
    packages = [p for p in ROOT.iterdir() if (p / "__init__.py").is_file() and p.name not in NOT_PACKAGES]
    for package in packages:
        for path in package.rglob("*.py"):
            if {"tests", "bench"} & set(path.relative_to(ROOT).parts):
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    mods = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    mods = [node.module]
                else:
                    continue
                for mod in mods:
                    found.setdefault(mod.split(".")[0], str(path.relative_to(ROOT)))
    return found


def test_every_package_a_runtime_module_imports_comes_from_requirements_txt():
    closure = _runtime_closure()
    providers = md.packages_distributions()
    local = {p.name for p in ROOT.iterdir() if p.is_dir()}
    missing = []
    for module, where in sorted(_imported_top_level_names().items()):
        if module in sys.stdlib_module_names or module in local or module == "__future__":
            continue
        dists = {canonicalize_name(d) for d in providers.get(module, [])}
        if not dists & closure:
            missing.append(f"{module} (imported by {where}; provided by {sorted(dists) or 'nothing installed'})")
    assert not missing, "not installed by requirements.txt: " + "; ".join(missing)
