"""A version-pinned fix for pydyf's quadratic ``page_references`` (docs/performance.md §F2).

WeasyPrint 70 tags a PDF/UA document by reading ``pdf.page_references[page_number]`` once per
tagged element; pydyf 0.13.0 rebuilds the tuple of every page's reference on each read, so
writing a tagged document costs O(elements × pages): 6.5% of the 2023 Compendio's build at
266 pages, 10.1% at 509. The fix that belongs upstream is docs/patches/pydyf-page-references.patch
(the tuple is cached and rebuilt only when pages were added); until a release has it, ``apply``
installs the same property on ``pydyf.PDF``.

It is applied only to the exact versions pinned in requirements.lock (``PINNED``): after an
upgrade it does nothing, and tests/compendium/test_pdf_shim.py fails until someone checks
whether the new release still needs it, and then updates or deletes this module. The output is
byte-for-byte the same with and without it (tested).
"""

import contextlib
import functools
from collections.abc import Iterator

# The versions in requirements.lock this shim was written and tested against.
PINNED = {"pydyf": "0.13.0", "weasyprint": "70.0"}


def _cached_page_references(self):
    """``pydyf.PDF.page_references``, rebuilt only when pages were added since the last read."""
    kids = self.pages["Kids"]
    cached = self.__dict__.get("_pmm_page_references", ())
    if len(cached) * 3 != len(kids):
        cached = tuple(f"{number} 0 R".encode("ascii") for number in kids[::3])
        self.__dict__["_pmm_page_references"] = cached
    return cached


def installed_versions() -> dict[str, str]:
    import pydyf  # type: ignore[import-untyped]
    import weasyprint

    return {"pydyf": pydyf.__version__, "weasyprint": weasyprint.__version__}


@functools.cache
def apply() -> bool:
    """Install the cached property on ``pydyf.PDF`` if the pinned versions are installed.

    Returns whether it is installed. Idempotent; imports pydyf and WeasyPrint, so call it only
    where a PDF is made (``compendium.pdf``).
    """
    import pydyf

    if installed_versions() != PINNED:
        return False
    _ORIGINAL.setdefault("page_references", pydyf.PDF.__dict__["page_references"])
    pydyf.PDF.page_references = property(_cached_page_references)
    return True


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """pydyf's own property inside the block (the test compares both outputs)."""
    import pydyf

    installed = apply()
    if installed:
        pydyf.PDF.page_references = _ORIGINAL["page_references"]
    try:
        yield
    finally:
        if installed:
            pydyf.PDF.page_references = property(_cached_page_references)


_ORIGINAL: dict[str, property] = {}
