"""No Django process pays for WeasyPrint unless it makes a PDF (docs/performance.md §F1), nor
for django-ninja unless it answers or names an API address (docs/data-and-api.md §A1).

Importing WeasyPrint costs about a second of a process's start. The URLconf reaches
``compendium.pdf`` (the ficha PDF view, the editions page); WeasyPrint must be imported only
inside ``render_pdf`` and the parallel build. Checked in a fresh interpreter, since the test
process itself has imported WeasyPrint long ago.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.urls import URLPattern, URLResolver, get_resolver

def walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern.callback

callbacks = list(walk(get_resolver().url_patterns))
import compendium.builds, compendium.documents, compendium.pdf, compendium.parallel_pdf
print(json.dumps({
    "views": len(callbacks),
    "heavy": sorted(m for m in ("weasyprint", "pydyf", "pypdf") if m in sys.modules),
}))
"""


def _probe(code: str) -> dict:
    """Run ``code`` in a fresh interpreter (nothing imported yet); its last line, as JSON."""
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_urlconf_and_build_modules_do_not_import_weasyprint():
    answer = _probe(PROBE)
    assert answer["views"] > 20
    assert answer["heavy"] == []


def test_static_only_fetcher_is_still_importable_from_compendium_pdf():
    from compendium.pdf import StaticOnlyFetcher
    from compendium.pdf_fetcher import StaticOnlyFetcher as Fetcher

    assert StaticOnlyFetcher is Fetcher


URL_PROBE = """
import json, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
at_setup = set(sys.modules)
from django.urls import get_resolver, resolve, reverse
for path in ("/", "/en/", "/publicaciones/", "/publicaciones/novedades.atom", "/programas/",
             "/fichas/", "/ediciones/", "/datos/serie-anual.csv", "/no-existe/"):
    try:
        resolve(path)
    except Exception:
        pass
root = get_resolver()
names = [n for n in root.reverse_dict if isinstance(n, str)]
names += [n for n in root.namespace_dict["compendium"][1].reverse_dict if isinstance(n, str)]
reverse("home"); reverse("compendium:feed"); reverse("compendium:editions")
by_pages = sorted(set(sys.modules) - at_setup)
api = reverse("api-v1:programas")
print(json.dumps({
    "names": len(names),
    "setup": sorted(m for m in ("openpyxl", "ninja", "pydantic") if m in at_setup),
    "pages": [m for m in by_pages if m.split(".")[0] in ("ninja", "pydantic", "openpyxl")],
    "api": api,
    "api_resolved": resolve(api).url_name,
    "api_loaded": "ninja" in sys.modules,
}))
"""


def _url_probe() -> dict:
    return _probe(URL_PROBE)


def test_urlconf_resolve_and_reverse_do_not_import_ninja_or_openpyxl():
    """Loading the URLconf, resolving pages and reversing names imports neither django-ninja
    (with pydantic) nor openpyxl; the API's names and addresses still work, loading it then."""
    answer = _url_probe()
    assert answer["names"] > 50
    assert answer["pages"] == []
    assert answer["api"] == "/api/v1/programas"
    assert answer["api_resolved"] == "programas"
    assert answer["api_loaded"] is True


def test_the_lazy_api_include_names_what_ninja_names():
    """config/urls.py writes the API's app name and namespace itself (to avoid importing
    django-ninja): they must stay those of ``api.urls``, or every ``api-v1:`` reverse breaks."""
    from django.urls import reverse

    from compendium.api import api

    assert api.urls[1:] == ("ninja", "api-v1")
    assert reverse("api-v1:programas").startswith("/api/v1/")
