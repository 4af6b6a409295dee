"""Saving what a Word ficha holds: new drafts, and updates of a draft (docs/word.md §W4).

What ``reporting.docx_ficha.read_docx`` found is posted to the institution's own form
(``FichaForm`` and the retos formset), as if typed on the page, and saved through
``editing.save_ficha_form`` (version check, audit row). A value the form refuses (too long, a
date out of order, figures that do not add up) goes to the «Texto no reconocido» note with the
reason, so the draft always saves and nothing is lost. The note is internal: shown only on the
draft, never printed, exported or published.
"""

import copy
import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from reporting.docx_reader import Parsed
from reporting.docx_safety import DocxRefused
from reporting.editing import display_value, form_field_names, save_ficha_form
from reporting.forms import BaseRetoFormSet, FichaForm, RetoFormSet
from reporting.models import Actor, Ejercicio, Ficha, User
from reporting.text import (
    WORD_SECTIONS,
    count_words,
    field_label,
    format_number,
    section_words,
    too_many_words,
)

NOTE_MAX_CHARS = 20_000
WORD_FIELDS = tuple(name for names in WORD_SECTIONS.values() for name in names)
MAX_RETOS = 50
# A refused value whose error is reported on another field: the file's fields behind it.
_PARTNERS = {
    "personas_atendidas": ("mujeres", "hombres", "otras_personas", "grupos_traslapados"),
    "fecha_conclusion": ("fecha_inicio",),
    "periodo_fin": ("periodo_inicio",),
}


@dataclass
class Prepared:
    """The form and retos formset bound with a file's values, valid, and the note."""

    form: FichaForm
    formset: BaseRetoFormSet
    data: QueryDict
    note: str

    def changes(self, ficha: Ficha) -> list[dict[str, str]]:
        """Field by field, what saving would change: label, current value, value from the file."""
        names = form_field_names(self.form)
        candidate = copy.copy(ficha)
        rows = []
        for name in names:
            value = self.form.cleaned_data.get(name)
            old = display_value(ficha, name) if ficha.pk else ""
            if Ficha._meta.get_field(name).many_to_many:
                new = ", ".join(str(obj) for obj in value or [])
            else:
                setattr(candidate, name, value)
                new = display_value(candidate, name)
            if ficha.pk is None and name in Ficha.CONTACT_FIELDS and not new:
                continue
            if old != new:
                rows.append({"name": name, "label": field_label(name), "old": old, "new": new})
        old_retos = display_value(ficha, "retos") if ficha.pk else ""
        new_retos = "\n".join(f"• {t}" for t in self.formset.kept_texts())
        if old_retos != new_retos:
            rows.append({"name": "retos", "label": _("Retos"), "old": old_retos, "new": new_retos})
        return rows

    def word_problems(self) -> list[str]:
        return word_problems(self.form.cleaned_data, self.formset.kept_texts())


def word_problems(values: Mapping[str, object], retos: Iterable[str]) -> list[str]:
    """The 180-word messages «Enviar a revisión» would give (docs/ficha.md §R2)."""
    problems = [
        message
        for section, words in section_words(values).items()
        if (message := too_many_words(section, words))
    ]
    if message := too_many_words("retos", sum(count_words(t) for t in retos)):
        problems.append(message)
    return problems


def ficha_word_problems(ficha: Ficha) -> list[str]:
    values = {name: getattr(ficha, name) for name in WORD_FIELDS}
    return word_problems(values, [r.texto for r in ficha.retos.all()])


def _encode(value: object) -> list[str]:
    """A field's value as the page would post it."""
    if value is None or value is False:
        return []
    if value is True:
        return ["on"]
    if isinstance(value, datetime.date):
        return [value.isoformat()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _current(ficha: Ficha, name: str) -> object:
    field = Ficha._meta.get_field(name)
    if field.many_to_many:
        return [obj.pk for obj in getattr(ficha, name).all()] if ficha.pk else []
    return getattr(ficha, name)


def _shown(name: str, value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("Sí") if value else _("No")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int):
        return format_number(value)
    return str(value or "")


def form_data(ficha: Ficha, values: dict[str, object], retos: list[str] | None) -> QueryDict:
    """What the page would post: ``values`` over the ficha's own, and the retos (None: keep)."""
    data = QueryDict(mutable=True)
    data["version"] = str(ficha.version)
    for name in Ficha.INSTITUTION_FIELDS:
        value = values[name] if name in values else _current(ficha, name)
        data.setlist(name, _encode(value))
    existing = list(ficha.retos.all()) if ficha.pk else []
    texts = [r.texto for r in existing] if retos is None else retos
    total = max(len(existing), len(texts))
    data["retos-TOTAL_FORMS"] = str(total)
    data["retos-INITIAL_FORMS"] = str(len(existing))
    data["retos-MIN_NUM_FORMS"] = "0"
    data["retos-MAX_NUM_FORMS"] = "1000"
    for i in range(total):
        if i < len(existing):
            data[f"retos-{i}-id"] = str(existing[i].pk)
            data[f"retos-{i}-ficha"] = str(ficha.pk)
        # A blank text removes a stored reto (reporting.forms.BaseRetoFormSet).
        data[f"retos-{i}-texto"] = texts[i] if i < len(texts) else ""
        data[f"retos-{i}-position"] = str(i + 1)
    return data


def bind(ficha: Ficha, data: QueryDict) -> tuple[FichaForm, BaseRetoFormSet]:
    formset = RetoFormSet(data, instance=ficha, prefix="retos")
    form = FichaForm(data, instance=ficha, ejercicio=ficha.ejercicio, retos_formset=formset)
    return form, formset


def prepare(parsed: Parsed, ficha: Ficha) -> Prepared:
    """Bind the form with the file's values; what the form refuses goes to the note.

    Fields whose label is not in the file keep the ficha's value. Raises ``DocxRefused`` when
    the note would pass ``NOTE_MAX_CHARS`` (a file that is not a ficha). No side effects.
    """
    values = {k: v for k, v in parsed.values.items() if k in Ficha.INSTITUTION_FIELDS}
    note = list(parsed.unrecognized)
    retos = list(parsed.retos) if "retos" in parsed.seen else None
    if retos is not None and len(retos) > MAX_RETOS:
        note += [f"{_('Reto')}: {text}" for text in retos[MAX_RETOS:]]
        retos = retos[:MAX_RETOS]
    # The form writes what it cleans onto its instance: a copy, so ``ficha`` stays as stored.
    working = copy.copy(ficha)
    for _attempt in range(4):
        data = form_data(ficha, values, retos)
        form, formset = bind(working, data)
        form_ok, formset_ok = form.is_valid(), formset.is_valid()
        if form_ok and formset_ok:
            break
        for name, errors in form.errors.items():
            moved = (
                [name] if name in values else [p for p in _PARTNERS.get(name, ()) if p in values]
            )
            for key in moved:
                reason = " ".join(str(e) for e in errors)
                note.append(f"{field_label(key)}: {_shown(key, values.pop(key))} ({reason})")
        if retos is not None:
            refused = {i for i, sub in enumerate(formset.forms) if sub.errors and i < len(retos)}
            note += [f"{_('Reto')}: {retos[i]}" for i in sorted(refused)]
            retos = [t for i, t in enumerate(retos) if i not in refused]
    else:
        raise DocxRefused(_("No fue posible leer la ficha de este archivo."))
    text = "\n\n".join(note)
    if len(text) > NOTE_MAX_CHARS:
        raise DocxRefused(
            _(
                "El documento tiene demasiado texto que no corresponde a los campos de la ficha "
                "(%(n)s caracteres; el máximo es %(max)s). Revise que sea una ficha técnica."
            )
            % {"n": format_number(len(text)), "max": format_number(NOTE_MAX_CHARS)}
        )
    return Prepared(form=form, formset=formset, data=data, note=text)


def new_draft(
    parsed: Parsed, *, actor: Actor, ejercicio: Ejercicio, contact: dict[str, str] | None = None
) -> Ficha:
    """The unsaved draft a file becomes; ``contact`` fills the contact fields the file leaves
    empty (as «Nueva ficha» does), so those are dropped from ``parsed.values``."""
    defaults = {k: v for k, v in (contact or {}).items() if v and not parsed.values.get(k)}
    for name in defaults:
        parsed.values.pop(name, None)
    return Ficha(actor=actor, ejercicio=ejercicio, **defaults)


@transaction.atomic
def create_draft(
    parsed: Parsed,
    *,
    actor: Actor,
    ejercicio: Ejercicio,
    by: User | None,
    contact: dict[str, str] | None = None,
) -> Ficha:
    """A new «borrador» of ``actor`` from a Word file. Raises ``DocxRefused``.

    Side effects: creates the ficha, its retos, proposed objectives and states, and a «creada»
    audit row (``save_ficha_form``); the note is stored with it.
    """
    if not ejercicio.is_open:
        raise DocxRefused(_("El ejercicio %(year)s no está abierto.") % {"year": ejercicio.year})
    ficha = new_draft(parsed, actor=actor, ejercicio=ejercicio, contact=contact)
    prepared = prepare(parsed, ficha)
    prepared.form.instance.texto_no_reconocido = prepared.note
    # ``by`` is None only for the bulk command run without --by (created_by stays empty).
    return save_ficha_form(
        prepared.form,
        by=by,  # type: ignore[arg-type]
        expected_version=ficha.version,
        formsets=[prepared.formset],
    )


@transaction.atomic
def update_draft(ficha: Ficha, data: QueryDict, *, by: User, note: str, filename: str) -> Ficha:
    """Save the values a person confirmed on the preview into their draft.

    ``data`` is what ``prepare`` bound (posted back by the preview page); it goes through the
    form again. Side effects: as ``save_ficha_form`` with an «edición» audit row listing the
    changes; the note replaces the draft's note. Raises ``editing.StaleFicha`` when the draft
    changed since the preview, ``DocxRefused`` when the data no longer fits the form.
    """
    # PostgreSQL refuses NUL in text; these two come back from the page as they were sent.
    note, filename = note.replace("\x00", ""), filename.replace("\x00", "")
    form, formset = bind(ficha, data)
    if not (form.is_valid() and formset.is_valid()):
        raise DocxRefused(
            _("La ficha cambió desde la vista previa. Suba de nuevo el archivo para compararla.")
        )
    try:
        version = int(data.get("version", ""))
    except ValueError:
        version = -1
    saved = save_ficha_form(
        form,
        by=by,
        expected_version=version,
        formsets=[formset],
        record_edit=True,
        note=_("Actualizada desde el archivo de Word «%(file)s».") % {"file": filename[:200]},
    )
    Ficha.objects.filter(pk=saved.pk).update(texto_no_reconocido=note[:NOTE_MAX_CHARS])
    saved.texto_no_reconocido = note[:NOTE_MAX_CHARS]
    return saved


def clear_note(ficha: Ficha) -> None:
    """Remove the «Texto no reconocido» note (the person placed or discarded that text).

    Writes only that column: the draft's version does not change, so an open form stays valid.
    """
    Ficha.objects.filter(pk=ficha.pk).update(texto_no_reconocido="")
