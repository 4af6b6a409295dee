"""The Compendio rendered in parts, on every core, and again only where it changed
(docs/performance.md §F3-F5).

``render_book`` takes the Compendio's HTML (``compendium.compendio.render_compendio``) and:

1. splits it into parts (``split_book``): the cover and front matter, the índice, and the body
   (introduction, chapters, annexes, closing page) cut at objective sections into groups of
   similar size (``PDF_BUILD_PARTS``, counted in programs, so editing a ficha's text never moves
   a cut). A cut inside a chapter starts the next objective on a new page; cuts at chapter
   boundaries change nothing, since chapters start on a new page anyway;
2. renders every part that is not in the cache in ``PDF_BUILD_PROCESSES`` processes (forked,
   default one per core), each part a complete tagged PDF whose layout does not depend on its
   first page's number: parts print no folio, running heads are the edition's title, footnote
   numbers are the book's (``data-n``);
3. renders the índice as soon as the body parts are rendered (in the same pool, while the
   front matter may still render), with the folios of its targets taken from the real page
   counts of the parts (its links point to other parts: ``pdf_assembly.PART_LINK_BASE``);
4. stitches the parts into one PDF (``compendium.pdf_assembly``): one structure tree, outline,
   named destinations, links, page labels, metadata, and the folios stamped on each page.

Incremental builds: a part is cached under a key made of its HTML, its extra stylesheet, the
print stylesheets and fonts it uses and the versions of this code and of WeasyPrint
(``part_key``), in ``PDF_PARTS_DIR/<scope>/``. After a build only the parts it used stay there,
so the last build of each edition's document (draft or final) is kept and nothing else. After
one ficha is edited, only its part is rendered again (and the índice if a page count moved). A
cached part is the same bytes a fresh render gives (WeasyPrint's output is deterministic), so
an incremental build's file equals a full build's (tested).

WeasyPrint and pypdf are imported inside the functions (docs/performance.md §F1).
"""

import concurrent.futures
import contextlib
import functools
import hashlib
import html as html_lib
import logging
import multiprocessing
import os
import pathlib
import re
import resource
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.staticfiles import finders
from django.utils.translation import gettext as _

from compendium.pagelabels import BODY_PAGES
from compendium.pdf import DRAFT_CSS, STATIC_BASE, STATIC_ORIGIN

if TYPE_CHECKING:
    from compendium.pagelabels import LabelRange
    from compendium.pdf_assembly import PartInfo

logger = logging.getLogger(__name__)

# Bump when a change here changes what a part's PDF contains: cached parts are then unused.
LAYOUT_VERSION = "2"
# The time written into the fonts of every part (SOURCE_DATE_EPOCH: 2020-01-01 00:00 UTC).
REPRODUCIBLE_EPOCH = "1577836800"

_MAIN_OPEN = '<div class="main">'
_OBJECTIVE = '<h2 class="objective">'
_TOC = '<nav class="toc"'
# Pages that print a folio (static/print/compendio.css); BODY_PAGES also counts dividers.
FOLIO_PAGES = frozenset({"intro", "main"})


# --- Splitting the HTML -----------------------------------------------------------------------


@dataclass
class _Atom:
    section: int
    open_tag: str
    html: str
    weight: int
    # False where a cut would start an objective on a new page that the whole book would not.
    free_cut: bool


@dataclass
class PartSource:
    name: str
    html: str
    weight: int
    kind: str  # "front", "toc" or "body"


def _atoms(inner: str) -> list[_Atom] | None:
    starts = [m.start() for m in re.finditer(r"<section\b", inner)]
    if not starts or inner[: starts[0]].strip():
        return None
    atoms: list[_Atom] = []
    for index, (start, end) in enumerate(zip(starts, [*starts[1:], len(inner)], strict=True)):
        piece = inner[start:end].strip()
        if not piece.endswith("</section>"):
            return None
        open_tag = piece[: piece.index(">") + 1]
        body = piece[len(open_tag) : -len("</section>")]
        cuts = [m.start() for m in re.finditer(re.escape(_OBJECTIVE), body)]
        # The chapter's opening (divider page, heading) stays with its first objective.
        bounds = [0, *cuts[1:], len(body)]
        for n, (a, b) in enumerate(zip(bounds, bounds[1:], strict=False)):
            chunk = body[a:b]
            programs = chunk.count("<article")
            weight = programs + 1 if programs else len(chunk) // 4000 + 1
            atoms.append(_Atom(index, open_tag, chunk, weight, free_cut=n == 0))
    return atoms


def _partition(atoms: list[_Atom], parts: int) -> list[list[_Atom]]:
    """Contiguous groups of about equal weight; cuts prefer section boundaries."""
    total = sum(a.weight for a in atoms)
    target = total / max(1, parts)
    groups: list[list[_Atom]] = [[]]
    weight = 0
    for atom in atoms:
        if groups[-1] and weight >= target * (0.85 if atom.free_cut else 1.0):
            groups.append([])
            weight = 0
        groups[-1].append(atom)
        weight += atom.weight
    return groups


def _strip_id(open_tag: str) -> str:
    return re.sub(r'\s+id="[^"]*"', "", open_tag)


def split_book(html: str, parts: int) -> list[PartSource] | None:
    """The parts of the Compendio's HTML, in print order, or None if its shape is unexpected.

    Part "front": cover and front matter up to the índice; "toc": the índice; then the body
    groups (the closing page with the last one).
    """
    body_at, main_at, end_at = html.find("<body>"), html.find(_MAIN_OPEN), html.rfind("</body>")
    if min(body_at, main_at, end_at) < 0 or not body_at < main_at < end_at:
        return None
    head = html[: body_at + len("<body>")]
    back_at = html.find('<section class="back', main_at)
    back_at = end_at if back_at < 0 else back_at
    main_close = html.rfind("</div>", main_at, back_at)
    if main_close < 0:
        return None
    front = html[body_at + len("<body>") : main_at]
    inner = html[main_at + len(_MAIN_OPEN) : main_close]
    tail = html[main_close + len("</div>") : end_at]
    toc_at = front.find(_TOC)
    front_end = front.rfind("</section>")
    if toc_at < 0 or front_end < toc_at:
        return None
    front_open = front.rfind("<section", 0, toc_at)
    front_tag = front[front_open : front.index(">", front_open) + 1]
    atoms = _atoms(inner)
    if atoms is None:
        return None
    out = [
        PartSource("portada", head + front[:toc_at] + "</section>\n</body></html>", 1, "front"),
        PartSource(
            "indice",
            head + _strip_id(front_tag) + front[toc_at:] + "\n</body></html>",
            1,
            "toc",
        ),
    ]
    groups = _partition(atoms, parts)
    opened: set[int] = set()
    for number, group in enumerate(groups, start=1):
        chunks = [_MAIN_OPEN]
        for index, atom in enumerate(group):
            if index == 0 or group[index - 1].section != atom.section:
                tag = atom.open_tag if atom.section not in opened else _strip_id(atom.open_tag)
                chunks.append(tag)
                opened.add(atom.section)
            chunks.append(atom.html)
            if index + 1 == len(group) or group[index + 1].section != atom.section:
                chunks.append("</section>")
        chunks.append("</div>")
        if number == len(groups):
            chunks.append(tail)
        body = "\n".join(chunks)
        weight = sum(a.weight for a in group)
        out.append(
            PartSource(f"cuerpo-{number:02d}", head + body + "\n</body></html>", weight, "body")
        )
    return out


_ID_RE = re.compile(r'\bid="([^"]+)"')
_HREF_RE = re.compile(r'href="#([^"]+)"')


def _link_other_parts(sources: list[PartSource]) -> dict[str, list[str]]:
    """Rewrite links to another part's anchor as PART_LINK_BASE URIs; return them by part."""
    from compendium.pdf_assembly import PART_LINK_BASE

    rewritten: dict[str, list[str]] = {}
    for source in sources:
        ids = set(_ID_RE.findall(source.html))
        names: list[str] = []

        def replace(match: re.Match, ids=ids, names=names) -> str:
            if match[1] in ids:
                return match[0]
            names.append(html_lib.unescape(match[1]))
            return f'href="{PART_LINK_BASE}{match[1]}"'

        source.html = _HREF_RE.sub(replace, source.html)
        rewritten[source.name] = names
    return rewritten


# --- Per-part stylesheets -------------------------------------------------------------------


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def part_css(html: str) -> str:
    """What makes a part independent of the others: no folio (stamped after assembly), the
    edition title as running head, footnote numbers of the whole book."""
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    running = _css_string(" ".join(html_lib.unescape(title[1]).split()) if title else "")
    return "\n".join(
        [
            "@page { @bottom-center { content: none !important; } }",
            f"@page intro {{ @top-center {{ content: {running} !important; }} }}",
            f"@page main {{ @top-center {{ content: {running} !important; }} }}",
            ".fn::footnote-call { content: attr(data-n) !important; }",
            '.fn::footnote-marker { content: attr(data-n) ". " !important; }',
        ]
    )


def toc_css(numbers: dict[str, int]) -> str:
    """The índice's page numbers, literal (its targets are in other parts)."""
    from compendium.pdf_assembly import PART_LINK_BASE

    return "\n".join(
        f'.toc a[href="{PART_LINK_BASE}{name}"]::after '
        f'{{ content: leader(".") "{number}" !important; }}'
        for name, number in sorted(numbers.items())
    )


# --- Cache keys -------------------------------------------------------------------------------


def _resources_fingerprint(html: str) -> str:
    """Hash of the print stylesheets linked from ``html`` and of the files they load."""
    digest = hashlib.sha256()
    for href in sorted(set(re.findall(r'href="([^"]+\.css)"', html))):
        if not href.startswith(STATIC_BASE):
            continue
        name = href.removeprefix(STATIC_BASE)
        found = finders.find(name)
        if not found:
            continue
        content = pathlib.Path(found).read_bytes()
        digest.update(name.encode() + b"\0" + content)
        folder = pathlib.PurePosixPath(name).parent
        for url in sorted(set(re.findall(rb'url\("?([^")]+)"?\)', content))):
            target = os.path.normpath(str(folder / url.decode()))
            loaded = finders.find(target)
            if loaded:
                stat = pathlib.Path(loaded).stat()
                digest.update(f"{target}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def part_key(html: str, css: list[str], *, draft: bool, fingerprint: str) -> str:
    import pydyf  # type: ignore[import-untyped]
    import weasyprint

    from compendium import pdf_fonts, pdf_shim

    digest = hashlib.sha256()
    for piece in (
        LAYOUT_VERSION,
        weasyprint.__version__,
        pydyf.__version__,
        str(pdf_shim.apply()),
        str(pdf_fonts.supported()),
        fingerprint,
        "borrador" if draft else "final",
        *css,
        html,
    ):
        digest.update(piece.encode())
        digest.update(b"\0")
    return digest.hexdigest()[:32]


# --- Rendering a part -------------------------------------------------------------------------


@dataclass
class _Job:
    name: str
    html: str
    css: list[str]
    draft: bool
    pdf: pathlib.Path
    info: pathlib.Path
    weight: int
    # Whether the worker announces the part's layout (a body part the índice waits for).
    announce: bool = False


@dataclass
class _Done:
    """What rendering one part reports back: the part's name, when it started, was laid out
    and ended (``time.perf_counter``, one clock for all processes on Linux), its ``PartInfo``
    (JSON), the peak RSS of the process that rendered it (MB) and that process's id."""

    name: str
    start: float
    laid_out: float
    end: float
    info: str
    peak: float
    pid: int


# In a forked part worker: where it announces a part's layout (name, PartInfo JSON) as soon as
# WeasyPrint has laid it out, before drawing and writing it, so the índice can start then.
_ANNOUNCE: "multiprocessing.queues.SimpleQueue | None" = None


def _worker_init(announce) -> None:
    global _ANNOUNCE
    _ANNOUNCE = announce


def _render_part(job: _Job) -> _Done:
    """Render one part to ``job.pdf`` and its ``PartInfo`` to ``job.info``. Runs in a worker
    process (or in the build's own process when it renders alone)."""
    from compendium import pdf_fonts, pdf_shim

    started = time.perf_counter()
    pdf_shim.apply()
    # WeasyPrint turns a variable font into a static one with fontTools, which stamps the time
    # into the font: a fixed time makes a part's bytes depend on its content only, so a cached
    # part is the part a fresh render would give (https://reproducible-builds.org/).
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = REPRODUCIBLE_EPOCH
    try:
        # Variable fonts embedded as instances shared by all parts (docs/performance.md §F6).
        with pdf_fonts.shared_instances():
            return _render(job, started)
    finally:
        if epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = epoch


def _render(job: _Job, started: float) -> _Done:
    from weasyprint import CSS, HTML

    from compendium.pdf_assembly import part_info
    from compendium.pdf_fetcher import StaticOnlyFetcher

    fetcher = StaticOnlyFetcher()
    sheets = [CSS(string=text, url_fetcher=fetcher) for text in job.css]
    if job.draft:
        label = _("Versión preliminar").replace('"', "")
        sheets.append(CSS(string=DRAFT_CSS % {"label": label}, url_fetcher=fetcher))
    document = HTML(string=job.html, base_url=STATIC_ORIGIN + "/", url_fetcher=fetcher).render(
        stylesheets=sheets, pdf_variant="pdf/ua-1"
    )
    if not document.metadata.lang:
        document.metadata.lang = "es-MX"
    info = part_info(document).to_json()
    laid_out = time.perf_counter()
    if job.announce and _ANNOUNCE is not None:
        # Only a name and a path go through the pipe: a whole layout can exceed the pipe's
        # 64 KB, and a put() that blocks while the build is not reading (after an error in
        # another part) would keep this worker, and the pool's shutdown, waiting for ever.
        layout = job.info.with_name(f".{job.info.name}.{os.getpid()}.layout")
        layout.write_text(info)
        _ANNOUNCE.put((job.name, str(layout)))
    staged = job.pdf.with_name(f".{job.pdf.name}.{os.getpid()}")
    document.write_pdf(staged, pdf_variant="pdf/ua-1")
    job.info.with_name(staged.name + ".json").write_text(info)
    os.replace(job.info.with_name(staged.name + ".json"), job.info)
    os.replace(staged, job.pdf)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return _Done(job.name, started, laid_out, time.perf_counter(), info, peak, os.getpid())


@contextlib.contextmanager
def _closing(queue: "multiprocessing.queues.SimpleQueue"):
    """Close the announcement queue's pipe however the build ends (the task worker is long-lived:
    a failed build must not leave its file descriptors behind)."""
    try:
        yield queue
    finally:
        queue.close()


def _run(
    jobs: list[_Job],
    processes: int,
    report: "BuildReport",
    progress,
    then: tuple[set[str], Callable[[dict[str, str]], list[_Job]]] | None = None,
    on_done: Callable[[str], None] | None = None,
    chores: list[Callable[[], None]] | None = None,
) -> None:
    """Render ``jobs``: in this process if one process is asked for, else in a fork pool.

    The pool is fed one job per idle worker, in this order (docs/performance.md §F3): the jobs
    ``follow`` gives, then the jobs named in ``then``, then the others, each longest first, so
    the short ones (front matter, folio sample) fill the time while the last long ones end.
    ``then`` is (names, follow): once the jobs named are laid out (announced by the worker
    before it draws and writes the PDF), ``follow(layouts)`` gives more jobs (the índice),
    ``layouts`` being the ``PartInfo`` JSON of the parts rendered so far, by name.
    ``on_done(name)`` is called in this process after a part is written; ``chores`` are run in
    this process one at a time while the workers render (reading finished parts).
    """
    waiting = set(then[0]) if then else set()
    follow = then[1] if then else None
    chores = chores if chores is not None else []
    queue = sorted(jobs, key=lambda j: (j.name not in waiting, -j.weight))
    for job in queue:
        # Each announces once; the queue is read while any of them has not (so a worker never
        # waits on a full pipe).
        job.announce = job.name in waiting
    total = len(jobs) + (1 if follow else 0)
    done = 0
    layouts: dict[str, str] = {}

    def record(result: _Done) -> None:
        nonlocal done
        done += 1
        waiting.discard(result.name)
        layouts.setdefault(result.name, result.info)
        report.rendered.append(result.name)
        report.seconds[result.name] = round(result.end - result.start, 3)
        report.peak_mb[result.pid] = max(report.peak_mb.get(result.pid, 0.0), result.peak)
        report.timeline.append(
            (f"pid {result.pid}", result.name, result.start, result.end, result.laid_out)
        )
        if on_done:
            on_done(result.name)
        if progress:
            progress(
                _("Maquetando las páginas (parte %(done)s de %(total)s)")
                % {"done": done, "total": max(done, total)}
            )

    def more() -> list[_Job]:
        nonlocal follow, total
        if follow is None or waiting:
            return []
        extra, follow = follow(layouts), None
        if not extra:  # the índice was cached: one part fewer than announced
            total -= 1
        return extra

    workers = min(processes, total)
    if workers <= 1:
        while True:
            queue[:0] = more()
            if not queue:
                break
            record(_render_part(queue.pop(0)))
        while chores:
            chores.pop(0)()
        return
    # Forked workers start with WeasyPrint imported and Django set up; they use no database.
    import weasyprint  # noqa: F401

    context = multiprocessing.get_context("fork")
    announced = context.SimpleQueue()
    with (
        _closing(announced),  # closed after the pool has shut down
        concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_worker_init, initargs=(announced,)
        ) as pool,
    ):
        running: set[concurrent.futures.Future] = set()
        while True:
            queue[:0] = more()
            while queue and len(running) < workers:
                running.add(pool.submit(_render_part, queue.pop(0)))
            if not running:
                break
            if chores:
                chores.pop(0)()
                timeout: float | None = 0
            else:
                # Poll for announced layouts only while the índice waits for them.
                timeout = 0.05 if follow is not None and waiting else None
            finished, running = concurrent.futures.wait(
                running, timeout=timeout, return_when=concurrent.futures.FIRST_COMPLETED
            )
            while not announced.empty():
                name, path = announced.get()
                layout = pathlib.Path(path)
                layouts.setdefault(name, layout.read_text())
                layout.unlink(missing_ok=True)
                waiting.discard(name)
            for future in finished:
                record(future.result())
    while chores:
        chores.pop(0)()


# --- The build --------------------------------------------------------------------------------


@dataclass
class BuildReport:
    pages: int = 0
    parts: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[int, float] = field(default_factory=dict)
    monolithic: bool = False
    # Wall seconds of the build's stages: "parts" (the índice included), "assembly"
    # (bench/compendio.py adds "html").
    stages: dict[str, float] = field(default_factory=dict)
    # (process, what, start, end, laid out), times from ``time.perf_counter``: the build's own steps
    # (process "build") and each part in the process that rendered it (bench/compendio.py
    # --timeline; docs/performance.md §F7).
    # A part's entry has a fifth time: when it was laid out (the rest is drawing and writing).
    timeline: list[tuple] = field(default_factory=list)

    def step(self, what: str, start: float) -> float:
        """Record a step of the build's own process that started at ``start``; return now."""
        now = time.perf_counter()
        self.timeline.append(("build", what, start, now, None))
        return now


def build_processes() -> int:
    configured = getattr(settings, "PDF_BUILD_PROCESSES", None)
    return max(1, int(configured or os.cpu_count() or 1))


def parts_dir(scope: str) -> pathlib.Path:
    base = pathlib.Path(getattr(settings, "PDF_PARTS_DIR", settings.VAR_DIR / "pdf-parts"))
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", scope)
    return base / safe


def render_book(
    html: str,
    *,
    target: pathlib.Path,
    draft: bool,
    scope: str | None = None,
    processes: int | None = None,
    parts: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> BuildReport:
    """Write the Compendio ``html`` as one tagged PDF at ``target``, rendered in parts.

    ``scope`` names the cache of this document (e.g. "2023-compendio-final"): parts found
    there are reused, and afterwards it holds exactly this build's parts. Without a scope
    nothing is kept. ``processes`` defaults to ``PDF_BUILD_PROCESSES`` (one per core);
    ``parts`` to ``PDF_BUILD_PARTS``. Falls back to one render (``compendium.pdf.render_pdf``)
    if the HTML does not have the Compendio's shape.
    """
    from compendium import pdf_assembly

    report = BuildReport()
    clock = time.perf_counter()
    processes = processes or build_processes()
    parts = parts or int(getattr(settings, "PDF_BUILD_PARTS", 8))
    sources = split_book(html, parts)
    if sources is None:
        from compendium.pdf import render_pdf

        logger.warning("Compendio HTML of unexpected shape: rendered in one piece")
        report.pages = render_pdf(html, target=target, draft=draft, progress=progress)
        report.monolithic = True
        return report
    links = _link_other_parts(sources)
    fingerprint = _resources_fingerprint(html)
    css = part_css(html)
    clock = report.step("split", clock)
    folder = parts_dir(scope) if scope else None
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
    # This build's own directory: cached parts are hard-linked into it before use, new ones are
    # rendered into it, so a concurrent build of the same scope (never in production: one build
    # per document) cannot delete a part under this one.
    work = pathlib.Path(tempfile.mkdtemp(prefix=".build-", dir=folder))
    try:
        used: list[str] = []

        def job(name: str, part_html: str, sheets: list[str], weight: int) -> _Job:
            key = part_key(part_html, sheets, draft=draft, fingerprint=fingerprint)
            used.append(key)
            made = _Job(
                name, part_html, sheets, draft, work / f"{key}.pdf", work / f"{key}.json", weight
            )
            if folder is not None:
                _claim_cached(folder, made)
            return made

        sample_html = html[: html.find("<body>") + len("<body>")] + (
            _MAIN_OPEN + "".join("<p>&#160;</p>" for _ in range(10)) + "</div></body></html>"
        )
        sample = job(
            "folios",
            sample_html,
            [pdf_assembly.folio_sample_css() + "\n.main p { break-after: page; }"],
            0,
        )
        # Scheduled longest first by the length of their HTML, which follows their layout time
        # more closely than the programs they hold (those only decide the cuts, §F3).
        jobs = {s.name: job(s.name, s.html, [css], len(s.html)) for s in sources if s.kind != "toc"}
        missing = [j for j in [*jobs.values(), sample] if not j.info.exists()]
        clock = report.step("keys", clock)
        if progress:
            progress(_("Maquetando las páginas"))
        toc_source = next(s for s in sources if s.kind == "toc")
        body = [s.name for s in sources if s.kind == "body"]

        def indice(layouts: dict[str, str]) -> list[_Job]:
            """The índice: folios of its targets, from the body parts' real page counts."""
            infos = [
                pdf_assembly.PartInfo.from_json(layouts.get(n) or jobs[n].info.read_text())
                for n in body
            ]
            numbers = _folios_of(links[toc_source.name], infos)
            toc = job(toc_source.name, toc_source.html, [css, toc_css(numbers)], 1)
            jobs[toc.name] = toc
            if toc.info.exists():
                chores.append(functools.partial(read, toc))
                return []
            return [toc]

        # The parts' PDFs are read (parsed, object streams decompressed) in this process while
        # the workers render: the cached ones first, the others as they are written.
        raw: dict[str, pdf_assembly.RawPdf] = {}

        def read(made: _Job) -> None:
            raw[made.name] = pdf_assembly.read_pdf(made.pdf.read_bytes())

        fresh = {j.name for j in missing}
        chores: list[Callable[[], None]] = [
            functools.partial(read, j) for j in [*jobs.values(), sample] if j.name not in fresh
        ]
        parts_started = clock
        body_missing = {j.name for j in missing if j.name in body}
        _run(
            missing,
            processes,
            report,
            progress,
            then=(body_missing, indice),
            on_done=lambda name: chores.append(
                functools.partial(read, sample if name == sample.name else jobs[name])
            ),
            chores=chores,
        )
        clock = report.step("parts", clock)
        report.stages["parts"] = clock - parts_started  # the índice included
        infos = {
            name: pdf_assembly.PartInfo.from_json(j.info.read_text()) for name, j in jobs.items()
        }

        if progress:
            progress(_("Uniendo las partes del PDF"))
        order = [s.name for s in sources]
        report.parts = order
        names = [name for part in order for name in infos[part].page_names]
        folios, labels = _folios_and_labels(names)
        raw_parts = [pdf_assembly.Part(raw[n], infos[n]) for n in order]
        clock = report.step("infos", clock)
        assembled = pdf_assembly.assemble(raw_parts, raw[sample.name], folios=folios, labels=labels)
        clock = report.step("assemble", clock)
        target.write_bytes(assembled)
        clock = report.step("write", clock)
        report.stages["assembly"] = clock - parts_started - report.stages["parts"]
        report.pages = len(names)
        if folder is not None:
            for path in work.iterdir():
                os.replace(path, folder / path.name)
            _keep_only(folder, set(used))
        report.step("cache", clock)
        return report
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _claim_cached(folder: pathlib.Path, job: _Job) -> None:
    """Hard-link a cached part (PDF, then its info) into the build's directory, if cached."""
    try:
        os.link(folder / job.pdf.name, job.pdf)
        os.link(folder / job.info.name, job.info)
    except FileNotFoundError:
        job.pdf.unlink(missing_ok=True)
        job.info.unlink(missing_ok=True)
    except FileExistsError:
        pass  # the same part twice in one build (identical HTML): already claimed


def _folios_of(anchors: list[str], body: list["PartInfo"]) -> dict[str, int]:
    """Folio of each anchor: pages counted from the first body page (the Introduction) = 1."""
    where: dict[str, int] = {}
    offset = 0
    start = None
    for info in body:
        for name, page, _x, _y in info.anchors:
            where.setdefault(name, offset + page)
        for index, page_name in enumerate(info.page_names):
            if start is None and page_name in BODY_PAGES:
                start = offset + index
        offset += len(info.page_names)
    start = start or 0
    return {name: where[name] - start + 1 for name in anchors if name in where}


def _folios_and_labels(names: list[str]) -> tuple[list[int | None], list["LabelRange"]]:
    """The number printed on each page (None: none) and the page label ranges."""
    from compendium.pagelabels import LabelRange, compendio_ranges_from

    body = [i for i, name in enumerate(names) if name in BODY_PAGES]
    if not body:
        return [None] * len(names), [LabelRange(0, "D", 1)]
    start, end = body[0], body[-1] + 1
    folios = [
        i - start + 1 if start <= i < end and name in FOLIO_PAGES else None
        for i, name in enumerate(names)
    ]
    return folios, compendio_ranges_from(len(names), start, end)


def _keep_only(folder: pathlib.Path, keys: set[str]) -> None:
    """Delete the cached parts of earlier builds; other builds' directories are left alone."""
    for path in folder.iterdir():
        if path.is_file() and path.name.split(".")[0] not in keys:
            path.unlink(missing_ok=True)


def cache_summary(scope: str) -> dict:
    folder = parts_dir(scope)
    files = list(folder.glob("*.pdf")) if folder.exists() else []
    return {"parts": len(files), "bytes": sum(p.stat().st_size for p in files)}
