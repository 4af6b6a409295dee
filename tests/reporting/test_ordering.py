import pytest

from reporting.models import Ficha
from reporting.ordering import numbered_blocks
from tests import factories

pytestmark = pytest.mark.django_db


def _approved(actor, ejercicio, nombre, objetivo=7, orden=None):
    f = factories.ficha(actor, ejercicio, nombre=nombre)
    Ficha.objects.filter(pk=f.pk).update(status="aprobada", objetivo_asignado=objetivo, orden=orden)
    return f


def test_default_order_states_alphabetical_then_others_by_institution(ejercicio):
    tab = factories.actor("TABASCO", tipo="estatal", entidad="27", name="Gobierno de Tabasco")
    camp = factories.actor("CAMPECHE", tipo="estatal", entidad="04", name="Gobierno de Campeche")
    sre = factories.actor("SRE", name="Secretaría de Relaciones Exteriores")
    inm = factories.actor("INM", tipo="desconcentrado", name="Instituto Nacional de Migración")
    _approved(tab, ejercicio, "Atención en albergues")
    _approved(camp, ejercicio, "Ventanilla única")
    _approved(camp, ejercicio, "Asesoría jurídica")
    _approved(sre, ejercicio, "Protección consular")
    _approved(inm, ejercicio, "Grupos Beta")
    _approved(inm, ejercicio, "Otro objetivo", objetivo=3)

    blocks = numbered_blocks(Ficha.objects.for_print())
    names = {key: [f.nombre for f in fichas] for key, fichas in blocks.items()}
    assert list(names) == [(1, 3), (1, 7), (2, 7)]
    assert names[(1, 7)] == ["Grupos Beta", "Protección consular"]
    assert names[(2, 7)] == ["Asesoría jurídica", "Ventanilla única", "Atención en albergues"]


def test_coordinator_order_wins(ejercicio):
    sre = factories.actor("SRE", name="Secretaría de Relaciones Exteriores")
    _approved(sre, ejercicio, "A primero alfabéticamente")
    _approved(sre, ejercicio, "Z pero con orden", orden=1)
    blocks = numbered_blocks(Ficha.objects.for_print())
    assert [f.nombre for f in blocks[(1, 7)]] == ["Z pero con orden", "A primero alfabéticamente"]
