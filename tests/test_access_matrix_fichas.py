"""The access matrix's rows of the ficha patterns (``part_of(key) == "fichas"``).

The table, its machinery and the fixtures are tests/test_access_matrix.py's; this file only runs
its part, so that pytest-xdist can run the three files of the matrix on different cores.
"""

from tests.test_access_matrix import part_tests, run, world  # noqa: F401 (fixtures)

test_access, test_totals = part_tests("fichas")
