"""A fully prepared demo edition passes the pre-publication check (issue 12).

The demo data (reporting/demo_data.json) marks a highlight in every objective with approved
fichas of 2024 and categorises every reto; the coordinator then writes the Informe's texts.
Loaded once for the module, rolled back at the end.
"""

import io

import pytest
from django.core.management import call_command

from compendium.checks import check_edition
from compendium.editions import create_edicion
from reporting.demo import COORDINATOR, DEMO_YEAR, load_demo
from reporting.models import Ejercicio, User
from tests.compendium._module_db import module_transaction

TEXTS = {
    "preambulo": "El Informe Ejecutivo resume las acciones reportadas en el ejercicio.",
    "analisis_general": "Los objetivos 7 y 15 concentran la mayor parte de las fichas.",
    "analisis_federal": "Las dependencias federales reportaron en la mayoría de los objetivos.",
    "analisis_estatal": "Las entidades federativas se concentran en los objetivos 15 y 16.",
    "conclusiones": "La coordinación interinstitucional sigue siendo el principal reto.",
}

pytestmark = pytest.mark.slow  # loads the whole demo once


@pytest.fixture(scope="module")
def prepared(django_db_setup, django_db_blocker):
    with module_transaction(django_db_blocker):
        load_demo()
        ejercicio = Ejercicio.objects.get(year=DEMO_YEAR)
        coordinator = User.objects.get(email=COORDINATOR)
        create_edicion(ejercicio=ejercicio, by=coordinator, **TEXTS)
        yield ejercicio


def test_prepared_demo_edition_has_no_blocking_finding(prepared, db) -> None:
    report = check_edition(prepared)
    assert report.fichas > 10
    assert report.blocking == [], [f.message for f in report.blocking]


def test_command_exits_zero_on_the_prepared_demo_edition(prepared, db) -> None:
    out = io.StringIO()
    call_command("check_edition", year=DEMO_YEAR, stdout=out)  # no SystemExit: status 0
    assert "0 bloquean la publicación." in out.getvalue()
