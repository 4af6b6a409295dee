"""The Informe workspace of an edition: every section's state, its texts and their forms.

docs/informe-workspace.md. The views are ``compendium/views/workspace.py``; this module says
what each section of the Informe needs (``sections``), saves the edition's Informe texts
(``save_texts``) and holds the forms. Reto categories and highlights are reporting's tables and
are written by ``reporting.challenges`` and ``reporting.review.set_highlights``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import cast

from django import forms
from django.db import transaction
from django.db.models import Field, Prefetch
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from compendium import drafts
from compendium.forms import EDITION_LIST_MAX_CHARS, EDITION_TEXT_MAX_CHARS
from compendium.informe import (
    CountTotals,
    InformeData,
    KeyFigure,
    ObjectiveCount,
    ObjectiveHighlights,
    compute_informe,
    count_by_objective,
    highlights_by_objective,
    key_figures,
    period_text,
)
from compendium.models import Edicion
from compendium.series import evolution_draft_for
from reporting import audit
from reporting.challenges import Assignment, Rule, Suggestion, suggest
from reporting.models import (
    Actor,
    ChallengeCategory,
    Ejercicio,
    Ficha,
    ObjetivoPMM,
    Reto,
    User,
)
from reporting.ordering import print_key
from reporting.text import TEXT_MAX_CHARS, cap_text_fields

# Texts of the Informe a coordinator saves here (the five drafts, credits, the criterion).
OWN_FIELDS = ("informe_credits", "informe_authorities", "criterio_destacadas")
# The English Informe's texts (docs/english-edition.md §E4), typed beside the Spanish ones.
ENGLISH_FIELDS = tuple(f"{name}_en" for name in (*drafts.DRAFT_FIELDS, "evolucion_texto"))
WORKSPACE_FIELDS = (*drafts.DRAFT_FIELDS, *OWN_FIELDS, *ENGLISH_FIELDS)
# The short comment under one chart keeps the limit the edition form gives it.
SHORT_TEXTS = ("analisis_general", "analisis_federal", "analisis_estatal")
# The criterion of seed 004 (UPMRIP's method), offered until the edition has its own.
DEFAULT_CRITERION = (
    "Por cada Objetivo del PMM se seleccionan, de las acciones aprobadas que integran el "
    "Compendio General, las que mejor ejemplifican lo esperado en ese objetivo, mediante un "
    "criterio de neutralidad que responde a la importancia social y política de cada una de "
    "las acciones implementadas."
)
# Rows of the bulk table of retos per page: one page is one batch, saved by one button.
RETOS_PER_PAGE = 50

COMPLETE, INCOMPLETE, NOT_APPLICABLE = "complete", "incomplete", "na"
STATE_LABELS = {
    COMPLETE: gettext_lazy("Completo"),
    INCOMPLETE: gettext_lazy("Incompleto"),
    NOT_APPLICABLE: gettext_lazy("No aplica"),
}


def label_of(name: str) -> str:
    """The Edicion field's label, capitalised («Preámbulo»)."""
    text = str(cast(Field, Edicion._meta.get_field(name)).verbose_name)
    return text[:1].upper() + text[1:]


# --- Saving the texts --------------------------------------------------------------------------


@transaction.atomic
def save_texts(edicion: Edicion, *, by: User, **texts: str) -> list[str]:
    """Save the workspace's texts of ``edicion`` (``WORKSPACE_FIELDS`` only); returns the
    changed field names. Side effects: the Edicion row; one audit row with each change's old
    and new value (``reporting.audit.record_change``)."""
    locked = Edicion.objects.select_for_update().get(pk=edicion.pk)
    changes = {
        name: {"label": label_of(name), "old": getattr(locked, name), "new": value}
        for name, value in texts.items()
        if name in WORKSPACE_FIELDS and getattr(locked, name) != value
    }
    for name in changes:
        setattr(locked, name, texts[name])
        setattr(edicion, name, texts[name])
    if changes:
        locked.save(update_fields=[*changes, "updated_at"])
        audit.record_change(locked, by=by, changes=changes)
    return list(changes)


# --- What the overview reads of the Informe ----------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Summary(CountTotals):
    """The parts of the Informe's figures the overview and the highlights page show: counts per
    objective, key figures, highlights, categories (``compute_informe`` also works out
    participation, states, actions, retos and the participants' table, which these pages never
    read: about half its time on the 2023 edition)."""

    counts: list[ObjectiveCount]
    figures: list[KeyFigure]
    highlights: list[ObjectiveHighlights]
    categories: list[ChallengeCategory]


def informe_summary(ejercicio) -> Summary:
    """``Summary`` of the exercise's approved fichas, with the same functions as the Informe
    (``compendium.informe``): the same figures as ``compute_informe`` in Spanish."""
    fichas = sorted(
        Ficha.objects.filter(ejercicio=ejercicio)
        .approved()
        .select_related("actor__tipo", "actor__entidad", "objetivo_asignado")
        .prefetch_related(
            Prefetch("co_actors", queryset=Actor.objects.select_related("tipo", "entidad"))
        ),
        key=print_key,
    )
    counts = count_by_objective(fichas, ObjetivoPMM.objects.all())
    return Summary(
        counts=counts,
        figures=key_figures(fichas),
        highlights=highlights_by_objective(fichas, counts),
        categories=list(ChallengeCategory.objects.filter(ejercicio=ejercicio)),
    )


# --- Section states ----------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Section:
    key: str
    title: str
    state: str
    detail: str
    url: str
    action: str

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def _text_state(edicion: Edicion, name: str) -> tuple[str, str]:
    if getattr(edicion, name).strip():
        return COMPLETE, _("Texto guardado por la coordinación.")
    return INCOMPLETE, _("Sin texto guardado: hay un borrador generado a partir de las cifras.")


def sections(
    edicion: Edicion, data: InformeData | Summary, retos_done: int, retos_total: int
) -> list[Section]:
    """Every part of the Informe in print order, with its state and where it is done."""
    pk = edicion.pk
    total = sum(c.total for c in data.counts)

    def text_url(name: str) -> str:
        return reverse("compendium:informe_text", args=[pk, name])

    def text_section(key: str, name: str, title: str, *, applies: bool = True) -> Section:
        state, detail = _text_state(edicion, name)
        if state == INCOMPLETE and not applies:
            state, detail = NOT_APPLICABLE, _("No hay acciones de este tipo de actor.")
        return Section(key, title, state, detail, text_url(name), _("Escribir el texto"))

    rows: list[Section] = []
    credits_saved = bool(edicion.informe_credits.strip() or edicion.informe_authorities.strip())
    rows.append(
        Section(
            "creditos",
            _("Créditos y autoridades"),
            COMPLETE if credits_saved else INCOMPLETE,
            _("Guardados para el Informe.")
            if credits_saved
            else _("Se imprimen los créditos predeterminados; revíselos y guárdelos."),
            reverse("compendium:informe_credits", args=[pk]),
            _("Revisar créditos y autoridades"),
        )
    )
    rows.append(text_section("preambulo", "preambulo", _("I. Preámbulo")))
    rows.append(
        Section(
            "conformacion",
            _("II. Conformación del informe"),
            COMPLETE if total else INCOMPLETE,
            ngettext(
                "Se calcula de %(n)s ficha aprobada.",
                "Se calcula de %(n)s fichas aprobadas.",
                total,
            )
            % {"n": total}
            if total
            else _("No hay fichas aprobadas en el ejercicio."),
            reverse("reporting:bandeja"),
            _("Ir a la bandeja de revisión"),
        )
    )
    rows.append(
        text_section("analisis_general", "analisis_general", _("III. Análisis de la gráfica 1"))
    )
    rows.append(
        text_section(
            "analisis_federal",
            "analisis_federal",
            _("III. Análisis de la gráfica 2 (dependencias federales)"),
            applies=data.federal_total > 0,
        )
    )
    rows.append(
        text_section(
            "analisis_estatal",
            "analisis_estatal",
            _("III. Análisis de la gráfica 3 (entidades federativas)"),
            applies=data.state_total > 0,
        )
    )
    missing = [f.label for f in data.figures if f.total is None]
    rows.append(
        Section(
            "en_cifras",
            _("III. En cifras"),
            INCOMPLETE if missing or not total else COMPLETE,
            _("«No reportado» en: %(names)s. Las cifras vienen de las fichas.")
            % {"names": ", ".join(missing)}
            if missing
            else _("Todas las cifras tienen al menos una ficha que las reporta."),
            reverse("reporting:bandeja"),
            _("Ir a la bandeja de revisión"),
        )
    )
    rows.extend(_evolution(edicion))
    with_acciones = [h for h in data.highlights if h.total]
    without = [h.number for h in with_acciones if not h.highlights]
    criterion = bool(edicion.criterio_destacadas.strip())
    if not with_acciones:
        state, detail = NOT_APPLICABLE, _("No hay acciones aprobadas.")
    elif without or not criterion:
        state = INCOMPLETE
        parts = []
        if without:
            parts.append(
                ngettext(
                    "%(n)s objetivo con acciones sin destacada (%(list)s).",
                    "%(n)s objetivos con acciones sin destacada (%(list)s).",
                    len(without),
                )
                % {"n": len(without), "list": drafts.numbers(without)}
            )
        if not criterion:
            parts.append(_("Falta guardar el criterio de selección."))
        detail = " ".join(parts)
    else:
        state = COMPLETE
        detail = _("Cada objetivo con acciones tiene al menos una destacada.")
    rows.append(
        Section(
            "destacadas",
            _("IV. Principales acciones, programas y buenas prácticas"),
            state,
            detail,
            reverse("compendium:informe_highlights", args=[pk]),
            _("Elegir las destacadas"),
        )
    )
    if not retos_total:
        state, detail = NOT_APPLICABLE, _("Las fichas aprobadas no reportan retos.")
    elif not data.categories:
        state, detail = INCOMPLETE, _("El ejercicio no tiene categorías de retos.")
    else:
        state = COMPLETE if retos_done == retos_total else INCOMPLETE
        detail = _("%(done)s de %(total)s retos con categoría.") % {
            "done": retos_done,
            "total": retos_total,
        }
    rows.append(
        Section(
            "retos",
            _("V. Retos identificados"),
            state,
            detail,
            reverse("compendium:informe_retos", args=[pk]),
            _("Clasificar los retos"),
        )
    )
    rows.append(text_section("conclusiones", "conclusiones", _("VI. Conclusiones")))
    undefined = [c.name for c in data.categories if not c.definition.strip()]
    rows.append(
        Section(
            "anexos",
            _("VII. Anexos: definiciones de las categorías de retos"),
            INCOMPLETE if undefined or not data.categories else COMPLETE,
            _("Sin definición: %(names)s.") % {"names": ", ".join(undefined)}
            if undefined
            else (
                _("Cada categoría tiene su definición.")
                if data.categories
                else _("El ejercicio no tiene categorías de retos.")
            ),
            reverse("reporting:exercise_categories", args=[edicion.ejercicio.year]),
            _("Editar las categorías y sus definiciones"),
        )
    )
    return rows


def english_draft(edicion: Edicion, field: str) -> str:
    """The generated draft of an English text (``ENGLISH_FIELDS``): the Spanish draft's
    sentences from the English catalogue, figures of the English Informe (§E4)."""
    name = field.removesuffix("_en")
    with translation.override("en"):
        if name == "evolucion_texto":
            return evolution_draft_for(edicion)
        return text_draft(edicion, name)


def english_sections(edicion: Edicion) -> list[Section]:
    """The English Informe's texts (docs/english-edition.md §E4): complete when typed, to do
    when the Spanish one exists (the English Informe prints it marked «[Untranslated]»)."""
    rows = []
    for name in ENGLISH_FIELDS:
        spanish = getattr(edicion, name.removesuffix("_en")).strip()
        if getattr(edicion, name).strip():
            state, detail = COMPLETE, _("Texto en inglés guardado.")
        elif spanish:
            state, detail = INCOMPLETE, _("Sin texto en inglés: se imprime el español marcado.")
        else:
            state, detail = NOT_APPLICABLE, _("El texto en español está en blanco.")
        rows.append(
            Section(
                f"en-{name}",
                label_of(name),
                state,
                detail,
                reverse("compendium:informe_text", args=[edicion.pk, name]),
                _("Escribir el texto en inglés"),
            )
        )
    return rows


def _evolution(edicion: Edicion) -> list[Section]:
    """«Evolución 2018-AAAA» (docs/series.md §S5): optional, edited on the edition's page."""
    url = reverse("compendium:edition_edit", args=[edicion.pk]) + "#textos"
    title = _("III. Evolución 2018-%(year)s") % {"year": edicion.ejercicio.year}
    if not edicion.evolucion_incluida:
        state, detail = NOT_APPLICABLE, _("La edición no incluye esta sección.")
    elif edicion.evolucion_texto.strip():
        state, detail = COMPLETE, _("Texto guardado por la coordinación.")
    else:
        state, detail = INCOMPLETE, _("Sin texto guardado: se imprime el párrafo generado.")
    return [Section("evolucion", title, state, detail, url, _("Revisar en la edición"))]


def drafts_for(edicion: Edicion, data: InformeData) -> dict[str, str]:
    """The generated draft of each text, from the figures of ``data``."""
    previous = drafts.previous_figures(edicion.ejercicio)
    return drafts.draft_texts(data, previous, period_text(edicion.ejercicio))


# The drafts that read only the fichas per objective and their federal and state totals
# (``CountTotals``): their text page counts those, not the whole Informe (0.25-0.5 s on the 2023
# edition). The others also read participation, states, retos or the key figures.
COUNT_DRAFTS = ("analisis_general", "analisis_federal")


@dataclasses.dataclass(frozen=True)
class ObjectiveCounts(CountTotals):
    """The approved fichas per objective, by kind of actor: what ``COUNT_DRAFTS`` read."""

    counts: list[ObjectiveCount]
    ejercicio: Ejercicio


def objective_counts(ejercicio: Ejercicio) -> ObjectiveCounts:
    """``ObjectiveCounts`` with the Informe's ``count_by_objective``, over narrow rows."""
    fichas = (
        Ficha.objects.filter(ejercicio=ejercicio)
        .approved()
        .select_related("actor__tipo")
        .only("objetivo_asignado", "actor__tipo__is_federal", "actor__tipo__is_state")
    )
    return ObjectiveCounts(
        counts=count_by_objective(fichas, ObjetivoPMM.objects.all()), ejercicio=ejercicio
    )


def text_draft(edicion: Edicion, field: str) -> str:
    """The generated draft of one of ``drafts.DRAFT_FIELDS``, in the active language."""
    if field in COUNT_DRAFTS:
        previous = drafts.previous_figures(edicion.ejercicio)
        # These two read only ``counts`` and the totals (tests/compendium/
        # test_informe_workspace.py compares them with the whole Informe's drafts).
        data = cast(InformeData, objective_counts(edicion.ejercicio))
        return getattr(drafts, field)(data, previous)
    return drafts_for(edicion, compute_informe(edicion.ejercicio))[field]


# --- Forms -------------------------------------------------------------------------------------


class InformeTextForm(forms.Form):
    """One typed text of the Informe (preamble, a chart analysis, the conclusions)."""

    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 14}))

    def __init__(self, *args, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label_of(field)
        short = field.removesuffix("_en") in SHORT_TEXTS
        limit = TEXT_MAX_CHARS if short else EDITION_TEXT_MAX_CHARS
        cap_text_fields(self, default=limit)


def check_authorities(text: str) -> str:
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count("|") > 1:
            raise forms.ValidationError(
                _("Línea %(n)s: use una sola «|» entre el nombre y el cargo.") % {"n": number}
            )
    return text


class CreditsForm(forms.Form):
    informe_credits = forms.CharField(
        label=gettext_lazy("Página de créditos del Informe Ejecutivo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=gettext_lazy("Párrafos separados por una línea en blanco."),
    )
    informe_authorities = forms.CharField(
        label=gettext_lazy("Autoridades del Informe Ejecutivo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Una persona por línea: NOMBRE | cargo. Una línea sin «|» es un encabezado."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_text_fields(
            self,
            default=EDITION_TEXT_MAX_CHARS,
            overrides={"informe_authorities": EDITION_LIST_MAX_CHARS},
        )

    def clean_informe_authorities(self) -> str:
        return check_authorities(self.cleaned_data["informe_authorities"])


class CriterionForm(forms.Form):
    criterio_destacadas = forms.CharField(
        label=gettext_lazy("Criterio de selección de las acciones destacadas"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_text_fields(self)


class HighlightsForm(forms.Form):
    """The approved fichas of one objective, each with a «destacada» checkbox.

    ``cargadas`` carries the marks as the page showed them («12:1,15:0»), so a mark changed
    meanwhile by somebody else is reported, not overwritten (reporting.review.set_highlights).
    """

    destacadas = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    cargadas = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, fichas: Sequence[Ficha], **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("destacadas", [f.pk for f in fichas if f.destacada])
        kwargs["initial"].setdefault(
            "cargadas", ",".join(f"{f.pk}:{int(f.destacada)}" for f in fichas)
        )
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["destacadas"]).choices = [
            (f.pk, f.nombre) for f in fichas
        ]
        cap_text_fields(self)

    def loaded(self) -> dict[int, bool]:
        marks: dict[int, bool] = {}
        for item in (self.cleaned_data.get("cargadas") or "").split(","):
            pk, _sep, mark = item.partition(":")
            if pk.isdigit() and mark in ("0", "1"):
                marks[int(pk)] = mark == "1"
        return marks


@dataclasses.dataclass
class RetoRow:
    """One row of the bulk table: the reto, its suggestion and its three form fields."""

    reto: Reto
    suggestion: Suggestion | None
    field: forms.BoundField
    loaded: forms.BoundField
    suggested: forms.BoundField
    # The chosen option's value as text: worked out once per row, not once per option.
    value: str = ""


class RetoPageForm(forms.Form):
    """One page of the bulk table: a category per reto (``cat-<id>``), the category the page
    was loaded with (``antes-<id>``) and the suggestion offered (``sug-<id>``).

    An uncategorised row starts with its suggestion chosen, marked as such; saving accepts it.
    """

    def __init__(
        self,
        *args,
        retos: Sequence[Reto],
        categories: Sequence[ChallengeCategory],
        rules: Sequence[Rule],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        choices = [("", _("— Sin categoría —"))] + [(str(c.pk), c.name) for c in categories]
        self.suggestions = {r.pk: suggest(r.texto, rules) for r in retos}
        self.retos = list(retos)
        for reto in self.retos:
            suggestion = self.suggestions[reto.pk]
            current = reto.categoria_id
            start = current or (suggestion.category_id if suggestion else None)
            self.fields[f"cat-{reto.pk}"] = forms.TypedChoiceField(
                label=_("Categoría"),
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
                initial=str(start) if start else "",
            )
            # Any number: a category deleted since the page loaded is a conflict, not an error.
            self.fields[f"antes-{reto.pk}"] = forms.IntegerField(
                required=False, initial=current, widget=forms.HiddenInput
            )
            self.fields[f"sug-{reto.pk}"] = forms.CharField(
                required=False,
                initial=str(suggestion.category_id) if suggestion else "",
                widget=forms.HiddenInput,
            )
        cap_text_fields(self)

    def rows(self) -> list[RetoRow]:
        rows = []
        for r in self.retos:
            field = self[f"cat-{r.pk}"]
            value = field.value()
            rows.append(
                RetoRow(
                    reto=r,
                    suggestion=self.suggestions[r.pk],
                    field=field,
                    loaded=self[f"antes-{r.pk}"],
                    suggested=self[f"sug-{r.pk}"],
                    value="" if value is None else str(value),
                )
            )
        return rows

    def assignments(self) -> list[Assignment]:
        data = self.cleaned_data
        return [
            Assignment(
                reto_id=r.pk,
                category_id=data[f"cat-{r.pk}"],
                loaded_category_id=data[f"antes-{r.pk}"],
                suggested=data[f"cat-{r.pk}"] is not None
                and data[f"sug-{r.pk}"] == str(data[f"cat-{r.pk}"]),
            )
            for r in self.retos
        ]


class KeywordsForm(forms.Form):
    """The suggestion keywords of each category of the exercise (``kw-<id>``)."""

    def __init__(self, *args, categories: Sequence[ChallengeCategory], **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        for category in self.categories:
            self.fields[f"kw-{category.pk}"] = forms.CharField(
                label=_("Palabras clave de «%(name)s»") % {"name": category.name},
                required=False,
                initial=category.keywords,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        cap_text_fields(self, default=TEXT_MAX_CHARS)

    def keywords(self) -> dict[int, str]:
        return {c.pk: self.cleaned_data[f"kw-{c.pk}"] for c in self.categories}
