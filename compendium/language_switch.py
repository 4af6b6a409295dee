"""The language switch of the public pages (docs/english-edition.md §E7).

A context processor: on a page that exists in both languages (the routes of
``compendium/public_urls.py`` and the home page) it gives the same page in the other language,
with the query string, and the absolute addresses of both for ``<link rel="alternate"
hreflang>``. On any other page (the app, the admin, an error page) it gives nothing, so base.html
shows no switch.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.urls import NoReverseMatch, reverse
from django.utils import translation

ENGLISH = "en"
SPANISH = settings.LANGUAGE_CODE  # es-mx
# hreflang / lang values as written in the pages.
TAGS = {ENGLISH: "en", SPANISH: "es-MX"}
# Each language's name in itself: the switch reads «English» on a Spanish page, «Español» on an
# English one, with a hidden lead-in for screen readers in the same language as the name.
NAMES = {ENGLISH: "English", SPANISH: "Español"}
HINTS = {ENGLISH: "This page in", SPANISH: "Esta página en"}


@dataclass(frozen=True)
class Switch:
    language: str  # the page's language tag (for <html lang>)
    other_url: str  # same page, other language, with the query string
    other_tag: str
    other_name: str
    other_hint: str
    alternates: tuple[tuple[str, str], ...]  # (hreflang, absolute URL) for both languages


def _path_in(request: HttpRequest, language: str) -> str | None:
    match = request.resolver_match
    if match is None or not match.url_name:
        return None
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return None


def switch_for(request: HttpRequest) -> Switch | None:
    """The switch of a bilingual page, or None (one language only: no switch)."""
    english = _path_in(request, ENGLISH)
    spanish = _path_in(request, SPANISH)
    if english is None or spanish is None or english == spanish:
        return None
    current = ENGLISH if translation.get_language() == ENGLISH else SPANISH
    query = request.META.get("QUERY_STRING", "")
    suffix = f"?{query}" if query else ""
    paths = {ENGLISH: english, SPANISH: spanish}
    other = SPANISH if current == ENGLISH else ENGLISH
    return Switch(
        language=TAGS[current],
        other_url=paths[other] + suffix,
        other_tag=TAGS[other],
        other_name=NAMES[other],
        other_hint=HINTS[other],
        alternates=tuple(
            (TAGS[lang], request.build_absolute_uri(paths[lang] + suffix))
            for lang in (SPANISH, ENGLISH)
        ),
    )


def language_switch(request: HttpRequest) -> dict[str, object]:
    return {"language_switch": switch_for(request)}


def back_to_spanish(
    get_response: Callable[[HttpRequest], HttpResponseBase],
) -> Callable[[HttpRequest], HttpResponseBase]:
    """Middleware (outside LocaleMiddleware): once a response is made, the thread's language is
    Spanish again, so that what runs later in the thread outside a request (a task, a test's
    ``reverse()``) never inherits the English of an /en/ page. Each request still gets its
    language from its path (LocaleMiddleware)."""

    def middleware(request: HttpRequest) -> HttpResponseBase:
        try:
            return get_response(request)
        finally:
            translation.activate(SPANISH)

    return middleware
