"""The access matrix's rows of the ficha patterns (``part_of(key) == "fichas"``).

The table, its machinery and the fixtures are tests/test_access_matrix.py's; this file only runs
its part, so that pytest-xdist can run the three files of the matrix on different cores.
"""

import collections

import pytest

from tests.test_access_matrix import (  # noqa: F401 (run and world are fixtures)
    check_pattern,
    patterns_of,
    report_totals,
    run,
    world,
)

TOTALS: collections.Counter = collections.Counter()


@pytest.mark.slow
@pytest.mark.parametrize("pattern", patterns_of("fichas"))
def test_access(pattern, run):  # noqa: F811
    check_pattern(pattern, run, TOTALS)


def test_totals():
    """Reports the figures of this file's run."""
    report_totals(TOTALS, "fichas")
