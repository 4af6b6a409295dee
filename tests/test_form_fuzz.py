"""Generated input to every form and autosave endpoint (issue 17), with hypothesis.

Each endpoint in ``ENDPOINTS`` starts from a request its form accepts and changes up to four of
its fields: replaced by unicode text with control characters (NUL included), very long text,
numbers out of range, dates that do not exist, several values for one field or ids of other
institutions' objects; dropped; or added (fields the form does not have: ``status``, ``actor``,
``objetivo_asignado``…). The objects are those of ``tests/personas.py``, built once for the
module; every example runs in a savepoint that is rolled back, so each starts from the same data.

For every example:

- the answer is never a server error (5xx);
- a refused request (the form re-rendered, 400, 403, 404, 409) changes nothing in the database;
- an accepted request changes only what the endpoint is about (the ficha it edits and its
  retos and history, the account it creates…), and what it stored passes the form's own rules.

Examples per endpoint: ``FUZZ_EXAMPLES``, default 10 (docs/testing.md §T6): ``make test`` tries
every endpoint on every run, and ``make fuzz``, which ``.ci/run`` runs after it, asks for the 500
of issue 17, some fifteen thousand requests spread over one process per core, so CI keeps the
full strength and ``make test`` no longer repeats a twentieth of it (it used 50 with ``CI`` set
and 20 otherwise: about a minute of the suite's two cores). The three server
errors this test found (a long sign-in name, Unicode digits as a code, a broken management
form) are fixed; a regression test for each is at the end.
"""

import collections
import dataclasses
import os
from collections.abc import Callable
from http.cookies import SimpleCookie

import pytest
from django.contrib.admin.models import LogEntry
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.db.models import Model
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from compendium.editions import TEXT_FIELDS, default_texts
from compendium.forms import EdicionForm
from compendium.models import Edicion
from reporting.forms import FichaForm, RetoFormSet
from reporting.models import (
    Actor,
    ChallengeCategory,
    Ejercicio,
    Ficha,
    FichaEvent,
    FichaStatus,
    Membership,
    Observacion,
    Reto,
    Role,
    Subtema,
    User,
)
from reporting.text import section_words, too_many_words
from tests.factories import PASSWORD
from tests.personas import World, ficha_form_data, module_world, report_figures, token_path

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # no .hypothesis/ directory in the work tree; failures print a blob
    print_blob=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the savepoint per example resets the data
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

# Fields a request may add that no form of the app has: mass assignment must not set them.
EXTRA_FIELDS = (
    "status", "actor", "ejercicio", "objetivo_asignado", "nota_asignacion", "eje", "subtema",
    "ods", "destacada", "resumen_informe", "orden", "published_at", "version", "id", "pk",
    "created_by", "updated_by", "copied_from", "co_actors", "tablas", "sigla_override",
    "retos-0-ficha", "retos-0-id", "retos-0-DELETE", "retos-1-texto", "retos-TOTAL_FORMS",
    "is_staff", "is_superuser", "role", "membership", "loaded_version", "email", "password",
)  # fmt: skip

FIGURES: collections.defaultdict[str, collections.Counter] = collections.defaultdict(
    collections.Counter
)


# ---------------------------------------------------------------------------------------------
# Generated values
# ---------------------------------------------------------------------------------------------


def values(other_ids: list[int]) -> st.SearchStrategy:
    """One submitted value: text, a number, a date, another institution's id or a list of them."""
    unicode = st.text(max_size=40)  # every code point but surrogates, NUL included
    control = st.text(
        st.characters(max_codepoint=0x1F) | st.sampled_from("\x7f\x85\u2028\u200b\u202e\ufeff"),
        min_size=1,
        max_size=4,
    )
    mixed = st.tuples(unicode, control, unicode).map("".join)
    long = st.tuples(
        st.sampled_from(["a", "palabra ", "ñ", "\x00", "🙂", "uno dos\n"]),
        st.integers(600, 20_000),
    ).map(lambda piece_times: piece_times[0] * piece_times[1])
    numbers = st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        # Digits of other scripts and superscripts: str.isdigit() is true, int() may refuse.
        st.text(st.characters(categories=("Nd", "No")), min_size=1, max_size=8),
        st.floats().map(str),
        st.sampled_from(
            ["1e309", "0x1F", "1_000", "٣٤", "²", "-0", " 7 ", "2,500", "2 500", "NaN", "+1"]
        ),
    )
    dates = st.one_of(
        st.dates().map(str),
        st.sampled_from(["2024-02-30", "31/12/9999", "0000-01-01", "2024-13-01", "30/02/2024"]),
    )
    other = st.sampled_from([str(i) for i in other_ids])
    several = st.lists(st.one_of(unicode, other, numbers), min_size=2, max_size=4)
    return st.one_of(unicode, mixed, long, numbers, dates, other, st.just(""), several)


@st.composite
def mutated(draw, base: dict, value_strategy: st.SearchStrategy) -> dict:
    """``base`` with up to four fields replaced, dropped or added."""
    data = dict(base)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(("replace", "replace", "drop", "add")))
        if action == "add" or not data:
            name = draw(
                st.sampled_from(EXTRA_FIELDS)
                | st.text("abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)
            )
            data[name] = draw(value_strategy)
        else:
            name = draw(st.sampled_from(sorted(data)))
            if action == "drop":
                del data[name]
            else:
                data[name] = draw(value_strategy)
    return data


# ---------------------------------------------------------------------------------------------
# What the database holds, row by row
# ---------------------------------------------------------------------------------------------


def _row_sources() -> list[tuple[str, type[Model], str]]:
    """(key prefix, model, the key's columns after the prefix) of every row a form could touch.

    Rows of a ficha carry the ficha's id in their key (``reto:<ficha>:<reto>``), so a request
    that touches another ficha's retos shows up as a change of that ficha.
    """
    sources = [
        ("ficha", Ficha, ("id",)),
        ("reto", Reto, ("ficha_id", "id")),
        ("event", FichaEvent, ("ficha_id", "id")),
        ("observacion", Observacion, ("ficha_id", "id")),
        ("user", User, ("id",)),
        ("membership", Membership, ("id",)),
        ("actor", Actor, ("id",)),
        ("ejercicio", Ejercicio, ("id",)),
        ("category", ChallengeCategory, ("ejercicio_id", "id")),
        ("totp", TOTPDevice, ("user_id", "id")),
        ("static", StaticDevice, ("user_id", "id")),
        ("static_token", StaticToken, ("device_id", "id")),
        ("edicion", Edicion, ("id",)),
        ("logentry", LogEntry, ("id",)),
    ]
    for name in (*Ficha.PROGRAM_RELATIONS, "ods"):
        field = Ficha._meta.get_field(name)
        through = field.remote_field.through
        sources.append((name, through, (field.m2m_column_name(), field.m2m_reverse_name())))
    return sources


def db_state() -> dict[str, str]:
    """Every row a form could touch: key (``kind:ficha:pk``, ``kind:pk``) -> its content.

    On PostgreSQL one query returns a digest of each row; elsewhere the rows themselves.
    """
    if connection.vendor != "postgresql":
        return {
            ":".join([kind, *(str(row[c]) for c in columns)]): repr(sorted(row.items()))
            for kind, model, columns in _row_sources()
            for row in model.objects.values(*(f.attname for f in model._meta.concrete_fields))
        }
    quote = connection.ops.quote_name
    selects = []
    for kind, model, columns in _row_sources():
        key = " || ':' || ".join([f"'{kind}'", *(f"t.{quote(c)}" for c in columns)])
        selects.append(f"SELECT {key}, md5(t::text) FROM {quote(model._meta.db_table)} t")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects))
        return dict(cursor.fetchall())


def changed(before: dict, after: dict) -> set[str]:
    return {key for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


def ficha_of(key: str) -> int | None:
    """The ficha a row belongs to (``reto:12:40`` -> 12), or None."""
    kind, *ids = key.split(":")
    if kind in {"ficha", "reto", "event", "observacion", "ods", *Ficha.PROGRAM_RELATIONS}:
        return int(ids[0])
    return None


def rows(model: type[Model]) -> dict[int, dict]:
    return {row["id"]: row for row in model.objects.values()}


# ---------------------------------------------------------------------------------------------
# The endpoints
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Outcome:
    response: object
    before: dict  # db_state() before the request
    after: dict  # and after it
    world: World
    initial: dict[str, dict[int, dict]]  # fichas and users as they are before every example

    @property
    def changes(self) -> set[str]:
        return changed(self.before, self.after)

    @property
    def status(self) -> int:
        return self.response.status_code


@dataclasses.dataclass
class Endpoint:
    name: str
    persona: str
    url: Callable[[World], str]
    base: Callable[[World], dict]
    # Whether the answer is a refusal (nothing may change).
    refused: Callable[[Outcome], bool]
    # On acceptance: may this row change? (key, outcome) -> bool
    may_change: Callable[[str, Outcome], bool] = lambda key, outcome: False
    # On acceptance: further checks of what was stored.
    check: Callable[[Outcome], None] = lambda outcome: None
    method: str = "POST"
    headers: dict = dataclasses.field(default_factory=dict)
    setup: Callable[[World, object], str] | None = None  # prepares the client, returns the URL
    # A strategy of whole bodies instead of mutations of ``base`` (file uploads).
    bodies: Callable[[World, st.SearchStrategy], st.SearchStrategy] | None = None

    def __str__(self) -> str:
        return self.name


def _form_data(ficha: Ficha) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in ficha_form_data(ficha).items():
        data.setlist(key, [str(v) for v in value] if isinstance(value, list) else [str(value)])
    return data


def assert_form_accepts(ficha: Ficha, *, submitting: bool = False) -> None:
    """What is stored is something the institution's form accepts (nothing it would refuse)."""
    data = _form_data(ficha)
    formset = RetoFormSet(data, instance=ficha, prefix="retos")
    form = FichaForm(
        data, instance=ficha, ejercicio=ficha.ejercicio, retos_formset=formset,
        submitting=submitting,
    )  # fmt: skip
    assert form.is_valid() and formset.is_valid(), (form.errors, formset.errors)


# Fields an institution's request must never change on its ficha.
PROTECTED = (
    *Ficha.COORDINATOR_FIELDS, "actor_id", "ejercicio_id", "created_by_id", "copied_from_id",
    "created_at", "tablas",
)  # fmt: skip


def _protected(row: dict) -> dict:
    names = {n if n.endswith("_id") else Ficha._meta.get_field(n).attname for n in PROTECTED}
    return {n: row[n] for n in names if n in row and n != "status"}


def institution_check(ficha_key: str, *, status_may_become: str | None = None):
    def check(outcome: Outcome) -> None:
        pk = outcome.world.fichas[ficha_key].pk
        before, after = outcome.initial["fichas"][pk], rows(Ficha)[pk]
        assert _protected(after) == _protected(before)
        assert after["status"] in {before["status"], status_may_become}
        ficha = Ficha.objects.get(pk=pk)
        assert_form_accepts(ficha, submitting=ficha.status == FichaStatus.ENVIADA)

    return check


def of_ficha(ficha_key: str):
    """Rows of one ficha (itself, its retos, relations, history) may change."""

    def may_change(key: str, outcome: Outcome) -> bool:
        return ficha_of(key) == outcome.world.fichas[ficha_key].pk

    return may_change


def new_ficha_of_a(key: str, outcome: Outcome) -> bool:
    pk = ficha_of(key)
    return pk is not None and f"ficha:{pk}" not in outcome.before


def check_new_ficha(outcome: Outcome) -> None:
    created = [k for k in outcome.changes if k.startswith("ficha:")]
    for key in created:
        ficha = Ficha.objects.get(pk=int(key.split(":")[1]))
        assert (ficha.actor, ficha.ejercicio, ficha.status) == (
            outcome.world.actor_a,
            outcome.world.ej2024,
            FichaStatus.BORRADOR,
        )
        assert _protected(rows(Ficha)[ficha.pk])["objetivo_asignado_id"] is None
        assert_form_accepts(ficha)


def new_ficha_data(w: World) -> dict:
    data = ficha_form_data(w.fichas["draft_a"])
    del data["version"]
    data["retos-INITIAL_FORMS"] = 0
    for key in [k for k in data if k.endswith(("-id", "-ficha"))]:
        del data[key]
    return data


def html_form_refused(outcome: Outcome) -> bool:
    return outcome.status != 302


def json_refused(outcome: Outcome) -> bool:
    return outcome.status != 200


def review_refused(outcome: Outcome) -> bool:
    return outcome.status in {400, 403, 404, 409}


def check_status(ficha_key: str, status: str):
    def check(outcome: Outcome) -> None:
        ficha = outcome.world.fichas[ficha_key]
        assert Ficha.objects.get(pk=ficha.pk).status == status

    return check


def check_classification(outcome: Outcome) -> None:
    ficha = Ficha.objects.get(pk=outcome.world.fichas["sent_a"].pk)
    if ficha.subtema_id:
        assert ficha.subtema.eje_id == ficha.eje_id
    own = set(ChallengeCategory.objects.filter(ejercicio=ficha.ejercicio).values_list("pk"))
    for reto in ficha.retos.all():
        assert reto.categoria_id is None or (reto.categoria_id,) in own


def check_editorial(outcome: Outcome) -> None:
    ficha = Ficha.objects.get(pk=outcome.world.fichas["sent_a"].pk)
    texts = {name: getattr(ficha, name) for name in ("objetivo_programa", "poblacion_objetivo")}
    texts |= {n: getattr(ficha, n) for n in ("descripcion", "resultados", "explicacion_sin_cifras")}
    for section, words in section_words(texts).items():
        assert not too_many_words(section, words), section
    retos_words = section_words({"retos": " ".join(r.texto for r in ficha.retos.all())})
    assert all(not too_many_words(s, n) for s, n in retos_words.items())


def check_edition(outcome: Outcome) -> None:
    for edicion in Edicion.objects.all():
        form = EdicionForm({name: getattr(edicion, name) for name in TEXT_FIELDS})
        assert form.is_valid(), form.errors


def check_invitation(outcome: Outcome) -> None:
    users, memberships = rows(User), rows(Membership)
    renamed = {"first_name", "last_name"}
    for key in outcome.changes:
        kind, pk = key.split(":")[0], int(key.split(":")[-1])
        if kind == "user" and pk in outcome.initial["users"]:
            # Only a pending invitation of the same institution is renewed (its name).
            before, after = outcome.initial["users"][pk], users[pk]
            assert before["password"].startswith("!") and before["last_login"] is None
            assert {k: v for k, v in after.items() if k not in renamed} == {
                k: v for k, v in before.items() if k not in renamed
            }
        if kind == "membership":
            assert key not in outcome.before, "an existing membership changed"
            assert memberships[pk]["role"] == Role.ENLACE and memberships[pk]["actor_id"]
        if kind == "user":
            email = users[pk]["email"]
            assert email == email.lower() and "\x00" not in email


def check_carry_over(outcome: Outcome) -> None:
    for key in outcome.changes:
        if key.startswith("ficha:"):
            ficha = Ficha.objects.get(pk=int(key.split(":")[1]))
            assert ficha.actor == outcome.world.actor_a and ficha.ejercicio == outcome.world.ej2024
            assert ficha.copied_from.actor == outcome.world.actor_a


def check_password_of(persona: str | None):
    def check(outcome: Outcome) -> None:
        w = outcome.world
        user = w.pending if persona is None else w.users[persona]
        changed_users = {k for k in outcome.changes if k.startswith("user:")}
        assert changed_users <= {f"user:{user.pk}"}

    return check


def one_user(persona: str | None):
    def may_change(key: str, outcome: Outcome) -> bool:
        w = outcome.world
        user = w.pending if persona is None else w.users[persona]
        return key == f"user:{user.pk}"

    return may_change


def of_exercise(year: int):
    """An exercise's row, its challenge categories and new audit rows may change."""

    def may_change(key: str, outcome: Outcome) -> bool:
        pk = Ejercicio.objects.get(year=year).pk
        return (
            key == f"ejercicio:{pk}"
            or key.startswith(f"category:{pk}:")
            or is_new_log(key, outcome)
        )

    return may_change


def _exercise_data(w: World) -> dict:
    return {
        "year": 2025,
        "period_start": "2024-06-01",
        "period_end": "2025-06-30",
        "opens_on": "2025-07-01",
        "closes_on": "2025-08-15",
    }


def check_new_exercise(outcome: Outcome) -> None:
    for ejercicio in Ejercicio.objects.all():
        assert 2000 <= ejercicio.year <= 2100
        assert ejercicio.period_start < ejercicio.period_end
        if ejercicio.opens_on and ejercicio.closes_on:
            assert ejercicio.opens_on <= ejercicio.closes_on


def _categories_data(w: World) -> dict:
    categories = list(ChallengeCategory.objects.filter(ejercicio=w.ej2024).order_by("position"))
    data = {
        "categorias-TOTAL_FORMS": len(categories) + 1,
        "categorias-INITIAL_FORMS": len(categories),
    }
    for i, category in enumerate(categories):
        data |= {
            f"categorias-{i}-id": category.pk,
            f"categorias-{i}-name": category.name,
            f"categorias-{i}-definition": category.definition,
            f"categorias-{i}-ORDER": i + 1,
        }
    n = len(categories)
    return data | {
        f"categorias-{n}-name": "Coordinación interinstitucional",
        f"categorias-{n}-ORDER": n + 1,
    }


def check_categories(outcome: Outcome) -> None:
    names = list(
        ChallengeCategory.objects.filter(ejercicio=outcome.world.ej2024).values_list(
            "name", flat=True
        )
    )
    assert all(name.strip() and len(name) <= 150 and "\x00" not in name for name in names)
    assert len(names) == len(set(n.strip() for n in names))


def uploads(value_strategy: st.SearchStrategy) -> st.SearchStrategy:
    """A list to import: a CSV of generated cells, or bytes that are no CSV nor XLSX at all."""
    cell = st.one_of(
        st.sampled_from(["INM", "NUEVO LEÓN", "SRE", "Ana López", "ana@prueba.gob.mx"]),
        value_strategy.filter(lambda v: isinstance(v, str)),
    )
    row = st.lists(cell, min_size=0, max_size=5).map(",".join)
    csv_text = st.lists(row, min_size=0, max_size=8).map("\n".join)
    content = st.one_of(
        csv_text.map(lambda text: text.encode("utf-8", "surrogatepass")),
        st.binary(max_size=2000),
        st.just(b"PK\x03\x04" + bytes(100)),  # the start of a ZIP (XLSX) and nothing after
    )
    name = st.sampled_from(
        ["lista.csv", "lista.xlsx", "lista.txt", "LISTA.CSV", "a" * 300 + ".csv"]
    )
    return st.builds(lambda n, c: {"archivo": SimpleUploadedFile(n, c)}, name, content)


def _confirm_data(w: World) -> dict:
    from reporting.invitation_forms import PersonRow, sign_rows

    rows = [PersonRow(2, w.actor_a.sigla, "Ana López", "ana.lopez@prueba.gob.mx")]
    return {"rows": sign_rows(rows)}


def check_own_devices(outcome: Outcome) -> None:
    focal_a = outcome.world.users["focal_a"].pk
    for key in outcome.changes:
        kind, owner = key.split(":")[:2]
        if kind in {"totp", "static"}:
            assert int(owner) == focal_a, key


def is_new_log(key: str, outcome: Outcome) -> bool:
    """An audit row of the admin's log (``reporting.audit.record_change``) added by the request."""
    return key.startswith("logentry:") and key not in outcome.before


def _edition_data(w: World) -> dict:
    data = {name: getattr(w.edicion, name) for name in TEXT_FIELDS}
    return data | {"introduction": "Periodo: {periodo}.", "authorities": "Nombre | Cargo"}


def _classify_data(w: World) -> dict:
    ficha = w.fichas["sent_a"]
    subtema = Subtema.objects.select_related("eje").order_by("pk").first()
    category = ChallengeCategory.objects.filter(ejercicio=ficha.ejercicio).first()
    data = {
        "loaded_version": ficha.version,
        "eje": subtema.eje_id,
        "subtema": subtema.pk,
        "ods": [1, 10],
        "destacada": "on",
        "resumen_informe": "Resumen breve.",
    }
    return data | {f"reto_{r.pk}": category.pk for r in ficha.retos.all()}


def _editorial_data(w: World) -> dict:
    ficha = w.fichas["sent_a"]
    retos = list(ficha.retos.all())
    data = {
        "loaded_version": ficha.version,
        **{n: getattr(ficha, n) for n in ("nombre", "sigla_override", "objetivo_programa")},
        **{n: getattr(ficha, n) for n in ("poblacion_objetivo", "descripcion", "resultados")},
        "edit_note": "Corrección de estilo.",
        "retos-TOTAL_FORMS": len(retos),
        "retos-INITIAL_FORMS": len(retos),
    }
    for i, reto in enumerate(retos):
        data |= {f"retos-{i}-id": reto.pk, f"retos-{i}-ficha": ficha.pk, f"retos-{i}-texto": "Ok."}
    return data


def _set_password_url(w: World, client) -> str:
    """Open the invitation link once: its token goes to the session, the form is the redirect."""
    uid, token = token_path(w.pending)
    response = client.get(reverse("reporting:invitation_accept", args=[uid, token]))
    assert response.status_code == 302
    return response["Location"]


def _pk(w: World, key: str) -> int:
    return w.fichas[key].pk


ENDPOINTS = [
    # --- the institution's ficha --------------------------------------------------------------
    Endpoint(
        "ficha_new",
        "focal_a",
        lambda w: reverse("reporting:ficha_new"),
        new_ficha_data,
        refused=html_form_refused,
        may_change=new_ficha_of_a,
        check=check_new_ficha,
    ),
    Endpoint(
        "ficha_new_autosave",
        "focal_a",
        lambda w: reverse("reporting:ficha_new"),
        new_ficha_data,
        refused=json_refused,
        may_change=new_ficha_of_a,
        check=check_new_ficha,
        headers={"X-Autosave": "1"},
    ),
    Endpoint(
        "ficha_edit",
        "focal_a",
        lambda w: reverse("reporting:ficha_edit", args=[_pk(w, "draft_a")]),
        lambda w: ficha_form_data(w.fichas["draft_a"]),
        refused=html_form_refused,
        may_change=of_ficha("draft_a"),
        check=institution_check("draft_a"),
    ),
    Endpoint(
        "ficha_autosave",
        "focal_a",
        lambda w: reverse("reporting:ficha_autosave", args=[_pk(w, "draft_a")]),
        lambda w: ficha_form_data(w.fichas["draft_a"]),
        refused=json_refused,
        may_change=of_ficha("draft_a"),
        check=institution_check("draft_a"),
    ),
    Endpoint(
        "ficha_submit",
        "focal_a",
        lambda w: reverse("reporting:ficha_submit", args=[_pk(w, "draft_a")]),
        lambda w: ficha_form_data(w.fichas["draft_a"]),
        refused=lambda outcome: outcome.status != 302,
        may_change=of_ficha("draft_a"),
        check=institution_check("draft_a", status_may_become=FichaStatus.ENVIADA),
    ),
    Endpoint(
        "carry_over",
        "focal_a",
        lambda w: reverse("reporting:carry_over"),
        lambda w: {"fichas": [_pk(w, "published_a")]},
        refused=html_form_refused,
        may_change=new_ficha_of_a,
        check=check_carry_over,
    ),
    # --- UPMRIP's review ----------------------------------------------------------------------
    Endpoint(
        "review_return",
        "coord",
        lambda w: reverse("reporting:review_return", args=[_pk(w, "sent_a")]),
        lambda w: {
            "loaded_version": w.fichas["sent_a"].version,
            "note": "Falta la población objetivo.",
            "obs_nombre": "Nombre demasiado general.",
        },
        refused=review_refused,
        may_change=of_ficha("sent_a"),
        check=check_status("sent_a", FichaStatus.OBSERVADA),
    ),
    Endpoint(
        "review_approve",
        "coord",
        lambda w: reverse("reporting:review_approve", args=[_pk(w, "sent_a")]),
        lambda w: {"loaded_version": w.fichas["sent_a"].version, "objective": 7, "note": ""},
        refused=review_refused,
        may_change=of_ficha("sent_a"),
        check=check_status("sent_a", FichaStatus.APROBADA),
    ),
    Endpoint(
        "review_reopen",
        "coord",
        lambda w: reverse("reporting:review_reopen", args=[_pk(w, "approved_b")]),
        lambda w: {"loaded_version": w.fichas["approved_b"].version, "reason": "Cifras."},
        refused=review_refused,
        may_change=of_ficha("approved_b"),
        check=check_status("approved_b", FichaStatus.EN_REVISION),
    ),
    Endpoint(
        "review_classify",
        "coord",
        lambda w: reverse("reporting:review_classify", args=[_pk(w, "sent_a")]),
        _classify_data,
        refused=review_refused,
        may_change=of_ficha("sent_a"),
        check=check_classification,
    ),
    Endpoint(
        "review_edit",
        "coord",
        lambda w: reverse("reporting:review_edit", args=[_pk(w, "sent_a")]),
        _editorial_data,
        refused=review_refused,
        may_change=of_ficha("sent_a"),
        check=check_editorial,
    ),
    Endpoint(
        "review_reorder",
        "coord",
        lambda w: reverse("reporting:review_reorder", args=[2024, w.actor_b.tipo.chapter, 7]),
        lambda w: {f"pos_{_pk(w, 'approved_b')}": 1},
        refused=lambda outcome: outcome.status == 400,
        may_change=of_ficha("approved_b"),
    ),
    Endpoint(
        "send_reminders",
        "coord",
        lambda w: reverse("reporting:send_reminders"),
        lambda w: {"ejercicio": w.ej2024.pk, "actors": [w.actor_a.pk, w.actor_b.pk]},
        refused=lambda outcome: True,  # it queues emails after commit; it never writes a row
    ),
    Endpoint(
        "bandeja_filters",
        "coord",
        lambda w: reverse("reporting:bandeja"),
        lambda w: {
            "q": "migrantes",
            "ejercicio": w.ej2024.pk,
            "status": "enviada",
            "chapter": "1",
            "actor": w.actor_a.pk,
            "entidad": "",
            "objective": 7,
            "destacada": "unknown",
            "orden": "-cambio",
            "page": "1",
        },  # fmt: skip
        refused=lambda outcome: True,  # a page of filters: never writes
        method="GET",
    ),
    Endpoint(
        "seguimiento_filters",
        "coord",
        lambda w: reverse("reporting:seguimiento"),
        lambda w: {"ejercicio": w.ej2024.pk, "chapter": "2", "sin_envios": "on"},
        refused=lambda outcome: True,
        method="GET",
    ),
    # --- editions -------------------------------------------------------------------------------
    Endpoint(
        "edition_edit",
        "coord",
        lambda w: reverse("compendium:edition_edit", args=[w.edicion.pk]),
        _edition_data,
        refused=html_form_refused,
        may_change=lambda key, o: key == f"edicion:{o.world.edicion.pk}" or is_new_log(key, o),
        check=check_edition,
    ),
    Endpoint(
        "edition_create",
        "coord",
        lambda w: reverse("compendium:edition_create", args=[2024]),
        lambda w: default_texts(w.ej2024),
        refused=html_form_refused,
        may_change=lambda key, o: key.startswith(("edicion:", "logentry:")) and key not in o.before,
        check=check_edition,
    ),
    # --- exercises -------------------------------------------------------------------------
    Endpoint(
        "exercise_create",
        "coord",
        lambda w: reverse("reporting:exercise_create"),
        _exercise_data,
        refused=lambda outcome: outcome.status == 400,
        may_change=lambda key, o: (
            key not in o.before and key.startswith(("ejercicio:", "category:", "logentry:"))
        ),
        check=check_new_exercise,
    ),
    Endpoint(
        "exercise_extend",
        "coord",
        lambda w: reverse("reporting:exercise_extend", args=[2024]),
        lambda w: {"closes_on": "2024-12-31", "note": "Prórroga por solicitud de SRE."},
        refused=lambda outcome: outcome.status == 400,
        may_change=of_exercise(2024),
    ),
    Endpoint(
        "exercise_close",
        "coord",
        lambda w: reverse("reporting:exercise_close", args=[2024]),
        lambda w: {"confirm": "on"},
        refused=lambda outcome: outcome.status == 400,
        may_change=of_exercise(2024),
    ),
    Endpoint(
        "exercise_reopen",
        "coord",
        lambda w: reverse("reporting:exercise_reopen", args=[2023]),
        lambda w: {"reason": "Corrección de una ficha publicada."},
        refused=lambda outcome: outcome.status == 400,
        may_change=of_exercise(2023),
    ),
    Endpoint(
        "exercise_categories",
        "coord",
        lambda w: reverse("reporting:exercise_categories", args=[2024]),
        _categories_data,
        refused=lambda outcome: outcome.status == 400,
        may_change=of_exercise(2024),
        check=check_categories,
    ),
    # --- accounts -------------------------------------------------------------------------------
    Endpoint(
        "invite",
        "coord",
        lambda w: reverse("reporting:invite"),
        lambda w: {
            "email": "nueva.enlace@prueba.gob.mx",
            "first_name": "Ana",
            "last_name": "López",
            "actor": w.actor_a.pk,
            "position": "Directora",
            "phone": "55 1234 5678",
        },  # fmt: skip
        refused=html_form_refused,
        may_change=lambda key, o: is_new_log(key, o) or key.startswith(("user:", "membership:")),
        check=check_invitation,
    ),
    Endpoint(
        "invitation_import",
        "coord",
        lambda w: reverse("reporting:invitation_import"),
        lambda w: {},
        refused=lambda outcome: True,  # a dry run: it never writes
        bodies=lambda w, value_strategy: uploads(value_strategy),
    ),
    Endpoint(
        "invitation_import_confirm",
        "coord",
        lambda w: reverse("reporting:invitation_import_confirm"),
        _confirm_data,
        # Refused: back to the upload page (bad signature) or the preview again (409).
        refused=lambda outcome: (
            outcome.status != 302
            or outcome.response["Location"].endswith(reverse("reporting:invitation_import"))
        ),
        may_change=lambda key, o: is_new_log(key, o) or key.startswith(("user:", "membership:")),
        check=check_invitation,
    ),
    Endpoint(
        "twofactor_enrol",
        "focal_a",
        lambda w: reverse("twofactor_enrol"),
        lambda w: {"code": "123456"},
        # A wrong code re-renders the page; a new device means the code was taken.
        refused=lambda outcome: not any(k.startswith("totp:") for k in outcome.changes),
        may_change=lambda key, o: key.split(":")[0] in {"totp", "static", "static_token"},
        check=check_own_devices,
    ),
    Endpoint(
        "login",
        "anon",
        lambda w: reverse("login"),
        lambda w: {"username": w.users["focal_a"].email, "password": PASSWORD},
        refused=html_form_refused,
        may_change=one_user("focal_a"),  # last_login
    ),
    Endpoint(
        "password_reset",
        "anon",
        lambda w: reverse("password_reset"),
        lambda w: {"email": w.users["focal_a"].email},
        refused=html_form_refused,
    ),
    Endpoint(
        "password_change",
        "focal_a",
        lambda w: reverse("password_change"),
        lambda w: {
            "old_password": PASSWORD,
            "new_password1": "Otra-clave-larga-2024",
            "new_password2": "Otra-clave-larga-2024",
        },
        refused=html_form_refused,
        may_change=one_user("focal_a"),
        check=check_password_of("focal_a"),
    ),
    Endpoint(
        "invitation_set_password",
        "anon",
        lambda w: "",
        lambda w: {
            "new_password1": "Clave-de-enlace-2024",
            "new_password2": "Clave-de-enlace-2024",
        },
        refused=html_form_refused,
        may_change=one_user(None),
        check=check_password_of(None),
        setup=_set_password_url,
    ),
]


# ---------------------------------------------------------------------------------------------
# The test
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    with module_world(django_db_blocker, tmp_path_factory.mktemp("media")) as w:
        yield w


@pytest.fixture
def server_errors():
    """Exceptions raised by views, so a 500 shows its traceback."""
    caught = []

    def receiver(sender, request=None, **kwargs):
        import traceback

        caught.append(traceback.format_exc())

    got_request_exception.connect(receiver, weak=False)
    yield caught
    got_request_exception.disconnect(receiver)


def other_ids(w: World) -> list[int]:
    """Ids a request may try that belong to someone else (or to nobody)."""
    b = w.fichas["draft_b"]
    other_category = ChallengeCategory.objects.filter(ejercicio=w.ej2023).first()
    return [
        b.pk, b.retos.first().pk, w.fichas["approved_b"].pk, w.actor_b.pk, w.users["focal_b"].pk,
        w.users["admin"].pk, w.ej2023.pk, other_category.pk if other_category else 0,
        w.fichas["published_a"].pk, 0, -1, 999_999, 2**31, 2**63,
    ]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_generated_input(endpoint: Endpoint, world, db, settings, server_errors):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = world.client(endpoint.persona)
    url = endpoint.setup(world, client) if endpoint.setup else endpoint.url(world)
    cookies = SimpleCookie()
    cookies.load(client.cookies.output(header="", sep=";"))
    base = endpoint.base(world)
    figures = FIGURES[endpoint.name]
    initial = {"fichas": rows(Ficha), "users": rows(User)}
    value_strategy = values(other_ids(world))
    generated = (
        endpoint.bodies(world, value_strategy) if endpoint.bodies else mutated(base, value_strategy)
    )

    @FUZZ
    @given(data=st.data())
    def run(data):
        body = data.draw(generated, label="body")
        client.cookies = SimpleCookie(cookies)
        server_errors.clear()
        mail.outbox = []
        with transaction.atomic():
            before = db_state()
            if endpoint.method == "GET":
                response = client.get(url, body, headers=endpoint.headers)
            else:
                response = client.post(url, body, headers=endpoint.headers)
            outcome = Outcome(response, before, db_state(), world, initial)
            figures["examples"] += 1
            try:
                if response.status_code >= 500:
                    figures["5xx"] += 1
                assert response.status_code < 500, "".join(server_errors)
                if endpoint.refused(outcome):
                    figures["refused"] += 1
                    if outcome.changes:
                        figures["refused but saved"] += 1
                    assert outcome.changes == set(), f"refused ({outcome.status}) but changed"
                    assert mail.outbox == [], "refused, but an email was sent"
                else:
                    figures["accepted"] += 1
                    wrong = {k for k in outcome.changes if not endpoint.may_change(k, outcome)}
                    assert wrong == set(), "accepted, but changed rows it does not own"
                    endpoint.check(outcome)
            finally:
                transaction.set_rollback(True)

    run()


# Regression (issue 17, found by this fuzz test): a sign-in name over 255 characters was a 500
# (django-axes stores it in a varchar(255)); reporting.signin.typed_username caps it.
@pytest.mark.parametrize("name", ["a" * 256, "İ" * 200], ids=["256-ascii", "200-dotted-I"])
def test_long_sign_in_name_is_refused_not_a_500(name, db, server_errors):
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": name, "password": "x"})
    assert response.status_code == 200, "".join(server_errors)  # the form, with its error
    assert "_auth_user_id" not in client.session


# Regression (issue 17, found by this fuzz test): six superscript or circled digits were a 500
# at enrolment (str.isdigit() accepts them, int() does not).
@pytest.mark.parametrize("code", ["²²²²²²", "①②③④⑤⑥"], ids=["superscript", "circled"])
def test_enrol_code_of_unicode_digits_is_refused_not_a_500(code, world, db, server_errors):
    client = world.client("focal_a")
    response = client.post(reverse("twofactor_enrol"), {"code": code})
    assert response.status_code == 200, "".join(server_errors)  # the form, with its error
    assert not TOTPDevice.objects.filter(user=world.users["focal_a"]).exists()


# Regression (issue 17, found by this fuzz test): the categories page posted without a valid
# management form was a 500 (the formset's clean read ordered_forms of an invalid formset).
@pytest.mark.parametrize(
    "body",
    [
        {"nombre": "x"},
        {"categorias-INITIAL_FORMS": "0"},
        {"categorias-TOTAL_FORMS": "x", "categorias-INITIAL_FORMS": "0"},
        {"categorias-TOTAL_FORMS": "0", "categorias-INITIAL_FORMS": ""},
    ],
    ids=["no-management-form", "no-total", "total-not-a-number", "initial-blank"],
)
def test_categories_without_management_form_is_refused_not_a_500(body, world, db, server_errors):
    client = world.client("coord")
    names = list(ChallengeCategory.objects.filter(ejercicio=world.ej2024).values_list("name"))
    response = client.post(reverse("reporting:exercise_categories", args=[2024]), body)
    assert response.status_code == 400, "".join(server_errors)  # the formset, with its error
    assert (
        list(ChallengeCategory.objects.filter(ejercicio=world.ej2024).values_list("name")) == names
    )


def test_figures():
    """Reports, per endpoint: examples, 5xx, refused, refused but saved, accepted."""
    if not FIGURES:
        return
    total = collections.Counter()
    lines = [f"form fuzz ({EXAMPLES} examples per endpoint asked):"]
    for name, figures in FIGURES.items():
        total.update(figures)
        lines.append(
            f"  {name}: {figures['examples']} examples, {figures['5xx']} 5xx, "
            f"{figures['refused']} refused ({figures['refused but saved']} saved anyway), "
            f"{figures['accepted']} accepted"
        )
    lines.append(
        f"  all {len(FIGURES)} endpoints: {total['examples']} examples, {total['5xx']} 5xx, "
        f"{total['refused but saved']} refused but saved"
    )
    report_figures("\n".join(lines))
