"""Every third-party import is declared in pyproject.toml: nothing arrives by chance through another package."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ["parley", "ingest", "transforms", "expectations", "warehouse", "dags", "bench"]
# Airflow's import package is spread over distributions that its meta-package pins together.
UMBRELLAS = {"apache-airflow": "apache-airflow-"}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _normal(re.split(r"[\s<>=!~;\[]", spec, maxsplit=1)[0])


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = {_requirement_name(s) for s in project["project"]["dependencies"]}
    dev = {_requirement_name(s) for s in project["dependency-groups"]["dev"]}
    return runtime, dev


def _imports(folder: str) -> set[str]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    local = set(SHIPPED) | {"tests"}
    return {m for m in found if m not in sys.stdlib_module_names and m not in local and m != "__future__"}


def _covered(module: str, declared: set[str]) -> bool:
    distributions = {_normal(d) for d in metadata.packages_distributions().get(module, [])}
    if distributions & declared:
        return True
    return any(u in declared and any(d.startswith(p) for d in distributions) for u, p in UMBRELLAS.items())


def test_every_import_of_the_shipped_code_is_a_declared_dependency() -> None:
    runtime, _ = _declared()
    missing = {m for folder in SHIPPED for m in _imports(folder) if not _covered(m, runtime)}
    assert not missing, f"imported but not in [project.dependencies]: {sorted(missing)}"


def test_every_import_of_the_tests_is_declared_for_them() -> None:
    runtime, dev = _declared()
    missing = {m for m in _imports("tests") if not _covered(m, runtime | dev)}
    assert not missing, f"imported by tests but declared nowhere: {sorted(missing)}"


def test_the_check_sees_an_undeclared_import() -> None:
    runtime, _ = _declared()
    assert not _covered("termcolor", runtime)  # installed (Airflow needs it) but never declared here
    assert _covered("airflow", runtime) and _covered("yaml", runtime)
