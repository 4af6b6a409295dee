"""Forms of the coordinators' «Ejercicios» page: they validate, reporting/exercises.py writes."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.exercises import CategoryRow, previous_ejercicio
from reporting.forms import DateField
from reporting.models import Ejercicio
from reporting.text import cap_text_fields, spanish_date


def _a_year_later(value: datetime.date | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return value.replace(year=value.year + 1)
    except ValueError:  # 29 February
        return value.replace(year=value.year + 1, day=28)


class ExerciseYearField(forms.ModelChoiceField):
    """The exercise selector of the desk and the tracker: ``?anio=2024``, one option per year."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Ejercicio"))
        super().__init__(
            queryset=Ejercicio.objects.order_by("-year"),
            to_field_name="year",
            required=False,
            empty_label=None,
            **kwargs,
        )

    def label_from_instance(self, obj: Ejercicio) -> str:
        return f"{obj.year} · {obj.get_status_display()}"


class PrefixedForm(forms.Form):
    """Several forms share the exercise page: each gets its own ids (``id_prefix``).

    Their text fields declare their limits; ``cap_text_fields`` gives them the house message.
    """

    id_prefix = "id"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)
        cap_text_fields(self)


class EjercicioForm(forms.Form):
    year = forms.IntegerField(
        label=_("Año del ejercicio"),
        min_value=2000,
        max_value=2100,
        help_text=_("El año del Compendio que se publicará con estas fichas."),
    )
    period_start = DateField(label=_("Inicio del periodo de reporte"), required=True)
    period_end = DateField(label=_("Fin del periodo de reporte"), required=True)
    opens_on = DateField(
        label=_("Apertura de la recepción"),
        help_text=_("Informativa: el ejercicio se abre con el botón «Abrir el ejercicio»."),
    )
    closes_on = DateField(
        label=_("Cierre de la recepción"),
        help_text=_(
            "Se muestra a las instituciones como días restantes; no cierra el ejercicio por sí "
            "sola."
        ),
    )

    @staticmethod
    def initial_for_next() -> dict[str, object]:
        """The year after the newest exercise, its default period and last year's dates + 1."""
        newest = Ejercicio.objects.order_by("-year").first()
        year = newest.year + 1 if newest else timezone.localdate().year
        start, end = Ejercicio.default_period(year)
        previous = previous_ejercicio(year)
        return {
            "year": year,
            "period_start": start,
            "period_end": end,
            "opens_on": _a_year_later(previous.opens_on) if previous else None,
            "closes_on": _a_year_later(previous.closes_on) if previous else None,
        }

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if Ejercicio.objects.filter(year=year).exists():
            raise forms.ValidationError(_("Ya existe el ejercicio %(year)s.") % {"year": year})
        return year

    def clean(self):
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start >= end:
            self.add_error("period_end", _("Debe ser posterior al inicio del periodo."))
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("No puede ser anterior a la apertura."))
        return data


class OpenForm(PrefixedForm):
    id_prefix = "abrir"

    invite = forms.BooleanField(required=False)

    def __init__(self, *args, previous: Ejercicio | None, **kwargs):
        super().__init__(*args, **kwargs)
        if previous is None:
            del self.fields["invite"]
        else:
            self.fields["invite"].label = _(
                "Invitar a las instituciones del ejercicio %(year)s que no tienen persona enlace"
            ) % {"year": previous.year}
            self.fields["invite"].help_text = _(
                "Se invita al contacto de su ficha más reciente de ese año; las que ya tienen "
                "enlace no reciben nada."
            )


class DeadlineForm(PrefixedForm):
    id_prefix = "prorroga"

    closes_on = DateField(
        label=_("Nueva fecha de cierre"),
        required=True,
        error_messages={"required": _("Indique la nueva fecha de cierre.")},
    )
    note = forms.CharField(
        label=_("Nota (opcional)"),
        required=False,
        max_length=500,
        help_text=_("Queda en el historial del ejercicio."),
    )

    def __init__(self, *args, ejercicio: Ejercicio, **kwargs):
        super().__init__(*args, **kwargs)
        self.ejercicio = ejercicio
        if ejercicio.closes_on:
            self.fields["closes_on"].help_text = _("Cierre actual: %(date)s.") % {
                "date": spanish_date(ejercicio.closes_on)
            }

    def clean_closes_on(self) -> datetime.date:
        value = self.cleaned_data["closes_on"]
        current, opens = self.ejercicio.closes_on, self.ejercicio.opens_on
        if current and value <= current:
            raise forms.ValidationError(
                _("Debe ser posterior al cierre actual (%(date)s).")
                % {"date": spanish_date(current)}
            )
        if opens and value < opens:
            raise forms.ValidationError(_("No puede ser anterior a la apertura."))
        return value


class CloseForm(PrefixedForm):
    id_prefix = "cerrar"

    confirm = forms.BooleanField(
        label=_("Confirmo que quiero cerrar el ejercicio"),
        error_messages={"required": _("Marque la casilla para confirmar el cierre.")},
    )


class ReopenForm(PrefixedForm):
    id_prefix = "reabrir"

    reason = forms.CharField(
        label=_("Motivo para reabrir"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indique el motivo para reabrir el ejercicio.")},
    )


class CategoryForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Nombre"), max_length=150)
    definition = forms.CharField(
        label=_("Definición"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_text_fields(self)


class BaseCategoryFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        super().clean()
        # A broken management form (missing or non-numeric counts) is already a non-form
        # error, and ``ordered_forms`` would fail on it: nothing more to check.
        if any(self.errors) or not self.management_form.is_valid():
            return
        names = [
            form.cleaned_data["name"].strip()
            for form in self.ordered_forms
            if form.cleaned_data.get("name")
        ]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise forms.ValidationError(
                _("Hay categorías repetidas: %(names)s.") % {"names": ", ".join(repeated)}
            )


CategoryFormSet = forms.formset_factory(
    CategoryForm, formset=BaseCategoryFormSet, extra=2, can_order=True, can_delete=True
)


def category_rows(formset: forms.BaseFormSet) -> list[CategoryRow]:
    """A valid ``CategoryFormSet``'s categories in the chosen order, then those to delete."""
    kept = [
        CategoryRow(
            pk=form.cleaned_data.get("id"),
            name=form.cleaned_data["name"],
            definition=form.cleaned_data.get("definition", ""),
        )
        for form in formset.ordered_forms
        if form.cleaned_data.get("name")
    ]
    deleted = [
        CategoryRow(pk=form.cleaned_data["id"], name="", delete=True)
        for form in formset.deleted_forms
        if form.cleaned_data.get("id")
    ]
    return kept + deleted


def category_initial(ejercicio: Ejercicio) -> list[dict[str, object]]:
    categories = ejercicio.challenge_categories.order_by("position", "name")
    return [
        {"id": c.pk, "name": c.name, "definition": c.definition, "ORDER": i}
        for i, c in enumerate(categories, start=1)
    ]
