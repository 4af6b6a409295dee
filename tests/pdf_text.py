"""The text of a PDF's pages, read with poppler's ``pdftotext`` (``make system-deps`` installs it).

pypdf's ``extract_text`` is pure Python: on the 2023 Compendio (271 pages) it took as long as
WeasyPrint took to render the book (about 100 s on the loaded 2-core machine, against 3 s for
``pdftotext``), so tests that read a whole book use this. Pages are split on the form feed
``pdftotext`` writes after each page, so the list has one entry per page, blank pages included.
"""

import re
import shutil
import subprocess
from pathlib import Path

PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"


def page_texts(pdf: Path | str) -> list[str]:
    """One string per page of ``pdf``, in reading order (UTF-8)."""
    if not Path(PDFTOTEXT).exists():
        raise RuntimeError("pdftotext not found: run `make system-deps` (Debian poppler-utils).")
    out = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = out.split("\f")
    # pdftotext ends every page, the last one included, with a form feed.
    if pages and pages[-1] == "":
        pages.pop()
    return pages


def page_count(pdf: Path | str) -> int:
    """The number of pages ``pdf`` declares, read by poppler's ``pdfinfo`` (pypdf builds the
    whole page tree to count it: seconds for the 2023 Compendio)."""
    if not Path(PDFINFO).exists():
        raise RuntimeError("pdfinfo not found: run `make system-deps` (Debian poppler-utils).")
    out = subprocess.run(
        [PDFINFO, str(pdf)], capture_output=True, check=True, text=True, env={"LC_ALL": "C"}
    ).stdout
    [pages] = re.findall(r"^Pages:\s+(\d+)$", out, re.M)
    return int(pages)
