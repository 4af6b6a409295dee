"""Before/after figures on a noisy machine: the same measurement, alternating two code trees.

Used by bench/review_desk.py and bench/ficha_form.py (docs/load-test.md §L5). ``baseline_tree``
exports a commit with ``git archive`` (nothing in the working tree or the repository changes)
and copies the compiled translations into it; ``alternate`` runs a child measurement in the
baseline tree and in this one, in turns (ABBA...), against the same database, and ``ratios``
prints min/median/max of after/before per round. A child is this same script run with
``--child --tree DIR``; it imports the project from DIR and prints one JSON line.
"""

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def baseline_tree(commit: str) -> Path:
    """The project as of ``commit`` in a temporary directory (code, templates, translations)."""
    target = Path(tempfile.mkdtemp(prefix="pmm-baseline-"))
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    for mo in (ROOT / "locale").rglob("*.mo"):
        dest = target / mo.relative_to(ROOT)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(mo, dest)
    return target


def after_tree(argv: list[str]) -> Path:
    """``--after COMMIT`` exported like the baseline, else this working tree.

    Several people edit this working tree at once: a snapshot keeps their unfinished changes
    (a model without its migration) out of the measurement.
    """
    if "--after" in argv:
        return baseline_tree(argv[argv.index("--after") + 1])
    return ROOT


def describe(tree: Path) -> str:
    return "this working tree" if tree == ROOT else str(tree)


def run_child(script: Path, tree: Path, args: list[str], *, show: bool = False):
    """Run ``script`` with ``args`` importing the project from ``tree``; its last JSON line."""
    child = subprocess.run(
        [sys.executable, str(script), "--tree", str(tree), *args],
        capture_output=True,
        text=True,
        env=os.environ,
    )
    if child.returncode:
        sys.exit(f"{script.name} {' '.join(args)} in {tree} failed:\n{child.stderr[-3000:]}")
    if show:
        print(child.stdout, end="")
        return None
    return json.loads(child.stdout.strip().splitlines()[-1])


def child_tree(argv: list[str]) -> Path:
    """The tree a child imports from: ``--tree DIR``, else this checkout."""
    if "--tree" in argv:
        return Path(argv[argv.index("--tree") + 1])
    return ROOT


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def alternate(script: Path, before: Path, after: Path, rounds: int, extra: list[str]) -> list[dict]:
    """Run ``script --child`` in both trees ``rounds`` times each, alternating (ABBA)."""
    results = []
    for r in range(rounds):
        order = [("before", before), ("after", after)]
        if r % 2:
            order.reverse()
        results.append(
            {label: run_child(script, tree, ["--child", *extra]) for label, tree in order}
        )
    return results


def ratios(results: list[dict], cases: list[str]) -> None:
    """Print p50/p95 (ms) of each variant over all rounds and after/before per round."""
    print(
        f"{'case':34} {'before p50':>10} {'p95':>7} {'after p50':>10} {'p95':>7}"
        f"   {'p50 after/before min/med/max':>30}   {'p95 ratio min/med/max':>22}"
    )
    for case in cases:
        before = [t for row in results for t in row["before"][case]]
        after = [t for row in results for t in row["after"][case]]
        r50 = [
            statistics.median(row["after"][case]) / statistics.median(row["before"][case])
            for row in results
        ]
        r95 = [
            percentile(row["after"][case], 0.95) / percentile(row["before"][case], 0.95)
            for row in results
        ]

        def span(values):
            return f"{min(values):.2f}/{statistics.median(values):.2f}/{max(values):.2f}"

        print(
            f"{case:34} {statistics.median(before):10.1f} {percentile(before, 0.95):7.1f}"
            f" {statistics.median(after):10.1f} {percentile(after, 0.95):7.1f}"
            f"   {span(r50):>30}   {span(r95):>22}"
        )


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def alternated_times(
    script: Path, before: Path, after: Path, rounds: int, repeat: int, cases, label: str
) -> dict[str, list[float]]:
    """Run ``script`` in both trees, alternated (ABBA), print the ratios of ``cases`` and
    return the after tree's times of each case."""
    print(f"before = {label}, after = {describe(after)}; {rounds} rounds, ABBA")
    results = alternate(script, before, after, rounds, ["--repeat", str(repeat)])
    ratios(results, cases)
    return {case: [t for row in results for t in row["after"][case]] for case in cases}


def measured_in_child(measure, repeat: int) -> bool:
    """With ``--child`` (this process runs in one tree, for ``alternate``): set Django up,
    print ``measure(repeat)`` as JSON and say so."""
    if "--child" not in sys.argv:
        return False
    import _django

    _django.setup(default_db=None)
    print(json.dumps(measure(repeat)))
    return True
