"""The pre-publication check of an edition: what would embarrass the Compendio or the Informe.

``check_edition(ejercicio)`` reads the approved fichas of the exercise and its ``Edicion`` and
returns ``Finding`` rows, each with the document it affects, whether it blocks a publication
and a link to the page where it is fixed. Read-only: it writes nothing.

Shared by the page «Revisión previa a la publicación» (``compendium.views.editions``), the
command ``manage.py check_edition --year YYYY`` (exit status 1 with blocking findings) and the
publish step, which asks for a written reason before publishing a document with blocking
findings (docs/pre-publication-check.md §K1-K3).
"""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Length
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from compendium.compendio import (
    ACRONYM_RE,
    institutions_glossary,
    other_acronyms,
    program_name,
)
from compendium.importers.compendio_import import ANGLE_URL_RE, MARKDOWN_LINK_RE
from compendium.models import Document, Edicion
from reporting.models import (
    Actor,
    Ejercicio,
    EntidadFederativa,
    Ficha,
    Nota,
    ObjetivoPMM,
    Reto,
)
from reporting.text import (
    SECTION_LABELS,
    WORD_LIMIT,
    WORD_SECTIONS,
    count_words,
    fold_spaces,
    format_number,
    spanish_date,
)

BOTH = "ambos"

# The kinds of finding, in the order the page and the command list them, with their title and
# whether they block a publication (docs/pre-publication-check.md §K2).
KINDS: dict[str, tuple[str, bool, str]] = {
    # code: (title, blocking, document)
    "sin_edicion": ("Edición sin crear", True, BOTH),
    "palabras": ("Textos que pasan de 180 palabras", True, Document.COMPENDIO),
    "url": ("Direcciones web mal escritas", True, Document.COMPENDIO),
    "informe_vacio": ("Secciones del Informe sin texto", True, Document.INFORME),
    "sin_categoria": ("Retos sin categoría", True, Document.INFORME),
    "sin_destacada": ("Objetivos sin acciones destacadas", True, Document.INFORME),
    "sin_sexo": ("Personas atendidas sin desglose por sexo", False, BOTH),
    "siglas": ("Siglas que no están en los anexos", False, Document.COMPENDIO),
    "nombre_repetido": ("El mismo programa en dos instituciones", False, Document.COMPENDIO),
    "fechas": ("Fechas fuera del periodo del ejercicio", False, Document.COMPENDIO),
    # docs/english-edition.md §E4: printed in Spanish with the «[Untranslated]» marker.
    "sin_traducir": ("Textos sin traducir al inglés", False, Document.INFORME_EN),
}
BLOCKING_KINDS = frozenset(kind for kind, (_title, blocks, _doc) in KINDS.items() if blocks)

# Edition texts of the Informe that must not print blank (docs/publications.md §I2).
INFORME_TEXTS = [
    ("preambulo", "I. Preámbulo"),
    ("analisis_general", "Análisis de la Gráfica 1 (todos los actores)"),
    ("analisis_federal", "Análisis de la Gráfica 2 (dependencias federales)"),
    ("analisis_estatal", "Análisis de la Gráfica 3 (entidades federativas)"),
    ("conclusiones", "VI. Conclusiones"),
]

# A web address in a text; the two export artefacts around one, «<http…>» and the Markdown
# link «[texto](http…)», are the importer's patterns.
URL_RE = re.compile(r"(?:\bhttps?(?::/*|/+)|www\.)[^\s<>«»\"‹›]+", re.IGNORECASE)
_HOST_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}(?::\d{1,5})?$")
_TRAILING = ".,;:!?)»”'"

_ROMAN_RE = re.compile(r"^[IVXLCDM]+$")
_TOKEN_RE = re.compile(r"[A-ZÁÉÍÓÚÑÜ0-9]+")
# Capitalised words that are not acronyms (Spanish prepositions in state names, units).
_NOT_ACRONYMS = frozenset({"DE", "DEL", "LA", "LAS", "LOS", "EL", "Y", "EN", "AL", "PDF", "URL"})


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str  # Spanish, for the page and the command
    url: str  # where it is fixed (a path of this site)
    link_text: str = ""
    ficha_id: int | None = None

    @property
    def title(self) -> str:
        return _(KINDS[self.kind][0])

    @property
    def blocking(self) -> bool:
        return KINDS[self.kind][1]

    @property
    def document(self) -> str:
        return KINDS[self.kind][2]

    def affects(self, document: str) -> bool:
        return self.document in (document, BOTH)


@dataclass
class FindingGroup:
    kind: str
    title: str
    blocking: bool
    document: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class CheckReport:
    ejercicio: Ejercicio
    edicion: Edicion | None
    fichas: int
    findings: list[Finding]
    # False for ``check_edition(..., blocking_only=True)``: the warnings were not looked for.
    complete: bool = True

    @property
    def blocking(self) -> list[Finding]:
        return [f for f in self.findings if f.blocking]

    def blocking_for(self, document: str) -> list[Finding]:
        return [f for f in self.blocking if f.affects(document)]

    def groups(self) -> list[FindingGroup]:
        """The findings by kind, in the order of ``KINDS``; kinds without findings left out."""
        out = []
        for kind, (title, blocking, document) in KINDS.items():
            mine = [f for f in self.findings if f.kind == kind]
            if mine:
                out.append(FindingGroup(kind, _(title), blocking, document, mine))
        return out


# --- Helpers -----------------------------------------------------------------------------------


_PK = 987654321  # stands for the ficha's pk in the reversed address


@functools.lru_cache(maxsize=8)
def _review_address(script_prefix: str, urlconf: str | None) -> str:
    return reverse("reporting:review_ficha", args=[_PK])


def _ficha_url(ficha: Ficha) -> str:
    """The ficha's review page; reversed once, not once per finding (hundreds of them)."""
    address = _review_address(get_script_prefix(), get_urlconf())
    return address.replace(str(_PK), str(ficha.pk))


def _edition_url(edicion: Edicion | None, ejercicio: Ejercicio, anchor: str = "textos") -> str:
    if edicion is None:
        return reverse("compendium:edition_create", args=[ejercicio.year])
    return reverse("compendium:edition_edit", args=[edicion.pk]) + f"#{anchor}"


def _label(ficha: Ficha) -> str:
    return f"{ficha.printed_sigla}: {program_name(ficha.nombre)}"


# The printed fields of a ficha and the names of their texts in a finding.
_TEXT_FIELDS = {
    "nombre": "Nombre del programa",
    "objetivo_programa": "Objetivo del programa",
    "poblacion_objetivo": "Población objetivo",
    "descripcion": "Descripción",
    "resultados": "Resultados",
    "explicacion_sin_cifras": "Explicación sin cifras",
    "alcance_regiones": "Regiones o localidades",
}


@functools.lru_cache(maxsize=8)
def _text_labels(language: str | None) -> dict[str, str]:
    """The labels of ``ficha_texts`` in ``language``, translated once: a gettext call per text
    of each of hundreds of fichas was a third of the check's time."""
    labels = {name: _(label) for name, label in _TEXT_FIELDS.items()}
    labels.update(reto=_("Reto"), nota=_("Nota al pie"), tabla=_("Tabla"))
    return labels


def ficha_texts(ficha: Ficha) -> list[tuple[str, str]]:
    """(label, text) of everything of a ficha that prints: fields, retos, notes, table cells."""
    labels = _text_labels(translation.get_language())
    texts = [(labels[name], getattr(ficha, name)) for name in _TEXT_FIELDS]
    texts += [(labels["reto"], r.texto) for r in ficha.retos.all()]
    texts += [(labels["nota"], n.texto) for n in ficha.notas.all()]
    for tabla in ficha.tablas or []:
        cells = [tabla.get("caption"), *(tabla.get("header") or [])]
        cells += [c for row in tabla.get("rows") or [] for c in row]
        texts += [(labels["tabla"], str(c)) for c in cells if c]
    return [(label, text) for label, text in texts if text and text.strip()]


def url_problem(url: str) -> str:
    """Why a written web address cannot work (syntax only, no network), or "" if it can."""
    if re.match(r"(?i)^https?:/?(?!/)", url) or re.match(r"(?i)^https?//", url):
        return _("le faltan «://»")
    address = url if "://" in url else "http://" + url
    try:
        parts = urlsplit(address)
    except ValueError:
        return _("no es una dirección válida")
    if parts.scheme.lower() not in ("http", "https"):
        return _("no empieza con http:// o https://")
    if not _HOST_RE.match(parts.netloc.lower()):
        return _("el dominio «%(host)s» no es válido") % {"host": parts.netloc}
    if any(c in url for c in "[]{}|\\^`…"):
        return _("contiene caracteres que no van en una dirección")
    return ""


def broken_urls(text: str) -> list[tuple[str, str]]:
    """(address as written, problem) for each broken address or export artefact in ``text``."""
    found = []
    taken: list[range] = []
    for pattern, problem in (
        (MARKDOWN_LINK_RE, "enlace en formato Markdown"),
        (ANGLE_URL_RE, "dirección entre «< >» del documento de origen"),
    ):
        for match in pattern.finditer(text):
            if not any(match.start() in span for span in taken):
                found.append((match[0], _(problem)))  # translated only when found
                taken.append(range(match.start(), match.end()))
    for match in URL_RE.finditer(text):
        if any(match.start() in span for span in taken):
            continue
        url = match[0].rstrip(_TRAILING)
        if url.count("(") < url.count(")"):
            url = url.rstrip(")")
        if problem := url_problem(url):
            found.append((url, problem))
    return found


def acronyms_in(text: str) -> set[str]:
    return {
        token
        for token in ACRONYM_RE.findall(text)
        if not _ROMAN_RE.match(token) and token not in _NOT_ACRONYMS
    }


def glossary_tokens(edicion: Edicion | None, fichas: list[Ficha]) -> set[str]:
    """Every capitalised token of the annexes: siglas of institutions, other acronyms, states."""
    siglas = [sigla for _name, sigla in institutions_glossary(fichas)]
    siglas += [f.printed_sigla for f in fichas]
    if edicion is not None:
        siglas += [sigla for _name, sigla in other_acronyms(edicion)]
    siglas += [e.printed_name for e in EntidadFederativa.objects.all()]
    return {token for sigla in siglas for token in _TOKEN_RE.findall(sigla.upper())}


# --- The checks --------------------------------------------------------------------------------


def _over_limit(ficha: Ficha) -> Iterable[Finding]:
    for section, names in WORD_SECTIONS.items():
        if names:
            words = sum(count_words(getattr(ficha, name)) for name in names)
        else:
            words = sum(count_words(r.texto) for r in ficha.retos.all())
        if words > WORD_LIMIT:
            yield Finding(
                "palabras",
                _("%(ficha)s — «%(section)s» tiene %(words)s palabras (máximo %(limit)s).")
                % {
                    "ficha": _label(ficha),
                    "section": SECTION_LABELS[section],
                    "words": format_number(words),
                    "limit": WORD_LIMIT,
                },
                _ficha_url(ficha),
                ficha_id=ficha.pk,
            )


def _without_sex_breakdown(ficha: Ficha) -> Iterable[Finding]:
    if ficha.personas_atendidas is None:
        return
    if all(v is None for v in (ficha.mujeres, ficha.hombres, ficha.otras_personas)):
        yield Finding(
            "sin_sexo",
            _("%(ficha)s — %(n)s personas atendidas, sin desglose por sexo.")
            % {"ficha": _label(ficha), "n": format_number(ficha.personas_atendidas)},
            _ficha_url(ficha),
            ficha_id=ficha.pk,
        )


def _dates_outside(ficha: Ficha, ejercicio: Ejercicio) -> Iterable[Finding]:
    start, end = ejercicio.period_start, ejercicio.period_end
    problems = []
    if ficha.periodo_inicio and not start <= ficha.periodo_inicio <= end:
        problems.append(_("inicio del periodo reportado %(d)s") % {"d": ficha.periodo_inicio})
    if ficha.periodo_fin and not start <= ficha.periodo_fin <= end:
        problems.append(_("fin del periodo reportado %(d)s") % {"d": ficha.periodo_fin})
    if ficha.fecha_inicio and ficha.fecha_inicio > end:
        problems.append(
            _("el programa inicia después del periodo (%(d)s)") % {"d": ficha.fecha_inicio}
        )
    if ficha.fecha_conclusion and ficha.fecha_conclusion < start:
        problems.append(
            _("el programa concluyó antes del periodo (%(d)s)") % {"d": ficha.fecha_conclusion}
        )
    for problem in problems:
        yield Finding(
            "fechas",
            _("%(ficha)s — %(problem)s; periodo del ejercicio: %(start)s a %(end)s.")
            % {
                "ficha": _label(ficha),
                "problem": problem,
                "start": spanish_date(start),
                "end": spanish_date(end),
            },
            _ficha_url(ficha),
            ficha_id=ficha.pk,
        )


def _urls(ficha: Ficha, texts: list[tuple[str, str]]) -> Iterable[Finding]:
    for label, text in texts:
        for url, problem in broken_urls(text):
            yield Finding(
                "url",
                _("%(ficha)s — %(where)s: «%(url)s» (%(problem)s).")
                % {"ficha": _label(ficha), "where": label, "url": url, "problem": problem},
                _ficha_url(ficha),
                ficha_id=ficha.pk,
            )


def _uncategorised(ficha: Ficha, missing: int | None = None) -> Iterable[Finding]:
    """``missing``: the number of retos without category, when counted already (in SQL)."""
    if missing is None:
        missing = sum(1 for r in ficha.retos.all() if r.categoria_id is None)
    if missing:
        yield Finding(
            "sin_categoria",
            ngettext(
                "%(ficha)s — %(n)s reto sin categoría.",
                "%(ficha)s — %(n)s retos sin categoría.",
                missing,
            )
            % {"ficha": _label(ficha), "n": missing},
            _ficha_url(ficha),
            ficha_id=ficha.pk,
        )


def _siglas(
    fichas: list[Ficha], edicion: Edicion | None, texts_of: dict[int, list[tuple[str, str]]]
) -> Iterable[Finding]:
    known = glossary_tokens(edicion, fichas)
    where: dict[str, list[Ficha]] = defaultdict(list)
    for ficha in fichas:
        found = set()
        for _label_text, text in texts_of[ficha.pk]:
            found |= acronyms_in(text)
        for token in sorted(found - known):
            where[token].append(ficha)
    for token in sorted(where):
        first = where[token][0]
        yield Finding(
            "siglas",
            ngettext(
                "«%(sigla)s» no está en los anexos 1 y 3 (aparece en %(n)s ficha: %(ficha)s).",
                "«%(sigla)s» no está en los anexos 1 y 3 (aparece en %(n)s fichas; "
                "la primera: %(ficha)s).",
                len(where[token]),
            )
            % {"sigla": token, "n": len(where[token]), "ficha": _label(first)},
            _ficha_url(first),
            ficha_id=first.pk,
        )


def _same_name(fichas: list[Ficha]) -> Iterable[Finding]:
    by_name: dict[str, list[Ficha]] = defaultdict(list)
    for ficha in fichas:
        if ficha.nombre.strip():
            by_name[fold_spaces(program_name(ficha.nombre))].append(ficha)
    for group in by_name.values():
        if len({f.actor_id for f in group}) > 1:
            siglas = sorted({f.printed_sigla for f in group})
            yield Finding(
                "nombre_repetido",
                _("«%(name)s» lo reportan %(siglas)s.")
                % {"name": program_name(group[0].nombre), "siglas": ", ".join(siglas)},
                _ficha_url(group[0]),
                ficha_id=group[0].pk,
            )


def _informe_texts(edicion: Edicion | None, ejercicio: Ejercicio) -> Iterable[Finding]:
    if edicion is None:
        yield Finding(
            "sin_edicion",
            _("El ejercicio %(year)s no tiene edición: sin ella no hay textos ni documentos.")
            % {"year": ejercicio.year},
            _edition_url(None, ejercicio),
        )
        return
    for name, label in INFORME_TEXTS:
        if not (getattr(edicion, name, "") or "").strip():
            yield Finding(
                "informe_vacio",
                _("«%(section)s» está en blanco: el Informe la imprimiría vacía.")
                % {"section": _(label)},
                _edition_url(edicion, ejercicio),
            )


def _highlights(fichas: list[Ficha], edicion, ejercicio: Ejercicio) -> Iterable[Finding]:
    per_objective: dict[int, list[Ficha]] = defaultdict(list)
    for ficha in fichas:
        if ficha.objetivo_asignado_id is not None:
            per_objective[ficha.objetivo_asignado_id].append(ficha)
    titles = dict(ObjetivoPMM.objects.values_list("number", "title"))
    for number in sorted(per_objective):
        group = per_objective[number]
        if not any(f.destacada for f in group):
            yield Finding(
                "sin_destacada",
                ngettext(
                    "Objetivo %(n)s (%(title)s): %(count)s ficha, ninguna destacada.",
                    "Objetivo %(n)s (%(title)s): %(count)s fichas, ninguna destacada.",
                    len(group),
                )
                % {"n": number, "title": titles.get(number, ""), "count": len(group)},
                _ficha_url(group[0]),
                ficha_id=group[0].pk,
            )


def _untranslated(fichas: list[Ficha], edicion, ejercicio: Ejercicio) -> Iterable[Finding]:
    """Texts the English Informe would print in Spanish (docs/english-edition.md §E4)."""
    if edicion is None:
        return
    labels = [*INFORME_TEXTS, ("evolucion_texto", "Evolución desde 2018")]
    for name, label in labels:
        if getattr(edicion, name).strip() and not getattr(edicion, f"{name}_en").strip():
            yield Finding(
                "sin_traducir",
                _("«%(section)s» no tiene versión en inglés.") % {"section": _(label)},
                reverse("compendium:informe_workspace", args=[edicion.pk]),
            )
    for ficha in fichas:
        if ficha.destacada and not ficha.resumen_informe_en.strip():
            yield Finding(
                "sin_traducir",
                _("%(ficha)s — destacada sin resumen en inglés.") % {"ficha": _label(ficha)},
                _ficha_url(ficha),
                ficha_id=ficha.pk,
            )


def approved_fichas(ejercicio: Ejercicio) -> list[Ficha]:
    """The approved fichas of the exercise, in a fixed order, with what the checks read."""
    return list(
        Ficha.objects.filter(ejercicio=ejercicio)
        .for_print()
        .order_by("objetivo_asignado_id", "actor__tipo__chapter", "orden", "pk")
    )


# --- The quick blocking check (the edition page) -------------------------------------------------
#
# The edition page counts the blocking findings on every load. Reading every approved ficha with
# its texts, retos and notes for that was most of its time, so ``blocking_only`` first reads one
# narrow row per ficha with what SQL can tell (docs/pre-publication-check.md §K1):
# - each rubro's length in characters: a word is at least one character and two words of one
#   text are apart by at least one, so a rubro of n texts with more than WORD_LIMIT words has
#   at least 2 * (WORD_LIMIT + 1) - n characters; only the rubros at or over that are counted;
# - whether any printed text holds «http» or «www» (case aside): every address and export
#   artefact ``broken_urls`` reports starts with one of them;
# - the number of retos without a category; the objective and «destacada».
# Only the fichas these point at are then read whole, and the same functions as the full check
# make their findings, so the findings are the same (tests/compendium/test_checks.py).

_URL_HINTS = ("http", "www")


def _length(*names: str):
    return sum((Coalesce(Length(name), 0) for name in names), Value(0))


def _mentions_address(prefix: str = "") -> Q:
    return functools.reduce(
        operator.or_, (Q(**{f"{prefix}__icontains": hint}) for hint in _URL_HINTS)
    )


def _quick_rows(ejercicio: Ejercicio) -> list[dict]:
    retos = Reto.objects.filter(ficha=OuterRef("pk")).order_by().values("ficha")
    url_fields = [*_TEXT_FIELDS, "tablas"]
    annotations = {
        f"len_{section}": _length(*names) for section, names in WORD_SECTIONS.items() if names
    }
    annotations |= {
        "len_retos": Coalesce(
            Subquery(retos.annotate(n=Sum(Length("texto"))).values("n")), Value(0)
        ),
        "n_retos": Coalesce(Subquery(retos.annotate(n=Count("pk")).values("n")), Value(0)),
        "uncategorised": Coalesce(
            Subquery(retos.filter(categoria=None).annotate(n=Count("pk")).values("n")), Value(0)
        ),
        "address": Exists(Reto.objects.filter(_mentions_address("texto"), ficha=OuterRef("pk")))
        | Exists(Nota.objects.filter(_mentions_address("texto"), ficha=OuterRef("pk")))
        | functools.reduce(operator.or_, (_mentions_address(name) for name in url_fields)),
    }
    return list(
        Ficha.objects.filter(ejercicio=ejercicio)
        .approved()
        .order_by("objetivo_asignado_id", "actor__tipo__chapter", "orden", "pk")
        .annotate(**annotations)
        .values("pk", "objetivo_asignado_id", "destacada", *annotations)
    )


def _over_limit_ids(rows: list[dict]) -> set[int]:
    """The fichas with a rubro over the word limit, counting only the rubros long enough."""
    bound = 2 * (WORD_LIMIT + 1)
    long_fields: dict[int, tuple[str, ...]] = {}
    for row in rows:
        names = [
            name
            for section, fields in WORD_SECTIONS.items()
            if fields and row[f"len_{section}"] + len(fields) >= bound
            for name in fields
        ]
        if names:
            long_fields[row["pk"]] = tuple(names)
    found = set()
    if long_fields:
        every = sorted({name for names in long_fields.values() for name in names})
        texts = Ficha.objects.filter(pk__in=long_fields).values("pk", *every)
        for text in texts:
            for fields in WORD_SECTIONS.values():
                if fields and set(fields) <= set(long_fields[text["pk"]]):
                    if sum(count_words(text[name]) for name in fields) > WORD_LIMIT:
                        found.add(text["pk"])
    long_retos = [r["pk"] for r in rows if r["len_retos"] + r["n_retos"] >= bound]
    words: dict[int, int] = defaultdict(int)
    for ficha_id, texto in Reto.objects.filter(ficha__in=long_retos).values_list(
        "ficha_id", "texto"
    ):
        words[ficha_id] += count_words(texto)
    found |= {pk for pk, n in words.items() if n > WORD_LIMIT}
    return found


def _quick_blocking(ejercicio: Ejercicio, edicion: Edicion | None) -> tuple[int, list[Finding]]:
    """The blocking findings of the fichas, as ``check_edition`` makes them, from narrow rows."""
    rows = _quick_rows(ejercicio)
    words = _over_limit_ids(rows)
    addresses = {r["pk"] for r in rows if r["address"]}
    uncategorised = {r["pk"] for r in rows if r["uncategorised"]}
    whole = {f.pk: f for f in Ficha.objects.filter(pk__in=words | addresses).for_print()}
    # Fichas with retos without category are only named (``_label``: printed sigla and name;
    # their address); their retos were counted in SQL. The highlights' finding needs only the
    # row's pk, objective and «destacada» (the stand-ins below).
    labelled = (
        Ficha.objects.filter(pk__in=uncategorised - whole.keys())
        .select_related("actor")
        .only("nombre", "sigla_override", "objetivo_asignado", "destacada", "actor__sigla")
        .prefetch_related(Prefetch("co_actors", queryset=Actor.objects.only("sigla")))
    )
    whole |= {f.pk: f for f in labelled}
    findings: list[Finding] = []
    for row in rows:
        ficha = whole.get(row["pk"])
        if ficha is None:
            continue
        if row["pk"] in words:
            findings += _over_limit(ficha)
        if row["pk"] in addresses:
            findings += _urls(ficha, ficha_texts(ficha))
        if row["pk"] in uncategorised:
            findings += _uncategorised(ficha, row["uncategorised"])
    fichas = [
        whole.get(r["pk"])
        or Ficha(
            pk=r["pk"], objetivo_asignado_id=r["objetivo_asignado_id"], destacada=r["destacada"]
        )
        for r in rows
    ]
    findings += _highlights(fichas, edicion, ejercicio)
    return len(rows), findings


def check_edition(ejercicio: Ejercicio, *, blocking_only: bool = False) -> CheckReport:
    """Every finding of the pre-publication check of ``ejercicio`` (read-only).

    ``blocking_only``: only the kinds that block a publication, the same findings as the full
    check's ``blocking`` (the edition page's counts, docs/pre-publication-check.md §K1), from
    narrow rows (``_quick_blocking``): no siglas, names, dates, sex breakdown or translations.
    """
    edicion = Edicion.objects.filter(ejercicio=ejercicio).first()
    if blocking_only:
        count, found = _quick_blocking(ejercicio, edicion)
        quick = [*_informe_texts(edicion, ejercicio), *found]
        quick.sort(key=lambda f: list(KINDS).index(f.kind))  # stable, as below
        return CheckReport(
            ejercicio=ejercicio, edicion=edicion, fichas=count, findings=quick, complete=False
        )
    fichas = approved_fichas(ejercicio)
    texts_of = {ficha.pk: ficha_texts(ficha) for ficha in fichas}
    findings: list[Finding] = list(_informe_texts(edicion, ejercicio))
    for ficha in fichas:
        findings += _over_limit(ficha)
        findings += _urls(ficha, texts_of[ficha.pk])
        findings += _uncategorised(ficha)
        findings += _without_sex_breakdown(ficha)
        findings += _dates_outside(ficha, ejercicio)
    findings += _highlights(fichas, edicion, ejercicio)
    findings += _siglas(fichas, edicion, texts_of)
    findings += _same_name(fichas)
    findings += _untranslated(fichas, edicion, ejercicio)
    order = list(KINDS)
    findings.sort(key=lambda f: order.index(f.kind))  # stable: keeps the order within a kind
    return CheckReport(
        ejercicio=ejercicio,
        edicion=edicion,
        fichas=len(fichas),
        findings=findings,
        complete=True,
    )
