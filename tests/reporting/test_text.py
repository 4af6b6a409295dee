"""reporting.text: the word rule (shared with the JavaScript counter), rubros and their limit."""

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest

from reporting.text import (
    WORD_LIMIT,
    WORD_SECTIONS,
    count_words,
    fold,
    section_words,
    too_many_words,
)

# The same table drives tests/browser/test_word_count.py against static/js/ficha_form.js.
CASES = json.loads(
    (Path(__file__).parents[1] / "data" / "word_count_cases.json").read_text(encoding="utf-8")
)


def test_the_table_covers_the_rule():
    assert len(CASES) >= 25
    assert all(set(case) == {"text", "words"} for case in CASES)
    assert len({case["text"] for case in CASES}) == len(CASES)


@pytest.mark.parametrize(("text", "words"), [(c["text"], c["words"]) for c in CASES])
def test_count_words_matches_the_shared_table(text, words):
    assert count_words(text) == words


def test_count_words_of_none_and_of_the_first_example():
    assert count_words(None) == 0
    assert count_words("Se atendió a 2,500 personas en S.R.E. y co-responsabilidad") == 9


def test_accents_count_the_same_composed_or_decomposed():
    composed = "Información sobre niñez y adolescencia"
    decomposed = "Informacio\u0301n sobre nin\u0303ez y adolescencia"
    assert count_words(composed) == count_words(decomposed) == 5


@pytest.mark.slow
def test_a_word_is_exactly_what_javascript_calls_letters_digits_and_underscore():
    # The JS counter uses [\p{L}\p{N}_]; Python's \w must be the same set of characters.
    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    letters_digits = {c for c in everything if unicodedata.category(c)[0] in "LN"}
    assert set(re.findall(r"\w", everything)) == letters_digits | {"_"}


def test_the_dashed_example_is_five_words_not_seven():
    text = "Talleres - ferias - 2,500 personas atendidas"
    assert (count_words(text), len(text.split())) == (5, 7)


def test_section_words_adds_the_boxes_of_each_rubro():
    values = {
        "objetivo_programa": "Orientar a personas migrantes.",
        "poblacion_objetivo": "Personas en tránsito.",
        "descripcion": "Talleres - ferias - 2,500 personas atendidas",
        "resultados": "Se atendió a 2,500 personas.",
    }
    assert section_words(values) == {"descripcion": 4 + 3 + 5, "resultados": 5}
    assert set(section_words({})) == {s for s, names in WORD_SECTIONS.items() if names}


def test_too_many_words_refuses_only_over_the_limit():
    assert too_many_words("descripcion", WORD_LIMIT) is None
    assert too_many_words("resultados", WORD_LIMIT + 1) == (
        "La sección «Resultados» tiene 181 palabras; el máximo es 180. Resuma el texto."
    )
    assert too_many_words("retos", 200) == (
        "Los retos suman 200 palabras; el máximo es 180. Resuma el texto."
    )


def test_fold_ignores_case_and_accents():
    assert fold("Niñez MIGRANTE en Unión") == "ninez migrante en union"
    assert fold("Nin\u0303ez") == fold("Niñez")
