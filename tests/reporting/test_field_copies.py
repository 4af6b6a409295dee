"""The ficha form's fields are copied for each form as ``copy.deepcopy`` copies them
(``reporting.forms.CheaplyCopiedFields``, docs/load-test.md §L8b)."""

import copy

import pytest
from django import forms

from reporting.forms import CheaplyCopiedFields, FichaForm, RetoFormSet, _copy_field

pytestmark = [pytest.mark.smoke]

FORM_CLASSES = [FichaForm, RetoFormSet.form]


def state(obj) -> dict:
    """An object's attributes, querysets compared by their SQL (each copy gets its own)."""
    found = {}
    for name, value in vars(obj).items():
        if name == "_queryset" and value is not None:
            value = (value.model, str(value.query))
        elif name == "widget":
            value = (type(value), state(value))
        elif name == "choices" and isinstance(value, forms.models.ModelChoiceIterator):
            value = (type(value), value.field.queryset.model)
        found[name] = value
    return found


@pytest.mark.parametrize("form_class", FORM_CLASSES, ids=lambda c: c.__name__)
def test_each_field_is_copied_as_deepcopy_copies_it(db, form_class):
    assert isinstance(form_class.base_fields, CheaplyCopiedFields)
    for name, field in form_class.base_fields.items():
        ours, django = _copy_field(field, {}), copy.deepcopy(field)
        assert type(ours) is type(django), name
        assert state(ours) == state(django), name
        # What Django copies is a new object; what it shares stays shared.
        for attribute in ("widget", "error_messages", "validators"):
            assert getattr(ours, attribute) is not getattr(field, attribute), (name, attribute)
        assert ours.widget.attrs is not field.widget.attrs, name
        if isinstance(field, forms.ModelChoiceField):
            assert ours.queryset is not field.queryset, name
            assert ours.widget.choices.field is ours, name
        elif isinstance(field, forms.ChoiceField):
            assert ours.widget.choices is not field.widget.choices, name
        assert ours.label is field.label and ours.help_text is field.help_text, name


def test_a_form_changes_only_its_own_copies(db):
    field = FichaForm.base_fields["nombre"]
    attrs, messages, validators = (
        dict(field.widget.attrs),
        dict(field.error_messages),
        list(field.validators),
    )
    first = FichaForm(ejercicio=None)  # type: ignore[arg-type]
    # What FichaForm.__init__ does not set itself, changed in place on the copy.
    first.fields["nombre"].widget.attrs["data-changed"] = "1"
    first.fields["nombre"].error_messages["required"] = "changed"
    first.fields["nombre"].validators.append(lambda value: None)
    first.fields["nombre"].localize = True
    first.fields["objetivos_propuestos"].widget.choices = []
    # The class's field is untouched...
    assert field.widget.attrs == attrs and "data-changed" not in field.widget.attrs
    assert field.error_messages == messages
    assert field.validators == validators
    assert field.localize is False
    # ...and so is the next form's.
    second = FichaForm(ejercicio=None)  # type: ignore[arg-type]
    assert "data-changed" not in second.fields["nombre"].widget.attrs
    assert second.fields["nombre"].error_messages == messages
    assert second.fields["nombre"].localize is False
    assert len(list(second.fields["objetivos_propuestos"].widget.choices)) > 0
    assert list(second.fields) == list(first.fields)


def test_a_field_with_copy_rules_of_its_own_is_deep_copied():
    class Own(forms.CharField):
        def __deepcopy__(self, memo):
            result = super().__deepcopy__(memo)
            result.copied_by_own_rules = True
            return result

    assert _copy_field(Own(), {}).copied_by_own_rules is True
