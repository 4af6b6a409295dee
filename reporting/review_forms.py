"""Forms of the coordinators' review: they validate, the domain functions write."""

from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.db.models import Field, QuerySet
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from reporting.exercise_forms import ExerciseYearField
from reporting.models import (
    ODS,
    Actor,
    ActorType,
    ChallengeCategory,
    Ejercicio,
    EjeTematico,
    EntidadFederativa,
    Ficha,
    FichaStatus,
    ObjetivoPMM,
    Reto,
    Subtema,
)
from reporting.review import DEFAULT_SORT, DeskFilters
from reporting.text import (
    RETO_MAX_CHARS,
    SECTION_LABELS,
    WORD_LIMIT,
    WORD_SECTIONS,
    cap_text_fields,
    count_words,
    field_label,
    section_words,
    too_many_words,
)


class ObjectiveChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ObjetivoPMM) -> str:
        return f"{obj.number}. {obj.title}"


class ChapterChoiceField(forms.TypedChoiceField):
    """Chapters as the Compendio prints them (one entry per chapter, not per actor type)."""

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, required=False, **kwargs)
        self.choices = [("", _("Todos"))]

    @staticmethod
    def rows() -> QuerySet:
        """(chapter, title) of every actor type, by chapter (a chapter may repeat)."""
        return ActorType.objects.order_by("chapter").values_list("chapter", "chapter_title")

    def load(self, rows: Iterable[tuple[int, str]] | None = None) -> None:
        """The options from ``rows`` as ``rows()`` gives them (read now when not given)."""
        chapters = dict(self.rows() if rows is None else rows)
        self.choices = [("", _("Todos"))] + [
            (number, f"{number}. {title}") for number, title in chapters.items()
        ]


class DisplayedExerciseField(ExerciseYearField):
    """``ExerciseYearField`` that knows the exercise the view already read (``known``): the
    year of that exercise validates without reading it again (docs/load-test.md §L1)."""

    known: Ejercicio | None = None

    def to_python(self, value):
        if self.known is not None and str(value) == str(self.known.year):
            return self.known
        return super().to_python(value)


# ---------------------------------------------------------------------------------------------
# Desk and follow-up
# ---------------------------------------------------------------------------------------------


class DeskFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Buscar"),
        required=False,
        max_length=200,
        help_text=_("En nombre, descripción y resultados; sin importar mayúsculas ni acentos."),
    )
    anio = DisplayedExerciseField()
    status = forms.ChoiceField(
        label=_("Estado"), choices=[("", _("Todos"))] + FichaStatus.choices, required=False
    )
    chapter = ChapterChoiceField(label=_("Capítulo (tipo de actor)"))
    actor = forms.ModelChoiceField(
        label=_("Institución"),
        queryset=Actor.objects.order_by("name"),
        required=False,
        empty_label=_("Todas"),
    )
    entidad = forms.ModelChoiceField(
        label=_("Entidad federativa"),
        queryset=EntidadFederativa.objects.order_by("name"),
        required=False,
        empty_label=_("Todas"),
        help_text=_("Gobierno del estado o entidad donde se aplicó el programa."),
    )
    objective = ObjectiveChoiceField(
        label=_("Objetivo del PMM"),
        queryset=ObjetivoPMM.objects.order_by("number"),
        required=False,
        empty_label=_("Todos"),
        help_text=_("Propuesto o asignado."),
    )
    destacada = forms.NullBooleanField(
        label=_("Destacada en el Informe Ejecutivo"),
        required=False,
        widget=forms.Select(
            choices=[("unknown", _("Todas")), ("true", _("Sí")), ("false", _("No"))]
        ),
    )
    orden = forms.ChoiceField(
        label=_("Ordenar por"),
        required=False,
        choices=[
            ("-cambio", _("Último cambio (reciente primero)")),
            ("cambio", _("Último cambio (antiguo primero)")),
            ("institucion", _("Institución (A-Z)")),
            ("-institucion", _("Institución (Z-A)")),
            ("nombre", _("Nombre del programa (A-Z)")),
            ("-nombre", _("Nombre del programa (Z-A)")),
            ("capitulo", _("Capítulo")),
            ("-capitulo", _("Capítulo (descendente)")),
            ("estado", _("Estado")),
            ("-estado", _("Estado (descendente)")),
            ("objetivo", _("Objetivo asignado")),
            ("-objetivo", _("Objetivo asignado (descendente)")),
        ],
    )

    def __init__(
        self,
        *args,
        ejercicio: Ejercicio | None = None,
        chapters: Iterable[tuple[int, str]] | None = None,
        **kwargs,
    ):
        """``ejercicio``: the exercise on display, already read by the view; ``chapters``: the
        chapter rows as ``ChapterChoiceField.rows()`` gives them (read here when not given)."""
        super().__init__(*args, **kwargs)
        cast(DisplayedExerciseField, self.fields["anio"]).known = ejercicio
        cast(ChapterChoiceField, self.fields["chapter"]).load(chapters)
        cap_text_fields(self)

    def filters(self, default_ejercicio: Ejercicio) -> DeskFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return DeskFilters(
            ejercicio=data.get("anio") or default_ejercicio,
            status=data.get("status") or "",
            chapter=data.get("chapter"),
            actor=data.get("actor"),
            entidad=data.get("entidad"),
            objective=data.get("objective"),
            destacada=data.get("destacada"),
            q=data.get("q") or "",
            orden=data.get("orden") or DEFAULT_SORT,
        )


class FollowUpFilterForm(forms.Form):
    anio = ExerciseYearField()
    chapter = ChapterChoiceField(label=_("Capítulo (tipo de actor)"))
    sin_envios = forms.BooleanField(
        label=_("Sólo instituciones que no han enviado ninguna ficha"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(ChapterChoiceField, self.fields["chapter"]).load()


class ReminderForm(forms.Form):
    ejercicio = forms.ModelChoiceField(queryset=Ejercicio.objects.all(), widget=forms.HiddenInput)
    actors = forms.ModelMultipleChoiceField(
        label=_("Instituciones"),
        queryset=Actor.objects.all(),
        error_messages={"required": _("Seleccione al menos una institución.")},
    )


# ---------------------------------------------------------------------------------------------
# Reviewing one ficha
# ---------------------------------------------------------------------------------------------

# Fields a coordinator may comment on when returning a ficha, in the order of the form.
OBSERVABLE_FIELDS = (
    "nombre",
    "objetivos_propuestos",
    "objetivo_programa",
    "poblacion_objetivo",
    "fecha_inicio",
    "temporalidad",
    "descripcion",
    "resultados",
    "personas_atendidas",
    "entidades",
    "retos",
    "contacto_nombre",
)


class VersionedForm(forms.Form):
    """Carries the version of the ficha the person was looking at (optimistic locking).

    Several of these forms share one page, so each gets its own id prefix (``id_prefix``):
    two «note» fields must not both be ``id_note``.
    """

    id_prefix = "id"
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class ReturnForm(VersionedForm):
    id_prefix = "devolver"

    note = forms.CharField(
        label=_("Observación general"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("La institución la recibe por correo y la ve al abrir la ficha."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in OBSERVABLE_FIELDS:
            label = (
                "Retos"
                if name == "retos"
                else cast(Field, Ficha._meta.get_field(name)).verbose_name
            )
            self.fields[f"obs_{name}"] = forms.CharField(
                label=_("Observación sobre «%(campo)s»") % {"campo": label},
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 2, "form": "form-devolver", "class": "form-control"}
                ),
            )
        cap_text_fields(self)

    def field_notes(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(f"obs_{name}", "") for name in OBSERVABLE_FIELDS}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if not (data.get("note") or "").strip() and not any(
            v.strip() for v in self.field_notes().values()
        ):
            raise forms.ValidationError(
                _("Escriba una observación general o al menos una observación por campo.")
            )
        return data


class ApproveForm(VersionedForm):
    id_prefix = "aprobar"

    objective = ObjectiveChoiceField(
        label=_("Objetivo del PMM asignado"),
        queryset=ObjetivoPMM.objects.order_by("number"),
        empty_label=_("Seleccione un objetivo"),
        error_messages={"required": _("Asigne exactamente un Objetivo del PMM.")},
    )
    note = forms.CharField(
        label=_("Justificación del objetivo asignado"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, ficha: Ficha, **kwargs):
        self.proposed = list(ficha.objetivos_propuestos.all())
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("loaded_version", ficha.version)
        if ficha.objetivo_asignado_id:
            initial.setdefault("objective", ficha.objetivo_asignado_id)
        elif len(self.proposed) == 1:
            initial.setdefault("objective", self.proposed[0].pk)
        super().__init__(*args, **kwargs)
        if len(self.proposed) > 1:
            self.fields["note"].required = True
            self.fields["note"].help_text = _(
                "La institución propuso varios objetivos: explique por qué se eligió este objetivo."
            )
            self.fields["note"].error_messages["required"] = _(
                "Explique por qué se eligió este objetivo."
            )
        cap_text_fields(self)


class ReopenForm(VersionedForm):
    id_prefix = "reabrir"

    reason = forms.CharField(
        label=_("Motivo para reabrir"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Indique el motivo para reabrir la ficha.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_text_fields(self)


class EditorialForm(forms.ModelForm):
    """Editorial corrections by UPMRIP; saved through ``editing.save_ficha_form``.

    Words are counted per rubro with the institutions' rule (``reporting.text``), and a rubro
    over the limit is refused as «Enviar a revisión» refuses it. A rubro's text boxes that this
    page does not edit (the explanation without figures) count with their stored text.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    edit_note = forms.CharField(
        label=_("Nota de la corrección (opcional)"),
        required=False,
        max_length=300,
        help_text=_("Queda en el historial de la ficha."),
    )

    class Meta:
        model = Ficha
        fields = [
            "nombre",
            "sigla_override",
            "objetivo_programa",
            "poblacion_objetivo",
            "descripcion",
            "resultados",
        ]
        widgets = {
            "nombre": forms.TextInput(),
            "objetivo_programa": forms.Textarea(attrs={"rows": 4}),
            "poblacion_objetivo": forms.Textarea(attrs={"rows": 3}),
            "descripcion": forms.Textarea(attrs={"rows": 8}),
            "resultados": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["loaded_version"] = self.instance.version
        cap_text_fields(self)

    def _section_texts(self, typed: Callable[[str], object]) -> dict[str, object]:
        """Text of every rubro's box: ``typed(name)`` for this form's fields, else as stored."""
        names = [name for names in WORD_SECTIONS.values() for name in names]
        return {n: typed(n) if n in self.fields else getattr(self.instance, n) for n in names}

    def word_counts(self) -> list[dict]:
        """Each rubro with the word limit, as typed (or as stored before a POST).

        ``stored`` lists the rubro's boxes that this page does not edit: [(label, words)].
        """
        counts = section_words(self._section_texts(lambda n: self[n].value()))
        return [
            {
                "label": SECTION_LABELS[section],
                "words": words,
                "over": words > WORD_LIMIT,
                "stored": [
                    (field_label(n), count_words(getattr(self.instance, n)))
                    for n in WORD_SECTIONS[section]
                    if n not in self.fields and getattr(self.instance, n)
                ],
            }
            for section, words in counts.items()
        ]

    def clean(self):
        data = super().clean()
        texts = self._section_texts(lambda n: self.cleaned_data.get(n))
        for section, words in section_words(texts).items():
            if message := too_many_words(section, words):
                # On the rubro's main text box, the last one of the section (as on the form).
                self.add_error(WORD_SECTIONS[section][-1], message)
        return data


class RetoTextForm(forms.ModelForm):
    """One challenge as the coordinator corrects it."""

    class Meta:
        model = Reto
        fields = ["texto"]
        widgets = {"texto": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cap_text_fields(self, default=RETO_MAX_CHARS)


class BaseRetoTextFormSet(forms.BaseInlineFormSet):
    """The challenges as the coordinator corrects them; together at most ``WORD_LIMIT`` words."""

    def _texts(self) -> list[str]:
        if self.is_bound:
            return [f["texto"].value() or "" for f in self.forms]
        return [reto.texto for reto in self.get_queryset()]

    def word_count(self) -> int:
        return sum(count_words(text) for text in self._texts())

    def clean(self):
        super().clean()
        if message := too_many_words("retos", self.word_count()):
            raise forms.ValidationError(message, code="too_many_words")


# As ``reporting.forms.RetoFormSet``: the stubs type the factory's result by its form class.
RetoTextFormSet = cast(
    type[BaseRetoTextFormSet],
    inlineformset_factory(
        Ficha,
        Reto,
        form=RetoTextForm,
        formset=BaseRetoTextFormSet,
        fields=["texto"],
        extra=0,
        can_delete=False,
    ),
)


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ChallengeCategory) -> str:
        return obj.name


class SubtemaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Subtema) -> str:
        return f"{obj.eje.number}. {obj.name}"


class ClassificationForm(VersionedForm):
    id_prefix = "clasificar"

    eje = forms.ModelChoiceField(
        label=_("Eje temático"), queryset=EjeTematico.objects.order_by("number"), required=False
    )
    subtema = SubtemaChoiceField(
        label=_("Subtema"),
        queryset=Subtema.objects.select_related("eje").order_by("eje", "position"),
        required=False,
    )
    ods = forms.ModelMultipleChoiceField(
        label=_("ODS"),
        queryset=ODS.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Puede elegir varios."),
    )
    destacada = forms.BooleanField(label=_("Destacada en el Informe Ejecutivo"), required=False)
    resumen_informe = forms.CharField(
        label=_("Resumen para el Informe Ejecutivo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    # docs/english-edition.md §E4: blank prints the Spanish summary marked «[Untranslated]».
    resumen_informe_en = forms.CharField(
        label=_("Resumen en inglés para el Informe en inglés"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}),
    )

    def __init__(self, *args, ficha: Ficha, **kwargs):
        self.ficha = ficha
        self.retos = list(ficha.retos.order_by("position", "pk"))
        initial = kwargs.setdefault("initial", {})
        initial.update(
            {
                "loaded_version": ficha.version,
                "eje": ficha.eje_id,
                "subtema": ficha.subtema_id,
                "ods": [o.pk for o in ficha.ods.all()],
                "destacada": ficha.destacada,
                "resumen_informe": ficha.resumen_informe,
                "resumen_informe_en": ficha.resumen_informe_en,
            }
        )
        super().__init__(*args, **kwargs)
        categories = ChallengeCategory.objects.filter(ejercicio=ficha.ejercicio_id)
        for i, reto in enumerate(self.retos, start=1):
            name = f"reto_{reto.pk}"
            self.fields[name] = CategoryChoiceField(
                label=_("Categoría del reto %(n)s") % {"n": i},
                queryset=categories,
                required=False,
                empty_label=_("Sin categoría"),
            )
            self.initial.setdefault(name, reto.categoria_id)
        cap_text_fields(self)

    def reto_fields(self):
        return [(reto, self[f"reto_{reto.pk}"]) for reto in self.retos]

    def categorias(self) -> dict[int, ChallengeCategory | None]:
        return {reto.pk: self.cleaned_data.get(f"reto_{reto.pk}") for reto in self.retos}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        eje, subtema = data.get("eje"), data.get("subtema")
        if subtema and eje and subtema.eje_id != eje.pk:
            self.add_error("subtema", _("El subtema no pertenece al eje temático elegido."))
        if subtema and not eje:
            data["eje"] = subtema.eje
        return data


class BlockOrderForm(forms.Form):
    """Positions for the fichas of one (chapter, objective) block: field ``pos_<id>``."""

    def __init__(self, *args, fichas: list[Ficha], **kwargs):
        super().__init__(*args, **kwargs)
        self.fichas = fichas
        for i, ficha in enumerate(fichas, start=1):
            name = f"pos_{ficha.pk}"
            self.fields[name] = forms.IntegerField(
                label=_("Posición de «%(nombre)s»") % {"nombre": ficha.nombre},
                min_value=1,
                max_value=max(len(fichas), 1) * 10,
            )
            self.initial[name] = i

    def rows(self):
        return [(ficha, self[f"pos_{ficha.pk}"]) for ficha in self.fichas]

    def positions(self) -> dict[int, int]:
        return {ficha.pk: self.cleaned_data[f"pos_{ficha.pk}"] for ficha in self.fichas}
