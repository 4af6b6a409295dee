"""The house rules as tests (docs/architecture.md): they fail when the code breaks a rule.

Static rules read the source with ``ast``; the runtime rule (every write to a table by its
owner module) is ``tests/write_owners.py``, which judges every SQL write of the whole suite.
Each rule is also run against a planted violation, so a rule that cannot fail is caught.
"""

import ast
from pathlib import Path

import pytest

from tests import write_owners

ROOT = Path(__file__).resolve().parent.parent
CODE = ("reporting", "compendium", "config")

# Module (relative path) -> what it may do that no other module may.
STATUS_OWNERS = {"reporting/workflow.py": "Ficha", "reporting/exercises.py": "Ejercicio"}
AUDIT_WRITER = "reporting/audit.py"
WRITE_METHODS = {
    "create",
    "bulk_create",
    "update",
    "bulk_update",
    "delete",
    "get_or_create",
    "update_or_create",
}


def sources(*folders: str):
    for folder in folders:
        for path in sorted((ROOT / folder).rglob("*.py")):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def _root_name(node: ast.AST) -> str | None:
    """``Ficha`` for ``Ficha.objects.filter(...).update``; None when the chain has no name."""
    while True:
        if isinstance(node, ast.Attribute):
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id
        else:
            return None


def _reporting_model_names(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "reporting.models":
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def violations(path: str, source: str) -> list[str]:
    """Every static rule broken by ``source`` as if it lived at ``path``."""
    tree = ast.parse(source, filename=path)
    found = []
    in_reporting = path.startswith("reporting/")
    reporting_models = set() if in_reporting else _reporting_model_names(tree)
    for node in ast.walk(tree):
        where = f"{path}:{getattr(node, 'lineno', '?')}"
        # 1. reporting never imports compendium.
        if in_reporting and isinstance(node, ast.Import | ast.ImportFrom):
            modules = (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else
                [alias.name for alias in node.names]
            )  # fmt: skip
            if any(m == "compendium" or m.startswith("compendium.") for m in modules):
                found.append(f"{where}: reporting imports compendium")
        # 2. Only the owner assigns a status.
        if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    if path not in STATUS_OWNERS:
                        found.append(f"{where}: assigns .status outside its owner")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method, root = node.func.attr, _root_name(node.func.value)
            keywords = {k.arg for k in node.keywords}
            owner = {model: module for module, model in STATUS_OWNERS.items()}.get(root or "")
            if method == "update" and "status" in keywords and owner and path != owner:
                found.append(f"{where}: updates {root}.status outside {owner}")
            if method == "bulk_update" and root == "Ficha" and path != "reporting/workflow.py":
                fields = node.args[1] if len(node.args) > 1 else None
                if fields is not None and "status" in ast.unparse(fields):
                    found.append(f"{where}: bulk-updates Ficha.status outside workflow.py")
            # 3. One audit writer.
            if root in {"FichaEvent", "LogEntry"} and method in WRITE_METHODS | {
                "log_action",
                "log_actions",
            }:
                if path != AUDIT_WRITER and method != "update":
                    found.append(f"{where}: writes audit rows outside {AUDIT_WRITER}")
            # 4. Nothing outside reporting writes reporting's tables.
            if root in reporting_models and method in WRITE_METHODS:
                found.append(f"{where}: {root}.{method} outside reporting/")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "FichaEvent"
            and path != AUDIT_WRITER
        ):
            found.append(f"{where}: builds FichaEvent rows outside {AUDIT_WRITER}")
    return found


def test_the_code_keeps_the_rules():
    found = [v for path, source in sources(*CODE) for v in violations(path, source)]
    assert found == []


@pytest.mark.parametrize(
    ("path", "source", "expected"),
    [
        ("reporting/x.py", "from compendium.models import Edicion", "imports compendium"),
        ("reporting/x.py", "def f():\n    import compendium.pdf", "imports compendium"),
        ("reporting/views/x.py", "ficha.status = 'aprobada'", "assigns .status"),
        (
            "reporting/x.py",
            "Ficha.objects.filter(pk=1).update(status='aprobada')",
            "updates Ficha.status",
        ),
        (
            "reporting/demo.py",
            "Ejercicio.objects.filter(pk=1).update(status='cerrado')",
            "updates Ejercicio.status outside reporting/exercises.py",
        ),
        ("reporting/x.py", "Ficha.objects.bulk_update(fs, ['status'])", "bulk-updates"),
        ("reporting/editing.py", "FichaEvent.objects.create(ficha=f)", "audit rows"),
        ("compendium/x.py", "FichaEvent(ficha=f, kind='x')", "FichaEvent rows"),
        ("reporting/x.py", "LogEntry.objects.log_actions(1, [], 2)", "audit rows"),
        (
            "compendium/builds.py",
            "from reporting.models import Ficha\nFicha.objects.filter(pk=1).update(nombre='x')",
            "Ficha.update outside reporting/",
        ),
        (
            "compendium/x.py",
            "from reporting.models import Actor\nActor.objects.bulk_create([])",
            "Actor.bulk_create outside reporting/",
        ),
    ],
)
def test_a_planted_violation_is_caught(path, source, expected):
    found = violations(path, source)
    assert len(found) == 1 and expected in found[0], found


def test_the_owners_themselves_are_allowed():
    assert violations("reporting/workflow.py", "locked.status = 'aprobada'") == []
    assert violations("reporting/audit.py", "FichaEvent.objects.bulk_create([])") == []
    assert violations("compendium/x.py", "from compendium.models import Edicion\n"
                      "Edicion.objects.create()") == []  # fmt: skip


# --- The runtime rule: every SQL write by its owner (tests/write_owners.py) -------------------


def _run_as(path: str, code: str, **namespace) -> None:
    """Run ``code`` as if it were a line of the project module at ``path``."""
    exec(compile(code, str(ROOT / path), "exec"), namespace)  # noqa: S102 - test-only


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "code", "expected"),
    [
        ("compendium/planted.py", "Ficha.objects.filter(pk=pk).update(nombre='x')", "reporting/"),
        (
            "reporting/views/planted.py",
            "Ficha.objects.filter(pk=pk).update(status='enviada')",
            "reporting/workflow.py",
        ),  # fmt: skip
        (
            "reporting/editing.py",
            "FichaEvent.objects.create(ficha_id=pk, kind='edicion')",
            "reporting/audit.py",
        ),  # fmt: skip
    ],
)
def test_the_write_guard_catches_a_planted_write(_write_owners, path, code, expected):
    from reporting.models import Ficha, FichaEvent
    from tests import factories

    ficha = factories.ficha(factories.actor("INM"))
    _run_as(path, code, Ficha=Ficha, FichaEvent=FichaEvent, pk=ficha.pk)
    found = [(w, r) for w, r in _write_owners.violations if w.writer == path]
    _write_owners.violations.clear()  # planted on purpose: do not fail this test
    assert [r.owners for _w, r in found] == [(expected,)], found


@pytest.mark.django_db
def test_the_write_guard_lets_the_owner_write(_write_owners):
    from reporting.models import Ficha
    from tests import factories

    ficha = factories.ficha(factories.actor("INM"))
    _run_as("reporting/workflow.py", "Ficha.objects.filter(pk=pk).update(status='enviada')",
            Ficha=Ficha, pk=ficha.pk)  # fmt: skip
    assert _write_owners.violations == []


def test_the_guard_parses_what_django_writes():
    assert write_owners.parse('UPDATE "reporting_ficha" SET "status" = %s, "version" = %s '
                              'WHERE "reporting_ficha"."status" = %s') == (
        "UPDATE", "reporting_ficha", frozenset({"status", "version"}))  # fmt: skip
    assert write_owners.parse('INSERT INTO "reporting_fichaevent" ("ficha_id") VALUES (%s)')[
        :2
    ] == ("INSERT", "reporting_fichaevent")
    assert write_owners.parse('SELECT 1 FROM "reporting_ficha"') is None
    assert "reporting_ficha_co_actors" in write_owners.reporting_tables()
