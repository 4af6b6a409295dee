"""WeasyPrint fetches only our static files, whatever a ficha's text contains.

Two walls: user text reaches the HTML only through autoescaped templates (so an attack is
printed literally), and the URL fetcher refuses anything but our static files (so even raw
HTML cannot read local files, reach the network or attach files to the PDF).
"""

import http.server
import threading

import pytest
from pypdf import PdfReader

from compendium.compendio import render_compendio_html
from compendium.editions import create_edicion
from compendium.pdf import STATIC_BASE, StaticOnlyFetcher, render_pdf
from reporting.models import ObjetivoPMM
from tests import factories

pytestmark = pytest.mark.slow


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    """An HTTP server on 127.0.0.1 that records every request it receives."""
    _Recorder.requests = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", _Recorder.requests
    server.shutdown()
    server.server_close()


def attacks(base: str) -> dict[str, str]:
    return {
        "img": '<img src="file:///etc/passwd">',
        "import": f'<style>@import url("{base}/import.css");</style>',
        "attachment": '<link rel="attachment" href="file:///etc/passwd">',
        "http": f'<img src="{base}/tracker.png">',
        "script": "<script>alert(1)</script>",
    }


def _compact(text: str) -> str:
    # Extracted text breaks lines (and may hyphenate) anywhere: compare without white space.
    return "".join(text.split()).replace("\u2010", "")


def test_attacks_in_a_ficha_are_printed_literally_and_fetch_nothing(
    db, ejercicio, coordinator, local_server, tmp_path
) -> None:
    base, requests = local_server
    texts = attacks(base)
    actor = factories.actor("INM", tipo="desconcentrado")
    factories.ficha(
        actor,
        ejercicio,
        status="aprobada",
        objetivo_asignado=ObjetivoPMM.objects.get(number=1),
        nombre=texts["script"],
        descripcion="\n\n".join([texts["img"], texts["attachment"]]),
        resultados="\n\n".join([texts["import"], texts["http"]]),
        retos=[f"Ver {base}/reto"],
    )
    edicion = create_edicion(ejercicio=ejercicio, by=coordinator)
    markup = render_compendio_html(edicion, draft=False)
    fetcher = StaticOnlyFetcher()
    target = tmp_path / "ataque.pdf"

    render_pdf(markup, target=target, draft=False, url_fetcher=fetcher)

    reader = PdfReader(target)
    text = _compact("\n".join(page.extract_text() for page in reader.pages))
    for attack in texts.values():
        assert _compact(attack) in text
    assert "root:x:0:0" not in text
    assert requests == []
    assert fetcher.refused == []
    assert fetcher.served and all(url.startswith(STATIC_BASE) for url in fetcher.served)
    assert reader.attachments == {}


def test_fetcher_refuses_raw_html_attacks(local_server, tmp_path, caplog) -> None:
    """Defence in depth: even unescaped markup cannot read files or reach the network."""
    base, requests = local_server
    html = (
        '<!DOCTYPE html><html lang="es-MX"><head><title>Prueba</title>'
        f'<link rel="stylesheet" href="{base}/style.css">'
        f'<link rel="stylesheet" href="{STATIC_BASE}print/base.css">'
        f"{attacks(base)['import']}"
        f"{attacks(base)['attachment']}"
        '<link rel="attachment" href="' + STATIC_BASE + '../../../../etc/passwd">'
        "</head><body><p>Texto visible</p>"
        f"{attacks(base)['img']}{attacks(base)['http']}"
        '<img src="https://example.org/x.png"><iframe src="file:///etc/hostname"></iframe>'
        "</body></html>"
    )
    fetcher = StaticOnlyFetcher()
    target = tmp_path / "crudo.pdf"

    pages = render_pdf(html, target=target, draft=False, url_fetcher=fetcher)

    reader = PdfReader(target)
    assert pages == len(reader.pages) == 1
    assert "Texto visible" in reader.pages[0].extract_text()
    assert reader.attachments == {}
    assert requests == []
    assert "root:x:0:0" not in target.read_bytes().decode("latin-1")
    assert sorted(fetcher.refused) == sorted(
        [
            "file:///etc/passwd",  # <img>
            "file:///etc/passwd",  # <link rel="attachment">
            f"{base}/import.css",
            f"{base}/style.css",
            f"{base}/tracker.png",
            "https://example.org/x.png",
            STATIC_BASE + "../../../../etc/passwd",
        ]
    )
    assert all(url.startswith(STATIC_BASE) for url in fetcher.served)
    # Our own log line names only scheme and host, never a whole URL from a text.
    ours = [r.getMessage() for r in caplog.records if r.name == "compendium.pdf"]
    assert ours and not any("passwd" in message for message in ours)


def test_static_path_resolution() -> None:
    assert StaticOnlyFetcher.static_path(STATIC_BASE + "print/base.css").name == "base.css"
    font = StaticOnlyFetcher.static_path(STATIC_BASE + "fonts/montserrat/Montserrat%5Bwght%5D.ttf")
    assert font is not None and font.name == "Montserrat[wght].ttf"
    for url in (
        STATIC_BASE + "../config/settings.py",
        STATIC_BASE + "print/../../config/settings.py",
        STATIC_BASE + "%2E%2E/config/settings.py",
        STATIC_BASE + "/etc/passwd",
        STATIC_BASE + "print/",
        STATIC_BASE + "no-existe.css",
        "https://pmm-static.invalid.example.org/static/print/base.css",
        "file:///work/main/static/print/base.css",
    ):
        assert StaticOnlyFetcher.static_path(url) is None, url
