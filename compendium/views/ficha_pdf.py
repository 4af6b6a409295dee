"""The PDF of one ficha, for the institution's internal sign-off (issue 10).

Reporting never imports compendium, so the PDF is built here, through the one seam from HTML to
PDF (``compendium.pdf.render_pdf``), from a print template that shares its body with
reporting's printable page. The ficha is loaded through ``reporting.access.get_ficha_for_user``:
404 for anyone but the ficha's institution and UPMRIP.

Unlike the Compendio and the Informe (builds queued for the worker), this PDF is rendered inside
the request: one ficha is one to three pages and takes about a second. So that no ficha can turn
a request into a long job, the HTML is capped (``MAX_HTML_CHARS``): every text field is limited
to 5,000 characters (docs/ficha.md §R11), but the number of retos and tables is not. A ficha over
the cap is sent to the printable page, which the browser prints or saves as PDF itself.
"""

import pathlib
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from compendium.pdf import STATIC_BASE, render_pdf
from reporting.access import AuthenticatedHttpRequest, get_ficha_for_user
from reporting.models import FichaStatus

# A full ficha with every field at its limit is about 120,000 characters of HTML.
MAX_HTML_CHARS = 400_000


@login_required
@require_GET
def ficha_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ficha = get_ficha_for_user(request, pk)
    context = {
        "ficha": ficha,
        "static_base": STATIC_BASE,
        "printed": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    html = render_to_string("compendium/print/ficha.html", context)
    if len(html) > MAX_HTML_CHARS:
        messages.warning(
            request,
            _("Esta ficha es muy extensa para generar su PDF aquí. Imprímala desde esta página."),
        )
        return redirect("reporting:ficha_print", ficha.pk)
    with tempfile.TemporaryDirectory(prefix="ficha-pdf-") as folder:
        target = pathlib.Path(folder) / "ficha.pdf"
        # Not approved yet: every page says «Versión preliminar».
        render_pdf(html, target=target, draft=ficha.status != FichaStatus.APROBADA)
        content = target.read_bytes()
    response = HttpResponse(content, content_type="application/pdf")
    name = f"ficha-{ficha.ejercicio.year}-{slugify(ficha.actor.sigla) or ficha.actor_id}-{ficha.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
