"""The Informe Ejecutivo of the real 2023 Compendio (seed 003), imported in full.

Expected numbers are computed here from the parser's output (``parse_compendio``), not from
``compendium.informe``, and the ones domain.md §B.8/§C.1 states by hand are also spelled out.
"""

import time
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from compendium import informe
from compendium.importers.compendio_import import import_compendio
from compendium.importers.compendio_text import parse_compendio
from compendium.models import Edicion
from compendium.pdf import render_pdf
from reporting.reference import ENTIDADES
from tests.compendium._module_db import module_transaction

SEED = Path(__file__).resolve().parents[3] / "shared/seeds/003_e989e04225e3c00d.txt"
STATE_SIGLAS = {printed: code for code, _name, printed in ENTIDADES}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not SEED.exists(), reason=f"seed 003 not found at {SEED}"),
]


@pytest.fixture(scope="module")
def parsed():
    return parse_compendio(SEED.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, parsed):
    """Seed 003 imported once for the module (rolled back at its end), and its Informe data."""
    with module_transaction(django_db_blocker):
        report = import_compendio(SEED.read_text(encoding="utf-8"), year=2023)
        assert report.total == len(parsed.programas) == 356
        yield informe.compute_informe(report.ejercicio)


@pytest.fixture
def data(db, imported):
    return imported


def expected_ranking(counter: Counter, *, fewest: bool) -> list[int]:
    """Five places by count, keeping every objective tied with the fifth."""
    pool = sorted(
        range(1, 24),
        key=lambda n: (counter[n] if fewest else -counter[n], n),
    )
    fifth = counter[pool[4]]
    return [n for n in pool if (counter[n] <= fifth if fewest else counter[n] >= fifth)]


def test_counts_per_objective_agree_with_the_parser(data, parsed):
    total = Counter(p.objective for p in parsed.programas)
    federal = Counter(p.objective for p in parsed.programas if p.chapter == 1)
    state = Counter(p.objective for p in parsed.programas if p.chapter == 2)
    assert [(c.number, c.total, c.federal, c.state) for c in data.counts] == [
        (n, total[n], federal[n], state[n]) for n in range(1, 24)
    ]
    # domain.md §B.8, by hand.
    assert [c.total for c in data.counts][:8] == [39, 4, 30, 28, 10, 9, 43, 19]
    assert (data.federal_total, data.state_total, data.participation.fichas) == (173, 151, 356)


def test_most_and_fewest_tables_with_their_ties(data, parsed):
    total = Counter(p.objective for p in parsed.programas)
    assert data.most.numbers == expected_ranking(total, fewest=False) == [15, 7, 1, 3, 4]
    assert [r.count for r in data.most.rows] == [48, 43, 39, 30, 28]
    assert data.most.note == ""
    assert data.fewest.numbers == expected_ranking(total, fewest=True) == [2, 9, 20, 11, 18, 19]
    assert [r.count for r in data.fewest.rows] == [4, 4, 4, 5, 5, 5]
    assert data.fewest.tied == [11, 18, 19]
    assert data.fewest.note == (
        "Se muestran 6 objetivos en lugar de 5 porque los objetivos 11, 18 y 19 empatan con "
        "5 fichas; el empate no se rompe."
    )
    assert data.empty_all == []
    assert data.empty_federal == [6, 18, 19]
    assert data.empty_state == [9, 12, 13]


def test_institutions_per_chapter_agree_with_the_parser(data, parsed):
    lead_chapter = {}
    for p in parsed.programas:
        lead_chapter.setdefault(p.actor_siglas[0], p.chapter)
    everyone = {s for p in parsed.programas for s in p.actor_siglas}
    # An actor that never leads is a state (chapter 2) or a federal body (chapter 1).
    chapter_of = {s: lead_chapter.get(s, 2 if s in STATE_SIGLAS else 1) for s in sorted(everyone)}
    institutions = Counter(chapter_of.values())
    fichas = Counter(p.chapter for p in parsed.programas)
    assert [(r.chapter, r.institutions, r.fichas) for r in data.participation.by_chapter] == [
        (chapter, institutions[chapter], fichas[chapter]) for chapter in range(1, 7)
    ]
    # domain.md §B.8: 61 institutions; 33 federal bodies, 17 states, 2 chambers, IFDP, 4, 4.
    assert [r.institutions for r in data.participation.by_chapter] == [33, 17, 2, 1, 4, 4]
    assert data.participation.institutions == len(everyone) == 61
    assert data.participation.states_count == 17


def test_states_and_participants_agree_with_the_parser(data, parsed):
    per_state = Counter(
        STATE_SIGLAS[s] for p in parsed.programas for s in set(p.actor_siglas) if s in STATE_SIGLAS
    )
    assert data.per_state == dict(per_state)
    assert data.per_state["19"] == 22  # NUEVO LEÓN
    lead = Counter(p.actor_siglas[0] for p in parsed.programas)
    joint = Counter(s for p in parsed.programas for s in p.actor_siglas[1:])
    rows = {r.sigla: (r.lead, r.joint) for r in data.participants}
    assert rows == {s: (lead[s], joint[s]) for s in lead | joint}
    assert rows["SRE"] == (30, 7)


def test_figures_and_challenges_of_an_import_without_structured_results(data, parsed):
    # The printed Compendio has no structured figures: nothing is invented.
    assert {(f.total, f.reported_in, f.of) for f in data.figures} == {(None, 0, 356)}
    retos = sum(len(p.challenges) for p in parsed.programas)
    assert sum(c.total for c in data.challenges) == retos
    assert all(h.highlights == [] for h in data.highlights)


def test_pdf_of_2023(data, tmp_path):
    edicion = Edicion.objects.get(ejercicio__year=2023)
    target = tmp_path / "informe-2023.pdf"
    started = time.monotonic()
    pages = render_pdf(
        informe.render_informe_html(edicion, draft=False), target=target, draft=False
    )
    seconds = time.monotonic() - started
    reader = PdfReader(target)
    print(f"Informe Ejecutivo 2023: {pages} pages in {seconds:.1f} s")
    assert len(reader.pages) == pages
    assert 12 <= pages <= 40
    assert [item.title for item in reader.outline if not isinstance(item, list)] == [
        "I. Preámbulo",
        "II. Conformación del informe",
        "III. Evaluación general",
        "IV. Principales acciones, programas y buenas prácticas",
        "V. Retos identificados",
        "VI. Conclusiones",
        "VII. Anexos",
    ]
    assert reader.metadata.title == "Informe Ejecutivo 2023"
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Versión preliminar" not in text
    assert "11, 18 y 19 empatan" in " ".join(text.split())
