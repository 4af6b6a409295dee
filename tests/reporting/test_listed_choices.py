"""``forms.ListedChoicesField`` gives what Django's ModelMultipleChoiceField gives, with one
statement (the ficha form's objectives and entidades; docs/load-test.md §L8b)."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.forms import FichaForm, ListedChoicesField
from reporting.models import EntidadFederativa, ObjetivoPMM

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

MODELS = [ObjetivoPMM, EntidadFederativa]


def outcome(field: forms.Field, value):
    """The cleaned rows' pks in order, or the error's code and params."""
    try:
        return [obj.pk for obj in field.clean(value)]
    except forms.ValidationError as error:
        return [(e.code, e.params) for e in error.error_list]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_same_rows_and_errors_as_django(model):
    pks = list(model.objects.values_list("pk", flat=True))
    assert len(pks) >= 3  # reference data
    ours = ListedChoicesField(queryset=model.objects.all(), required=False)
    django = forms.ModelMultipleChoiceField(queryset=model.objects.all(), required=False)
    missing = "99999" if isinstance(pks[0], str) else max(pks) + 1000
    cases = [
        [str(pks[2]), str(pks[0])],  # out of order: the table's order comes back
        [str(pks[1]), str(pks[1])],  # repeated
        [pks[0]],  # already a number
        [],
        "",
        [str(missing)],
        [str(pks[0]), "abc"],
        ["1.5"],
        ["\x00"],
        [str(pks[0]), "9" * 30],
        [["1"]],
        [f"0{pks[0]}"],
        ["١"],  # a digit Python's int() reads
        "not a list",
        [str(pks[0]), None],  # only a Python caller can send None
    ]
    for value in cases:
        try:
            expected = outcome(django, value)
        except OverflowError:
            # Django's own field on SQLite cannot bind a number above 64 bits: no row has it.
            expected = [("invalid_choice", {"value": "9" * 30})]
        assert outcome(ours, value) == expected, value


def test_one_statement_and_a_list_of_rows():
    pks = [str(pk) for pk in ObjetivoPMM.objects.values_list("pk", flat=True)[:3]]
    field = FichaForm.base_fields["objetivos_propuestos"]
    assert isinstance(field, ListedChoicesField)
    with CaptureQueriesContext(connection) as captured:
        chosen = field.clean(pks)
    assert len(captured) == 1
    assert [obj.pk for obj in chosen] == list(
        ObjetivoPMM.objects.filter(pk__in=pks).values_list("pk", flat=True)
    )
    assert all(isinstance(obj, ObjetivoPMM) and obj._state.adding is False for obj in chosen)


def test_a_filtered_queryset_is_the_orms():
    first = ObjetivoPMM.objects.order_by("number").first()
    field = ListedChoicesField(queryset=ObjetivoPMM.objects.filter(pk=first.pk))
    assert list(field.clean([str(first.pk)])) == [first]
    other = ObjetivoPMM.objects.exclude(pk=first.pk).first()
    with pytest.raises(forms.ValidationError):
        field.clean([str(other.pk)])


def test_a_queryset_ordered_its_own_way_is_the_orms():
    field = ListedChoicesField(queryset=ObjetivoPMM.objects.order_by("-number"))
    pks = [str(pk) for pk in ObjetivoPMM.objects.values_list("pk", flat=True)[:3]]
    chosen = field.clean(pks)
    assert list(chosen) == list(ObjetivoPMM.objects.filter(pk__in=pks).order_by("-number"))
