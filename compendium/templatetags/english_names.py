"""Reference names in the page's language, for templates (compendium/english_names.py,
docs/english-edition.md §E7)."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from compendium import english_names
from reporting.models import ODS, ActorType, ObjetivoPMM

register = template.Library()


@register.simple_tag
def spanish_lang() -> SafeString | str:
    """`` lang="es"`` on English pages, nothing on Spanish ones: for an element whose text stays
    Spanish by design (states, ejes, subtemas, institutions; docs/english-edition.md §E7)."""
    mark = english_names.spanish_mark()
    return format_html(' lang="{}"', mark) if mark else ""


@register.filter
def objective_title(objective: ObjetivoPMM) -> str:
    """«N. Title» of an ObjetivoPMM, in English on English pages."""
    return f"{objective.number}. {english_names.objective(objective.number, objective.title)}"


@register.filter
def objective_heading(objective: ObjetivoPMM) -> str:
    """«Objetivo N. Título» (``ObjetivoPMM.heading``), «Objective N. UN title» in English."""
    title = english_names.objective(objective.number, objective.title)
    return f"{_('Objetivo %(n)s') % {'n': objective.number}}. {title}"


@register.filter
def sdg_label(ods: ODS) -> str:
    """«ODS N. Name» / «SDG N. Name» of an ODS."""
    name = english_names.sdg(ods.number, ods.short_name)
    return f"{_('ODS %(n)s') % {'n': ods.number}}. {name}"


@register.filter
def actor_type_name(actor_type: ActorType) -> str:
    return english_names.actor_type(actor_type.code, actor_type.name)


@register.filter
def chapter_in(spanish_title: str, actor_type_code: str) -> str:
    """A chapter title as printed, in English on English pages."""
    return english_names.chapter(actor_type_code, spanish_title)
