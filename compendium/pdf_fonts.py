"""Static instances of a variable font made once, shared by every part of a parallel build
(docs/performance.md §F6).

WeasyPrint 70 embeds a variable font (Montserrat) by subsetting it to the glyphs a document
uses and turning the subset into a static font with fontTools' instancer
(``weasyprint.pdf.fonts.Font.clean``): 0.15-0.4 s of CPU per weight. One render pays it once
per weight; a book rendered in ten parts pays it in every part, and each part's subset differs
(its own glyphs), so nothing can be reused.

While ``shared_instances()`` is active, ``Font.clean`` subsets a variable font to a fixed glyph
set instead: the glyphs the font maps from ``CHARSET`` (Latin, Spanish and the punctuation of
the book) plus any other glyph the document uses. For the same font file, weight and glyph set
the static font is the same bytes, so it is computed once and kept in memory and, for the
plain ``CHARSET`` set, on disk under ``PDF_PARTS_DIR/_fonts/`` (keyed by the font file's hash,
the variation values, the glyph set and the versions of WeasyPrint and fontTools). Every part
then embeds the same font file for a weight, and ``compendium.pdf_assembly`` writes it once.
Text and widths are unchanged (the PDF's widths and ToUnicode map still list only the glyphs
used); the embedded subset has a few hundred more glyphs.

Version-pinned like compendium/pdf_shim.py: with another WeasyPrint than ``PINNED`` the hook
is not installed (builds pay the per-part cost again) and tests/compendium/test_pdf_shim.py
fails, so whoever upgrades checks ``Font.clean`` again.
"""

import contextlib
import functools
import hashlib
import io
import json
import os
import pathlib
import tempfile
from collections.abc import Iterator

from compendium.pdf_shim import PINNED

# Code points whose glyphs every part's subset contains (whether the part uses them or not):
# Basic Latin, Latin-1 (Spanish), Latin Extended-A, general punctuation, currency and a few
# symbols the Compendio prints.
CHARSET: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x2010, 0x2027),
    (0x2030, 0x203A),
    (0x20AC, 0x20AC),
    (0x2116, 0x2116),
    (0x2122, 0x2122),
    (0x2190, 0x2193),
)
# Bump when the glyph set or the way instances are made changes (the disk cache key).
FONTS_VERSION = "1"

_ORIGINAL: dict[str, object] = {}
_MEMORY: dict[str, bytes] = {}


def supported() -> bool:
    """Whether the hook can be installed: the pinned WeasyPrint, and not turned off
    (``PDF_SHARED_FONTS``, e.g. to measure what it saves)."""
    import weasyprint
    from django.conf import settings

    enabled = getattr(settings, "PDF_SHARED_FONTS", True)
    return bool(enabled) and weasyprint.__version__ == PINNED["weasyprint"]


def cache_dir() -> pathlib.Path:
    from django.conf import settings

    base = pathlib.Path(getattr(settings, "PDF_PARTS_DIR", settings.VAR_DIR / "pdf-parts"))
    return base / "_fonts"


@functools.lru_cache(maxsize=8)
def _font_facts(file_hash: str, content: bytes, index: int) -> tuple[frozenset[int], frozenset]:
    """The glyph ids ``CHARSET`` maps to in this font, and its variation axes."""
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(io.BytesIO(content), fontNumber=index, lazy=True)
    cmap = font.getBestCmap() or {}
    names = {cmap[c] for first, last in CHARSET for c in range(first, last + 1) if c in cmap}
    names |= _substitutes(font, names)
    glyphs = {0} | {font.getGlyphID(name) for name in names}
    axes = frozenset(axis.axisTag for axis in font["fvar"].axes) if "fvar" in font else frozenset()
    return frozenset(glyphs), axes


# Default shaping features whose output glyphs (ligatures such as "fi", "fl") text in CHARSET
# can produce.
_FEATURES = {"liga", "clig", "rlig", "ccmp", "calt", "locl"}


def _substitutes(font, names: set[str]) -> set[str]:
    """Glyphs that substitutions (single, multiple, ligature) of ``_FEATURES`` make of ``names``."""
    if "GSUB" not in font:
        return set()
    table = font["GSUB"].table
    indices = {
        index
        for record in table.FeatureList.FeatureRecord
        if record.FeatureTag in _FEATURES
        for index in record.Feature.LookupListIndex
    }
    found: set[str] = set()
    for index in sorted(indices):
        for subtable in table.LookupList.Lookup[index].SubTable:
            subtable = getattr(subtable, "ExtSubTable", subtable)
            for glyph, out in (getattr(subtable, "mapping", None) or {}).items():
                if glyph in names:  # single (a name) or multiple (a list) substitution
                    found.update([out] if isinstance(out, str) else out)
            for first, ligatures in (getattr(subtable, "ligatures", None) or {}).items():
                found |= {
                    ligature.LigGlyph
                    for ligature in ligatures
                    if first in names and set(ligature.Component) <= names
                }
    return found


def _key(font, file_hash: str, glyphs: set[int], axes: frozenset, hinting: bool) -> str:
    import fontTools  # type: ignore[import-untyped]
    import weasyprint

    facts = {
        "v": [FONTS_VERSION, weasyprint.__version__, fontTools.version],
        "file": file_hash,
        "index": font.index,
        "variations": sorted(font.variations.items()),
        "weight": font.weight,
        "style": font.style,
        "size": font.font_size if "opsz" in axes else None,
        "hinting": bool(hinting),
        "notdef": bool(font.missing),
        "glyphs": sorted(glyphs),
    }
    return hashlib.sha256(json.dumps(facts).encode()).hexdigest()[:32]


def _shared_clean(self, to_unicode, hinting):
    """``Font.clean`` for a variable font: the instance of a fixed glyph set, made once."""
    original = _ORIGINAL["clean"]
    if (
        "fvar" not in self.tables
        or not to_unicode
        or self.png
        or self.svg
        or self.colr
        or self.bitmap
    ):
        return original(self, to_unicode, hinting)  # type: ignore[operator]
    file_hash = hashlib.sha256(self.file_content).hexdigest()
    charset, axes = _font_facts(file_hash, self.file_content, self.index)
    glyphs = set(charset) | set(to_unicode)
    key = _key(self, file_hash, glyphs, axes, hinting)
    on_disk = glyphs == charset  # other sets (a rare glyph) are kept in memory only
    content = _MEMORY.get(key)
    path = cache_dir() / f"{key}.ttf"
    if content is None and on_disk:
        with contextlib.suppress(OSError):
            content = path.read_bytes()
    if content is None:
        # The same clean over the fixed glyph set (only its keys are read).
        original(self, dict.fromkeys(sorted(glyphs), ""), hinting)  # type: ignore[operator]
        content = self.file_content
        if on_disk:
            _store(path, content)
    _MEMORY[key] = content
    self.file_content = content
    return None


def _store(path: pathlib.Path, content: bytes) -> None:
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staged = tempfile.mkstemp(dir=path.parent, prefix=".font-")
        with os.fdopen(handle, "wb") as out:
            out.write(content)
        os.chmod(staged, 0o644)
        os.replace(staged, path)


@contextlib.contextmanager
def shared_instances() -> Iterator[bool]:
    """Inside the block, variable fonts are embedded as shared instances (if supported).

    Yields whether the hook is active. Not reentrant across threads: a part renders in a
    process of its own (or in the build's process, one part after the other).
    """
    from weasyprint.pdf import fonts

    if not supported() or "clean" in _ORIGINAL:
        yield False
        return
    _ORIGINAL["clean"] = fonts.Font.clean
    fonts.Font.clean = _shared_clean
    try:
        yield True
    finally:
        fonts.Font.clean = _ORIGINAL.pop("clean")
