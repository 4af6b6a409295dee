"""The «Informe Ejecutivo»: every figure it prints, computed from the approved fichas.

The methodology is in docs/publications.md §I1-I9. Each section is one small pure function over
a list of approved fichas (loaded once by ``load_fichas``), so that tests can check each section
against counts made by hand. ``render_informe_html`` puts them into the print template; the PDF seam
(``compendium.pdf.render_pdf``) turns that HTML into a file.

Rules worth knowing:

* A ficha counts once, for its lead actor's chapter (federal / state split by ``ActorType``).
* «Most» and «fewest» tables never cut a tie: every objective tied with the fifth is shown and
  a note says so. Objectives with no fichas are the fewest of all: they head the «fewest» table
  (and are also listed apart).
* Figures («en cifras») are sums over the fichas that report them, always with their coverage;
  a figure that no ficha reports is «no reportado», never zero. Only people are summed: actions
  come in unlike units (workshops, cards issued, health services), so they are counted per kind.
* Joint programs count for every participating institution in the participants table.
"""

from __future__ import annotations

import copy
import datetime
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TypedDict

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from compendium import charts, editions
from compendium.compendio import authorities, paragraphs
from compendium.pdf import STATIC_BASE
from compendium.series import informe_section as evolucion_section
from reporting.models import (
    Actor,
    ActorType,
    ChallengeCategory,
    Ejercicio,
    EntidadFederativa,
    Ficha,
    ObjetivoPMM,
)
from reporting.ordering import print_key
from reporting.text import fold, format_number, month_year, spanish_date

TOTAL_STATES = 32
RANKED_ROWS = 5
EXAMPLES_PER_CATEGORY = 3
SUMMARY_WORDS = 60


def english() -> bool:
    """The English Informe renders under ``translation.override("en")``
    (docs/english-edition.md §E3): reference titles come from their English fields."""
    return (translation.get_language() or "").startswith("en")


def chapter_title(tipo: ActorType) -> str:
    """The chapter (actor type) title in the active language (English field if there is one)."""
    return (tipo.chapter_title_en or tipo.chapter_title) if english() else tipo.chapter_title


def localized_month_year(value: datetime.date) -> str:
    """«junio de 2023»; «June 2023» in the English Informe."""
    return formats.date_format(value, "F Y") if english() else month_year(value)


_SPANISH_MONTHS = (
    "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
).split()


def english_date_line(edicion) -> str:
    """The English cover's date line from the Spanish one («… a 28 de noviembre de 2023.» →
    «Mexico City, November 28, 2023»), "" when it holds no date."""
    found = re.search(r"(\d{1,2}) de ([a-záéíóú]+) de (\d{4})", edicion.date_line or "")
    if not found or found[2] not in _SPANISH_MONTHS:
        return ""
    day = datetime.date(int(found[3]), _SPANISH_MONTHS.index(found[2]) + 1, int(found[1]))
    return _("Ciudad de México, %(date)s") % {"date": formats.date_format(day, "F j, Y")}


def _spanish_list(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " " + _("y") + " " + items[-1]


# --- Loading -------------------------------------------------------------------------------


def load_fichas(ejercicio: Ejercicio) -> list[Ficha]:
    """Approved fichas of an exercise in print order, with everything the Informe reads."""
    fichas = (
        Ficha.objects.filter(ejercicio=ejercicio)
        .approved()
        .select_related("actor__tipo", "actor__entidad", "objetivo_asignado")
        .prefetch_related(
            Prefetch("co_actors", queryset=Actor.objects.select_related("tipo", "entidad")),
            "retos__categoria",
        )
    )
    return sorted(fichas, key=print_key)


def _actors_of(ficha: Ficha) -> list[Actor]:
    """Lead actor first, then co-actors (each institution once)."""
    actors = [ficha.actor]
    for co in ficha.co_actors.all():
        if co.pk != ficha.actor_id:
            actors.append(co)
    return actors


# --- III. Counts per objective ---------------------------------------------------------------


@dataclass(frozen=True)
class ObjectiveCount:
    number: int
    title: str
    total: int
    federal: int
    state: int

    @property
    def label(self) -> str:
        return _("Objetivo %(n)s") % {"n": self.number}

    @property
    def other(self) -> int:
        """Fichas of the other actor types: legislature, judiciary, autonomous, civil society."""
        return self.total - self.federal - self.state


def count_by_objective(
    fichas: Iterable[Ficha], objetivos: Iterable[ObjetivoPMM]
) -> list[ObjectiveCount]:
    """Fichas per PMM objective (all 23, in order): all actors, federal bodies, states."""
    total: Counter[int] = Counter()
    federal: Counter[int] = Counter()
    state: Counter[int] = Counter()
    for ficha in fichas:
        number = ficha.objetivo_asignado_id
        # Approved fichas always have one (constraint ficha_approved_has_objective).
        assert number is not None
        total[number] += 1
        if ficha.actor.tipo.is_federal:
            federal[number] += 1
        if ficha.actor.tipo.is_state:
            state[number] += 1
    return [
        ObjectiveCount(o.number, o.title, total[o.number], federal[o.number], state[o.number])
        for o in objetivos
    ]


@dataclass(frozen=True)
class RankedRow:
    number: int
    title: str
    count: int


@dataclass(frozen=True)
class RankedTable:
    rows: list[RankedRow]
    # Objectives shown beyond the nominal five because they tie with the last place.
    tied: list[int] = field(default_factory=list)
    note: str = ""

    @property
    def numbers(self) -> list[int]:
        return [row.number for row in self.rows]


def rank_objectives(
    counts: Sequence[ObjectiveCount], *, fewest: bool = False, size: int = RANKED_ROWS
) -> RankedTable:
    """The methodology's «cinco objetivos con más (o menos) acciones», ties included.

    Sorted by count (descending for «más», ascending for «menos»), then by objective number.
    Every objective tied with the last of the ``size`` places is shown; the note names them.
    Objectives with no fichas belong to the «fewest» table like any other count.
    """
    pool = list(counts)
    pool.sort(key=lambda c: (c.total if fewest else -c.total, c.number))
    if len(pool) <= size:
        chosen = pool
    else:
        boundary = pool[size - 1].total
        chosen = [c for c in pool if (c.total <= boundary if fewest else c.total >= boundary)]
    rows = [RankedRow(c.number, c.title, c.total) for c in chosen]
    if len(rows) <= size:
        return RankedTable(rows)
    boundary = rows[-1].count
    tied = [r.number for r in rows if r.count == boundary]
    note = ngettext(
        "Se muestran %(shown)s objetivos en lugar de %(size)s porque los objetivos "
        "%(tied)s empatan con %(count)s ficha; el empate no se rompe.",
        "Se muestran %(shown)s objetivos en lugar de %(size)s porque los objetivos "
        "%(tied)s empatan con %(count)s fichas; el empate no se rompe.",
        boundary,
    ) % {
        "shown": len(rows),
        "size": size,
        "tied": _spanish_list([str(n) for n in tied]),
        "count": format_number(boundary),
    }
    return RankedTable(rows, tied, note)


def objectives_without(counts: Sequence[ObjectiveCount], *, attr: str = "total") -> list[int]:
    """Objective numbers with no fichas (``attr``: "total", "federal" or "state")."""
    return [c.number for c in counts if getattr(c, attr) == 0]


# --- II. Conformación del informe ------------------------------------------------------------


@dataclass(frozen=True)
class ChapterParticipation:
    chapter: int
    title: str
    institutions: int
    fichas: int


@dataclass(frozen=True)
class Participation:
    by_chapter: list[ChapterParticipation]
    institutions: int
    fichas: int
    states: list[EntidadFederativa]

    @property
    def states_count(self) -> int:
        return len(self.states)

    @property
    def states_total(self) -> int:
        return TOTAL_STATES


def participation(fichas: Sequence[Ficha], actor_types: Iterable[ActorType]) -> Participation:
    """Institutions (leads and co-actors) and fichas per chapter, and the states that took part.

    An institution that only co-signs a joint program still took part and is counted in its
    own chapter. Fichas are counted in the lead actor's chapter.
    """
    titles: dict[int, str] = {}
    for tipo in actor_types:
        titles.setdefault(tipo.chapter, chapter_title(tipo))
    institutions: dict[int, set[int]] = defaultdict(set)
    fichas_per_chapter: Counter[int] = Counter()
    states: dict[str, EntidadFederativa] = {}
    for ficha in fichas:
        fichas_per_chapter[ficha.actor.tipo.chapter] += 1
        for actor in _actors_of(ficha):
            institutions[actor.tipo.chapter].add(actor.pk)
            if actor.tipo.is_state and actor.entidad is not None:
                states[actor.entidad.pk] = actor.entidad
    by_chapter = [
        ChapterParticipation(
            chapter, title, len(institutions.get(chapter, ())), fichas_per_chapter[chapter]
        )
        for chapter, title in sorted(titles.items())
    ]
    return Participation(
        by_chapter=by_chapter,
        institutions=len(set().union(*institutions.values())) if institutions else 0,
        fichas=len(fichas),
        states=sorted(states.values(), key=lambda e: e.name),
    )


def period_text(ejercicio: Ejercicio) -> str:
    """«junio de 2022 a junio de 2023»."""
    start = localized_month_year(ejercicio.period_start)
    end = localized_month_year(ejercicio.period_end)
    return _("%(start)s a %(end)s") % {"start": start, "end": end}


# --- III. Map: fichas per state (drawn by ``compendium.charts.state_map``) ----------------------


def fichas_per_state(fichas: Iterable[Ficha]) -> dict[str, int]:
    """INEGI code → fichas in which that state's government takes part (lead or co-actor)."""
    counts: Counter[str] = Counter()
    for ficha in fichas:
        codes = {a.entidad_id for a in _actors_of(ficha) if a.tipo.is_state and a.entidad_id}
        counts.update(codes)
    return dict(counts)


# --- III. Key figures («en cifras») ----------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: str
    total: int | None  # None: no ficha reports it
    reported_in: int
    of: int

    @property
    def display(self) -> str:
        return format_number(self.total) if self.total is not None else _("No reportado")

    @property
    def coverage(self) -> str:
        return _("reportado en %(n)s de %(of)s fichas") % {
            "n": format_number(self.reported_in),
            "of": format_number(self.of),
        }


# People only: every one of these counts persons, so a sum means something. The number of
# actions is not here: one ficha counts workshops, another cards issued, another health services.
KEY_FIGURE_FIELDS: list[tuple[str, str]] = [
    ("personas_atendidas", gettext_noop("Personas atendidas")),
    ("mujeres", gettext_noop("Mujeres")),
    ("hombres", gettext_noop("Hombres")),
    ("otras_personas", gettext_noop("Otras personas o sexo no especificado")),
]


def key_figures(fichas: Sequence[Ficha]) -> list[KeyFigure]:
    """Sums of the structured results, each with the number of fichas that report it."""
    figures = []
    for name, label in KEY_FIGURE_FIELDS:
        values = [getattr(f, name) for f in fichas if getattr(f, name) is not None]
        figures.append(
            KeyFigure(
                key=name,
                label=_(label),
                total=sum(values) if values else None,
                reported_in=len(values),
                of=len(fichas),
            )
        )
    return figures


@dataclass(frozen=True)
class ActionKind:
    label: str  # as the first ficha in print order wrote it, with a capital initial
    total: int
    fichas: int

    @property
    def display(self) -> str:
        return format_number(self.total)


@dataclass(frozen=True)
class ActionsByKind:
    """The number of actions per kind of action («Tipo de acciones»), never one grand sum."""

    kinds: list[ActionKind]
    untyped: int  # fichas that give a number of actions but not their kind
    reported_in: int
    of: int

    @property
    def note(self) -> str:
        if not self.reported_in:
            return _("Acciones realizadas: No reportado.")
        kinds = ngettext("%(k)s tipo", "%(k)s tipos distintos", len(self.kinds)) % {
            "k": format_number(len(self.kinds))
        }
        if self.untyped:
            kinds = _("%(kinds)s; %(u)s sin tipo indicado") % {
                "kinds": kinds,
                "u": format_number(self.untyped),
            }
        return _(
            "Acciones realizadas: no se suman, porque cada ficha cuenta su propio tipo de acción "
            "(talleres, documentos expedidos, servicios…). Fichas que reportan un número de "
            "acciones: %(n)s de %(of)s (%(kinds)s)."
        ) % {"n": format_number(self.reported_in), "of": format_number(self.of), "kinds": kinds}


def actions_by_kind(fichas: Sequence[Ficha]) -> ActionsByKind:
    """Actions summed within each kind, with the number of fichas that report it.

    Kinds are the free text of «Tipo de acciones», matched ignoring case, accents, spacing and a
    final period; listed alphabetically (ranking unlike units would be a comparison too). A
    number without a kind is counted among the fichas that report actions but summed nowhere.
    """
    labels: dict[str, str] = {}
    totals: Counter[str] = Counter()
    fichas_per_kind: Counter[str] = Counter()
    reported = untyped = 0
    for ficha in fichas:
        if ficha.num_acciones is None:
            continue
        reported += 1
        label = " ".join(ficha.tipo_acciones.split()).rstrip(" .")
        label = label[:1].upper() + label[1:]
        if not label:
            untyped += 1
            continue
        key = fold(label)
        labels.setdefault(key, label)
        totals[key] += ficha.num_acciones
        fichas_per_kind[key] += 1
    kinds = [ActionKind(labels[k], totals[k], fichas_per_kind[k]) for k in sorted(labels)]
    return ActionsByKind(kinds=kinds, untyped=untyped, reported_in=reported, of=len(fichas))


# --- IV. Principales acciones ----------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«¿¡\"(A-ZÁÉÍÓÚÑ0-9])")


def first_sentences(text: str, *, words: int = SUMMARY_WORDS) -> str:
    """Whole sentences from the start of ``text`` up to about ``words`` words (at least one)."""
    text = " ".join(text.split())
    if not text:
        return ""
    chosen: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(text):
        n = len(sentence.split())
        if chosen and count + n > words:
            break
        chosen.append(sentence)
        count += n
    summary = " ".join(chosen)
    if len(summary.split()) > words * 2:
        # One enormous sentence: cut at a word boundary rather than print a page.
        summary = " ".join(summary.split()[:words]) + "…"
    return summary


def _figures_free(ficha: Ficha) -> bool:
    return ficha.personas_atendidas is None and ficha.num_acciones is None


def _key_result(ficha: Ficha) -> str:
    parts = []
    if ficha.personas_atendidas is not None:
        parts.append(_("%(n)s personas atendidas") % {"n": format_number(ficha.personas_atendidas)})
    if ficha.num_acciones is not None:
        parts.append(_("%(n)s acciones") % {"n": format_number(ficha.num_acciones)})
    if parts:
        return _spanish_list(parts) + "."
    return first_sentences(ficha.resultados, words=40)


@dataclass(frozen=True)
class Highlight:
    name: str
    institution: str
    sigla: str
    summary: str
    key_result: str
    # English Informe: the text is the Spanish one, printed with the «[Untranslated]» marker.
    summary_untranslated: bool = False
    result_untranslated: bool = False


@dataclass(frozen=True)
class ObjectiveHighlights:
    number: int
    title: str
    total: int
    highlights: list[Highlight]


def highlights_by_objective(
    fichas: Sequence[Ficha], counts: Sequence[ObjectiveCount]
) -> list[ObjectiveHighlights]:
    """Fichas marked «destacada», per objective, in print order (all 23 objectives)."""
    per_objective: dict[int, list[Highlight]] = defaultdict(list)
    for ficha in fichas:
        if not ficha.destacada:
            continue
        names = [ficha.actor.name] + sorted(
            a.name for a in ficha.co_actors.all() if a.pk != ficha.actor_id
        )
        number = ficha.objetivo_asignado_id
        assert number is not None  # approved: it has one (see count_by_objective)
        summary_en = ficha.resumen_informe_en.strip() if english() else ""
        key_result = _key_result(ficha)
        per_objective[number].append(
            Highlight(
                name=ficha.nombre,
                institution=_spanish_list(names),
                sigla=ficha.printed_sigla,
                summary=summary_en
                or ficha.resumen_informe.strip()
                or first_sentences(ficha.descripcion),
                key_result=key_result,
                summary_untranslated=english() and not summary_en,
                # Without figures the key result quotes the ficha's own «Resultados».
                result_untranslated=english() and _figures_free(ficha) and bool(key_result),
            )
        )
    return [
        ObjectiveHighlights(c.number, c.title, c.total, per_objective.get(c.number, []))
        for c in counts
    ]


# --- V. Retos identificados ------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryCount:
    name: str
    definition: str
    federal: int
    state: int
    total: int
    rank: int
    examples: list[str]
    # English Informe: a category name the catalogue does not know prints in Spanish, marked.
    untranslated: bool = False


def challenges_by_category(
    fichas: Sequence[Ficha],
    categories: Sequence[ChallengeCategory],
    *,
    examples: int = EXAMPLES_PER_CATEGORY,
) -> list[CategoryCount]:
    """Retos per category (federal, states, all actors), ranked by total.

    Equal totals share a rank («1, 2, 2, 4») and keep the categories' own order. Retos without a
    category are counted in a last «Sin categoría» row, never silently dropped. Examples come
    from different institutions where possible, in print order.
    """
    uncategorised = ChallengeCategory(name=_("Sin categoría asignada"), position=10_000)
    buckets: dict[int | None, list[tuple[Ficha, str]]] = defaultdict(list)
    for ficha in fichas:
        for reto in ficha.retos.all():
            buckets[reto.categoria_id].append((ficha, reto.texto))
    rows: list[tuple[ChallengeCategory, list[tuple[Ficha, str]]]] = [
        (c, buckets.get(c.pk, [])) for c in categories
    ]
    if buckets.get(None):
        rows.append((uncategorised, buckets[None]))
    rows.sort(key=lambda row: -len(row[1]))  # stable: keeps category order within a tie
    result = []
    previous_total, rank = None, 0
    for index, (category, items) in enumerate(rows, start=1):
        if len(items) != previous_total:
            rank, previous_total = index, len(items)
        name, untranslated = (
            (category.name, False) if category is uncategorised else category_text(category.name)
        )
        result.append(
            CategoryCount(
                name=name,
                untranslated=untranslated,
                definition=category_text(category.definition)[0],
                federal=sum(1 for f, _t in items if f.actor.tipo.is_federal),
                state=sum(1 for f, _t in items if f.actor.tipo.is_state),
                total=len(items),
                rank=rank,
                examples=_examples(items, examples),
            )
        )
    return result


def category_text(text: str) -> tuple[str, bool]:
    """A challenge category's name or definition in the active language, and whether it is
    left in Spanish. The default categories (reporting/reference.py) are in the English
    catalogue; ones the coordinators wrote are not (docs/english-edition.md §E4)."""
    if not english() or not text:
        return text, False
    translated = _(text)
    return translated, translated == text


def _examples(items: Sequence[tuple[Ficha, str]], limit: int) -> list[str]:
    chosen: list[str] = []
    seen_actors: set[int] = set()
    for ficha, text in items:
        if len(chosen) == limit:
            break
        if ficha.actor_id not in seen_actors:
            seen_actors.add(ficha.actor_id)
            chosen.append(first_sentences(text, words=45))
    for _ficha, text in items:
        if len(chosen) == limit:
            break
        short = first_sentences(text, words=45)
        if short not in chosen:
            chosen.append(short)
    return chosen


# --- VII. Anexos: participants ---------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    sigla: str
    chapter: int
    chapter_title: str
    lead: int
    joint: int

    @property
    def total(self) -> int:
        return self.lead + self.joint


def participants_table(fichas: Sequence[Ficha]) -> list[ParticipantRow]:
    """Each institution with its fichas: as lead, as co-actor of a joint program, and in total.

    Ordered by chapter, then by name (state governments by state name).
    """
    lead: Counter[int] = Counter()
    joint: Counter[int] = Counter()
    actors: dict[int, Actor] = {}
    for ficha in fichas:
        lead[ficha.actor_id] += 1
        actors[ficha.actor_id] = ficha.actor
        for co in _actors_of(ficha)[1:]:
            joint[co.pk] += 1
            actors[co.pk] = co

    def sort_key(actor: Actor) -> tuple:
        name = (
            actor.entidad.name if actor.tipo.is_state and actor.entidad is not None else actor.name
        )
        return (actor.tipo.chapter, fold(name))

    return [
        ParticipantRow(
            name=a.name,
            sigla=a.sigla,
            chapter=a.tipo.chapter,
            chapter_title=chapter_title(a.tipo),
            lead=lead[a.pk],
            joint=joint[a.pk],
        )
        for a in sorted(actors.values(), key=sort_key)
    ]


# --- Everything together ---------------------------------------------------------------------


class CountTotals:
    """Totals of ``counts`` (the fichas per objective) by kind of actor, for the Informe, the
    public figures of a published version and the workspace's summary of the Informe
    (compendium/workspace.py ``Summary``)."""

    counts: list[ObjectiveCount]

    @property
    def federal_total(self) -> int:
        return sum(c.federal for c in self.counts)

    @property
    def state_total(self) -> int:
        return sum(c.state for c in self.counts)

    @property
    def other_total(self) -> int:
        return sum(c.other for c in self.counts)


@dataclass
class InformeData(CountTotals):
    ejercicio: Ejercicio
    counts: list[ObjectiveCount]
    most: RankedTable
    fewest: RankedTable
    empty_all: list[int]
    empty_federal: list[int]
    empty_state: list[int]
    participation: Participation
    per_state: dict[str, int]
    figures: list[KeyFigure]
    actions: ActionsByKind
    highlights: list[ObjectiveHighlights]
    challenges: list[CategoryCount]
    participants: list[ParticipantRow]
    categories: list[ChallengeCategory]
    objetivos: list[ObjetivoPMM]

    @property
    def has_joint(self) -> bool:
        return any(row.joint for row in self.participants)


def _localized_categories(categories: list[ChallengeCategory]) -> list[ChallengeCategory]:
    """The annex's categories; in the English Informe unsaved copies with English texts where
    the catalogue has them, and ``untranslated`` set where it does not (§E4)."""
    if not english():
        return categories
    result = []
    for category in categories:
        english_copy = copy.copy(category)
        english_copy.name, untranslated = category_text(category.name)
        english_copy.definition = category_text(category.definition)[0]
        english_copy.untranslated = untranslated  # type: ignore[attr-defined]
        result.append(english_copy)
    return result


def compute_informe(ejercicio: Ejercicio) -> InformeData:
    """Every computed section of the Informe for one exercise (read-only; a few queries)."""
    fichas = load_fichas(ejercicio)
    objetivos = list(ObjetivoPMM.objects.all())
    categories = list(ChallengeCategory.objects.filter(ejercicio=ejercicio))
    if english():
        # In memory only, never saved: the English Informe prints the UN's English titles
        # (docs/english-edition.md §E1).
        for objetivo in objetivos:
            objetivo.title = objetivo.title_en or objetivo.title
    counts = count_by_objective(fichas, objetivos)
    return InformeData(
        ejercicio=ejercicio,
        counts=counts,
        most=rank_objectives(counts),
        fewest=rank_objectives(counts, fewest=True),
        empty_all=objectives_without(counts),
        empty_federal=objectives_without(counts, attr="federal"),
        empty_state=objectives_without(counts, attr="state"),
        participation=participation(fichas, ActorType.objects.all()),
        per_state=fichas_per_state(fichas),
        figures=key_figures(fichas),
        actions=actions_by_kind(fichas),
        highlights=highlights_by_objective(fichas, counts),
        challenges=challenges_by_category(fichas, categories),
        participants=participants_table(fichas),
        categories=_localized_categories(categories),
        objetivos=objetivos,
    )


class StateRow(TypedDict):
    name: str
    count: int


def state_rows_of(per_state: dict[str, int]) -> list[StateRow]:
    """The states with fichas, most fichas first, then by name (the map's text alternative)."""
    names = {e.inegi_code: e.name for e in EntidadFederativa.objects.all()}
    return sorted(
        (StateRow(name=names.get(code, code), count=n) for code, n in per_state.items()),
        key=lambda row: (-row["count"], fold(row["name"])),
    )


def informe_credits_default(edicion) -> str:
    """The Informe's credits page when the edition has none of its own: the Compendio's 2023
    legal page with the Informe's title (docs/informe-workspace.md §W6)."""
    year = edicion.ejercicio.year
    return editions.CREDITS.format(
        year=year,
        title=_("Informe Ejecutivo %(year)s") % {"year": year},
        address=editions.ADDRESS,
        address_cap=editions.ADDRESS[0].upper() + editions.ADDRESS[1:],
        date=editions.edition_date(edicion) or spanish_date(timezone.localdate()),
    )


def informe_front_matter(edicion) -> dict:
    """Credits (paragraphs of lines) and authorities (NAME, position) of the Informe; blank
    texts print the defaults: the credits above and the Compendio's authorities."""
    credits = edicion.informe_credits.strip() or informe_credits_default(edicion)
    people = (
        edicion.informe_authorities.strip() or edicion.authorities.strip() or editions.AUTHORITIES
    )
    return {
        "informe_credits": [p.split("\n") for p in paragraphs(credits)],
        "informe_authorities": authorities(people),
    }


def informe_context(edicion, *, draft: bool) -> dict:
    """Template context of the print template (the public page reads ``PublicFigures``)."""
    data = compute_informe(edicion.ejercicio)
    state_rows = state_rows_of(data.per_state)
    return {
        **informe_front_matter(edicion),
        "edicion": edicion,
        "ejercicio": edicion.ejercicio,
        "draft": draft,
        "data": data,
        "period": period_text(edicion.ejercicio),
        "retos_total": sum(c.total for c in data.challenges),
        "chart_all": charts.objective_bar_chart(data.counts, attr="total", chart_id="g-todos"),
        "chart_federal": charts.objective_bar_chart(
            data.counts, attr="federal", chart_id="g-federal"
        ),
        "chart_state": charts.objective_bar_chart(data.counts, attr="state", chart_id="g-estatal"),
        "state_map": charts.state_map(data.per_state, map_id="mapa-estados"),
        "map_legend": charts.map_legend(data.per_state),
        "map_credit": _(charts.MAP_CREDIT),
        "state_rows": state_rows,
        "evolucion": evolucion_section(edicion, data.counts),  # docs/series.md §S5
    }


ENGLISH_TEXTS = (
    "preambulo",
    "analisis_general",
    "analisis_federal",
    "analisis_estatal",
    "conclusiones",
    "evolucion_texto",
)


def english_edition(edicion):
    """The edition as the English Informe prints it (docs/english-edition.md §E4): an unsaved
    copy whose written texts are their English versions, where one is missing the Spanish, and
    the names of the texts left in Spanish (printed with the «[Untranslated]» marker)."""
    english_copy = copy.copy(edicion)
    untranslated = {}
    for name in ENGLISH_TEXTS:
        own = getattr(edicion, f"{name}_en").strip()
        if own:
            setattr(english_copy, name, own)
        untranslated[name] = not own and bool(getattr(edicion, name).strip())
    return english_copy, untranslated


def render_informe_html(edicion, *, draft: bool) -> str:
    """HTML of the Informe Ejecutivo of ``edicion``, ready for ``compendium.pdf.render_pdf``.

    No side effects: reads the approved fichas of the edition's exercise.
    """
    untranslated: dict[str, bool] = {}
    if english():
        edicion, untranslated = english_edition(edicion)
    context = informe_context(edicion, draft=draft)
    context["static_base"] = STATIC_BASE
    context["untranslated"] = untranslated
    context["english"] = english()
    context["html_lang"] = "en" if english() else "es-MX"
    if english():
        context["english_date_line"] = english_date_line(edicion)
    return render_to_string("compendium/print/informe.html", context)


# --- The public edition page: the figures of a published version, frozen ---------------------


@dataclass(frozen=True)
class PublicParticipation:
    fichas: int
    institutions: int
    states: list[str]  # names of the states that took part

    @property
    def states_count(self) -> int:
        return len(self.states)


PUBLIC_FIGURES_SCHEMA = 1


@dataclass(frozen=True)
class PublicFigures(CountTotals):
    """What the public edition page shows of one published version (docs/publications.md §V2).

    Computed by ``public_figures`` when the version is published (``compendium.builds``),
    stored as plain JSON on the build (``PublicationBuild.public_figures``, ``to_json``) and
    read back by the page (``from_json``): the page never counts the live fichas. It holds
    counts, objective titles, state names, kinds of action, the notes made from them and the
    ids of the fichas counted; no ficha text, no person, no contact data.
    """

    period: str
    participation: PublicParticipation
    counts: list[ObjectiveCount]
    most: RankedTable
    fewest: RankedTable
    per_state: dict[str, int]
    state_rows: list[StateRow]
    figures: list[KeyFigure]
    actions: ActionsByKind
    ficha_ids: list[int]

    @property
    def objectives_with_fichas(self) -> int:
        return sum(1 for c in self.counts if c.total)

    def to_json(self) -> dict:
        """Plain data (dicts, lists, strings, integers, None) that JSON stores unchanged."""
        return {"schema": PUBLIC_FIGURES_SCHEMA, **asdict(self)}

    @classmethod
    def from_json(cls, data: dict) -> PublicFigures:
        if data.get("schema") != PUBLIC_FIGURES_SCHEMA:
            raise ValueError(f"Unknown schema of public figures: {data.get('schema')!r}")

        def ranked(table: dict) -> RankedTable:
            return RankedTable(
                [RankedRow(**row) for row in table["rows"]], list(table["tied"]), table["note"]
            )

        actions = data["actions"]
        return cls(
            period=data["period"],
            participation=PublicParticipation(**data["participation"]),
            counts=[ObjectiveCount(**c) for c in data["counts"]],
            most=ranked(data["most"]),
            fewest=ranked(data["fewest"]),
            per_state=dict(data["per_state"]),
            state_rows=[StateRow(name=r["name"], count=r["count"]) for r in data["state_rows"]],
            figures=[KeyFigure(**f) for f in data["figures"]],
            actions=ActionsByKind(
                kinds=[ActionKind(**k) for k in actions["kinds"]],
                untyped=actions["untyped"],
                reported_in=actions["reported_in"],
                of=actions["of"],
            ),
            ficha_ids=list(data["ficha_ids"]),
        )


def public_figures(ejercicio: Ejercicio, ficha_ids: Collection[int] | None = None) -> PublicFigures:
    """The public page's figures over the approved fichas of ``ejercicio``.

    ``ficha_ids``: only those fichas (the ones a Compendio printed); a printed ficha that is not
    approved any more raises ``ValueError``. Builds call this in the same read snapshot as the
    render of the version, so the figures are those of the printed document. Read-only.
    """
    fichas = load_fichas(ejercicio)
    if ficha_ids is not None:
        wanted = set(ficha_ids)
        fichas = [f for f in fichas if f.pk in wanted]
        if len(fichas) != len(wanted):
            raise ValueError("Printed fichas that are not approved: cannot count them.")
    counts = count_by_objective(fichas, ObjetivoPMM.objects.all())
    joined = participation(fichas, ActorType.objects.all())
    per_state = fichas_per_state(fichas)
    return PublicFigures(
        period=period_text(ejercicio),
        participation=PublicParticipation(
            fichas=joined.fichas,
            institutions=joined.institutions,
            states=[e.name for e in joined.states],
        ),
        counts=counts,
        most=rank_objectives(counts),
        fewest=rank_objectives(counts, fewest=True),
        per_state=per_state,
        state_rows=state_rows_of(per_state),
        figures=key_figures(fichas),
        actions=actions_by_kind(fichas),
        ficha_ids=sorted(f.pk for f in fichas),
    )
