"""Reference data for tests that set up a database outside a test function.

Transactional tests flush every table, reference data included (tests/conftest.py reloads it
before each database test). A module- or session-scoped fixture runs before that reload, so it
calls ``ensure_reference_data`` itself.
"""

import importlib

from django.apps import apps

# The data migrations that fill reference tables, in order (docs/reference-data.md §D0).
LOADERS = (
    "reporting.migrations.0002_reference_data",
    # The 2018-2022 figures of the series (docs/series.md §S1).
    "compendium.migrations.0008_series_history",
    # The English titles of the reference tables (docs/english-edition.md §E1).
    "reporting.migrations.0009_english_reference",
)


def load_reference_data() -> None:
    """Insert whatever reference rows are missing (each loader is safe to call again)."""
    for name in LOADERS:
        importlib.import_module(name).load(apps, None)


def ensure_reference_data() -> None:
    """Load the reference data if a flush has emptied it."""
    from reporting.models import ObjetivoPMM

    if not ObjetivoPMM.objects.exists():
        load_reference_data()
