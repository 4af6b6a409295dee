"""No Django process pays for WeasyPrint unless it makes a PDF (docs/performance.md §F1).

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


def test_urlconf_and_build_modules_do_not_import_weasyprint():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["views"] > 20
    assert answer["heavy"] == []


def test_static_only_fetcher_is_still_importable_from_compendium_pdf():
    from compendium.pdf import StaticOnlyFetcher
    from compendium.pdf_fetcher import StaticOnlyFetcher as Fetcher

    assert StaticOnlyFetcher is Fetcher
