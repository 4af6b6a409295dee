"""Export → import gives the same field values, for every ficha of the demonstration data.

The demo (``reporting.demo.load_demo``: two exercises, fichas in every status, joint programs,
long texts, bullets) is loaded once for the module, in a transaction rolled back at the end.
Each ficha is written with ``build_docx``, read back with ``read_docx`` and bound to the
institution's form as a new draft would be: every field and every reto must come back equal,
with nothing left in the «Texto no reconocido» note.
"""

import pytest
from django.db import transaction
from django.test import override_settings

from reporting.demo import load_demo
from reporting.docx_ficha import build_docx
from reporting.docx_import import prepare
from reporting.docx_reader import read_docx
from reporting.models import Ficha
from tests.reference import ensure_reference_data

HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(scope="module")
def demo_fichas(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=HASHERS, TASKS=DUMMY_TASKS),
        transaction.atomic(),
    ):
        ensure_reference_data()
        load_demo()
        fichas = list(
            Ficha.objects.select_related("ejercicio", "actor").prefetch_related(
                "retos", "objetivos_propuestos", "entidades"
            )
        )
        yield fichas
        transaction.set_rollback(True)


def _stored(ficha: Ficha) -> dict:
    values = {}
    for name in Ficha.INSTITUTION_FIELDS:
        value = getattr(ficha, name)
        if Ficha._meta.get_field(name).many_to_many:
            value = sorted(obj.pk for obj in value.all())
        elif isinstance(value, str):
            value = value.replace("\r\n", "\n")
        values[name] = value
    return values


def _read_back(cleaned: dict) -> dict:
    values = {}
    for name in Ficha.INSTITUTION_FIELDS:
        value = cleaned.get(name)
        if Ficha._meta.get_field(name).many_to_many:
            value = sorted(obj.pk for obj in value or [])
        values[name] = value
    return values


@pytest.mark.slow
def test_round_trip_of_every_demo_ficha(demo_fichas, db):
    assert len(demo_fichas) > 20
    different = {}
    for ficha in demo_fichas:
        data = build_docx(ficha.ejercicio, ficha)
        parsed = read_docx(data, f"{ficha.pk}.docx", ejercicio=ficha.ejercicio)
        prepared = prepare(parsed, Ficha(actor=ficha.actor, ejercicio=ficha.ejercicio))
        stored, back = _stored(ficha), _read_back(prepared.form.cleaned_data)
        retos = [r.texto.replace("\r\n", "\n") for r in ficha.retos.all()]
        problems: dict[str, object] = {
            k: (stored[k], back[k]) for k in stored if stored[k] != back[k]
        }
        if retos != prepared.formset.kept_texts():
            problems["retos"] = (retos, prepared.formset.kept_texts())
        if prepared.note:
            problems["note"] = prepared.note
        if problems:
            different[ficha.pk] = problems
    assert different == {}
