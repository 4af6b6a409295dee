"""Retos by category, in bulk: the suggestion rules and the one writer of bulk categorisation.

The Informe Ejecutivo counts the retos of the approved fichas per challenge category
(docs/publications.md §I8). Categorising them one ficha at a time on the review page takes days,
so the Informe workspace offers one table of every reto of the exercise (compendium's view,
docs/informe-workspace.md §W5) that is saved here, page by page.

Suggestions are transparent rules, never a model: each category has keywords (its own
``ChallengeCategory.keywords``, or for a default category with none the built-in list below);
a keyword matches the start of a word of the reto, ignoring case and accents, so «presupuest»
matches «presupuesto» and «presupuestales»; the category with most distinct keywords found is
suggested, a tie going to the category listed first; no keyword found, no suggestion. The
coordinator accepts or overrides every suggestion: nothing is saved without a save.

Writes: ``Reto.categoria`` (``save_reto_categories``, with the fichas' version and one
«clasificación» event per ficha through ``reporting.audit``) and ``ChallengeCategory.keywords``
(``save_keywords``, one audit row on the exercise).
"""

import dataclasses
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reporting import audit
from reporting.models import (
    ChallengeCategory,
    Ejercicio,
    Ficha,
    FichaEventKind,
    ObjetivoPMM,
    Reto,
    User,
)
from reporting.text import fold_spaces

# Built-in keywords of the default categories (reporting.reference.DEFAULT_CHALLENGE_CATEGORIES),
# by the category's folded name. Used while a category's own keywords are blank; a renamed
# category has none until the coordination writes them.
DEFAULT_KEYWORDS: dict[str, tuple[str, ...]] = {
    "recursos presupuestales y financieros": (
        "presupuest",
        "recursos económicos",
        "recursos financieros",
        "financiamiento",
        "fondos",
        "recorte",
        "costo",
    ),
    "recursos humanos y capacitacion": (
        "personal",
        "recursos humanos",
        "capacita",
        "formación",
        "sensibiliz",
        "rotación",
        "plantilla",
    ),
    "coordinacion interinstitucional y alianzas": (
        "coordina",
        "interinstitucional",
        "colabora",
        "convenio",
        "vincula",
        "alianza",
        "articula",
    ),
    "difusion y acceso a la informacion": (
        "difusión",
        "difundir",
        "divulga",
        "comunica",
        "dar a conocer",
        "desconocimiento",
        "promoción",
    ),
    "datos, registros y sistemas de informacion": (
        "datos",
        "registr",
        "estadístic",
        "desagreg",
        "sistema de información",
        "sistemas de información",
        "indicador",
    ),
    "marco normativo, tramites y procedimientos": (
        "normativ",
        "ley",
        "reglament",
        "lineamiento",
        "trámite",
        "procedimiento",
        "requisito",
        "documentación",
    ),
    "cobertura y alcance territorial": (
        "cobertura",
        "alcance",
        "territori",
        "región",
        "municipio",
        "comunidades",
        "zonas rurales",
    ),
    "infraestructura, equipamiento y tecnologia": (
        "infraestructura",
        "equipamiento",
        "equipo",
        "instalaciones",
        "tecnolog",
        "conectividad",
        "internet",
        "vehículo",
    ),
    "caracteristicas de la poblacion atendida": (
        "movilidad",
        "idioma",
        "lengua",
        "desconfianza",
        "temor",
        "miedo",
        "en tránsito",
    ),
    "continuidad y sostenibilidad": (
        "continuidad",
        "sostenib",
        "permanencia",
        "cambio de administración",
        "prioridades",
    ),
}

_SEPARATORS = re.compile(r"[,;\n]+")


class ChallengesRefused(Exception):
    """A bulk save that cannot be done (a reto or category of another exercise)."""


def parse_keywords(text: str) -> list[str]:
    """Keywords as typed: separated by commas, semicolons or lines; blanks and repeats dropped."""
    seen: dict[str, str] = {}
    for part in _SEPARATORS.split(text or ""):
        word = " ".join(part.split())
        if word and fold_spaces(word) not in seen:
            seen[fold_spaces(word)] = word
    return list(seen.values())


@dataclasses.dataclass(frozen=True)
class Rule:
    """The keywords that suggest one category, and where they come from."""

    category_id: int
    name: str
    keywords: tuple[str, ...]
    builtin: bool  # the built-in list of a default category (its own keywords are blank)

    def matches(self, folded_text: str) -> list[str]:
        """The keywords found at the start of a word of ``folded_text`` (already folded)."""
        return [
            word
            for word in self.keywords
            if re.search(r"(?<!\w)" + re.escape(fold_spaces(word)), folded_text)
        ]


def rule_of(category: ChallengeCategory) -> Rule:
    own = parse_keywords(category.keywords)
    if own:
        return Rule(category.pk, category.name, tuple(own), builtin=False)
    builtin = DEFAULT_KEYWORDS.get(fold_spaces(category.name), ())
    return Rule(category.pk, category.name, builtin, builtin=bool(builtin))


def rules_for(ejercicio: Ejercicio) -> list[Rule]:
    """One rule per category of the exercise, in the categories' order."""
    return [rule_of(c) for c in ejercicio.challenge_categories.order_by("position", "name")]


@dataclasses.dataclass(frozen=True)
class Suggestion:
    category_id: int
    name: str
    matched: tuple[str, ...]  # the keywords found, as the rule spells them


def suggest(text: str, rules: Sequence[Rule]) -> Suggestion | None:
    """The category whose keywords ``text`` contains most (distinct ones); ties: first listed."""
    folded = fold_spaces(text)
    best: Suggestion | None = None
    for rule in rules:
        found = rule.matches(folded)
        if found and (best is None or len(found) > len(best.matched)):
            best = Suggestion(rule.category_id, rule.name, tuple(found))
    return best


# --- The table ---------------------------------------------------------------------------------


def retos_of(
    ejercicio: Ejercicio,
    *,
    uncategorised: bool = False,
    objective: ObjetivoPMM | None = None,
) -> QuerySet[Reto]:
    """Retos of the exercise's approved fichas (those the Informe counts), in a stable order:
    objective, institution, program, then the reto's place in its ficha."""
    retos = Reto.objects.filter(
        ficha__in=Ficha.objects.approved().filter(ejercicio=ejercicio)
    ).select_related("ficha__actor", "ficha__objetivo_asignado", "categoria")
    if uncategorised:
        retos = retos.filter(categoria__isnull=True)
    if objective is not None:
        retos = retos.filter(ficha__objetivo_asignado=objective)
    return retos.order_by(
        "ficha__objetivo_asignado", "ficha__actor__name", "ficha__nombre", "ficha", "position", "pk"
    )


def progress(ejercicio: Ejercicio) -> tuple[int, int]:
    """(retos with a category, all retos) over the approved fichas of the exercise."""
    retos = retos_of(ejercicio)
    return retos.filter(categoria__isnull=False).count(), retos.count()


@dataclasses.dataclass(frozen=True)
class Assignment:
    """One row of a saved page: the category chosen, and the one the page was loaded with."""

    reto_id: int
    category_id: int | None
    loaded_category_id: int | None
    suggested: bool = False  # the choice is the suggestion the row offered


@dataclasses.dataclass(frozen=True)
class BulkResult:
    changed: int
    fichas: int
    # Retos whose category somebody else changed after the page was loaded: left as they are.
    conflicts: list[int]


def _labels(fichas: Iterable[int]) -> dict[int, str]:
    """«Categoría del reto N» per reto id, N its place in its ficha (as the review page says)."""
    labels: dict[int, str] = {}
    by_ficha: dict[int, int] = defaultdict(int)
    for reto_id, ficha_id in (
        Reto.objects.filter(ficha__in=list(fichas))
        .order_by("ficha", "position", "pk")
        .values_list("pk", "ficha_id")
    ):
        by_ficha[ficha_id] += 1
        labels[reto_id] = _("Categoría del reto %(n)s") % {"n": by_ficha[ficha_id]}
    return labels


@transaction.atomic
def save_reto_categories(
    ejercicio: Ejercicio, assignments: Sequence[Assignment], *, by: User
) -> BulkResult:
    """Give each reto of ``assignments`` its chosen category (None: «sin categoría»).

    Only rows whose choice differs from the stored category are written. A row whose stored
    category is no longer the one its page was loaded with was changed by somebody else: it is
    left alone and returned in ``conflicts`` (the page shows it again with the stored value).

    Side effects: locks and updates the changed ``Reto`` rows; bumps ``version`` (and
    ``updated_at``/``updated_by``) of their fichas, so a review form open on one of them cannot
    overwrite this save unseen; one «clasificación» event per ficha with each reto's old and new
    category (``reporting.audit.record_events``). Raises ``ChallengesRefused`` for a reto that
    is not of an approved ficha of ``ejercicio`` or a category of another exercise.
    """
    categories = {c.pk: c for c in ejercicio.challenge_categories.all()}
    if any(a.category_id is not None and a.category_id not in categories for a in assignments):
        raise ChallengesRefused(_("Una de las categorías no es de este ejercicio."))
    wanted = {a.reto_id: a for a in assignments}
    retos = {
        r.pk: r
        for r in Reto.objects.select_for_update()
        .filter(pk__in=wanted, ficha__in=Ficha.objects.approved().filter(ejercicio=ejercicio))
        .order_by("pk")
    }
    if len(retos) != len(wanted):
        raise ChallengesRefused(
            _("Uno de los retos no es de una ficha aprobada de este ejercicio.")
        )
    changed: list[tuple[Reto, int | None, bool]] = []
    conflicts: list[int] = []
    for reto_id, assignment in wanted.items():
        reto = retos[reto_id]
        if reto.categoria_id == assignment.category_id:
            continue
        if reto.categoria_id != assignment.loaded_category_id:
            conflicts.append(reto_id)
            continue
        changed.append((reto, reto.categoria_id, assignment.suggested))
        reto.categoria_id = assignment.category_id
    Reto.objects.bulk_update([r for r, _old, _s in changed], ["categoria"])
    ficha_ids = sorted({r.ficha_id for r, _old, _s in changed})
    if ficha_ids:
        Ficha.objects.filter(pk__in=ficha_ids).update(
            version=F("version") + 1, updated_at=timezone.now(), updated_by=by
        )
        labels = _labels(ficha_ids)
        changes: dict[int, dict[str, dict[str, str]]] = defaultdict(dict)

        def name(pk: int | None) -> str:
            return categories[pk].name if pk is not None else ""

        for reto, old, suggested in changed:
            label = labels[reto.pk]
            if suggested:
                label = _("%(label)s (sugerencia aceptada)") % {"label": label}
            changes[reto.ficha_id][f"reto_{reto.pk}"] = {
                "label": label,
                "old": name(old),
                "new": name(reto.categoria_id),
            }
        audit.record_events(
            ficha_ids,
            FichaEventKind.CLASSIFY,
            by=by,
            note=_("Categorías de retos asignadas en bloque desde el espacio del Informe."),
            changes_by_ficha=changes,
        )
    return BulkResult(changed=len(changed), fichas=len(ficha_ids), conflicts=sorted(conflicts))


@transaction.atomic
def save_keywords(ejercicio: Ejercicio, keywords: Mapping[int, str], *, by: User) -> int:
    """Set the suggestion keywords of the exercise's categories (category id → text).

    The text is stored normalised (one keyword per line, repeats dropped). Side effects: the
    changed ``ChallengeCategory.keywords``; one audit row on the exercise listing each change
    (``reporting.audit.record_change``). Returns how many categories changed. Raises
    ``ChallengesRefused`` for a category of another exercise.
    """
    categories = {
        c.pk: c for c in ChallengeCategory.objects.select_for_update().filter(ejercicio=ejercicio)
    }
    if any(pk not in categories for pk in keywords):
        raise ChallengesRefused(_("Una de las categorías no es de este ejercicio."))
    changes: dict[str, dict[str, str]] = {}
    for pk, text in keywords.items():
        category = categories[pk]
        value = "\n".join(parse_keywords(text))
        if value == category.keywords:
            continue
        changes[f"keywords-{pk}"] = {
            "label": _("Palabras clave de «%(name)s»") % {"name": category.name},
            "old": ", ".join(parse_keywords(category.keywords)),
            "new": ", ".join(parse_keywords(value)),
        }
        ChallengeCategory.objects.filter(pk=pk).update(keywords=value)
    audit.record_change(ejercicio, by=by, changes=changes)
    return len(changes)
