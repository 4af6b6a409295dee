"""What UPMRIP coordinators read and write while reviewing fichas (the status is workflow.py's).

Queries for the review desk («bandeja») and the follow-up per institution run in a fixed number
of statements whatever the number of fichas. The text search ignores case and accents the same
way on PostgreSQL and on SQLite: both compare with ``pmm_fold`` of the ficha's name, description
and results (``FichaSearchText``). On PostgreSQL that text is the generated column of migration
0010, folded by the database when the row is written (no code keeps it in sync); on SQLite a
Python function registered on the connection folds it per row. The desk reads its matches in one
scan (``desk``) and then loads only the page's rows, in one query (docs/load-test.md §L1).
"""

import dataclasses
import datetime
from collections.abc import Iterable, Mapping
from typing import TypedDict

from django.db import transaction
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    StringAgg,
    Subquery,
    TextField,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from reporting import audit
from reporting import text as text_rules
from reporting.editing import StaleFicha, diff, snapshot
from reporting.models import (
    Actor,
    ChallengeCategory,
    Ejercicio,
    EjeTematico,
    EntidadFederativa,
    Ficha,
    FichaEvent,
    FichaEventKind,
    FichaStatus,
    ObjetivoPMM,
    Reto,
    Role,
    Subtema,
    User,
)
from reporting.ordering import block_key
from reporting.text import field_label

# ---------------------------------------------------------------------------------------------
# Accent- and case-insensitive text
# ---------------------------------------------------------------------------------------------


def fold(text: str | None) -> str | None:
    """Lower-case ``text`` and drop its accents: «Niñas y NIÑOS» -> «ninas y ninos»."""
    return None if text is None else text_rules.fold(text)


def _register_fold(connection) -> None:
    # Registering is idempotent and cheap; doing it at compile time keeps the feature in one place.
    connection.ensure_connection()
    connection.connection.create_function("pmm_fold", 1, fold, deterministic=True)


# The generated column of migration 0010 (PostgreSQL): pmm_fold(nombre || ' ' || ...), stored.
SEARCH_COLUMN = "texto_busqueda"


class FichaSearchText(Func):
    """``pmm_fold(nombre || ' ' || descripcion || ' ' || resultados)``, the searched text.

    PostgreSQL: the ficha's stored generated column ``texto_busqueda`` (migration 0010), which
    holds exactly that, folded when the row was written, with a trigram index; a candidate row
    of the index is rechecked against the stored text instead of folding ~2,400 characters
    again (docs/load-test.md §L1). The column is named through the alias of the ficha's table
    in this query (a subquery relabels it). SQLite: ``pmm_fold`` is ``fold`` registered on the
    connection, evaluated per row.
    """

    template = "pmm_fold(%(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = TextField()

    def __init__(self) -> None:
        super().__init__(F("nombre"), F("descripcion"), F("resultados"))

    def as_postgresql(self, compiler, connection, **extra_context):
        alias = self.get_source_expressions()[0].alias  # the Col of «nombre», resolved
        identifiers = (alias, SEARCH_COLUMN) if alias else (SEARCH_COLUMN,)
        return ".".join(map(compiler.quote_name, identifiers)), []

    def as_sqlite(self, compiler, connection, **extra_context):
        _register_fold(connection)
        return self.as_sql(compiler, connection, **extra_context)


def search_fichas(fichas: QuerySet, text: str) -> QuerySet:
    """Fichas whose name, description or results contain every word of ``text``."""
    words = (fold(text) or "").split()
    if not words:
        return fichas
    fichas = fichas.alias(_search=FichaSearchText())
    # One WHERE with every word: the folded text is computed (or the index read) once per row.
    return fichas.filter(*(Q(_search__contains=word) for word in words))


# ---------------------------------------------------------------------------------------------
# Review desk
# ---------------------------------------------------------------------------------------------

# Sort keys offered by the desk (value of ?orden=, optionally prefixed with «-»).
DESK_SORTS: dict[str, tuple[str, ...]] = {
    "institucion": ("actor__name", "nombre", "pk"),
    "nombre": ("nombre", "pk"),
    "capitulo": ("actor__tipo__chapter", "actor__name", "nombre", "pk"),
    "estado": ("status", "actor__name", "nombre", "pk"),
    "objetivo": ("objetivo_asignado", "actor__name", "nombre", "pk"),
    "cambio": ("updated_at", "pk"),
}
DEFAULT_SORT = "-cambio"


@dataclasses.dataclass(frozen=True)
class DeskFilters:
    """The desk's filters, as the filter form cleans them (None or "" means «any»)."""

    ejercicio: Ejercicio
    status: str = ""
    chapter: int | None = None
    actor: Actor | None = None
    entidad: EntidadFederativa | None = None
    objective: ObjetivoPMM | None = None
    destacada: bool | None = None
    q: str = ""
    orden: str = DEFAULT_SORT


def _filtered(filters: DeskFilters, *, with_status: bool) -> QuerySet:
    fichas = Ficha.objects.filter(ejercicio=filters.ejercicio)
    if with_status and filters.status:
        fichas = fichas.filter(status=filters.status)
    if filters.chapter:
        fichas = fichas.filter(actor__tipo__chapter=filters.chapter)
    if filters.actor:
        joint = Ficha.co_actors.through.objects.filter(ficha_id=OuterRef("pk"), actor=filters.actor)
        fichas = fichas.filter(Q(actor=filters.actor) | Exists(joint))
    if filters.entidad:
        # The state of a state government, or a state the program reached.
        reached = Ficha.entidades.through.objects.filter(
            ficha_id=OuterRef("pk"), entidadfederativa=filters.entidad
        )
        fichas = fichas.filter(Q(actor__entidad=filters.entidad) | Exists(reached))
    if filters.objective:
        proposed = Ficha.objetivos_propuestos.through.objects.filter(
            ficha_id=OuterRef("pk"), objetivopmm=filters.objective
        )
        fichas = fichas.filter(Q(objetivo_asignado=filters.objective) | Exists(proposed))
    if filters.destacada is not None:
        fichas = fichas.filter(destacada=filters.destacada)
    return search_fichas(fichas, filters.q)


def desk_fichas(filters: DeskFilters) -> QuerySet:
    """The desk's rows, sorted, with what each row shows loaded (constant number of queries)."""
    key = filters.orden.removeprefix("-")
    fields = DESK_SORTS.get(key, DESK_SORTS["cambio"])
    if filters.orden.startswith("-"):
        fields = tuple(f"-{f}" for f in fields)
    return (
        _filtered(filters, with_status=True)
        .select_related(
            "actor__tipo", "actor__entidad", "objetivo_asignado", "updated_by", "ejercicio"
        )
        .prefetch_related("objetivos_propuestos")
        .order_by(*fields)
    )


def status_counts(filters: DeskFilters) -> dict[str, int]:
    """How many fichas match the other filters, per status (one query), plus «total»."""
    rows = (
        _filtered(filters, with_status=False)
        .order_by()
        .values("status")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = {status: 0 for status in FichaStatus.values}
    for row in rows:
        counts[row["status"]] = row["n"]
    counts["total"] = sum(counts[s] for s in FichaStatus.values)
    return counts


@dataclasses.dataclass(frozen=True)
class Desk:
    """What the desk page needs before it loads any row (``desk``)."""

    ids: list[int]  # the matching fichas, status filter included, in the desk's order
    counts: dict[str, int]  # as ``status_counts``


def desk(filters: DeskFilters) -> Desk:
    """The desk's matches and counts per status from ONE query (the search runs once).

    The page then loads only its own rows with ``desk_rows``. ``desk_fichas`` and
    ``status_counts`` give the same answers as a queryset and a dict, in more queries.
    """
    key = filters.orden.removeprefix("-")
    fields = DESK_SORTS.get(key, DESK_SORTS["cambio"])
    if filters.orden.startswith("-"):
        fields = tuple(f"-{f}" for f in fields)
    rows = _filtered(filters, with_status=False).order_by(*fields).values_list("pk", "status")
    counts = dict.fromkeys(FichaStatus.values, 0)
    ids = []
    for pk, status in rows:
        counts[status] += 1
        if not filters.status or status == filters.status:
            ids.append(pk)
    counts["total"] = sum(counts.values())
    return Desk(ids=ids, counts=counts)


@dataclasses.dataclass(frozen=True)
class DeskRow:
    """What one row of the desk shows (templates/reporting/review/bandeja.html)."""

    pk: int
    nombre: str
    status: str
    destacada: bool
    updated_at: datetime.datetime
    updated_by: str  # as ``str(user)``, "" when nobody
    ejercicio_id: int
    actor_name: str
    sigla: str
    chapter: int
    objective_number: int | None
    objective_title: str
    proposed_numbers: list[int]


def desk_rows(ids: list[int]) -> list[DeskRow]:
    """The fichas ``ids`` in that order, as the desk's rows (one query).

    Only the columns a row shows, as values (the description and results are most of a ficha's
    bytes; 50 fichas with their actor, type, objective and user as model instances, and a
    prefetch that built a queryset per ficha, were most of the page's time besides the
    template: docs/load-test.md §L1). The proposed objectives come in the same query, as one
    text per row from a subquery on the link table (one round trip less per page).
    """
    proposed = (
        Ficha.objetivos_propuestos.through.objects.filter(ficha_id=OuterRef("pk"))
        .order_by()
        .values("ficha_id")
        .annotate(numbers=StringAgg(Cast("objetivopmm_id", CharField()), delimiter=Value(",")))
        .values("numbers")  # type: ignore[misc]  # an annotation the stubs do not follow
    )
    values = (
        Ficha.objects.filter(pk__in=ids)
        .order_by()  # the page's order is ``ids``'s: no sort in SQL
        .annotate(proposed=Subquery(proposed))
        .values_list(
            "pk",
            "nombre",
            "status",
            "destacada",
            "updated_at",
            "ejercicio_id",
            "actor__name",
            "actor__sigla",
            "actor__tipo__chapter",
            "objetivo_asignado__number",
            "objetivo_asignado__title",
            "updated_by_id",
            "updated_by__first_name",
            "updated_by__last_name",
            "updated_by__email",
            "proposed",
        )
    )
    by_pk = {}
    names: dict[int, str] = {}  # a page has few distinct users: one ``User`` each
    for (
        pk,
        nombre,
        status,
        destacada,
        updated_at,
        ejercicio_id,
        actor_name,
        sigla,
        chapter,
        number,
        title,
        user_id,
        first,
        last,
        email,
        numbers,
    ) in values:
        by_pk[pk] = DeskRow(
            pk=pk,
            nombre=nombre,
            status=status,
            destacada=destacada,
            updated_at=updated_at,
            # The user's own wording of their name (User.__str__).
            updated_by=(
                names.get(user_id)
                or names.setdefault(
                    user_id, str(User(first_name=first, last_name=last, email=email))
                )
            )
            if user_id
            else "",
            ejercicio_id=ejercicio_id,
            actor_name=actor_name,
            sigla=sigla,
            chapter=chapter,
            objective_number=number,
            objective_title=title or "",
            proposed_numbers=sorted(int(n) for n in numbers.split(",")) if numbers else [],
        )
    return [by_pk[pk] for pk in ids if pk in by_pk]


# ---------------------------------------------------------------------------------------------
# Follow-up per institution
# ---------------------------------------------------------------------------------------------


def follow_up(
    ejercicio: Ejercicio, *, chapter: int | None = None, only_missing: bool = False
) -> list[Actor]:
    """Every institution invited to the exercise with its fichas counted per status (one query).

    «Invited» means active institutions, plus inactive ones that reported in this exercise.
    Each actor gets ``n_<status>`` counts, ``n_total``, ``n_sent`` (anything past draft) and
    ``n_focal`` (active focal points who would receive a reminder).
    """
    # A join does not go through ``Ficha.objects``: leave out deleted drafts by hand.
    in_year = Q(fichas__ejercicio=ejercicio, fichas__deleted_at__isnull=True)
    counts = {
        f"n_{status}": Count("fichas", filter=in_year & Q(fichas__status=status), distinct=True)
        for status in FichaStatus.values
    }
    actors = (
        Actor.objects.select_related("tipo", "entidad")
        .annotate(
            **counts,
            n_total=Count("fichas", filter=in_year, distinct=True),
            n_sent=Count(
                "fichas",
                filter=in_year & ~Q(fichas__status=FichaStatus.BORRADOR),
                distinct=True,
            ),
            n_focal=Count(
                "memberships",
                filter=Q(memberships__role=Role.ENLACE, memberships__user__is_active=True),
                distinct=True,
            ),
        )
        .filter(Q(active=True) | Q(n_total__gt=0))
        .order_by("tipo__chapter", "name")
    )
    if chapter:
        actors = actors.filter(tipo__chapter=chapter)
    if only_missing:
        actors = actors.filter(n_sent=0)
    return list(actors)


# ---------------------------------------------------------------------------------------------
# Classification and order
# ---------------------------------------------------------------------------------------------

CLASSIFICATION_FIELDS = Ficha.CLASSIFICATION_FIELDS


def _classification_snapshot(ficha: Ficha) -> dict[str, str]:
    values = snapshot(ficha, CLASSIFICATION_FIELDS)
    for i, reto in enumerate(ficha.retos.select_related("categoria").order_by("position", "pk")):
        values[f"reto_{reto.pk}"] = reto.categoria.name if reto.categoria else ""
        values[f"reto_{reto.pk}__label"] = f"Categoría del reto {i + 1}"
    return values


def _classification_diff(before: dict[str, str], after: dict[str, str]) -> dict:
    changes = diff(
        {k: v for k, v in before.items() if k in CLASSIFICATION_FIELDS},
        {k: v for k, v in after.items() if k in CLASSIFICATION_FIELDS},
    )
    for key, new in after.items():
        if key.startswith("reto_") and not key.endswith("__label") and before.get(key) != new:
            changes[key] = {"label": after[f"{key}__label"], "old": before.get(key, ""), "new": new}
    return changes


@transaction.atomic
def classify_ficha(
    ficha: Ficha,
    *,
    by: User,
    expected_version: int,
    eje: EjeTematico | None,
    subtema: Subtema | None,
    ods: Iterable,
    destacada: bool,
    resumen_informe: str,
    categorias: Mapping[int, ChallengeCategory | None],
    resumen_informe_en: str | None = None,
) -> Ficha:
    """Set the coordinator's classification of a ficha and the category of each challenge.

    Side effects: locks the ficha, bumps ``version``, writes one ``FichaEvent`` of kind
    «clasificación» with the field-by-field differences (none when nothing changed).
    Raises ``StaleFicha`` when somebody saved the ficha since ``expected_version``.
    ``categorias`` maps reto ids of this ficha to a category of the ficha's exercise.
    ``resumen_informe_en``: the English summary (docs/english-edition.md §E4); None keeps it.
    """
    ods = list(ods)
    locked = Ficha.objects.select_for_update().get(pk=ficha.pk)
    if resumen_informe_en is None:
        resumen_informe_en = locked.resumen_informe_en
    before = _classification_snapshot(locked)
    if locked.version != expected_version:
        mine = {**before}
        mine.update(
            {
                "eje": str(eje or ""),
                "subtema": str(subtema or ""),
                "ods": ", ".join(str(o) for o in ods),
                "destacada": text_rules.yes_no(destacada),
                "resumen_informe": resumen_informe,
                "resumen_informe_en": resumen_informe_en,
            }
        )
        raise StaleFicha(locked, _classification_diff(mine, before))
    locked.eje, locked.subtema = eje, subtema
    locked.destacada, locked.resumen_informe = destacada, resumen_informe
    locked.resumen_informe_en = resumen_informe_en
    locked.version += 1
    locked.updated_at, locked.updated_by = timezone.now(), by
    locked.save(
        update_fields=[
            "eje",
            "subtema",
            "destacada",
            "resumen_informe",
            "resumen_informe_en",
            "version",
            "updated_at",
            "updated_by",
        ]
    )
    locked.ods.set(ods)
    retos = list(Reto.objects.filter(ficha=locked, pk__in=categorias))
    for reto in retos:
        reto.categoria = categorias[reto.pk]
    Reto.objects.bulk_update(retos, ["categoria"])
    changes = _classification_diff(before, _classification_snapshot(locked))
    if changes:
        audit.record_event(locked, FichaEventKind.CLASSIFY, by=by, changes=changes)
    return locked


class Block(TypedDict):
    """One (chapter, objective) block of the Compendio: the keywords of the two functions below."""

    ejercicio: Ejercicio
    chapter: int
    objective: ObjetivoPMM


def order_block(*, ejercicio: Ejercicio, chapter: int, objective: ObjetivoPMM) -> list[Ficha]:
    """The approved fichas of one (chapter, objective) block in print order."""
    fichas = Ficha.objects.approved().filter(
        ejercicio=ejercicio, actor__tipo__chapter=chapter, objetivo_asignado=objective
    )
    return sorted(fichas.select_related("actor__tipo", "actor__entidad"), key=block_key)


@transaction.atomic
def save_block_order(
    *,
    ejercicio: Ejercicio,
    chapter: int,
    objective: ObjetivoPMM,
    positions: dict[int, int],
    by: User,
) -> int:
    """Number the block 1..n following ``positions`` (ficha id -> wanted position).

    Fichas missing from ``positions`` (approved meanwhile) keep their place after the others;
    ties keep the current order. Side effects: writes ``Ficha.orden`` for every ficha of the
    block whose number changes and one «clasificación» event each. Returns how many changed.
    ``version`` is not bumped: no form edits ``orden``, so no edit can be overwritten.
    """
    locked = {
        f.pk: f
        for f in Ficha.objects.select_for_update()
        .approved()
        .filter(ejercicio=ejercicio, actor__tipo__chapter=chapter, objetivo_asignado=objective)
    }
    current = [f for f in order_block(ejercicio=ejercicio, chapter=chapter, objective=objective)]
    rank = {f.pk: i for i, f in enumerate(current)}
    wanted = sorted(
        (f for f in current if f.pk in locked),
        key=lambda f: (f.pk not in positions, positions.get(f.pk, 0), rank[f.pk]),
    )
    changed = []
    for number, ficha in enumerate(wanted, start=1):
        if ficha.orden != number:
            changed.append((ficha, ficha.orden))
            ficha.orden = number
    Ficha.objects.bulk_update([f for f, _old in changed], ["orden"])
    audit.record_events(
        [ficha for ficha, _old in changed],
        FichaEventKind.CLASSIFY,
        by=by,
        changes_by_ficha={
            ficha.pk: {
                "orden": {
                    "label": field_label("orden"),
                    "old": "" if old is None else str(old),
                    "new": str(ficha.orden),
                }
            }
            for ficha, old in changed
        },
    )
    return len(changed)


@dataclasses.dataclass(frozen=True)
class HighlightsResult:
    changed: int
    # Fichas whose mark somebody else changed after the page was loaded: left as they are.
    conflicts: list[int]


@transaction.atomic
def set_highlights(
    *,
    ejercicio: Ejercicio,
    objective: ObjetivoPMM,
    chosen: Iterable[int],
    loaded: Mapping[int, bool],
    by: User,
) -> HighlightsResult:
    """Mark as «destacada» exactly the ``chosen`` approved fichas of one objective.

    ``loaded`` maps each ficha id the page showed to the mark it had then; only those fichas
    are touched (one approved meanwhile keeps its mark), and one whose mark changed since is
    left alone and returned in ``conflicts``. Side effects: locks the objective's approved
    fichas; sets ``destacada`` and bumps ``version`` (so an open classification form cannot
    overwrite it unseen) of each changed ficha; one «clasificación» event each
    (``reporting.audit``). docs/informe-workspace.md §W4.
    """
    chosen = set(chosen)
    fichas = list(
        Ficha.objects.select_for_update()
        .approved()
        .filter(ejercicio=ejercicio, objetivo_asignado=objective, pk__in=list(loaded))
        .order_by("pk")
    )
    changed, conflicts = [], []
    for ficha in fichas:
        wanted = ficha.pk in chosen
        if ficha.destacada == wanted:
            continue
        if ficha.destacada != loaded[ficha.pk]:
            conflicts.append(ficha.pk)
            continue
        ficha.destacada = wanted
        ficha.version += 1
        ficha.updated_at, ficha.updated_by = timezone.now(), by
        changed.append(ficha)
    Ficha.objects.bulk_update(changed, ["destacada", "version", "updated_at", "updated_by"])
    audit.record_events(
        changed,
        FichaEventKind.CLASSIFY,
        by=by,
        changes_by_ficha={
            f.pk: {
                "destacada": {
                    "label": field_label("destacada"),
                    "old": text_rules.yes_no(not f.destacada),
                    "new": text_rules.yes_no(f.destacada),
                }
            }
            for f in changed
        },
    )
    return HighlightsResult(changed=len(changed), conflicts=conflicts)


def ficha_history(ficha: Ficha) -> list[FichaEvent]:
    """Events of a ficha, oldest first, with people and observations loaded."""
    events = list(
        ficha.events.select_related("by").prefetch_related("observaciones").order_by("at", "pk")
    )
    for event in events:
        for obs in event.observaciones.all():
            obs.label = field_label(obs.field) if obs.field else ""
    return events
