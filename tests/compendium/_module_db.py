"""One database transaction for a whole test module (issue 12 tests).

An import of seed 003 or a demo load is too slow to repeat per test: a module fixture does it
once inside ``module_transaction`` and rolls it back at the end. Transactional tests elsewhere
flush every table, reference data included, so it is loaded again first when missing, as
``tests/conftest.py`` does for each database test.
"""

import contextlib
import importlib
from collections.abc import Iterator

from django.apps import apps
from django.db import transaction


@contextlib.contextmanager
def module_transaction(django_db_blocker) -> Iterator[None]:
    from reporting.models import ObjetivoPMM

    with django_db_blocker.unblock(), transaction.atomic():
        if not ObjetivoPMM.objects.exists():
            importlib.import_module("reporting.migrations.0002_reference_data").load(apps, None)
        yield
        transaction.set_rollback(True)
