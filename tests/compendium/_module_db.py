"""One database transaction for a whole test module (issue 12 tests).

An import of seed 003 or a demo load is too slow to repeat per test: a module fixture does it
once inside ``module_transaction`` and rolls it back at the end. Transactional tests elsewhere
flush every table, reference data included, so it is loaded again first when missing, as
``tests/conftest.py`` does for each database test.
"""

import contextlib
from collections.abc import Iterator
from pathlib import Path

from django.db import transaction
from django.test import override_settings

from tests.reference import ensure_reference_data


@contextlib.contextmanager
def module_transaction(django_db_blocker, media: Path | None = None) -> Iterator[None]:
    """The module's objects in one transaction rolled back at the end; files under ``media``."""
    media_root = {} if media is None else {"MEDIA_ROOT": media}
    with django_db_blocker.unblock(), override_settings(**media_root), transaction.atomic():
        ensure_reference_data()
        yield
        transaction.set_rollback(True)
