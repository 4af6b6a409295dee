"""``ficha_field``: the crispy rendering of one field of the ficha form, remembered per process.

The ficha form page renders some 30 fields through crispy-forms' templates, and each costs
about as much as a small page (the 32 entidades and 23 objectives as option templates most of
all): that was most of the page's server time (docs/load-test.md §L2). A field's HTML is a pure
function of what goes into the key below (its name and id, widget and attributes, value,
errors, label, help and the language), so the same field with the same value is rendered once
per process: a person who reopens the form after an autosave or a save gets most fields from
here. The choices of a list (objectives, entidades: values and labels) are part of the key, so
a change of reference data, or of their ids, is never served stale; reading them is one small
query, rendering them was the cost. The cache holds at most ``MAX_ENTRIES`` fields and forgets
the oldest first.

Only what pays is remembered: fields with choices (objectives, entidades, ODS, the lists), whose
rendering is the cost and whose value is a few ids, and fields whose value is short (at most
``SHORT_VALUE`` characters). A text box (descripción, resultados: up to thousands of words) is
rendered each time: the key holds the whole value and the HTML holds it again, so 2,048 such
entries could hold tens of MB per process, and one textarea costs little to render.
"""

from functools import cache, partial
from typing import cast

from crispy_forms.templatetags.crispy_forms_filters import (  # type: ignore[import-untyped]
    as_crispy_field,
)
from django import template
from django.db.models import QuerySet
from django.forms import BoundField, HiddenInput, ModelChoiceField
from django.forms.models import ModelChoiceIterator
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from reporting import options

register = template.Library()

# Each remembered field takes two entries (its HTML and its block's): about 2,000 fields.
MAX_ENTRIES = 4096
SHORT_VALUE = 200  # characters: longer values are rendered each time, never remembered
_rendered = options.Memory(MAX_ENTRIES)


def field_key(bound: BoundField, language: str | None = None) -> tuple:
    """Everything the crispy bootstrap5 field templates read from a bound field.

    ``language``: the active one (``get_language()``), when the caller has it already: each
    look-up of the active language goes through asgiref's thread-local (docs/load-test.md §L8).
    """
    language = language or get_language()
    field, widget = bound.field, bound.field.widget
    choices = getattr(field, "choices", ())
    if isinstance(choices, ModelChoiceIterator):
        # A model choice list is a fresh query at each read. All the form's lists (objectives,
        # entidades) are stamped in ONE query and read only when their rows changed (as the
        # desk's: reporting/options.py); then the key and the rendering share them,
        # so a page runs the same queries whether its fields are remembered or not.
        remember_choices(bound.form)
        choices = getattr(field, "choices", ())
    return (
        language,
        type(bound.form).__qualname__,
        bound.html_name,
        bound.auto_id,
        type(widget).__qualname__,
        repr(sorted((k, str(v)) for k, v in widget.attrs.items())),
        repr(bound.value()),
        tuple(str(e) for e in bound.errors),
        _text(bound.label, language),
        _text(bound.help_text, language),
        field.required,
        field.disabled,
        bound.css_classes(),
        tuple((str(v), str(label)) for v, label in choices),
    )


# A field's label and help are lazy translations shared by every form of a class (a form's
# fields are copies of its class's, which keep the same label): translated once per language
# here, not twice per field and page (docs/load-test.md §L2c). Keyed by the object's id, with
# the object kept so the id cannot be reused; at most TEXTS_MAX, then translated each time.
TEXTS_MAX = 1024
_texts: dict[tuple, tuple[object, str]] = {}


def _text(value, language: str | None = None) -> str:
    """``str(value)``, remembered per language for a lazy translation (see above)."""
    if value is None or isinstance(value, str):
        return str(value)
    key = (language or get_language(), id(value))
    known = _texts.get(key)
    if known is not None and known[0] is value:
        return known[1]
    text = str(value)
    if len(_texts) < TEXTS_MAX:
        _texts[key] = (value, text)
    return text


def remember_choices(form) -> None:
    """Every model choice list of ``form`` as a plain list: one query stamps them all (md5 of
    their rows), and a list whose stamp this process knows is not read again. A renamed,
    added or removed objective or entidad is a new stamp, read on the next page in every
    process (docs/load-test.md §L2c). Without stamps (SQLite) each list is read each time.
    The stamps, the memory and the reading are the desk's too (reporting/options.py)."""
    fields = [f for f in form.fields.values() if isinstance(f, ModelChoiceField)]
    querysets = [cast(QuerySet, f.queryset) for f in fields]
    stamps = options.stamps(querysets) or [None] * len(fields)
    for field, stamp in zip(fields, stamps, strict=True):
        field.choices = options.remembered(
            options.field_key(field), stamp, partial(options.read_options, field)
        )


def worth_remembering(bound: BoundField) -> bool:
    """Fields with choices, and fields whose value is short (see the module)."""
    if getattr(bound.field, "choices", None) is not None:
        return True
    value = bound.value()
    return value is None or isinstance(value, bool | int) or len(str(value)) <= SHORT_VALUE


@register.filter
def ficha_field(bound: BoundField) -> str:
    """``as_crispy_field``, remembered (also the review desk's filters: docs/load-test.md §L1)."""
    if not worth_remembering(bound):
        return as_crispy_field(bound)
    return _rendered.get(field_key(bound), partial(as_crispy_field, bound))


@register.simple_tag(takes_context=True)
def ficha_item(context, item: dict, language: str | None = None) -> SafeString:
    """One field of the ficha form: the UPMRIP's observation on it, the field (``ficha_field``)
    and its word counter.

    Was the template ``reporting/_ficha_field.html``, included ~30 times a page: the include,
    its loop over the observations and its blocks cost more than the remembered fields
    themselves (docs/load-test.md §L2b). Same HTML; ``observaciones`` maps a field's name to
    its observations (``texto``), ``word_limit`` is the page's.

    A remembered field's whole block is remembered too, keyed by the field's key and what the
    block adds (the observations' texts, the counter's section, count and limit): the page
    then writes no HTML for an unchanged field (docs/load-test.md §L2c).
    """
    bound = item["field"]
    observed = context.get("observaciones", {}).get(bound.name) or ()
    if not worth_remembering(bound):
        return mark_safe(_item_html(context, item, observed, as_crispy_field(bound)))
    key = field_key(bound, language)
    words = item.get("words")
    counter = (
        (words, item["count"], item["section_label"], context.get("word_limit", 0))
        if words
        else None
    )
    block_key = ("item", key, tuple(o["texto"] for o in observed), counter)

    def render() -> str:
        field_html = _rendered.get(key, partial(as_crispy_field, bound))
        return _item_html(context, item, observed, field_html)

    return mark_safe(_rendered.get(block_key, render))


@register.simple_tag(takes_context=True)
def ficha_section(context, section: dict) -> SafeString:
    """One official section of the form (``FichaForm.sections``): its heading, its guidance and
    its groups of fields (``ficha_item``). Was the body of the template's loop over sections;
    the loops and tags cost more than the remembered blocks (docs/load-test.md §L2c). Same
    HTML up to whitespace."""
    language = get_language()
    parts = [
        _section_head(
            section["slug"], _text(section["title"], language), section.get("instruction"), language
        )
    ]
    for group in section["groups"]:
        if group["title"]:
            parts.append(_group_head(_text(group["title"], language)))
        parts.extend(ficha_item(context, item, language) for item in group["items"])
    parts.append(mark_safe("  </section>\n"))
    return mark_safe("".join(parts))


# Keyed by the language and every text they show: a few dozen entries per language.
HEADS_MAX = 256
_heads: dict[tuple, SafeString] = {}


def _remembered_head(key: tuple, render) -> SafeString:
    html = _heads.get(key)
    if html is None:
        html = render()
        if len(_heads) < HEADS_MAX:
            _heads[key] = html
    return html


def _section_head(slug: str, title: str, instruction, language: str) -> SafeString:
    """A section's heading, its guidance and (objectives) the note on the final objective:
    translated and written once per language and text (docs/load-test.md §L8)."""
    instruction = _text(instruction, language) if instruction else ""

    def render() -> SafeString:
        head = format_html(
            '<section class="ficha-seccion" id="seccion-{}">\n'
            '    <h2 class="h5 mt-4" id="s-{}">{}</h2>\n',
            slug,
            slug,
            title,
        )
        if instruction:
            head += format_html(
                '    <details class="mb-3"><summary>{}</summary><p class="form-text mb-0">{}</p>'
                "</details>\n",
                _("Cómo llenar esta sección"),
                instruction,
            )
        if slug == "objetivo":
            head += format_html(
                '    <p class="alert alert-light border py-2">{}</p>\n',
                _(
                    "La UPMRIP asigna el Objetivo final: uno solo por ficha, para no duplicar el "
                    "conteo de Objetivos y acciones. Marque el o los que mejor describan su "
                    "programa."
                ),
            )
        return mark_safe(head)

    return _remembered_head((language, slug, title, instruction), render)


def _group_head(title: str) -> SafeString:
    return _remembered_head(
        ("group", title),
        lambda: format_html('      <h3 class="h6 mt-3">{}</h3>\n', title),
    )


def _item_html(context, item: dict, observed, field_html: str) -> str:
    """The block of ``ficha_item``: observation, field, word counter."""
    name = item["field"].name
    parts = []
    if observed:
        texts = mark_safe("<br>".join(linebreaksbr(o["texto"], autoescape=True) for o in observed))
        parts.append(
            format_html(
                '<div class="alert alert-warning py-2 mb-2" id="obs_{}">\n'
                "  <strong>{}</strong>\n  {}\n</div>\n",
                name,
                _("Observación de la UPMRIP:"),
                texts,
            )
        )
    parts.append(
        format_html(
            '<div class="ficha-field" data-field="{}">\n{}\n</div>\n',
            name,
            mark_safe(field_html),
        )
    )
    if item.get("words"):
        over = " text-danger fw-semibold" if item["count"] > context.get("word_limit", 0) else ""
        parts.append(
            format_html(
                '<p class="form-text word-count mt-n2 mb-3{}" id="count_{}" data-word-counter="{}"'
                ' data-section-label="{}">\n  {}\n</p>\n',
                over,
                name,
                item["words"],
                item["section_label"],
                _("%(n)s de 180 palabras en la sección «%(section)s».")
                % {"n": item["count"], "section": item["section_label"]},
            )
        )
    return "".join(parts)


def _hidden(bound: BoundField) -> str:
    """A hidden input as Django's ``input.html`` writes it (type, name, value, id), without the
    widget template; anything but a plain ``HiddenInput`` goes through Django."""
    widget = bound.field.widget
    if type(widget) is not HiddenInput or widget.attrs:
        return str(bound)
    value = widget.format_value(bound.value())
    return format_html(
        '<input type="hidden" name="{}"{} id="{}">',
        bound.html_name,
        format_html(' value="{}"', value) if value is not None else "",
        bound.auto_id,
    )


@register.simple_tag
def management_form(formset) -> SafeString:
    """The formset's management form: its four hidden inputs written directly, as Django's
    form template writes them (four widget templates and their attributes' cost ~1 ms a page,
    docs/load-test.md §L2c). A bound management form with errors goes through Django."""
    form = formset.management_form
    if form.is_bound and form.errors:
        return mark_safe(str(form))
    return mark_safe("".join(_hidden(form[name]) for name in form.fields))


@cache
def _reto_buttons(language: str | None) -> str:
    """The buttons of a reto row (static/js/ficha_form.js shows them): the same for every row
    in a language, so translated and written once per language and process (six translations
    per row, docs/load-test.md §L2c). ``language`` is the key: the texts follow the request's."""
    this = _("este reto")
    return format_html(
        '  <div class="reto-botones mt-1 d-flex gap-2" hidden>\n'
        '    <button type="button" class="btn btn-sm btn-outline-secondary" data-reto-action="up">'
        '{}<span class="visually-hidden"> {}</span></button>\n'
        '    <button type="button" class="btn btn-sm btn-outline-secondary"'
        ' data-reto-action="down">'
        '{}<span class="visually-hidden"> {}</span></button>\n'
        '    <button type="button" class="btn btn-sm btn-outline-danger" data-reto-action="remove">'
        '{}<span class="visually-hidden"> {}</span></button>\n'
        "  </div>\n",
        _("Subir"),
        this,
        _("Bajar"),
        this,
        _("Quitar"),
        this,
    )


@register.simple_tag
def reto_row(form, number: int | None = None) -> SafeString:
    """One challenge of the retos formset (``number``: its place; none for the empty row of the
    ``<template>`` that static/js/ficha_form.js copies).

    Was the template ``reporting/_reto_row.html``, included once per challenge and once more
    for the empty row (docs/load-test.md §L2b). Same HTML.
    """
    texto, delete = form["texto"], form["DELETE"]
    errors = texto.errors
    error_id = f"{texto.auto_id}_error"
    buttons = _reto_buttons(get_language())
    value = texto.value()
    return format_html(
        '<li class="reto border rounded p-2 mb-2" data-reto>\n'
        "  {hidden}\n"
        '  <label class="form-label" for="{id}">{label} <span class="reto-numero">{number}</span>'
        "</label>\n"
        '  <textarea name="{name}" id="{id}" rows="2" data-word-section="retos"\n'
        '            class="form-control{invalid}"\n'
        '            aria-describedby="retos-ayuda count_retos{described}"\n'
        "            {aria}>{value}</textarea>\n"
        "  {error}\n"
        '  <div class="form-check mt-1 reto-borrar-nojs">\n'
        '    <input type="checkbox" class="form-check-input" name="{delete_name}" id="{delete_id}"'
        "{checked}>\n"
        '    <label class="form-check-label" for="{delete_id}">{delete_label}</label>\n'
        "  </div>\n"
        "{buttons}"
        "</li>\n",
        hidden=mark_safe("".join(_hidden(h) for h in form.hidden_fields())),
        id=texto.auto_id,
        label=_("Reto"),
        number="" if number is None else number,
        name=texto.html_name,
        invalid=" is-invalid" if errors else "",
        described=f" {error_id}" if errors else "",
        aria=mark_safe('aria-invalid="true"') if errors else "",
        value="" if value is None else value,
        error=format_html(
            '<div class="invalid-feedback" id="{}">{}</div>', error_id, " ".join(errors)
        )
        if errors
        else "",
        delete_name=delete.html_name,
        delete_id=delete.auto_id,
        checked=mark_safe(" checked") if delete.value() else "",
        delete_label=_("Quitar este reto"),
        buttons=buttons,
    )


def _fixed(text: str) -> SafeString:
    """``{% translate "text" %}``: a literal's translation is trusted, never escaped."""
    return mark_safe(_(text))


def _with_value(text: str, campo) -> SafeString:
    """``{% blocktranslate with campo=… %}``: the value escaped, the translation not; a
    translation with a broken placeholder falls back to the text, as blocktranslate does."""
    value = {"campo": conditional_escape(campo)}
    try:
        return mark_safe(_(text) % value)
    except (KeyError, ValueError, TypeError):
        return mark_safe(text % value)


def _note_line(label: SafeString, text: str) -> SafeString:
    """A note or observation under a history event: its label, then the text (escaped, line
    breaks kept)."""
    return format_html(
        '<div class="small text-body-secondary ms-3">{} {}</div>',
        label,
        linebreaksbr(text, autoescape=True),
    )


HISTORY_DATE = "j \\d\\e F \\d\\e Y, H:i"


def _history_event(event: dict) -> str:
    """One event of ``ficha_history``: as the loop of the template it replaces wrote it."""
    at = timezone.localtime(event["at"]) if timezone.is_aware(event["at"]) else event["at"]
    parts: list[str] = [
        format_html(
            '    <li class="mb-2">\n      <time datetime="{}">{}</time> ·\n      ',
            date_format(at, "c"),
            date_format(at, HISTORY_DATE),
        )
    ]
    kind, editorial, note = event["kind"], event["editorial"], event["note"]
    if kind == "creada":
        parts.append(_fixed(gettext_noop("Creada")))
    elif editorial:
        parts.append(
            format_html(
                "<strong>{}</strong> · UPMRIP", _fixed(gettext_noop("Corrección editorial"))
            )
        )
    elif kind == "edicion":
        parts.append(escape(note))
    else:
        if event["from_status"]:
            parts.append(format_html("{} → ", event["from_label"]))
        parts.append(format_html("<strong>{}</strong>", event["to_label"]))
    parts.append("\n      ")
    if not editorial and event["by_name"]:
        parts.append(format_html("· {}", event["by_name"]))
    parts.append("\n      ")
    if note and kind != "edicion":
        parts.append(_note_line(_fixed(gettext_noop("Nota:")), note))
    parts.append("\n      ")
    if editorial:
        if note:
            parts.append(
                "\n        " + _note_line(_fixed(gettext_noop("Nota de la UPMRIP:")), note)
            )
        parts.append('\n        <ul class="small ms-3 mb-0 cambios-editoriales">\n')
        for change in event["changes"].values():
            parts.append(
                format_html(
                    "          <li><details><summary>{}</summary>\n"
                    '            <dl class="mb-1"><dt>{}</dt><dd>{}</dd>'
                    "<dt>{}</dt><dd>{}</dd></dl>\n"
                    "          </details></li>\n",
                    _with_value(gettext_noop("Cambió «%(campo)s»"), change.get("label", "")),
                    _fixed(gettext_noop("Antes")),
                    linebreaksbr(change.get("old") or "—", autoescape=True),
                    _fixed(gettext_noop("Ahora")),
                    linebreaksbr(change.get("new") or "—", autoescape=True),
                )
            )
        parts.append("        </ul>\n      ")
    for o in event["observed"]:
        label = _with_value(gettext_noop("Observación sobre «%(campo)s»:"), o["label"])
        parts.append(_note_line(label, o["texto"]))
    parts.append("\n    </li>\n")
    return "".join(parts)


@register.simple_tag
def ficha_history(history: list[dict]) -> SafeString:
    """The history the institution reads (``views.fichas._history``'s plain values): was the
    loop of ``reporting/_ficha_history.html``, whose tags, filters and translations cost ~1-2
    ms a page (docs/load-test.md §L8). Same HTML up to whitespace; every value escaped."""
    head = format_html(
        '<section aria-labelledby="historial-titulo" class="mt-5">\n'
        '  <h2 id="historial-titulo" class="h4">{}</h2>\n',
        _("Historial de la ficha"),
    )
    if not history:
        body = format_html("  <p>{}</p>\n", _("Todavía no hay movimientos."))
    else:
        events = "".join(_history_event(event) for event in history)
        body = mark_safe(f'  <ol class="list-unstyled historial">\n{events}  </ol>\n')
    return mark_safe(f"{head}{body}</section>\n")


@register.simple_tag
def empty_reto_row(formset) -> SafeString:
    """``reto_row`` of the formset's empty form (the row static/js/ficha_form.js copies),
    remembered: it shows no value and no error, only the language's texts, the formset's
    prefix and the ficha it belongs to, so that is its key; building the empty form and
    writing it cost ~1 ms a page (docs/load-test.md §L8)."""
    key = (
        "empty-reto",
        get_language(),
        type(formset).__qualname__,
        formset.prefix,
        formset.instance.pk,
    )
    return _rendered.get(key, lambda: reto_row(formset.empty_form))


def clear() -> None:
    """Forget every remembered field (tests)."""
    _rendered.clear()
    _texts.clear()
    _heads.clear()
    _reto_buttons.cache_clear()
