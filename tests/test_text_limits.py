"""Every text field of every form has a maximum length (issue 17).

The rule test imports every module of ``reporting`` and ``compendium``, finds each form class
defined there and builds it with the arguments of ``FORM_KWARGS``: a form added later without an
entry in that table fails here, so nobody can add an unbounded text box by accident. The other
tests post an oversize text to the coordinators' pages and the editions page: refused with the
message of ``reporting.text.TextLengthValidator``, nothing saved.
"""

import importlib
import inspect
import pkgutil
import types
from collections.abc import Callable

import pytest
from django import forms
from django.core.validators import MaxLengthValidator
from django.urls import reverse

from compendium.editions import TEXT_FIELDS, create_edicion
from compendium.models import Edicion
from reporting import workflow
from reporting.models import Ficha, FichaEvent, FichaStatus, Observacion, Reto
from reporting.text import TextLengthValidator, cap_text_fields
from tests import factories

pytestmark = pytest.mark.django_db

Context = types.SimpleNamespace

# Constructor arguments of every form class defined in reporting/ and compendium/.
FORM_KWARGS: dict[str, Callable[[Context], dict]] = {
    "compendium.forms.EdicionForm": lambda c: {},
    "compendium.workspace.CreditsForm": lambda c: {},
    "compendium.workspace.CriterionForm": lambda c: {},
    "compendium.workspace.HighlightsForm": lambda c: {"fichas": [c.ficha]},
    "compendium.workspace.InformeTextForm": lambda c: {"field": "preambulo"},
    "compendium.workspace.KeywordsForm": lambda c: {
        "categories": list(c.ejercicio.challenge_categories.all())
    },
    "compendium.workspace.RetoPageForm": lambda c: {
        "retos": list(c.ficha.retos.all()),
        "categories": list(c.ejercicio.challenge_categories.all()),
        "rules": [],
    },
    "reporting.docx_forms.DocxImportForm": lambda c: {
        "drafts": Ficha.objects.all(),
        "actors": True,
    },
    "reporting.exercise_forms.CategoryForm": lambda c: {},
    "reporting.exercise_forms.CloseForm": lambda c: {},
    "reporting.exercise_forms.DeadlineForm": lambda c: {"ejercicio": c.ejercicio},
    "reporting.exercise_forms.EjercicioForm": lambda c: {},
    "reporting.exercise_forms.OpenForm": lambda c: {"previous": c.ejercicio},
    "reporting.exercise_forms.PrefixedForm": lambda c: {},
    "reporting.exercise_forms.ReopenForm": lambda c: {},
    "reporting.forms.CarryOverForm": lambda c: {"queryset": Ficha.objects.all()},
    "reporting.forms.FichaForm": lambda c: {"ejercicio": c.ejercicio, "instance": c.ficha},
    "reporting.forms.InvitationForm": lambda c: {},
    "reporting.forms.RetoForm": lambda c: {"instance": c.reto},
    "reporting.invitation_forms.BulkConfirmForm": lambda c: {},
    "reporting.invitation_forms.BulkInvitationForm": lambda c: {},
    "reporting.review_forms.ApproveForm": lambda c: {"ficha": c.ficha},
    "reporting.review_forms.BlockOrderForm": lambda c: {"fichas": [c.ficha]},
    "reporting.review_forms.ClassificationForm": lambda c: {"ficha": c.ficha},
    "reporting.review_forms.DeskFilterForm": lambda c: {},
    "reporting.review_forms.EditorialForm": lambda c: {"instance": c.ficha},
    "reporting.review_forms.FollowUpFilterForm": lambda c: {},
    "reporting.review_forms.ReminderForm": lambda c: {},
    "reporting.review_forms.ReopenForm": lambda c: {},
    "reporting.review_forms.RetoTextForm": lambda c: {"instance": c.reto},
    "reporting.review_forms.ReturnForm": lambda c: {},
    "reporting.review_forms.VersionedForm": lambda c: {},
    "reporting.signin.QueuedPasswordResetForm": lambda c: {},
    "reporting.twofactor.CodeForm": lambda c: {},
    "reporting.twofactor.EnrolForm": lambda c: {},
}

# Formsets whose input is never a person's: the demo loader feeds them reporting/demo_data.json.
NOT_PEOPLES_INPUT = {"reporting.demo._NotaFormSet"}

# The limits chosen for the texts that matter most (characters).
EXPECTED_LIMITS = {
    ("reporting.forms.FichaForm", "descripcion"): 5000,
    ("reporting.forms.FichaForm", "resultados"): 5000,
    ("reporting.forms.FichaForm", "nombre"): 500,
    ("reporting.forms.RetoForm", "texto"): 2000,
    ("reporting.review_forms.RetoTextForm", "texto"): 2000,
    ("reporting.review_forms.ReturnForm", "note"): 5000,
    ("reporting.review_forms.ReturnForm", "obs_descripcion"): 5000,
    ("reporting.review_forms.ApproveForm", "note"): 5000,
    ("reporting.review_forms.ReopenForm", "reason"): 5000,
    ("reporting.review_forms.ClassificationForm", "resumen_informe"): 5000,
    ("reporting.review_forms.EditorialForm", "descripcion"): 5000,
    ("reporting.review_forms.EditorialForm", "edit_note"): 300,
    ("compendium.forms.EdicionForm", "introduction"): 20000,
    ("compendium.forms.EdicionForm", "conclusiones"): 20000,
    ("compendium.forms.EdicionForm", "authorities"): 10000,
    ("compendium.forms.EdicionForm", "analisis_general"): 5000,
    ("compendium.forms.EdicionForm", "title"): 200,
}


def _project_modules() -> list[types.ModuleType]:
    modules = []
    for package_name in ("reporting", "compendium"):
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{package_name}."):
            if ".migrations" in info.name:
                continue
            modules.append(importlib.import_module(info.name))
    return modules


def _defined(modules, base: type) -> dict[str, type]:
    """Classes that are subclasses of ``base``, by dotted name, in the module defining them."""
    return {
        f"{obj.__module__}.{obj.__qualname__}": obj
        for module in modules
        for _name, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, base) and obj.__module__ == module.__name__
    }


def form_classes() -> dict[str, type[forms.BaseForm]]:
    return _defined(_project_modules(), forms.BaseForm)


@pytest.fixture
def context(ficha_a, ejercicio) -> Context:
    return Context(ficha=ficha_a, ejercicio=ejercicio, reto=ficha_a.retos.first())


def test_every_form_has_constructor_arguments_in_the_table() -> None:
    found = form_classes()
    assert sorted(set(found) - set(FORM_KWARGS)) == [], "add the new form to FORM_KWARGS"
    assert sorted(set(FORM_KWARGS) - set(found)) == [], "remove forms that no longer exist"


def test_every_formset_uses_a_form_checked_here() -> None:
    modules = _project_modules()
    formsets = {
        f"{module.__name__}.{name}": obj
        for module in modules
        for name, obj in inspect.getmembers(module, inspect.isclass)
        if issubclass(obj, forms.BaseFormSet) and hasattr(obj, "form")
    }
    assert formsets, "the walk found no formset"
    unchecked = {
        name: f"{fs.form.__module__}.{fs.form.__qualname__}"
        for name, fs in formsets.items()
        if name not in NOT_PEOPLES_INPUT
        and not issubclass(fs.form, tuple(form_classes()[n] for n in FORM_KWARGS))
    }
    assert unchecked == {}


def test_every_text_field_has_a_maximum_length(context) -> None:
    unbounded = []
    for name, form_class in sorted(form_classes().items()):
        form = form_class(**FORM_KWARGS[name](context))
        for field_name, field in form.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
            ok = field.max_length is not None and limits == [field.max_length]
            if ok and isinstance(field.widget, forms.Textarea):
                # Never a maxlength on a text box: the browser would cut a pasted text silently.
                ok = "maxlength" not in field.widget.attrs
            elif ok and not field.widget.is_hidden:
                ok = str(field.widget.attrs.get("maxlength")) == str(field.max_length)
            if not ok:
                unbounded.append(f"{name}.{field_name}")
    assert unbounded == []


def test_chosen_limits(context) -> None:
    classes = form_classes()
    limits = {}
    for form_name, field_name in EXPECTED_LIMITS:
        form = classes[form_name](**FORM_KWARGS[form_name](context))
        limits[form_name, field_name] = form.fields[field_name].max_length
    assert limits == EXPECTED_LIMITS


def test_message_counts_with_thousands_separator() -> None:
    class Note(forms.Form):
        text = forms.CharField(widget=forms.Textarea)
        short = forms.CharField(max_length=10)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            cap_text_fields(self, default=1200, overrides={"short": 50})

    form = Note({"text": "a" * 1201, "short": "b" * 11})
    assert not form.is_valid()
    assert form.errors == {
        "text": ["Este texto tiene 1,201 caracteres; el máximo es 1,200."],
        # An override never raises a limit the field already had (its database column's).
        "short": ["Este texto tiene 11 caracteres; el máximo es 10."],
    }
    # A text box is limited by the server only (a browser maxlength cuts a paste silently);
    # a one-line input also gets the browser's maxlength.
    assert "maxlength" not in form.fields["text"].widget.attrs
    assert form.fields["short"].widget.attrs["maxlength"] == "10"
    lengths = [v for v in form.fields["short"].validators if isinstance(v, MaxLengthValidator)]
    assert [type(v) for v in lengths] == [TextLengthValidator]
    # Each form gets its own copy of a field: the class's field keeps no validator of ours.
    assert not any(isinstance(v, TextLengthValidator) for v in Note.base_fields["text"].validators)
    assert Note({"text": "a" * 1200, "short": "b" * 10}).is_valid()


# ---------------------------------------------------------------------------------------------
# Oversize posts are refused and nothing is saved
# ---------------------------------------------------------------------------------------------

# One «word» of 5,001 characters: over the character limit, within the 180-word limit.
OVERSIZE = "a" * 5001
MESSAGE = "Este texto tiene 5,001 caracteres; el máximo es 5,000."


@pytest.fixture
def sent(ficha_a, focal_a):
    return workflow.submit(ficha_a, by=focal_a)


_editorial_data = factories.editorial_post


def test_oversize_editorial_correction_is_refused(client_coord, sent) -> None:
    url = reverse("reporting:review_edit", args=[sent.pk])
    before = Ficha.objects.filter(pk=sent.pk).values().get()
    retos = list(Reto.objects.filter(ficha=sent).values_list("pk", "texto"))
    events = FichaEvent.objects.filter(ficha=sent).count()

    response = client_coord.post(
        url, _editorial_data(sent, descripcion=OVERSIZE, **{"retos-0-texto": "r" * 2001})
    )

    assert response.status_code == 400
    assert response.context["form"].errors["descripcion"] == [MESSAGE]
    assert response.context["formset"].forms[0].errors["texto"] == [
        "Este texto tiene 2,001 caracteres; el máximo es 2,000."
    ]
    assert MESSAGE in response.content.decode()
    assert Ficha.objects.filter(pk=sent.pk).values().get() == before
    assert list(Reto.objects.filter(ficha=sent).values_list("pk", "texto")) == retos
    assert FichaEvent.objects.filter(ficha=sent).count() == events


def test_oversize_return_note_is_refused(client_coord, sent) -> None:
    url = reverse("reporting:review_return", args=[sent.pk])
    response = client_coord.post(
        url, {"loaded_version": sent.version, "note": "Revise.", "obs_resultados": OVERSIZE}
    )
    assert response.status_code == 400
    assert response.context["return_form"].errors == {"obs_resultados": [MESSAGE]}
    assert MESSAGE in response.content.decode()
    sent.refresh_from_db()
    assert sent.status == FichaStatus.ENVIADA
    assert not Observacion.objects.filter(ficha=sent).exists()


def test_oversize_edition_text_is_refused(client_coord, ejercicio, coordinator) -> None:
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    before = Edicion.objects.filter(pk=edicion.pk).values().get()
    url = reverse("compendium:edition_edit", args=[edicion.pk])
    data = {name: getattr(edicion, name) for name in TEXT_FIELDS}
    huge = "{periodo} " + "b" * 20_000

    response = client_coord.post(url, {**data, "introduction": huge})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "introduction": ["Este texto tiene 20,010 caracteres; el máximo es 20,000."]
    }
    assert "el máximo es 20,000." in response.content.decode()
    assert Edicion.objects.filter(pk=edicion.pk).values().get() == before
