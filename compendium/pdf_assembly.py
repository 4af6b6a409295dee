"""Stitch PDF parts rendered by WeasyPrint into one tagged PDF (docs/performance.md §F4).

The parts of a parallel Compendio build (``compendium.parallel_pdf``) are complete PDF/UA files
written by WeasyPrint 70 through pydyf 0.13.0. This module copies their objects into one file
without parsing what it does not change: a part's objects are renumbered with one regular
expression pass over their dictionaries (stream data is copied as it is), and only a handful of
objects are rebuilt:

- the page tree, the catalogue and the document information (from the first part);
- the structure tree: one ``StructTreeRoot`` and one ``Document`` element whose kids are the
  kids of every part's ``Document`` element; the parent tree concatenates the parts' number
  trees with their keys shifted, and every page's ``StructParents`` and every annotation's
  ``StructParent`` are shifted by the same amount;
- the outline (from the levels and positions each part recorded), the named destinations of
  every part (program headings included: compendium.public_record reads them), and the page
  labels (ranges from ``compendium.pagelabels``);
- links to another part's anchor, which a part cannot resolve, are written by the part as a URI
  under ``PART_LINK_BASE`` and become links to the named destination here;
- folios: parts print none; each numbered page gets a small content stream that prints its folio
  as an artifact (``/Artifact`` marked content, outside the structure tree), in the font,
  size, colour and position WeasyPrint gives the page-number margin box, measured from a sample
  page (``FolioStyle``). So a part does not depend on its first page's number: a part whose
  page count changes does not make the later parts be laid out again.

Only pydyf's output is read (one object stream, an xref stream, streams written directly);
anything else raises ``AssemblyError``. Plain functions, no Django.
"""

import gc
import hashlib
import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pydyf  # type: ignore[import-untyped]

from compendium.pagelabels import LabelRange

# A link from one part to an anchor in another: rendered as this URI, rewritten to /Dest here.
PART_LINK_BASE = "https://pmm-parte.invalid/#"

_REF = rb"(\d+) 0 R"
_TOKEN_RE = re.compile(
    rb"(?P<string>\((?:\\.|[^\\()])*\))"
    rb"|(?P<ref>\b(?P<num>\d+) 0 R\b)"
    rb"|/StructParents? (?P<sp>\d+)"
    rb"|(?P<partlink>/A <</Type /Action/S /URI/URI \("
    + re.escape(PART_LINK_BASE.encode())
    + rb"(?P<anchor>(?:\\.|[^\\()])*)\)>>)",
    re.S,
)


class AssemblyError(ValueError):
    """A part is not the kind of PDF this module can stitch."""


# --- Reading a part ---------------------------------------------------------------------------


@dataclass
class RawPdf:
    """The objects of one pydyf-written PDF: ``objects[n]`` is the object's bytes (a
    dictionary, an array…), or for a stream its dictionary and ``streams[n]`` its data."""

    objects: dict[int, bytes]
    streams: dict[int, bytes]
    root: int
    info: int | None


def _dict_value(data: bytes, key: bytes) -> bytes | None:
    match = re.search(rb"/" + key + rb" (\d+ 0 R|\d+|/\w+|\[[^\]]*\])", data)
    return match[1] if match else None


def _ref(value: bytes | None) -> int | None:
    if value is None:
        return None
    match = re.fullmatch(_REF, value)
    return int(match[1]) if match else None


def _refs(data: bytes) -> list[int]:
    return [int(n) for n in re.findall(_REF, data)]


def read_pdf(data: bytes) -> RawPdf:
    """Split a pydyf PDF into its objects (decompressing its object stream)."""
    tail = re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data)
    if not tail:
        raise AssemblyError("no startxref")
    objects: dict[int, bytes] = {}
    streams: dict[int, bytes] = {}
    xref_dict = b""
    for match in re.finditer(rb"(?:^|\n)(\d+) 0 obj\n", data):
        number, start = int(match[1]), match.end()
        if not data.startswith(b"<<", start):
            continue  # never written by pydyf outside the object stream
        marker = data.find(b">>\nstream\n", start)
        following = data.find(b"\nendobj", start)
        if marker == -1 or following < marker:
            # A dictionary written directly (pydyf only does this without compression).
            objects[number] = data[start:following]
            continue
        header = data[start : marker + 2]
        length = _dict_value(header, b"Length")
        if length is None or not length.isdigit():
            raise AssemblyError(f"stream {number} without a direct /Length")
        body = marker + len(b">>\nstream\n")
        objects[number] = header
        streams[number] = data[body : body + int(length)]
        if b"/Type /XRef" in header:
            xref_dict = header
    for number, header in list(objects.items()):
        if b"/Type /ObjStm" not in header:
            continue
        content = zlib.decompress(streams.pop(number))
        first = int(_dict_value(header, b"First") or 0)
        pairs = [int(x) for x in content[:first].split()]
        offsets = list(zip(pairs[::2], pairs[1::2], strict=True))
        for index, (inner, offset) in enumerate(offsets):
            end = offsets[index + 1][1] if index + 1 < len(offsets) else len(content) - first
            objects[inner] = content[first + offset : first + end].strip()
        del objects[number]
    for number in [n for n, h in objects.items() if b"/Type /XRef" in h]:
        del objects[number]
        streams.pop(number, None)
    root = _ref(_dict_value(xref_dict, b"Root")) if xref_dict else None
    if root is None:
        trailer = re.search(rb"trailer\s*<<.*?/Root (\d+) 0 R", data, re.S)
        root = int(trailer[1]) if trailer else None
    if root is None:
        raise AssemblyError("no catalogue")
    info = _ref(_dict_value(xref_dict, b"Info")) if xref_dict else None
    return RawPdf(objects, streams, root, info)


# --- Part metadata recorded at render time ----------------------------------------------------


@dataclass
class PartInfo:
    """What a part's render knew and its PDF does not say plainly (kept next to the PDF).

    ``page_names``: CSS page name of each page; ``bookmarks``: [page, level, label, x, y,
    open] in PDF coordinates; ``anchors``: [name, page, x, y]; ``heights``: page heights (pt).
    """

    page_names: list[str]
    heights: list[float]
    bookmarks: list[list] = field(default_factory=list)
    anchors: list[list] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "PartInfo":
        return cls(**json.loads(text))


def part_info(document) -> PartInfo:
    """Record a rendered WeasyPrint ``Document``'s page names, bookmarks and anchors."""
    scale = 0.75  # CSS px → PDF pt, as WeasyPrint writes them
    names, heights, bookmarks, anchors = [], [], [], []
    for index, page in enumerate(document.pages):
        height = page.height * scale
        names.append(page._page_box.page_type.name or "")
        heights.append(round(height, 6))
        for level, label, (x, y), state in page.bookmarks:
            bookmarks.append(
                [index, level, label, x * scale, height - y * scale, state != "closed"]
            )
        for name, (x, y, _x2, _y2) in page.anchors.items():
            anchors.append([name, index, x * scale, height - y * scale])
    return PartInfo(names, heights, bookmarks, anchors)


# --- Folios -----------------------------------------------------------------------------------


@dataclass
class FolioStyle:
    """How WeasyPrint draws the page number, measured from a sample part.

    The sample part prints, on page k (k = 0..9), the digits "k0k1…k9" in the page-number margin
    box, so every pair of digits appears once: each digit's glyph, advance and the kerning of
    each pair are read from its content stream and its font's widths.
    """

    font: int  # object number of the font (Type0) in the sample
    size: bytes
    colour: bytes
    centre: float
    baseline: float
    prelude: bytes  # the page's coordinate transforms before the text
    glyphs: dict[str, bytes]
    advances: dict[str, float]
    kerning: dict[str, float]

    def stream(self, text: str) -> bytes:
        """The content stream that prints ``text`` (digits) as a pagination artifact."""
        parts, width = [], 0.0
        for index, char in enumerate(text):
            kern = self.kerning.get(text[index : index + 2], 0.0) if index + 1 < len(text) else 0
            parts.append(b"<" + self.glyphs[char] + b">" + _number(kern))
            width += self.advances[char] - kern
        width *= float(self.size) / 1000
        x = self.centre - width / 2
        return b"\n".join(
            [
                b"Q",
                b"q",
                self.prelude,
                b"/Artifact <</Type /Pagination/Subtype /Footer>> BDC",
                self.colour,
                b"BT",
                b"1 0 0 -1 " + _number(x) + b" " + _number(self.baseline) + b" Tm",
                b"/PMMFolio " + self.size + b" Tf",
                b"[" + b"".join(parts) + b"] TJ",
                b"ET",
                b"EMC",
                b"Q",
            ]
        )


def _number(value: float) -> bytes:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def folio_sample_css() -> str:
    """The override stylesheet of the sample part (see ``FolioStyle``)."""
    rules = []
    for k in range(10):
        digits = "".join(f"{k}{j}" for j in range(10))
        rules.append(
            f'@page :nth({k + 1}) {{ @bottom-center {{ content: "{digits}" !important; }} }}'
        )
    return "\n".join(["@page { @top-center { content: none !important; } }", *rules])


def _widths(cid_font: bytes) -> dict[int, float]:
    match = re.search(rb"/W \[(.*)\]/", cid_font + b"/", re.S)
    out: dict[int, float] = {}
    if not match:
        return out
    tokens = re.findall(rb"\[|\]|-?[\d.]+", match[1])
    i = 0
    while i < len(tokens):
        start = int(tokens[i])
        if tokens[i + 1] == b"[":
            j = i + 2
            while tokens[j] != b"]":
                out[start + j - i - 2] = float(tokens[j])
                j += 1
            i = j + 1
        else:
            last, width = int(tokens[i + 1]), float(tokens[i + 2])
            for gid in range(start, last + 1):
                out[gid] = width
            i += 3
    return out


def measure_folios(sample: RawPdf) -> FolioStyle:
    """Read ``FolioStyle`` from the sample part's PDF."""
    pages = _page_list(sample)
    glyphs: dict[str, bytes] = {}
    advances: dict[str, float] = {}
    kerning: dict[str, float] = {}
    centres = []
    font_name = size = colour = baseline = prelude = None
    widths: dict[int, float] = {}
    for k, page in enumerate(pages[:10]):
        contents = _ref(_dict_value(sample.objects[page], b"Contents"))
        assert contents is not None
        stream = zlib.decompress(sample.streams[contents])
        # The page-number box is the lowest text on the page (y grows downwards here).
        matches = list(
            re.finditer(
                rb"(?P<colour>[\d. ]+ rg)\s+BT\s+1 0 0 -1 (?P<x>[-\d.]+) (?P<y>[-\d.]+) Tm\s+"
                rb"/(?P<font>\S+) (?P<size>[\d.]+) Tf\s+\[(?P<tj>[^\]]*)\] TJ",
                stream,
            )
        )
        text = max(matches, key=lambda m: float(m["y"])) if matches else None
        if text is None:
            raise AssemblyError("no folio in the sample page")
        if font_name is None:
            font_name, size, colour = text["font"], text["size"], text["colour"]
            baseline = float(text["y"])
            prelude = b"\n".join(re.findall(rb"^[-\d. ]+ cm$", stream[: text.start()], re.M))
            font_ref = _resource_font(sample, page, font_name)
            descendant = _refs(_dict_value(sample.objects[font_ref], b"DescendantFonts") or b"")
            widths = _widths(sample.objects[descendant[0]])
        digits = "".join(f"{k}{j}" for j in range(10))
        items = re.findall(rb"<([0-9a-fA-F]+)>(-?[\d.]*)", text["tj"])
        if len(items) != len(digits):
            raise AssemblyError("the folio sample is not one glyph per digit")
        width = 0.0
        for index, (char, (glyph, kern)) in enumerate(zip(digits, items, strict=True)):
            glyphs[char] = glyph
            advances[char] = widths.get(int(glyph, 16), 0.0)
            value = float(kern or 0)
            if index + 1 < len(digits):
                kerning[digits[index : index + 2]] = value
            width += advances[char] - (value if index + 1 < len(digits) else 0)
        centres.append(float(text["x"]) + width * float(text["size"]) / 2000)
    assert font_name is not None and size is not None and colour is not None
    assert baseline is not None and prelude is not None
    return FolioStyle(
        font=_resource_font(sample, pages[0], font_name),
        size=size,
        colour=colour,
        centre=sum(centres) / len(centres),
        baseline=baseline,
        prelude=prelude,
        glyphs=glyphs,
        advances=advances,
        kerning=kerning,
    )


def _resource_font(pdf: RawPdf, page: int, name: bytes) -> int:
    fonts = _font_dict(pdf, page)
    match = re.search(rb"/" + re.escape(name) + rb" (\d+) 0 R", fonts[1])
    if match is None:
        raise AssemblyError("folio font not found")
    return int(match[1])


def _font_dict(pdf: RawPdf, page: int) -> tuple[int | None, bytes]:
    """(object number or None if inline in the resources, bytes) of a page's font dictionary."""
    resources = pdf.objects[page]
    ref = _ref(_dict_value(resources, b"Resources"))
    if ref is not None:
        resources = pdf.objects[ref]
    font_ref = _ref(_dict_value(resources, b"Font"))
    if font_ref is not None:
        return font_ref, pdf.objects[font_ref]
    inline = re.search(rb"/Font (<<[^<>]*>>)", resources)
    if inline is None:
        raise AssemblyError("a page without fonts")
    return None, inline[1]


def _page_list(pdf: RawPdf) -> list[int]:
    pages_ref = _ref(_dict_value(pdf.objects[pdf.root], b"Pages"))
    assert pages_ref is not None
    kids: list[int] = []

    def walk(number: int) -> None:
        node = pdf.objects[number]
        if b"/Type /Pages" in node:
            for kid in _refs(_dict_value(node, b"Kids") or b""):
                walk(kid)
        else:
            kids.append(number)

    walk(pages_ref)
    return kids


def _reachable(pdf: RawPdf, start: int) -> list[int]:
    seen, todo = set(), [start]
    while todo:
        number = todo.pop()
        if number in seen or number not in pdf.objects:
            continue
        seen.add(number)
        todo.extend(_refs(pdf.objects[number]))
    return sorted(seen)


# --- Writing the book -------------------------------------------------------------------------


class _Raw(pydyf.Object):
    """An object whose bytes are already written (renumbered)."""

    def __init__(self, data: bytes = b"", stream: bytes | None = None):
        super().__init__()
        self._data = data
        self.stream = stream

    @property
    def data(self) -> bytes:
        if self.stream is None:
            return self._data
        return self._data + b"\nstream\n" + self.stream + b"\nendstream"

    @property
    def compressible(self) -> bool:
        return self.stream is None and not self.generation


@dataclass
class Part:
    pdf: RawPdf
    info: PartInfo


def _string(text: str) -> bytes:
    return pydyf.String(text).data


def assemble(
    parts: Sequence[Part],
    sample: RawPdf,
    *,
    folios: Sequence[int | None],
    labels: Iterable[LabelRange],
) -> bytes:
    """One PDF of ``parts`` in order; ``folios[i]`` is the number printed on page i (None: none).

    ``sample`` is the folio sample part (``measure_folios``); ``labels`` the page label ranges.
    """
    # Tens of thousands of objects and no cycles among them: the cyclic garbage collector's
    # passes over them cost a fifth of the assembly (cProfile), so it waits until the end.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _assemble(parts, sample, folios=folios, labels=labels)
    finally:
        if collecting:
            gc.enable()


def _assemble(
    parts: Sequence[Part],
    sample: RawPdf,
    *,
    folios: Sequence[int | None],
    labels: Iterable[LabelRange],
) -> bytes:
    style = measure_folios(sample)
    out = pydyf.PDF()  # objects 1 (pages) and 2 (catalogue) are rebuilt below
    root_obj, doc_obj, tree_obj = _Raw(), _Raw(), _Raw()
    for obj in (root_obj, doc_obj, tree_obj):
        out.add_object(obj)
    prefix = pydyf.Stream([b"q"], compress=False)
    out.add_object(prefix)

    # The folio font and what it needs, from the sample.
    font_map: dict[int, int] = {}
    font_objects = _reachable(sample, style.font)
    for number in font_objects:
        obj = _Raw()
        out.add_object(obj)
        font_map[number] = obj.number
    for number in font_objects:
        obj = out.objects[font_map[number]]
        obj._data = _renumber(sample.objects[number], font_map, 0, set())
        obj.stream = sample.streams.get(number)
    folio_font = font_map[style.font]

    page_refs: list[int] = []
    doc_kids: list[bytes] = []
    nums: list[bytes] = []
    key_offset = 0
    metadata: int | None = None
    info: _Raw | None = None
    unresolved: set[str] = set()
    anchor_pages: dict[str, tuple[int, float, float]] = {}
    bookmarks: list[list] = []
    page_offset = 0
    # Embedded font files already written, by content: parts that embed the same instance of a
    # font (compendium/pdf_fonts.py) share one copy.
    font_files: dict[bytes, int] = {}
    for index, part in enumerate(parts):
        pdf = part.pdf
        catalog = pdf.objects[pdf.root]
        struct_root = _ref(_dict_value(catalog, b"StructTreeRoot"))
        if struct_root is None:
            raise AssemblyError("an untagged part")
        root_dict = pdf.objects[struct_root]
        parent_tree = _ref(_dict_value(root_dict, b"ParentTree"))
        documents = _refs(_dict_value(root_dict, b"K") or b"")
        if parent_tree is None or len(documents) != 1:
            raise AssemblyError("unexpected structure tree root")
        document = documents[0]
        pages = _page_list(pdf)
        pages_root = _ref(_dict_value(catalog, b"Pages"))
        outlines = _ref(_dict_value(catalog, b"Outlines"))
        if pages_root is None:
            raise AssemblyError("a part without pages")
        dropped = {pdf.root, struct_root, parent_tree, document, pages_root}
        if outlines is not None:
            dropped.update(_outline_objects(pdf, outlines))
        if pdf.info is not None:
            dropped.add(pdf.info)
            if index == 0:
                info = _Raw(pdf.objects[pdf.info])
        mapping: dict[int, int] = {
            document: doc_obj.number,
            pages_root: 1,
            struct_root: root_obj.number,
        }
        kept = sorted(n for n in pdf.objects if n not in dropped)
        made: list[int] = []
        for number in kept:
            shared = _font_file_key(pdf, number)
            if shared is not None and shared in font_files:
                mapping[number] = font_files[shared]  # written by an earlier part
                continue
            obj = _Raw()
            out.add_object(obj)
            mapping[number] = obj.number
            made.append(number)
            if shared is not None:
                font_files[shared] = obj.number
        if index == 0:
            first_metadata = _ref(_dict_value(catalog, b"Metadata"))
            metadata = mapping.get(first_metadata) if first_metadata is not None else None
        keys = _parent_tree_keys(pdf.objects[parent_tree])
        for number in made:
            obj = out.objects[mapping[number]]
            obj._data = _renumber(pdf.objects[number], mapping, key_offset, unresolved)
            obj.stream = pdf.streams.get(number)
        doc_kids += [
            b"%d 0 R" % mapping[k] for k in _refs(_dict_value(pdf.objects[document], b"K") or b"")
        ]
        for key, value in keys:
            nums.append(b"%d %s" % (key + key_offset, _renumber(value, mapping, 0, set())))
        key_offset += (max((k for k, _v in keys), default=-1)) + 1
        font_dicts_done: set[int] = set()
        for local, page in enumerate(pages):
            number = page_offset + local
            new_page = mapping[page]
            page_refs.append(new_page)
            folio = folios[number]
            if folio is None:
                continue
            # Not compressed: a stamp is ~150 bytes, and a level-9 zlib stream per page cost
            # more time than the whole object stream's compression saves (§F4).
            stamp = pydyf.Stream([style.stream(str(folio))], compress=False)
            out.add_object(stamp)
            page_obj = out.objects[new_page]
            contents = re.search(rb"/Contents (\d+ 0 R|\[[^\]]*\])", page_obj._data)
            if contents is None:
                raise AssemblyError("a page without contents")
            page_obj._data = (
                page_obj._data[: contents.start()]
                + b"/Contents [%d 0 R %s %d 0 R]"
                % (prefix.number, contents[1].strip(b"[]"), stamp.number)
                + page_obj._data[contents.end() :]
            )
            font_ref, _fonts = _font_dict(pdf, page)
            if font_ref is None:
                resources = _ref(_dict_value(pdf.objects[page], b"Resources"))
                target = out.objects[mapping[resources]] if resources is not None else page_obj
                target._data = target._data.replace(
                    b"/Font <<", b"/Font <</PMMFolio %d 0 R" % folio_font, 1
                )
            elif font_ref not in font_dicts_done:
                font_dicts_done.add(font_ref)
                fonts = out.objects[mapping[font_ref]]
                fonts._data = fonts._data[:-2] + b"/PMMFolio %d 0 R>>" % folio_font
        for name, page, x, y in part.info.anchors:
            anchor_pages.setdefault(name, (page_offset + page, x, y))
        for page, level, label, x, y, opened in part.info.bookmarks:
            bookmarks.append([page_offset + page, level, label, x, y, opened])
        page_offset += len(pages)

    pages_obj = _Raw(
        b"<</Type /Pages/Kids ["
        + b" ".join(b"%d 0 R" % ref for ref in page_refs)
        + b"]/Count %d>>" % len(page_refs)
    )
    pages_obj.number = 1
    out.objects[1] = pages_obj

    root_obj._data = (
        b"<</Type /StructTreeRoot/ParentTree %d 0 R/K [%d 0 R]/ParentTreeNextKey %d>>"
        % (tree_obj.number, doc_obj.number, key_offset)
    )
    doc_obj._data = (
        b"<</Type /StructElem/S /Document/K ["
        + b" ".join(doc_kids)
        + b"]/P %d 0 R>>" % root_obj.number
    )
    tree_obj._data = b"<</Nums [" + b" ".join(nums) + b"]>>"

    fields = [b"/Type /Catalog", b"/Pages 1 0 R", b"/StructTreeRoot %d 0 R" % root_obj.number]
    first_catalog = parts[0].pdf.objects[parts[0].pdf.root]
    for catalog_key in (b"Lang", b"ViewerPreferences", b"MarkInfo"):
        match = re.search(
            rb"/" + catalog_key + rb" (\((?:\\.|[^\\()])*\)|<[0-9A-Fa-f]*>|<<[^<>]*>>)",
            first_catalog,
        )
        if match:
            fields.append(match[0])
    if metadata is not None:
        fields.append(b"/Metadata %d 0 R" % metadata)
    outline = _outline(out, bookmarks, page_refs)
    if outline is not None:
        fields.append(b"/Outlines %d 0 R" % outline)
    missing = unresolved - set(anchor_pages)
    if missing:
        raise AssemblyError(f"links to missing anchors: {sorted(missing)[:5]}")
    if anchor_pages:
        names = []
        for name in sorted(anchor_pages, key=lambda n: _string(n)):
            page, x, y = anchor_pages[name]
            names.append(
                _string(name)
                + b" [%d 0 R /XYZ %s %s 0]" % (page_refs[page], _number(x), _number(y))
            )
        fields.append(b"/Names <</Dests <</Names [" + b" ".join(names) + b"]>>>>")
    label_nums = []
    for label in labels:
        entry = [b"/Type /PageLabel"]
        if label.style:
            entry += [b"/S /" + label.style.encode(), b"/St %d" % label.first]
        if label.prefix:
            entry.append(b"/P " + _string(label.prefix))
        label_nums.append(b"%d <<" % label.start + b"".join(entry) + b">>")
    if label_nums:
        fields.append(b"/PageLabels <</Nums [" + b" ".join(label_nums) + b"]>>")
    catalog_obj = _Raw(b"<<" + b"".join(fields) + b">>")
    catalog_obj.number = 2
    out.objects[2] = out.catalog = catalog_obj
    if info is not None:
        out.add_object(info)
    return write_pdf(out.objects, root=2, info=info.number if info is not None else None)


# Compressed object streams of the book: how many (compressed in as many threads: zlib
# releases the GIL, and the part workers are done by then) and zlib's level (pydyf uses 9,
# three times slower on the book's 1.7 MB of dictionaries for 5% less: docs/performance.md §F4).
OBJECT_STREAMS = 2
ZLIB_LEVEL = 6


def write_pdf(objects: Sequence[pydyf.Object], *, root: int, info: int | None) -> bytes:
    """A PDF 1.7 file of ``objects`` (``objects[n].number == n``; object 0 is the free head),
    written as pydyf writes a compressed file (streams directly, the other objects in object
    streams, a cross-reference stream), with ``OBJECT_STREAMS`` object streams compressed in
    parallel at ``ZLIB_LEVEL``."""
    import concurrent.futures

    out = [b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n"]
    position = len(out[0])
    size = len(objects)
    entries: list[tuple[int, int, int]] = [(0, 0, 65535)] + [(0, 0, 0)] * (size - 1)
    packed: list[tuple[int, bytes]] = []
    for obj in objects[1:]:
        if obj.free == "f":
            continue
        if obj.compressible:
            packed.append((obj.number, obj.data))
            continue
        data = b"%d 0 obj\n" % obj.number + obj.data + b"\nendobj\n"
        entries[obj.number] = (1, position, 0)
        out.append(data)
        position += len(data)
    # Contiguous groups of about equal size.
    total = sum(len(data) + 1 for _n, data in packed)
    groups: list[list[tuple[int, bytes]]] = [[]]
    filled = 0
    for item in packed:
        if filled >= total * len(groups) / OBJECT_STREAMS and len(groups) < OBJECT_STREAMS:
            groups.append([])
        groups[-1].append(item)
        filled += len(item[1]) + 1
    groups = [group for group in groups if group]
    contents = []
    for number, group in enumerate(groups, start=size):
        header, offset = [], 0
        for index, (inner, data) in enumerate(group):
            header.append(b"%d %d" % (inner, offset))
            offset += len(data) + 1
            entries[inner] = (2, number, index)
        head = b" ".join(header)
        contents.append((head, b"\n".join([head, *(data for _n, data in group)])))
    with concurrent.futures.ThreadPoolExecutor(max(1, len(contents))) as pool:
        compressed = list(pool.map(lambda c: zlib.compress(c[1], ZLIB_LEVEL), contents))
    for number, ((head, _content), data, group) in enumerate(
        zip(contents, compressed, groups, strict=True), start=size
    ):
        entries.append((1, position, 0))
        obj = (
            b"%d 0 obj\n<</Type /ObjStm/N %d/First %d/Filter /FlateDecode/Length %d>>\nstream\n"
            % (number, len(group), len(head) + 1, len(data))
            + data
            + b"\nendstream\nendobj\n"
        )
        out.append(obj)
        position += len(obj)
    xref_number = len(entries)
    entries.append((1, position, 0))
    widths = (
        1,
        max(1, (position.bit_length() + 7) // 8),
        max(2, (max(entry[2] for entry in entries).bit_length() + 7) // 8),
    )
    shift2, shift1, width = 8 * widths[2], 8 * (widths[1] + widths[2]), sum(widths)
    table = zlib.compress(
        b"".join(
            ((kind << shift1) | (field2 << shift2) | field3).to_bytes(width, "big")
            for kind, field2, field3 in entries
        ),
        ZLIB_LEVEL,
    )
    trailer = b"/Root %d 0 R" % root + (b"/Info %d 0 R" % info if info is not None else b"")
    out.append(
        b"%d 0 obj\n<</Type /XRef/Index [0 %d]/W [%d %d %d]/Size %d%s/Filter /FlateDecode"
        b"/Length %d>>\nstream\n"
        % (xref_number, len(entries), *widths, len(entries), trailer, len(table))
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % position
    )
    return b"".join(out)


def _font_file_key(pdf: RawPdf, number: int) -> bytes | None:
    """The content key of an embedded font file (a stream with /Length1 and no references)."""
    header = pdf.objects[number]
    stream = pdf.streams.get(number)
    if stream is None or b"/Length1 " not in header or _refs(header):
        return None
    return hashlib.sha256(header + b"\0" + stream).digest()


def _outline_objects(pdf: RawPdf, root: int) -> set[int]:
    found, todo = set(), [root]
    while todo:
        number = todo.pop()
        if number in found or number not in pdf.objects:
            continue
        found.add(number)
        data = pdf.objects[number]
        for key in (b"First", b"Next"):
            ref = _ref(_dict_value(data, key))
            if ref is not None:
                todo.append(ref)
    return found


def _parent_tree_keys(tree: bytes) -> list[tuple[int, bytes]]:
    """(key, value) pairs of a flat number tree ``<</Nums [k v k v …]>>``."""
    body = re.search(rb"/Nums \[(.*)\]\s*>>$", tree, re.S)
    if body is None:
        raise AssemblyError("unexpected parent tree")
    out: list[tuple[int, bytes]] = []
    tokens = re.finditer(rb"\[[^\]]*\]|\d+ 0 R|\d+", body[1])
    for key, value in zip(tokens, tokens, strict=False):
        out.append((int(key[0]), value[0]))
    return out


def _renumber(data: bytes, mapping: dict[int, int], key_offset: int, links: set[str]) -> bytes:
    def replace(match: re.Match) -> bytes:
        if match["string"] is not None:
            return match[0]
        if match["ref"] is not None:
            number = int(match["num"])
            if number not in mapping:
                raise AssemblyError(f"reference to an object outside the part: {number}")
            return b"%d 0 R" % mapping[number]
        if match["sp"] is not None:
            return match[0][: -len(match["sp"])] + b"%d" % (int(match["sp"]) + key_offset)
        links.add(match["anchor"].decode("latin-1"))
        return b"/Dest (" + match["anchor"] + b")"

    return _TOKEN_RE.sub(replace, data)


def _outline(out: pydyf.PDF, bookmarks: list[list], page_refs: list[int]) -> int | None:
    if not bookmarks:
        return None
    root = _Raw()
    out.add_object(root)
    nodes: list[dict] = []
    stack: list[tuple[int, dict]] = []
    top: list[dict] = []
    for page, level, label, x, y, opened in bookmarks:
        node = {
            "obj": _Raw(),
            "label": label,
            "page": page,
            "x": x,
            "y": y,
            "open": opened,
            "kids": [],
        }
        out.add_object(node["obj"])
        nodes.append(node)
        while stack and stack[-1][0] >= level:
            stack.pop()
        (stack[-1][1]["kids"] if stack else top).append(node)
        stack.append((level, node))

    def count(node: dict) -> int:
        visible = 0
        for kid in node["kids"]:
            visible += 1 + (count(kid) if kid["open"] else 0)
        return visible

    def write(siblings: list[dict], parent: int) -> None:
        for i, node in enumerate(siblings):
            fields = [
                b"/Title " + _string(node["label"]),
                b"/Dest [%d 0 R /XYZ %s %s 0]"
                % (page_refs[node["page"]], _number(node["x"]), _number(node["y"])),
                b"/Parent %d 0 R" % parent,
            ]
            if i:
                fields.append(b"/Prev %d 0 R" % siblings[i - 1]["obj"].number)
            if i + 1 < len(siblings):
                fields.append(b"/Next %d 0 R" % siblings[i + 1]["obj"].number)
            if node["kids"]:
                fields.append(b"/First %d 0 R" % node["kids"][0]["obj"].number)
                fields.append(b"/Last %d 0 R" % node["kids"][-1]["obj"].number)
                visible = count(node)
                fields.append(b"/Count %d" % (visible if node["open"] else -visible))
            node["obj"]._data = b"<<" + b"".join(fields) + b">>"
            write(node["kids"], node["obj"].number)

    write(top, root.number)
    total = len(top) + sum(count(n) for n in top if n["open"])
    root._data = b"<</Type /Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (
        top[0]["obj"].number,
        top[-1]["obj"].number,
        total,
    )
    return root.number
