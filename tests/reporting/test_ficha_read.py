"""The read-only ficha (templates/reporting/_ficha_read.html) on the institution's page and on
the coordinators' review page: one rendering, the model's labels, the observation controls of
the review page inside it, and the contact block for the institution and UPMRIP only."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils.text import capfirst

from reporting import workflow
from reporting.models import Ficha, FichaStatus, ObjetivoPMM, Observacion
from reporting.review_forms import OBSERVABLE_FIELDS
from tests import factories

# The rows of the ficha in the official order, by model field; «periodo» is the reported
# period (two fields shown as one row).
ROWS = (
    "actor",
    "unidad",
    "objetivos_propuestos",
    "nombre",
    "objetivo_programa",
    "poblacion_objetivo",
    "fecha_inicio",
    "temporalidad",
    "descripcion",
    "periodo",
    "num_acciones",
    "tipo_acciones",
    "personas_atendidas",
    "mujeres",
    "hombres",
    "otras_personas",
    "grupos_traslapados",
    "alcance_nacional",
    "entidades",
    "alcance_extranjero",
    "alcance_regiones",
    "explicacion_sin_cifras",
    "resultados",
    "retos",
    "contacto_nombre",
    "contacto_cargo",
    "contacto_telefono",
    "contacto_extension",
    "contacto_correo",
)


def label(name: str) -> str:
    if name == "periodo":
        return "Periodo reportado"
    if name == "retos":
        return "Retos"
    return capfirst(str(Ficha._meta.get_field(name).verbose_name))


class FichaRead(HTMLParser):
    """Rows (label, value) of the <dl>s inside div.ficha-lectura, and the observation
    controls (summary text, textarea name, label of the row) found inside a <dd>."""

    def __init__(self):
        super().__init__()
        self.rows: list[tuple[str, str]] = []
        self.controls: list[tuple[str, str, str]] = []
        self.misplaced: list[str] = []  # in a <dl> or its <div>s, what is not dt/dd/div
        self.stack: list[str] = []
        self.in_read = False
        self.read_depth = 0
        self.part = None
        self.text = {"dt": "", "dd": "", "summary": ""}
        self.textarea = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "ficha-lectura" in (attrs.get("class") or ""):
            self.in_read, self.read_depth = True, len(self.stack)
        if self.stack[-1:] == ["dl"] and tag not in ("div", "dt", "dd"):
            self.misplaced.append(tag)
        if self.stack[-2:] == ["dl", "div"] and tag not in ("dt", "dd"):
            self.misplaced.append(tag)
        if self.in_read and tag in ("dt", "dd"):
            self.part = tag
            self.text[tag] = ""
        if tag == "details":
            self.part = "details"
        if tag == "summary":
            self.part = "summary"
            self.text["summary"] = ""
        if tag == "textarea" and self.part in ("details", "summary"):
            self.textarea = attrs["name"]
        if tag not in ("br", "input", "meta", "link", "img"):
            self.stack.append(tag)

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if self.in_read and len(self.stack) == self.read_depth:
            self.in_read = False
        if tag == "summary":
            self.part = "details"
        elif tag == "details" and self.in_read:
            self.controls.append((self.text["summary"], self.textarea, self.text["dt"]))
            self.part = "dd"
        elif tag == "dd" and self.in_read:
            self.rows.append((self.text["dt"], " ".join(self.text["dd"].split())))
            self.part = None
        elif tag == "dt":
            self.text["dt"] = " ".join(self.text["dt"].split())
            self.part = None

    def handle_data(self, data):
        if self.part in ("dt", "dd", "summary"):
            self.text[self.part] += data


def read(html: str) -> FichaRead:
    parser = FichaRead()
    parser.feed(html)
    return parser


@pytest.fixture
def sent(ficha_a, focal_a):
    ficha_a.unidad = "Dirección General de Protección"
    ficha_a.save()
    return workflow.submit(ficha_a, by=focal_a)


def institution_page(client, ficha) -> str:
    return client.get(reverse("reporting:ficha_edit", args=[ficha.pk])).content.decode()


def review_page(client, ficha) -> str:
    return client.get(reverse("reporting:review_ficha", args=[ficha.pk])).content.decode()


def test_both_pages_show_the_same_rows_with_the_models_labels(client_a, client_coord, sent):
    own = read(institution_page(client_a, sent))
    review = read(review_page(client_coord, sent))
    assert own.rows == review.rows
    assert [dt for dt, _dd in own.rows] == [label(n) for n in ROWS]
    rows = dict(own.rows)
    assert rows["Institución"] == "Instituto Nacional de Migración (INM)"
    assert rows["Unidad/Dirección General"] == "Dirección General de Protección"
    assert rows["Objetivo(s) del PMM propuesto(s)"] == (
        "7. Abordar y reducir las vulnerabilidades en la migración"
    )
    assert rows["Nombre del programa"] == sent.nombre
    assert rows["Temporalidad"] == "Permanente"
    assert rows["Tipo de acciones"] == "(sin dato)"
    assert rows["Periodo reportado"] == "El del ejercicio"
    assert (rows["Personas atendidas"], rows["Mujeres"], rows["Hombres"]) == ("1245", "600", "645")
    assert (rows["Alcance nacional"], rows["En el extranjero"]) == ("Sí", "No")
    assert rows["Resultados alcanzados"] == "Se brindaron 1,245 atenciones en el periodo."
    assert rows["Retos"] == "Falta de personal capacitado en las oficinas de atención."
    assert own.misplaced == review.misplaced == []


def test_optional_rows_appear_when_they_carry_data(client_a, actor_a, ejercicio, focal_a):
    import datetime

    ficha = factories.ficha(
        actor_a,
        ejercicio,
        temporalidad="temporal",
        fecha_conclusion=datetime.date(2024, 5, 31),
        grupos_traslapados=True,
        traslape_explicacion="Una persona puede ser mujer y menor de edad.",
        tablas=[{"caption": "Atenciones", "header": ["Mes", "Total"], "rows": [["Enero", "12"]]}],
    )
    ficha.notas.create(texto="Cifras preliminares.")
    workflow.submit(ficha, by=focal_a)
    html = institution_page(client_a, ficha)
    rows = dict(read(html).rows)
    assert rows["Fecha de conclusión"] == "31/05/2024"
    assert rows["Explicación del traslape"] == "Una persona puede ser mujer y menor de edad."
    assert rows["Tablas"].split() == ["Atenciones", "MesTotal", "Enero12"]
    assert "<caption>Atenciones</caption>" in html
    assert '<th scope="col">Mes</th><th scope="col">Total</th>' in html
    assert "<li>Cifras preliminares.</li>" in html


def test_review_page_offers_one_named_observation_per_field(client_coord, sent):
    review = read(review_page(client_coord, sent))
    assert [name for _summary, name, _dt in review.controls] == [
        f"obs_{n}" for n in ROWS if n in OBSERVABLE_FIELDS
    ]
    # Each control sits inside the value of its row and names that row's label.
    assert [summary for summary, _name, _dt in review.controls] == [
        f"Agregar observación a este campo: {dt}" for _s, _n, dt in review.controls
    ]
    assert len(review.controls) == len(OBSERVABLE_FIELDS) == 12


def test_institution_page_has_no_observation_controls(client_a, sent):
    html = institution_page(client_a, sent)
    assert read(html).controls == []
    assert "Agregar observación" not in html


def test_posting_a_field_observation_from_the_review_page(client_coord, sent):
    url = reverse("reporting:review_return", args=[sent.pk])
    response = client_coord.post(
        url, {"loaded_version": sent.version, "obs_contacto_nombre": "Falta el cargo completo."}
    )
    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == FichaStatus.OBSERVADA
    assert list(Observacion.objects.filter(ficha=sent).values_list("field", "texto")) == [
        ("contacto_nombre", "Falta el cargo completo.")
    ]
    # Returned: nothing more to observe until it comes back.
    assert read(review_page(client_coord, sent)).controls == []


def test_a_refused_return_keeps_the_typed_observation_open(client_coord, sent):
    url = reverse("reporting:review_return", args=[sent.pk])
    response = client_coord.post(url, {"loaded_version": sent.version + 5, "obs_nombre": "Otro"})
    assert response.status_code == 409
    html = response.content.decode()
    assert '<details class="obs mt-1" open>' in html
    assert ">\nOtro</textarea>" in html


def test_institution_sees_the_objective_assigned_to_an_approved_ficha(
    client_a, client_coord, coordinator, sent
):
    assert "Objetivo del PMM asignado por la UPMRIP" not in institution_page(client_a, sent)
    workflow.start_review(sent, by=coordinator)
    workflow.approve(
        sent,
        by=coordinator,
        objective=ObjetivoPMM.objects.get(number=16),
        note="Se enfoca en la inclusión.",
    )
    html = institution_page(client_a, sent)
    assert "Objetivo del PMM asignado por la UPMRIP" in html
    assert '<p class="mb-0" id="objetivo-asignado">16. ' in html
    assert "Justificación: Se enfoca en la inclusión." in html
    # The proposal stays as the institution wrote it.
    assert dict(read(html).rows)["Objetivo(s) del PMM propuesto(s)"].startswith("7. ")


CONTACT = ("María Pérez López", "Directora de Área", "55 4321 8765", "maria.perez@prueba.gob.mx")


def test_contact_block_for_the_institution_and_coordinators_only(
    client_a, client_a2, client_b, client_coord, client, sent
):
    for page in (
        institution_page(client_a, sent),
        institution_page(client_a2, sent),
        review_page(client_coord, sent),
    ):
        rows = dict(read(page).rows)
        assert (
            rows["Nombre"],
            rows["Cargo"],
            rows["Teléfono"],
            rows["Correo electrónico"],
        ) == CONTACT
    for url in (
        reverse("reporting:ficha_edit", args=[sent.pk]),
        reverse("reporting:review_ficha", args=[sent.pk]),
    ):
        assert client_b.get(url).status_code == 404
        response = client.get(url)
        assert (response.status_code, response.url.startswith("/cuentas/login/")) == (302, True)
    assert client_a.get(reverse("reporting:review_ficha", args=[sent.pk])).status_code == 404
