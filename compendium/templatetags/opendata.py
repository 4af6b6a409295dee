"""schema.org ``Dataset`` metadata as JSON-LD in public pages (docs/data-and-api.md §D5).

``{% dataset_jsonld data %}`` writes a ``<script type="application/ld+json">`` block from a dict;
``{% edition_open_data year as open %}`` gives an edition's file links and Dataset, for the
public edition page (included there through ``compendium/data/_edition_data.html``).
"""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the script element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def dataset_jsonld(context: template.Context, data: dict | None) -> SafeString:
    if not data:
        return mark_safe("")
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    nonce = context.get("csp_nonce")
    if nonce:
        return format_html(
            '<script type="application/ld+json" nonce="{}">{}</script>', nonce, mark_safe(text)
        )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def edition_open_data(context: template.Context, year: int) -> dict | None:
    """The year's file links and Dataset, or None when the edition has no public record."""
    from compendium.views.data import downloads, edition_dataset

    request = context.get("request")
    if request is None:
        return None
    dataset = edition_dataset(request, year)
    if dataset is None:
        return None
    return {**downloads(request, year), "dataset": dataset}
