"""Forms of the institutions' side: the ficha técnica, its challenges, invitations.

The ficha form never carries a coordinator-side field (``Ficha.COORDINATOR_FIELDS``), so nothing
a focal point adds to a request can set them. A draft accepts incomplete input but still checks
types and sizes; ``submitting=True`` adds the completeness rules and the 180-word limit
(docs/ficha.md §R2, §R11) that «Enviar a revisión» requires.
"""

import copy
import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from reporting import rows
from reporting.invitations import address_problem
from reporting.models import (
    Actor,
    Ejercicio,
    EntidadFederativa,
    Ficha,
    ObjetivoPMM,
    Reto,
    Temporalidad,
)
from reporting.options import whole_table
from reporting.text import (
    RETO_MAX_CHARS,
    SECTION_LABELS,
    WORD_SECTIONS,
    cap_text_fields,
    count_words,
    section_words,
    too_many_words,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_COUNT = 100_000_000


def _clean_text(value):
    # PostgreSQL refuses NUL bytes in text columns; they are never meaningful here.
    if isinstance(value, str):
        return value.replace("\x00", "")
    return value


def without_nul(data):
    """A copy of submitted data with NUL bytes removed (before Django's validator refuses them)."""
    if data is None or not hasattr(data, "lists"):
        return data
    # Built afresh: QueryDict.copy() deep-copies every list only for setlist to replace it
    # (~1 ms of an autosave's CPU; docs/load-test.md §L7).
    clean = (
        QueryDict(mutable=True, encoding=data.encoding)
        if isinstance(data, QueryDict)
        else MultiValueDict()
    )
    for key, values in data.lists():
        clean.setlist(key, [_clean_text(v) for v in values])
    return clean


def _help(guidance: "StrOrPromise", examples: "tuple[StrOrPromise, ...]" = ()) -> str:
    """Help under a field: the official guidance, then the official examples as a list."""
    if not examples:
        return format_html("{}", guidance)
    return format_html(
        '{}<span class="d-block mt-1">{}</span><ul class="mb-0">{}</ul>',
        guidance,
        _("Ejemplos:"),
        format_html_join("", "<li>{}</li>", ((e,) for e in examples)),
    )


def _shallow(obj):
    """``copy.copy(obj)`` for a plain object (a form field or widget): a new instance with the
    same ``__dict__``, without ``copy``'s generic ``__reduce_ex__`` round trip."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


# Django's own __deepcopy__ methods that _copy_field repeats; a class with any other (its own
# copy rules) is copied by copy.deepcopy, as Django would.
_FIELD_COPIES = (
    forms.Field.__deepcopy__,
    forms.ChoiceField.__deepcopy__,
    forms.ModelChoiceField.__deepcopy__,
)
_WIDGET_COPIES = (forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__)


def _plain(obj) -> bool:
    return "__slots__" not in type(obj).__dict__ and not hasattr(type(obj), "__copy__")


def _copy_field(field: forms.Field, memo: dict) -> forms.Field:
    """What ``copy.deepcopy(field)`` gives: Django's ``Field.__deepcopy__`` (and ChoiceField's,
    ModelChoiceField's, Widget's, ChoiceWidget's) step by step, with ``_shallow`` for their
    ``copy.copy``."""
    copier = type(field).__deepcopy__
    widget = field.widget
    widget_copier = type(widget).__deepcopy__
    if not (
        copier in _FIELD_COPIES
        and widget_copier in _WIDGET_COPIES
        and _plain(field)
        and _plain(widget)
    ):
        return copy.deepcopy(field, memo)
    result = _shallow(field)
    memo[id(field)] = result
    new_widget = _shallow(widget)
    new_widget.attrs = widget.attrs.copy()
    if widget_copier is forms.widgets.ChoiceWidget.__deepcopy__:
        new_widget.choices = copy.copy(widget.choices)
    memo[id(widget)] = new_widget
    result.widget = new_widget
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if copier is forms.ChoiceField.__deepcopy__:
        result._choices = copy.deepcopy(field._choices, memo)  # type: ignore[attr-defined]
    elif copier is forms.ModelChoiceField.__deepcopy__:
        queryset = cast(forms.ModelChoiceField, field).queryset
        if queryset is not None:
            cast(forms.ModelChoiceField, result).queryset = queryset.all()
    return result


class CheaplyCopiedFields(dict):
    """A form class's ``base_fields``, copied for each form as Django copies them
    (``BaseForm.__init__``: ``copy.deepcopy(self.base_fields)``) but without ``copy``'s generic
    machinery: for the ficha form's 31 fields that machinery was most of building the form,
    ~2 ms of CPU on every autosave, save and form page (docs/load-test.md §L8b).
    ``tests/reporting/test_field_copies.py`` compares the copies with ``copy.deepcopy``'s."""

    def __deepcopy__(self, memo: dict) -> dict:
        return {name: _copy_field(field, memo) for name, field in self.items()}


def copied_cheaply[F: type[forms.BaseForm]](form_class: F) -> F:
    """Class decorator: the form's fields are copied with ``CheaplyCopiedFields``."""
    # Set by the form's metaclass (DeclarativeFieldsMetaclass); not in the stubs.
    fields = form_class.base_fields  # type: ignore[attr-defined]
    form_class.base_fields = CheaplyCopiedFields(fields)  # type: ignore[attr-defined]
    return form_class


class CountField(forms.IntegerField):
    """A whole number of people or actions: 0 to 100 million; accepts «2,500» and «2 500»."""

    default_error_messages = {
        "invalid": _("Escriba sólo un número entero, sin letras ni decimales (p. ej. 2500)."),
        "min_value": _("El número no puede ser negativo: escriba 0 o una cantidad mayor."),
        "max_value": _(
            "La cifra es demasiado grande (máximo 100,000,000). Revise que no sobren dígitos."
        ),
    }

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(min_value=0, max_value=MAX_COUNT, **kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"[\s,\u00a0\u202f]", "", _clean_text(value))
            if len(value) > 15:
                raise forms.ValidationError(self.error_messages["max_value"], code="max_value")
        return super().to_python(value)

    def widget_attrs(self, widget):
        # A text box: the browser's number box would silently drop «2,500» or «abc».
        return {}


class DateField(forms.DateField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        kwargs.setdefault("input_formats", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _(
                    "Escriba una fecha válida con el formato dd/mm/aaaa (p. ej. 15/03/2024)."
                )
            },
        )
        super().__init__(**kwargs)


class ListedChoicesField(forms.ModelMultipleChoiceField):
    """A multiple choice among a whole table's rows (the objectives, the entidades) whose posted
    ids are checked with one statement prepared once per process (``rows.rows_with_pks``)
    instead of Django's filter per id, then a filter of them all and its evaluation: ~1 ms of
    CPU on every autosave and save (docs/load-test.md §L8b). The same errors for the same
    input. The cleaned value is the list of the chosen rows in the table's order (Django's is
    a queryset of the same rows): what saving and comparing the list need."""

    def _check_values(self, value):
        objects = cast(QuerySet, self.queryset)
        # A queryset ordered its own way keeps Django's reading (the statement's order is the
        # model's).
        if self.to_field_name or objects.query.order_by or not whole_table(objects):
            return super()._check_values(value)  # type: ignore[misc]
        try:
            value = frozenset(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        key = objects.model._meta.pk
        pks = set()
        for pk in value:
            self.validate_no_null_characters(pk)
            if pk is None:
                continue  # no row has it: invalid_choice below, as Django says
            try:
                pks.add(key.get_prep_value(key.to_python(pk)))
            except (ValueError, TypeError, forms.ValidationError):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                ) from None
        # A number the column cannot hold matches no row (as Django's lookups treat it).
        pks = {pk for pk in pks if rows.fits(objects.model, pk)}
        found = rows.rows_with_pks(objects.model, sorted(pks)) if pks else []
        if found is None:
            return super()._check_values(value)  # type: ignore[misc]
        present = {str(obj.pk) for obj in found}
        for val in value:
            if str(val) not in present:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": val},
                )
        return found


class ObjetivoChoiceField(ListedChoicesField):
    def label_from_instance(self, obj: ObjetivoPMM) -> str:
        return f"{obj.number}. {obj.title}"


def _textarea(rows: int = 5, section: str | None = None) -> forms.Textarea:
    attrs: dict[str, int | str] = {"rows": rows}
    if section:
        attrs["data-word-section"] = section
    return forms.Textarea(attrs=attrs)


# The ficha's many-to-many fields the institution fills: declared on FichaForm, written by
# ``editing.save_ficha_form`` (``FichaForm.saved_apart``).
LISTS = ("objetivos_propuestos", "entidades")


@copied_cheaply
class FichaForm(forms.ModelForm):
    """The ficha técnica as an institution fills it, in official order (docs/ficha.md §F1-F8)."""

    objetivos_propuestos = ObjetivoChoiceField(
        queryset=ObjetivoPMM.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Objetivo(s) del PMM que propone"),
        help_text=_(
            "Ingresar el número y nombre del Objetivo del PMM, el cual, conforme a su descripción, "
            "se ajusta al programa, acción o buena práctica implementada por su dependencia. "
            "Puede marcar más de uno: la UPMRIP asigna el Objetivo final, uno solo por ficha."
        ),
        error_messages={"invalid_choice": _("Elija objetivos de la lista (1 a 23).")},
    )
    entidades = ListedChoicesField(
        queryset=EntidadFederativa.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Entidades federativas"),
        help_text=_(
            "Ejemplo: El programa se implementó en los estados fronterizos de Tamaulipas, "
            "Sonora y Baja California."
        ),
        error_messages={"invalid_choice": _("Elija entidades de la lista de las 32.")},
    )
    num_acciones = CountField(
        label=_(
            "Número de acciones que se desarrollaron a través del programa en el periodo designado"
        ),
        help_text=_help(
            _(
                "Número de campañas / Número de foros / Número de materiales / Número de "
                "trámites realizados / Número de documentos emitidos."
            ),
            (
                _("Se desarrollaron 10 campañas informativas."),
                _("Se emitieron 2 500 Tarjetas de Visitante Regional."),
            ),
        ),
    )
    personas_atendidas = CountField(
        label=_(
            "Número de personas atendidas o que recibieron algún beneficio por la "
            "implementación del programa"
        ),
        help_text=_help(
            _("Sólo las del periodo del ejercicio; no es necesario poner cifras históricas."),
            (
                _("Con este programa se benefició a 2 500 personas que realizaron el trámite."),
                _("2 500 personas fueron capacitadas."),
                _("La difusión llegó a 2 500 personas que consultaron el portal electrónico."),
            ),
        ),
    )
    mujeres = CountField(label=_("Mujeres"))
    hombres = CountField(label=_("Hombres"))
    otras_personas = CountField(label=_("Otras personas o sexo no especificado"))
    fecha_inicio = DateField(label=_("Fecha de inicio"))
    fecha_conclusion = DateField(
        label=_("Fecha de conclusión"), help_text=_("Sólo si el programa es temporal.")
    )
    periodo_inicio = DateField(label=_("Inicio del periodo reportado (opcional)"))
    periodo_fin = DateField(
        label=_("Fin del periodo reportado (opcional)"),
        help_text=_("Sólo si su periodo es distinto del periodo del ejercicio."),
    )
    contacto_correo = forms.EmailField(
        required=False,
        label=_("Correo electrónico"),
        max_length=254,
        error_messages={
            "invalid": _(
                "Escriba un correo electrónico completo, p. ej. nombre@dependencia.gob.mx."
            )
        },
    )

    class Meta:
        model = Ficha
        # Official order: 2 unidad, 3 objetivo, 4 nombre, 5 descripción, 6 resultados, 7 retos,
        # 8 contacto (1, the institution, comes from the account).
        # The two lists are declared above and written by ``editing.save_ficha_form``
        # (``saved_apart``): outside the model form's own handling, a POST does not read their
        # stored values as initial data it never uses (docs/load-test.md §L7).
        fields = tuple(name for name in Ficha.INSTITUTION_FIELDS if name not in LISTS)
        labels = {
            "unidad": _("UNIDAD/DIRECCIÓN GENERAL"),
            "nombre": _("NOMBRE DEL PROGRAMA"),
            "objetivo_programa": _("1. Objetivo del programa (en qué consiste)"),
            "poblacion_objetivo": _(
                "2. A quién va dirigido el programa o acción (población objetivo)"
            ),
            "temporalidad": _("Temporalidad"),
            "descripcion": _("Descripción del programa, acción o buena práctica"),
            "tipo_acciones": _("Tipo de acciones"),
            "grupos_traslapados": _(
                "Los grupos se traslapan (una misma persona está en más de un grupo)"
            ),
            "traslape_explicacion": _("Explique por qué los grupos se traslapan"),
            "alcance_nacional": _("Federal (en todo el país)"),
            "alcance_extranjero": _("En el extranjero (p. ej. consulados)"),
            "alcance_regiones": _("Regiones o localidades (p. ej. región fronteriza)"),
            "explicacion_sin_cifras": _(
                "Si no se cuenta con cifras numéricas, hacer una breve explicación de los "
                "alcances del programa"
            ),
            "resultados": _("Resultados (redacción)"),
            "sin_retos": _("No se identificaron retos"),
            "contacto_nombre": _("Nombre"),
            "contacto_cargo": _("Cargo"),
            "contacto_telefono": _("Teléfono"),
            "contacto_extension": _("Extensión"),
        }
        help_texts = {
            "unidad": _(
                "Nombre de la Unidad o Dirección General encargada de implementar la acción, "
                "programa o buena práctica relacionada con el PMM."
            ),
            "nombre": _(
                "Nombre del programa, acción o buena práctica que implementa su "
                "dependencia/institución, relacionada con el Objetivo señalado anteriormente. "
                "En caso de que no se cuente con un nombre oficial de la acción, describir de "
                "manera breve de qué se trata."
            ),
            "objetivo_programa": _("En qué consiste el programa, acción o buena práctica."),
            "poblacion_objetivo": _("A quién va dirigido el programa o acción."),
            "temporalidad": _(
                "Fecha de inicio, si es temporal o permanente y, en su caso, si tiene fecha "
                "de conclusión."
            ),
            "descripcion": _(
                "Describir brevemente el programa, la acción o buena práctica señalada, tomando "
                "en cuenta: 1. Objetivo, 2. Población objetivo, 3. Periodo de implementación "
                "(fecha de inicio, si es temporal o permanente y, en su caso, si tiene fecha de "
                "conclusión)."
            ),
            "tipo_acciones": _("Campañas, foros, materiales, trámites, documentos emitidos…"),
            "mujeres": _(
                "Ejemplo: Del total de las solicitudes atendidas, 100 fueron emitidas por "
                "mujeres y 100 por hombres."
            ),
            "explicacion_sin_cifras": _(
                "Ejemplo: Si bien a través de este programa no se registraron datos numéricos, "
                "tuvo un impacto en la comunidad de mexicanos en Estados Unidos que acudieron a "
                "las ferias culturales, donde se promovieron actividades relacionadas con la "
                "gastronomía mexicana, lo que facilitó el conocimiento de la cultura a esta "
                "población."
            ),
            "resultados": _(
                "Señalar cifras expresadas en cantidades numéricas (o, en su defecto, de la "
                "manera que estime pertinente) que indiquen los resultados obtenidos de la "
                "implementación del programa, acción o buena práctica por parte de esa "
                "dependencia. La información puede ser desglosada o desarrollada en la redacción "
                "del texto."
            ),
            "sin_retos": _("Márquelo sólo si no hay ningún reto que informar."),
            "contacto_telefono": _("Con clave de larga distancia, p. ej. 55 5128 0000."),
        }
        widgets = {
            "unidad": forms.TextInput(),
            "nombre": forms.TextInput(),
            "objetivo_programa": _textarea(3, "descripcion"),
            "poblacion_objetivo": _textarea(3, "descripcion"),
            "descripcion": _textarea(6, "descripcion"),
            "temporalidad": forms.RadioSelect,
            "traslape_explicacion": _textarea(2),
            "alcance_regiones": _textarea(2),
            "explicacion_sin_cifras": _textarea(3, "resultados"),
            "resultados": _textarea(6, "resultados"),
            "tipo_acciones": forms.TextInput(),
        }

    field_order = Ficha.INSTITUTION_FIELDS
    saved_apart = LISTS

    def __init__(
        self,
        *args,
        ejercicio: Ejercicio,
        retos_formset: "BaseRetoFormSet | None" = None,
        submitting: bool = False,
        **kwargs,
    ):
        if args:
            args = (without_nul(args[0]), *args[1:])
        elif "data" in kwargs:
            kwargs["data"] = without_nul(kwargs["data"])
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            # What the page shows checked (ModelForm reads it for its own fields only): the
            # stored ids, in one statement (the widgets compare values as text).
            stored = rows.stored_lists(self.instance.pk, LISTS)
            for name in LISTS:
                self.initial.setdefault(name, sorted(stored[name]))
        self.ejercicio = ejercicio
        self.retos_formset = retos_formset
        self.submitting = submitting
        cast(forms.ChoiceField, self.fields["temporalidad"]).choices = Temporalidad.choices
        self.fields["temporalidad"].required = False
        for field in self.fields.values():
            # Empty fields are fine in a draft; the browser must not block «Guardar borrador».
            field.required = False
        cap_text_fields(self)
        self.use_required_attribute = False

    def link_descriptions(self, observed: set[str]) -> None:
        """Point each input at its help, error, coordinator observation and word counter.

        Fields rendered as a fieldset (checkbox and radio lists) keep Django's own description
        on the fieldset.
        """
        for name, field in self.fields.items():
            bound = self[name]
            if field.widget.use_fieldset:
                continue
            ids = [f"obs_{name}"] if name in observed else []
            if bound.help_text:
                ids.append(f"{bound.auto_id}_helptext")
            if self.is_bound and bound.errors:
                ids.append(f"{bound.auto_id}_error")
            if field.widget.attrs.get("data-word-section"):
                ids.append(f"count_{name}")
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def sections(self) -> list[dict]:
        """The official sections (docs/ficha.md §F1-F8), each with its guidance and field groups."""

        counts = self.word_counts()

        def item(name):
            section = self.fields[name].widget.attrs.get("data-word-section")
            return {
                "field": self[name],
                "words": section,
                "count": counts.get(section, 0),
                "section_label": SECTION_LABELS.get(section, ""),
            }

        def group(title, *names):
            return {"title": title, "items": [item(n) for n in names]}

        return [
            {
                "slug": "unidad",
                "title": _("UNIDAD/DIRECCIÓN GENERAL"),
                "instruction": _(
                    "Escribir en este espacio el nombre de la Unidad o Dirección General del área "
                    "a su cargo."
                ),
                "groups": [group(None, "unidad")],
            },
            {
                "slug": "objetivo",
                "title": _("OBJETIVO DEL PMM QUE ATIENDE EL PROGRAMA QUE SE IMPLEMENTA"),
                "instruction": _(
                    "Escribir o seleccionar el Objetivo del PMM que más se adapte al programa o "
                    "acción que se reporta. Si bien muchas acciones pueden ser transversales, para "
                    "los efectos del informe se coloca únicamente un Objetivo, con el propósito de "
                    "no duplicar en el conteo de Objetivos y acciones."
                ),
                "groups": [group(None, "objetivos_propuestos")],
            },
            {
                "slug": "nombre",
                "title": _("NOMBRE DEL PROGRAMA"),
                "instruction": _(
                    "Escribir el nombre del programa o acción a reportar. En caso de que no se "
                    "cuente con un nombre oficial de la acción, describir de manera breve de qué "
                    "se trata."
                ),
                "groups": [group(None, "nombre")],
            },
            {
                "slug": "descripcion",
                "title": _("DESCRIPCIÓN"),
                "words": "descripcion",
                "instruction": _(
                    "Para el llenado de esta sección se deben complementar, al menos, tres "
                    "elementos: 1. Objetivo del programa (en qué consiste). 2. A quién va dirigido "
                    "el programa o acción (población objetivo). 3. La temporalidad del programa: "
                    "fecha de inicio, si se encuentra vigente o si se tuvo algún cambio en lo que "
                    "va del año. Es importante para este apartado que se consideren los puntos "
                    "antes mencionados, aunque la información puede estar desglosada de otra "
                    "manera."
                ),
                "groups": [
                    group(None, "objetivo_programa", "poblacion_objetivo"),
                    group(
                        _("3. Periodo de implementación"),
                        "fecha_inicio",
                        "temporalidad",
                        "fecha_conclusion",
                    ),
                    group(None, "descripcion"),
                    group(_("Periodo reportado"), "periodo_inicio", "periodo_fin"),
                ],
            },
            {
                "slug": "resultados",
                "title": self.results_heading,
                "words": "resultados",
                "instruction": _(
                    "En esta sección se espera un reporte cuantitativo, con cifras numéricas que "
                    "indiquen la cantidad de atenciones, talleres, campañas, etc., reportadas en "
                    "el periodo de un año y en el tiempo indicado. No es necesario poner cifras "
                    "históricas. Asimismo, se pueden reportar elementos cualitativos que expliquen "
                    "el alcance del programa o acción. De no contar con resultados, explicar el "
                    "motivo por el cual no se cuenta con esta información."
                ),
                "groups": [
                    group(None, "num_acciones", "tipo_acciones", "personas_atendidas"),
                    group(
                        _("Total de personas atendidas desagregadas por sexo"),
                        "mujeres",
                        "hombres",
                        "otras_personas",
                        "grupos_traslapados",
                        "traslape_explicacion",
                    ),
                    group(
                        _("Zona geográfica donde se implementó el programa"),
                        "alcance_nacional",
                        "entidades",
                        "alcance_extranjero",
                        "alcance_regiones",
                    ),
                    group(None, "explicacion_sin_cifras", "resultados"),
                ],
            },
        ]

    def word_counts(self) -> dict[str, int]:
        """Words typed so far in each section, from the submitted or stored values."""
        return section_words(
            {n: self[n].value() for names in WORD_SECTIONS.values() for n in names}
        )

    @property
    def sin_retos_item(self) -> dict:
        return {"field": self["sin_retos"], "words": None}

    def contact_section(self) -> dict:
        return {
            "items": [
                {"field": self[n], "words": None}
                for n in (
                    "contacto_nombre",
                    "contacto_cargo",
                    "contacto_telefono",
                    "contacto_extension",
                    "contacto_correo",
                )
            ]
        }

    @property
    def results_heading(self) -> str:
        year = self.ejercicio.year
        return _("RESULTADOS ALCANZADOS EN EL PERIODO DE JUNIO DE %(y0)s A JUNIO DE %(y1)s") % {
            "y0": year - 1,
            "y1": year,
        }

    def validate_constraints(self) -> None:
        """No query for the model's check constraints: this form cannot break them. The dates'
        order is ``_check_dates`` (with its own message); the objective of an approved ficha is
        not a field here (docs/load-test.md §L7)."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, value in list(data.items()):
            if isinstance(value, str):
                data[name] = _clean_text(value)
        self._check_dates(data)
        self._check_groups(data)
        if self.submitting:
            self._check_complete(data)
            self._check_words(data)
            self._check_retos(data)
        return data

    def _check_dates(self, data):
        start, end = data.get("fecha_inicio"), data.get("fecha_conclusion")
        if start and end and end < start:
            self.add_error(
                "fecha_conclusion",
                _(
                    "La fecha de conclusión es anterior a la fecha de inicio: "
                    "corrija alguna de las dos."
                ),
            )
        p0, p1 = data.get("periodo_inicio"), data.get("periodo_fin")
        if p0 and p1 and p1 < p0:
            self.add_error(
                "periodo_fin",
                _(
                    "El fin del periodo reportado es anterior a su inicio: "
                    "corrija alguna de las dos."
                ),
            )

    def _check_groups(self, data):
        total = data.get("personas_atendidas")
        parts = [data.get(n) for n in ("mujeres", "hombres", "otras_personas")]
        if total is None or all(p is None for p in parts):
            return
        summed = sum(p or 0 for p in parts)
        if summed > total and not data.get("grupos_traslapados"):
            self.add_error(
                "personas_atendidas",
                _(
                    "Mujeres + hombres + otras personas suman %(sum)s, más que las %(total)s "
                    "personas atendidas. Corrija las cifras o marque que los grupos se traslapan "
                    "y explique por qué."
                )
                % {"sum": f"{summed:,}", "total": f"{total:,}"},
            )

    def _check_complete(self, data):
        required = {
            "nombre": _("Escriba el nombre del programa, acción o buena práctica."),
            "objetivo_programa": _("Escriba en qué consiste el programa (su objetivo)."),
            "poblacion_objetivo": _(
                "Escriba a quién va dirigido el programa (población objetivo)."
            ),
            "contacto_nombre": _("Escriba el nombre de la persona de contacto."),
            "contacto_correo": _("Escriba el correo electrónico de la persona de contacto."),
        }
        for name, message in required.items():
            if not (data.get(name) or "").strip() and name not in self.errors:
                self.add_error(name, message)
        if not data.get("objetivos_propuestos"):
            self.add_error(
                "objetivos_propuestos",
                _("Marque al menos un Objetivo del PMM que atiende el programa."),
            )
        if not data.get("temporalidad") and not (data.get("descripcion") or "").strip():
            self.add_error(
                "temporalidad",
                _(
                    "Indique si el programa es permanente o temporal "
                    "(o descríbalo en la descripción)."
                ),
            )
        has_figures = any(
            data.get(n) is not None
            for n in ("num_acciones", "personas_atendidas", "mujeres", "hombres", "otras_personas")
        )
        if (
            not has_figures
            and not (data.get("resultados") or "").strip()
            and not (data.get("explicacion_sin_cifras") or "").strip()
        ):
            self.add_error(
                "explicacion_sin_cifras",
                _(
                    "Sin cifras ni resultados: explique brevemente los alcances del programa o el "
                    "motivo por el que no se cuenta con resultados."
                ),
            )
        if data.get("grupos_traslapados") and not (data.get("traslape_explicacion") or "").strip():
            self.add_error(
                "traslape_explicacion",
                _("Explique por qué una misma persona se cuenta en más de un grupo."),
            )

    def _check_words(self, data):
        for section, words in section_words(data).items():
            # The error goes on the section's main text box, the last one of the section.
            if message := too_many_words(section, words):
                self.add_error(WORD_SECTIONS[section][-1], message)

    def _check_retos(self, data):
        formset = self.retos_formset
        if formset is None or not formset.is_valid():
            return
        texts = formset.kept_texts()
        if data.get("sin_retos") and texts:
            self.add_error(
                "sin_retos",
                _(
                    "Marcó «No se identificaron retos» pero escribió retos: "
                    "quite la marca o los retos."
                ),
            )
        elif not data.get("sin_retos") and not texts:
            self.add_error(
                "sin_retos",
                _("Escriba al menos un reto, o marque «No se identificaron retos»."),
            )
        if message := too_many_words("retos", sum(count_words(t) for t in texts)):
            self.add_error("sin_retos", message)


class RetoForm(forms.ModelForm):
    class Meta:
        model = Reto
        fields = ["texto", "position"]
        labels = {"texto": _("Reto"), "position": _("Orden")}
        widgets = {
            "texto": forms.Textarea(attrs={"rows": 2, "data-word-section": "retos"}),
            "position": forms.HiddenInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A blank row is no row: it is skipped (new) or removed (existing), never an error.
        self.fields["texto"].required = False
        self.fields["position"].required = False
        self.use_required_attribute = False
        cap_text_fields(self, default=RETO_MAX_CHARS)

    def has_changed(self) -> bool:
        if self.instance.pk is None:
            return bool(_clean_text(self["texto"].value() or "").strip())
        return super().has_changed()

    def clean_texto(self) -> str:
        return _clean_text(self.cleaned_data.get("texto") or "").strip()


class StoredRetoField(forms.ModelChoiceField):
    """The hidden id of a stored reto, found among the retos its formset has already read.

    Django's own field reads each posted id with a query of its own: one per reto on every
    autosave (docs/load-test.md §L7). An id that is not one of this ficha's retos is refused
    with the same error as an id that does not exist (a reto deleted in another tab)."""

    def __init__(self, stored: dict[int, Reto], **kwargs):
        super().__init__(queryset=Reto.objects.none(), **kwargs)
        self.stored = stored

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.stored[int(value)]
        except (KeyError, TypeError, ValueError):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None


class BaseRetoFormSet(forms.BaseInlineFormSet):
    @cached_property
    def stored(self) -> dict[int, Reto]:
        return {reto.pk: reto for reto in self.get_queryset()}

    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        name = Reto._meta.pk.name
        django_field = form.fields[name]
        form.fields[name] = StoredRetoField(
            self.stored,
            initial=django_field.initial,
            required=False,
            widget=django_field.widget,
        )

    def _should_delete_form(self, form) -> bool:
        # Django's private hook for «delete this form», not in the stubs.
        if super()._should_delete_form(form):  # type: ignore[misc]
            return True
        data = getattr(form, "cleaned_data", None) or {}
        return form.instance.pk is not None and not data.get("texto")

    # Within one ficha, Reto's order (its Meta ordering starts with "ficha", which Django
    # expands into Ficha's own ordering: three joins).
    ORDER = ("position", "pk")

    def __init__(self, data=None, *args, **kwargs):
        self.own_queryset = "queryset" not in kwargs
        kwargs.setdefault("queryset", Reto._default_manager.order_by(*self.ORDER))
        super().__init__(without_nul(data), *args, **kwargs)

    def get_queryset(self):
        """The ficha's retos in one prepared statement (``rows.children_of``), a list where
        Django keeps a queryset (it only iterates, indexes and counts it): building the ORM's
        SQL for them was some 5% of a focal point's request (docs/load-test.md §L9)."""
        if self.own_queryset and self.instance.pk is not None:
            if not hasattr(self, "_queryset"):
                self._queryset = rows.children_of(Reto, "ficha", self.instance.pk, self.ORDER)
            return self._queryset
        return super().get_queryset()

    def kept_texts(self) -> list[str]:
        """The challenges that will be stored, in the order the person chose."""
        kept = []
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("texto") and not self._should_delete_form(form):
                position = data.get("position")
                kept.append((1000 + index if position is None else position, index, data["texto"]))
        return [text for _p, _i, text in sorted(kept)]

    def save(self, commit: bool = True):
        # Keep the order the person chose; positions arrive from the page, gaps are fine.
        for index, form in enumerate(self.forms):
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("position") is None:
                form.instance.position = 1000 + index
        return super().save(commit)


# The factory subclasses ``formset``; the stubs type its result as the plain inline formset.
RetoFormSet = cast(
    type[BaseRetoFormSet],
    forms.inlineformset_factory(
        Ficha,
        Reto,
        form=RetoForm,
        formset=BaseRetoFormSet,
        extra=1,
        can_delete=True,
        max_num=50,
        validate_max=True,
    ),
)
# The factory made its own form class (RetoForm's fields, plus the formset's): copied cheaply
# too, as each reto row is a form (docs/load-test.md §L8b).
copied_cheaply(RetoFormSet.form)


class CarryOverForm(forms.Form):
    fichas = forms.ModelMultipleChoiceField(
        queryset=Ficha.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Fichas del ejercicio anterior"),
        error_messages={
            "required": _("Marque al menos una ficha para traerla como borrador."),
            "invalid_choice": _("Elija sólo fichas de su institución de la lista."),
        },
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["fichas"]).queryset = queryset


class InvitationForm(forms.Form):
    """A coordinator invites a focal point (enlace) of one institution."""

    email = forms.EmailField(
        label=_("Correo electrónico"),
        max_length=254,
        error_messages={
            "required": _("Escriba el correo electrónico de la persona enlace."),
            "invalid": _(
                "Escriba un correo electrónico completo, p. ej. nombre@dependencia.gob.mx."
            ),
        },
    )
    first_name = forms.CharField(
        label=_("Nombre(s)"),
        max_length=150,
        error_messages={"required": _("Escriba el nombre de la persona.")},
    )
    last_name = forms.CharField(label=_("Apellidos"), max_length=150, required=False)
    actor = forms.ModelChoiceField(
        queryset=Actor.objects.filter(active=True),
        label=_("Institución"),
        error_messages={
            "required": _("Elija la institución de la persona enlace."),
            "invalid_choice": _("Elija una institución de la lista."),
        },
    )
    position = forms.CharField(label=_("Cargo"), max_length=200, required=False)
    phone = forms.CharField(label=_("Teléfono"), max_length=60, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cap_text_fields(self)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for name, value in list(data.items()):
            data[name] = _clean_text(value)
        email = (data.get("email") or "").lower()
        # A pending invitation of the same institution is sent again; the rules are there.
        problem = address_problem(email, data.get("actor")) if email else None
        if problem:
            self.add_error("email", problem)
        data["email"] = email
        return data
