"""Reading a filled Word ficha back (docs/word.md §W2).

``read_docx`` walks the document in reading order (paragraphs, table rows, content controls,
text boxes) and sends each text to the field its label names: labels in tables and in
paragraphs, as headings, bold labels or «Etiqueta: texto», tolerant of case, accents,
numbering, spaces and the older wording of the form (``docx_ficha.ALIASES``). Answers become
values (numbers, dates, Sí/No, objectives, states, retos with their nested bullets); what it
cannot place is kept in ``Parsed.unrecognized``, never dropped. The file is checked by
``reporting/docx_safety.py`` before anything parses it.
"""

import datetime
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import cast

from django import forms
from django.utils import translation
from django.utils.translation import gettext as _

from reporting.docx_ficha import (
    _CACHE,
    SCOPED,
    TITLE,
    Row,
    annex_title,
    instructions,
    layout,
)
from reporting.docx_safety import DocxRefused, open_docx
from reporting.forms import CountField, FichaForm
from reporting.models import Ejercicio, EntidadFederativa, Ficha, ObjetivoPMM, Temporalidad
from reporting.text import fold

logger = logging.getLogger(__name__)

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Text of these never belongs to the paragraph that holds them.
_PRUNED = {f"{W}txbxContent", MC_FALLBACK, f"{W}del", f"{W}moveFrom", f"{W}pPr", f"{W}rPr"}
_CONTAINERS = {f"{W}sdt", f"{W}sdtContent", f"{W}customXml", f"{W}smartTag"}


@dataclass
class Block:
    """One paragraph of the document, as the reader needs it."""

    text: str
    level: int | None = None  # list level (0 = top bullet); None when not a list item
    bold: str = ""  # the paragraph's leading bold text


@dataclass
class Parsed:
    """What a Word ficha holds, by field; ``seen`` are the fields whose label was found."""

    filename: str = ""
    values: dict[str, object] = field(default_factory=dict)
    seen: set[str] = field(default_factory=set)
    retos: list[str] = field(default_factory=list)
    unrecognized: list[str] = field(default_factory=list)
    actor_text: str = ""

    def keep(self, label: str, text: str) -> None:
        """Keep ``text`` for the «Texto no reconocido» note, under ``label`` when known."""
        text = text.strip()
        if text:
            self.unrecognized.append(f"{label}: {text}" if label else text)

    def note(self) -> str:
        return "\n\n".join(self.unrecognized)


_NUMBERING = re.compile(r"^\s*(?:[•·▪◦*\-–—]+|\(?(?:\d{1,2}|[ivx]{1,4}|[a-z])\s*[.)\-–]+)\s*")
_NOT_WORD = re.compile(r"[^\w]+")


def norm(text: str) -> str:
    """A label as compared: folded, without numbering, punctuation or extra spaces."""
    text = fold(text).strip()
    for _i in range(3):
        text = _NUMBERING.sub("", text)
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _variants(label: str) -> set[str]:
    found = {norm(label)}
    without = re.sub(r"\([^)]*\)", " ", label)
    found.add(norm(without))
    return {v for v in found if v}


class Recognizer:
    """Which row a label names, given the section the reader is in."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.exact: dict[str, Row] = {}
        self.scoped: dict[tuple[str, str], Row] = {}
        self.prefixes: list[tuple[str, Row]] = []
        for row in rows:
            for text in (*([] if row.label_scoped else [row.label]), *row.aliases):
                for v in _variants(text):
                    self.exact.setdefault(v, row)
            for text in (*([row.label] if row.label_scoped else []), *row.scoped):
                for v in _variants(text):
                    self.scoped.setdefault((row.section, v), row)
            self.prefixes += [(p, row) for p in row.prefixes]
        self.boilerplate = {norm(TITLE)} | {norm(t) for t in instructions()}
        for row in rows:
            self.boilerplate |= {norm(t) for t in (*row.guidance, row.hint) if t}
        self.boilerplate.discard("")

    def find(self, text: str, section: str) -> Row | None:
        n = norm(text)
        if not n:
            return None
        row = self.scoped.get((section, n)) or self.exact.get(n)
        if row is not None:
            return row
        for prefix, candidate in self.prefixes:
            if n.startswith(prefix):
                return candidate
        return None

    def match(self, block: Block, section: str) -> tuple[Row, str] | None:
        """The row a paragraph starts with, and the text after the label (or None)."""
        first, _sep, rest = block.text.partition("\n")
        # A label is short: longer lines are only looked at up to a colon or bold text.
        row = self.find(first, section) if len(first) <= 400 else None
        if row is not None:
            return row, rest
        if 0 < len(block.bold.strip()) <= 400 and block.text.startswith(block.bold):
            row = self.find(block.bold, section)
            if row is not None:
                return row, block.text[len(block.bold) :].lstrip(" :.-–\t")
        head, colon, tail = first.partition(":")
        if colon and len(head) <= 200:
            row = self.find(head, section)
            if row is not None:
                return row, (tail.strip() + ("\n" + rest if rest else "")).strip("\n")
        return None

    def is_boilerplate(self, text: str) -> bool:
        """The template's own guidance, hints and instructions (skipped outside answers)."""
        n = norm(text)
        return bool(n) and n in self.boilerplate


class _Styles:
    """Paragraph styles of a document: name and list level (through ``basedOn``)."""

    def __init__(self, document):
        self.by_id: dict[str, tuple[str, int | None, str | None, bool]] = {}
        for style in document.styles.element.findall(f"{W}style"):
            style_id = style.get(f"{W}styleId") or ""
            name_el = style.find(f"{W}name")
            name = (name_el.get(f"{W}val") if name_el is not None else style_id) or ""
            level = None
            numpr = style.find(f"{W}pPr/{W}numPr")
            if numpr is not None:
                ilvl = numpr.find(f"{W}ilvl")
                level = _level(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
            based = style.find(f"{W}basedOn")
            bold_el = style.find(f"{W}rPr/{W}b")
            bold = bold_el is not None and bold_el.get(f"{W}val", "1") not in ("0", "false")
            self.by_id[style_id] = (
                name,
                level,
                based.get(f"{W}val") if based is not None else None,
                bold,
            )

    def info(self, style_id: str | None) -> tuple[str, int | None, bool]:
        name, level, bold, seen = "", None, False, 0
        while style_id and style_id in self.by_id and seen < 10:
            own, own_level, based, own_bold = self.by_id[style_id]
            name = name or own
            level = own_level if level is None else level
            bold = bold or own_bold
            style_id, seen = based, seen + 1
        # «List Bullet 2» is the second level whatever numbering the style points to.
        match = re.match(r"(?:list (?:bullet|number)|lista con (?:vi.etas|n.meros))\s*(\d)?$",
                         fold(name))  # fmt: skip
        if match and (match[1] or level is None):
            level = int(match[1] or 1) - 1
        return name, level, bold


def _iter_text(element) -> Iterator[tuple[str, bool]]:
    """(text, bold) pieces of a paragraph in order, skipping text boxes and deletions."""
    for child in element:
        tag = child.tag
        if tag in _PRUNED:
            continue
        if tag == f"{W}r":
            props = child.find(f"{W}rPr")
            bold = False
            if props is not None:
                b = props.find(f"{W}b")
                bold = b is not None and b.get(f"{W}val", "1") not in ("0", "false")
                style = props.find(f"{W}rStyle")
                if style is not None and fold(style.get(f"{W}val", "")) in ("strong", "negrita"):
                    bold = True
            for piece in child:
                if piece.tag == f"{W}t":
                    yield piece.text or "", bold
                elif piece.tag == f"{W}tab":
                    yield "\t", bold
                elif piece.tag in (f"{W}br", f"{W}cr") and piece.get(f"{W}type") != "page":
                    yield "\n", bold
                elif piece.tag == f"{W}noBreakHyphen":
                    yield "-", bold
        else:
            yield from _iter_text(child)


def _text_boxes(element) -> Iterator:
    for box in element.iter(f"{W}txbxContent"):
        if not any(a.tag == MC_FALLBACK for a in box.iterancestors()):
            yield box


class _Reader:
    def __init__(self, document):
        self.styles = _Styles(document)

    def paragraph(self, p) -> list[Block]:
        props = p.find(f"{W}pPr")
        style_id, level = None, None
        if props is not None:
            style = props.find(f"{W}pStyle")
            style_id = style.get(f"{W}val") if style is not None else None
            numpr = props.find(f"{W}numPr")
            if numpr is not None:
                num = numpr.find(f"{W}numId")
                if num is None or num.get(f"{W}val") != "0":
                    ilvl = numpr.find(f"{W}ilvl")
                    level = _level(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0
        _name, style_level, style_bold = self.styles.info(style_id)
        if level is None:
            level = style_level
        pieces = list(_iter_text(p))
        text = "".join(t for t, _b in pieces)
        bold = ""
        for piece, is_bold in pieces:
            if not (is_bold or style_bold) and piece.strip():
                break
            bold += piece
        blocks = [Block(text=text, level=level, bold=bold if bold.strip() else "")]
        for box in _text_boxes(p):
            blocks += self.body(box)
        return blocks

    def body(self, element) -> list[Block]:
        blocks: list[Block] = []
        for child in element:
            if child.tag == f"{W}p":
                blocks += self.paragraph(child)
            elif child.tag == f"{W}tbl":
                blocks += [Block(text=" | ".join(c)) for c in self.table_rows(child)]
            elif child.tag in _CONTAINERS:
                blocks += self.body(child)
        return blocks

    def cells(self, tr) -> list[list[Block]]:
        found = []
        for child in tr:
            if child.tag == f"{W}tc":
                found.append(self.body(child))
            elif child.tag in _CONTAINERS:
                found += self.cells(child)
        return found

    def rows(self, tbl) -> Iterator[list[list[Block]]]:
        for child in tbl:
            if child.tag == f"{W}tr":
                yield self.cells(child)
            elif child.tag in _CONTAINERS:
                yield from self.rows(child)

    def table_rows(self, tbl) -> Iterator[list[str]]:
        for cells in self.rows(tbl):
            yield ["\n".join(b.text for b in blocks).strip() for blocks in cells]

    def items(self, element) -> Iterator[Block | list[list[Block]]]:
        """The document in reading order: paragraphs, and table rows as lists of cells."""
        for child in element:
            if child.tag == f"{W}p":
                yield from self.paragraph(child)
            elif child.tag == f"{W}tbl":
                for cells in self.rows(child):
                    # Merged cells repeat nothing in the XML; empty spare cells are dropped.
                    kept = [c for c in cells if any(b.text.strip() for b in c)]
                    if len(cells) == 1 or len(kept) <= 1 and not self._is_label_row(cells):
                        for blocks in kept or cells[:1]:
                            yield from blocks
                    else:
                        yield cells
            elif child.tag in _CONTAINERS:
                yield from self.items(child)

    @staticmethod
    def _is_label_row(cells) -> bool:
        return len(cells) >= 2


def _recognizer(year: int) -> "Recognizer":
    key = ("recognizer", year, translation.get_language() or "")
    if key not in _CACHE:
        start, end = Ejercicio.default_period(year)
        ejercicio = Ejercicio(year=year, period_start=start, period_end=end)
        annex = Row("section", "annex", annex_title(), "annex", target="annex")
        _CACHE[key] = Recognizer([*layout(ejercicio), annex])
    return cast(Recognizer, _CACHE[key])


def read_docx(data: bytes, filename: str = "", *, ejercicio: Ejercicio) -> Parsed:
    """Read a Word ficha (checked by ``docx_safety`` first). Raises ``DocxRefused``.

    No side effects: the bytes are read in memory and nothing is stored.
    """
    document = open_docx(data, filename)
    recognizer = _recognizer(ejercicio.year)
    try:
        return _Assembler(recognizer, filename).run(_Reader(document).items(document.element.body))
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        # A structure the reader does not expect: refused, never a server error. The log line
        # names the kind of error only, never the file or its text.
        logger.warning("docx read failed: %s", type(exc).__name__)
        raise DocxRefused(
            _("No fue posible leer la ficha de este archivo. Revise que sea un .docx de Word.")
        ) from None


class _Assembler:
    """Walks the paragraphs and rows, sending each text to the field its label names."""

    def __init__(self, recognizer: Recognizer, filename: str):
        self.rec = recognizer
        self.parsed = Parsed(filename=filename)
        self.section = ""
        self.target: Row | None = None
        self.buffers: dict[str, list[Block]] = {}
        self.rows = {row.key: row for row in recognizer.rows}
        self.order: list[str] = []

    def start(self, row: Row) -> None:
        self.section = row.section
        key = row.target or row.key
        if key == "nombre" and self.buffers.get(key):
            raise DocxRefused(
                _(
                    "El archivo parece tener más de una ficha (el nombre del programa aparece "
                    "dos veces). Guarde cada ficha en su propio archivo."
                )
            )
        if row.kind == "field" or row.target:
            self.parsed.seen.add(key)
        self.target = row
        self.buffers.setdefault(key, [])
        if key not in self.order:
            self.order.append(key)

    def add(self, block: Block, *, verbatim: bool = False) -> None:
        """Text for the current field; outside answer cells the template's guidance is skipped."""
        if not verbatim and self.rec.is_boilerplate(block.text):
            return
        if self.target is None:
            self.parsed.keep("", block.text)
            return
        key = self.target.target or self.target.key
        self.buffers[key].append(block)

    def block(self, block: Block) -> None:
        found = self.rec.match(block, self.section)
        if found is None:
            self.add(block)
            return
        row, rest = found
        self.start(row)
        if rest.strip():
            self.add(Block(text=rest, level=block.level))

    def row(self, cells: list[list[Block]]) -> None:
        label_blocks = [b for b in cells[0] if b.text.strip()]
        found = self.rec.match(label_blocks[0], self.section) if label_blocks else None
        if found is None:
            if all(self.rec.is_boilerplate(b.text) for b in label_blocks):
                for blocks in cells[1:]:
                    for b in blocks:
                        self.add(b, verbatim=True)
                return
            texts = ["\n".join(b.text for b in c).strip() for c in cells]
            self.add(Block(text=" | ".join(t for t in texts if t)), verbatim=True)
            return
        row, rest = found
        self.start(row)
        if rest.strip():
            self.add(Block(text=rest))
        for b in label_blocks[1:]:
            self.add(b)
        for blocks in cells[1:]:
            for b in blocks:
                self.answer(row, b)

    def answer(self, row: Row, block: Block) -> None:
        """A paragraph of an answer cell. Under a whole rubro (the older form's single cell
        for «RESULTADOS…» or «DESCRIPCIÓN»), a sub-item label of that rubro starts its field:
        «Etiqueta: texto» fills it and the next paragraph is the rubro's again."""
        found = self.rec.match(block, self.section) if row.kind == "section" else None
        if found is None or found[0] is row or found[0].section != row.section:
            self.add(block, verbatim=True)
            return
        sub, rest = found
        self.start(sub)
        if rest.strip():
            self.add(Block(text=rest, level=block.level), verbatim=True)
            self.start(row)

    def run(self, items: Iterable[Block | list[list[Block]]]) -> Parsed:
        for item in items:
            if isinstance(item, Block):
                self.block(item)
            else:
                self.row(item)
        for key in self.order:
            _Values(self.parsed, self.rows).take(key, self.buffers.get(key, []))
        return self.parsed


# --- from text to values -----------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.,])\d{1,3}(?:[ ,.\u00a0\u202f]\d{3})+(?![\w])|(?<![\w.,])\d+(?![\w])"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        (
            "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre "
            "diciembre"
        ).split()
    )
}
_MONTHS["setiembre"] = 9
_YES = {"si", "x", "sí", "yes", "✓", "✔", "☒"}
_NO = {"no", "", "☐"}
_NO_RETOS = {
    "no se identificaron retos",
    "ninguno",
    "ninguna",
    "no aplica",
    "sin retos",
    "n a",
    "na",
    "no se identificaron",
}


def _as_int(token: str) -> int:
    digits = re.sub(r"[ ,.\u00a0\u202f]", "", token)
    # Beyond any count the form accepts; also keeps int() far from its digit limit.
    return int(digits) if len(digits) <= 15 else 10**15


def _level(value: str | None) -> int:
    """A list level from the XML (0-8); anything malformed is the top level."""
    try:
        return min(max(int((value or "0")[:2]), 0), 8)
    except ValueError:
        return 0


def numbers(text: str) -> list[int]:
    return [_as_int(m) for m in _NUMBER.findall(text)]


def parse_date(text: str) -> datetime.date | None:
    text = text.strip().rstrip(".")
    formats = [
        (r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", lambda m: (m[3], m[2], m[1])),
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", lambda m: (m[1], m[2], m[3])),
    ]
    for pattern, order in formats:
        match = re.fullmatch(pattern, text)
        if match:
            try:
                year, month, day = (int(x) for x in order(match))
                return datetime.date(year, month, day)
            except ValueError:
                return None
    match = re.fullmatch(r"(\d{1,2}) de ([a-z]+) (?:de |del )?(\d{4})", fold(text))
    if match and match[2] in _MONTHS:
        try:
            return datetime.date(int(match[3]), _MONTHS[match[2]], int(match[1]))
        except ValueError:
            return None
    return None


def _leftover(text: str, spans: list[tuple[int, int]], stop: set[str]) -> bool:
    """Whether ``text`` says more than what was taken from it (words outside ``stop``)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    words = re.findall(r"\w+", fold("".join(chars)))
    return any(w not in stop for w in words)


_STATE_ALIASES = {
    "cdmx": "09",
    "ciudad de mexico": "09",
    "distrito federal": "09",
    "estado de mexico": "15",
    "edomex": "15",
    "coahuila": "05",
    "michoacan": "16",
    "veracruz": "30",
}


def _states() -> dict[str, str]:
    names = {fold(e.name): e.inegi_code for e in EntidadFederativa.objects.all()}
    return names | _STATE_ALIASES


class _Values:
    """Turns the text gathered under one label into the field's value (or the note)."""

    def __init__(self, parsed: Parsed, rows: dict[str, Row]):
        self.parsed = parsed
        self.rows = rows

    def label(self, key: str) -> str:
        row = self.rows.get(key)
        return row.label if row else key

    def set(self, name: str, value: object, *, only_if_empty: bool = False) -> None:
        """Set a field; an empty value never replaces one found elsewhere in the file."""
        has_value = self.parsed.values.get(name) not in (None, "", False, [])
        if has_value and (only_if_empty or value in (None, "", False, [])):
            return
        self.parsed.values[name] = value
        self.parsed.seen.add(name)

    def take(self, key: str, blocks: list[Block]) -> None:
        text = _join(blocks)
        if key == "annex":
            self.annex(text)
            return
        if key == "actor":
            self.parsed.actor_text = text.strip()
        elif key == "retos":
            self.retos(blocks)
        elif key in ("contacto", "sexo", "zona", "periodo_implementacion"):
            getattr(self, key)(text)
        elif key == "periodo_reportado":
            self.parsed.keep(self.label(key), text)
        elif key in self.rows and self.rows[key].kind == "field":
            self.field(key, text)
        else:
            self.parsed.keep(self.label(key), text)

    def annex(self, text: str) -> None:
        """The template's list of the 23 objectives is dropped; anything else is kept."""
        titles = {norm(f"{o.number}. {o.title}") for o in ObjetivoPMM.objects.all()}
        for line in text.split("\n"):
            if line.strip() and norm(line) not in titles:
                self.parsed.keep("", line)

    def field(self, name: str, text: str) -> None:
        formfield = FichaForm.base_fields.get(name)
        plain = text.strip()
        if name == "contacto_telefono":
            self.phone(plain)
            return
        if formfield is None or isinstance(formfield, forms.CharField):
            self.set(name, plain)
            return
        if isinstance(formfield, CountField):
            found = numbers(plain)
            if not plain:
                self.set(name, None)
            elif len(found) == 1:
                self.set(name, found[0])
                stop = {"personas", "acciones", "aprox", "aproximadamente", "total"}
                if _leftover(plain, [m.span() for m in _NUMBER.finditer(plain)], stop):
                    self.parsed.keep(self.label(name), plain)
            else:
                self.set(name, None)
                self.parsed.keep(self.label(name), plain)
        elif isinstance(formfield, forms.DateField):
            date = parse_date(plain) if plain else None
            self.set(name, date)
            if plain and date is None:
                self.parsed.keep(self.label(name), plain)
        elif isinstance(formfield, forms.BooleanField):
            word = fold(plain).strip(" .")
            first = re.split(r"[\s,.;:]+", word)[0] if word else ""
            if word in _YES or first in _YES:
                self.set(name, True)
                if word not in _YES:
                    self.parsed.keep(self.label(name), plain)
            elif word in _NO or first == "no":
                self.set(name, False)
                if word not in _NO:
                    self.parsed.keep(self.label(name), plain)
            else:
                self.set(name, False)
                self.parsed.keep(self.label(name), plain)
        elif name == "temporalidad":
            word = fold(plain)
            if "permanente" in word and "temporal" not in word:
                self.set(name, Temporalidad.PERMANENTE.value)
            elif "temporal" in word and "permanente" not in word:
                self.set(name, Temporalidad.TEMPORAL.value)
            else:
                self.set(name, "")
            if plain and fold(plain).strip(" .") not in ("permanente", "temporal"):
                self.parsed.keep(self.label(name), plain)
        elif name == "objetivos_propuestos":
            self.objetivos(plain)
        elif name == "entidades":
            self.entidades(plain)
        else:
            self.set(name, plain)

    def objetivos(self, text: str) -> None:
        titles = {norm(o.title): o.number for o in ObjetivoPMM.objects.all()}
        chosen: list[int] = []
        for line in (x.strip() for x in re.split(r"[\n;]+", text)):
            if not line:
                continue
            match = re.match(r"(?:objetivo\s*(?:del\s*pmm)?\s*(?:n[uú]m\.?|no\.?)?\s*)?(\d{1,2})\b",
                             fold(line))  # fmt: skip
            number = int(match[1]) if match else titles.get(norm(line))
            if number is None:
                number = next(
                    (n for t, n in titles.items() if t and norm(line).startswith(t)), None
                )
            if number is not None and 1 <= number <= 23:
                if number not in chosen:
                    chosen.append(number)
            else:
                self.parsed.keep(self.label("objetivos_propuestos"), line)
        self.set("objetivos_propuestos", chosen)

    def entidades(self, text: str) -> None:
        states = _states()
        codes: list[str] = []
        for item in re.split(r"[\n,;]+|\s+y\s+", text):
            name = fold(item).strip(" .•-\t")
            if not name:
                continue
            code = states.get(name) or states.get(
                re.sub(r"^(?:estado de|el estado de)\s+", "", name)
            )
            if code:
                if code not in codes:
                    codes.append(code)
            else:
                self.parsed.keep(self.label("entidades"), item.strip())
        self.set("entidades", codes)

    def retos(self, blocks: list[Block]) -> None:
        bullet = re.compile(r"^(\s*)(?:[•·▪◦‣○■□➢►\-–—*]|\d{1,2}[.)]|[a-z][.)])\s+(.*)$", re.S)
        items: list[tuple[int | None, str]] = []
        for block in blocks:
            if not block.text.strip():
                continue
            level, text = block.level, block.text.rstrip()
            match = bullet.match(text) if level is None else None
            if match:
                # A bullet typed by hand («- », «• », «1) »); indented means nested.
                text = match[2]
                level = 1 if len(match[1].expandtabs(4)) >= 2 else 0
            items.append((level, text.strip()))
        if len(items) == 1 and norm(items[0][1]) in _NO_RETOS:
            self.set("sin_retos", True)
            self.parsed.retos = []
            self.parsed.seen.add("retos")
            return
        uses_bullets = any(level is not None for level, _t in items)
        retos: list[str] = []
        for level, text in items:
            if not retos or not uses_bullets or level == 0:
                retos.append(text)
            elif level is None:
                retos[-1] += "\n" + text  # a paragraph that continues the bullet above
            else:
                retos[-1] += "\n" + "  " * level + "- " + text
        self.parsed.retos = retos
        self.parsed.seen.add("retos")

    def contacto(self, text: str) -> None:
        lines = [x.strip() for x in text.split("\n") if x.strip()]
        plain: list[str] = []
        for line in lines:
            head, colon, tail = line.partition(":")
            key = _contact_key(head) if colon else None
            if key:
                self.field(key, tail.strip())
            elif _EMAIL.fullmatch(line.strip(" .")):
                self.set("contacto_correo", line.strip(" ."), only_if_empty=True)
            elif re.fullmatch(
                r"(?:tel(?:efono)?\.?:?\s*)?[\d\s()+\-.]{7,}(?:\s*ext\.?\s*\d+)?", fold(line)
            ):
                self.phone(line)
            else:
                plain.append(line)
        for name in ("contacto_nombre", "contacto_cargo"):
            if plain and not self.parsed.values.get(name):
                self.set(name, plain.pop(0))
        for line in plain:
            self.parsed.keep(self.label("contacto"), line)

    def phone(self, text: str) -> None:
        text = re.sub(r"^\s*(?:tel[eé]fono|tel)\.?\s*:?\s*", "", text, flags=re.I)
        match = re.match(r"(.*?)\s*(?:ext\.?|extensi[oó]n)\s*:?\s*(\d+)\s*$", text.strip(), re.I)
        if match:
            self.set("contacto_telefono", match[1].strip(" ,"))
            self.set("contacto_extension", match[2], only_if_empty=True)
        else:
            self.set("contacto_telefono", text.strip())

    def sexo(self, text: str) -> None:
        spans = []
        patterns = {
            "mujeres": r"mujeres|ninas|adolescentes mujeres",
            "hombres": r"hombres|ninos",
            "otras_personas": r"otras personas|sexo no especificado|no especificad[oa]s?",
        }
        folded = fold(text)
        for name, words in patterns.items():
            match = re.search(
                rf"(\d{{1,3}}(?:[ ,.]\d{{3}})+|\d+)\s+(?:fueron\s+|son\s+)?(?:{words})\b"
                rf"|\b(?:{words})\s*[:=]?\s*(\d{{1,3}}(?:[ ,.]\d{{3}})+|\d+)",
                folded,
            )
            if match:
                self.set(name, _as_int(match[1] or match[2]), only_if_empty=True)
                spans.append(match.span())
        stop = {"y", "de", "las", "los", "personas", "fueron", "son", "total", "atendidas"}
        if not spans or _leftover(folded, spans, stop):
            self.parsed.keep(self.label("sexo"), text)

    def zona(self, text: str) -> None:
        folded = fold(text)
        if re.search(r"\b(federal|nacional|todo el pais)\b", folded):
            self.set("alcance_nacional", True, only_if_empty=True)
        if re.search(r"\b(extranjero|consulados?|fuera del pais|estados unidos)\b", folded):
            self.set("alcance_extranjero", True, only_if_empty=True)
        codes = [c for name, c in _states().items() if re.search(rf"\b{re.escape(name)}\b", folded)]
        if codes and not self.parsed.values.get("entidades"):
            self.set("entidades", list(dict.fromkeys(codes)))
        if text.strip():
            self.parsed.keep(self.label("zona"), text)

    def periodo_implementacion(self, text: str) -> None:
        folded = fold(text)
        if "permanente" in folded and "temporal" not in folded:
            self.set("temporalidad", Temporalidad.PERMANENTE.value, only_if_empty=True)
        elif "temporal" in folded and "permanente" not in folded:
            self.set("temporalidad", Temporalidad.TEMPORAL.value, only_if_empty=True)
        if text.strip():
            self.parsed.keep(self.label("periodo_implementacion"), text)


def _contact_key(head: str) -> str | None:
    n = norm(head)
    for name in Ficha.CONTACT_FIELDS:
        labels = (FichaForm.base_fields[name].label, *SCOPED.get(name, ()))
        if any(n in _variants(str(label)) for label in labels if label):
            return name
    return None


def _join(blocks: list[Block]) -> str:
    """Paragraphs as plain text: one line each; list items as «- » lines (docs/ficha.md §R14)."""
    lines = []
    for block in blocks:
        if block.level is not None and block.text.strip():
            lines.append("  " * block.level + "- " + block.text.strip())
        else:
            lines.append(block.text)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)
