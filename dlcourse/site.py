"""The course site: every notebook as a page of a Jupyter Book, readable without running anything.

    make site        run each notebook's student version at default scale (about 35 minutes on two
                     cores; runs newer than their notebook are kept), then build build/site/_build/html
    python -m dlcourse.site run [--scale S] [--seed N] [--out DIR] [--force] [NOTEBOOK ...]
    python -m dlcourse.site build [--runs DIR] [--out DIR] [--check]

Pages are the student versions (what a learner is handed: exercises without solutions or hidden
tests) with the outputs of a run: figures, tables, printed and recorded results. Exercise cells show
no output (in the student version they fail on purpose). ``make test`` builds the same site from the
smoke-scale student-version runs CI makes anyway (``DLCOURSE_SITE_RUN``) and checks every page.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import time

import nbformat

from . import homework

__all__ = ["RUN_ENV", "SiteError", "PARTS", "save_run", "run", "page", "prepare", "build", "check", "main"]

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
DEFAULT_RUNS = ROOT / "build" / "site-run" / "default"
DEFAULT_OUT = ROOT / "build" / "site"
#: When set (an absolute folder), the course's tests save each executed student version there.
RUN_ENV = "DLCOURSE_SITE_RUN"
#: Kernels of a run draw their figures inline, as in Jupyter (a test run's MPLBACKEND=Agg would draw none).
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
#: The site's table of contents: (caption, first, last notebook number), in curriculum order.
PARTS = [
    ("Foundations", 0, 6),
    ("Architectures", 7, 12),
    ("Applications", 13, 20),
    ("Trust and data efficiency", 21, 24),
    ("Trends and practice", 25, 28),
]
TITLE = "Deep learning, from one neuron to multimodal models"


class SiteError(RuntimeError):
    """A run or a page cannot be used for the site; the message says which and how to fix it."""


def _notebooks(names=None) -> list[pathlib.Path]:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return paths
    chosen = []
    for name in names:
        path = pathlib.Path(name)
        match = [path] if path.suffix == ".ipynb" and path.is_file() else [p for p in paths if p.stem in (path.stem, path.name)]
        if not match:
            raise SiteError(f"{name}: no such notebook in {NOTEBOOKS} (give a name such as 07_convolutional_networks).")
        chosen += match
    return chosen


def _exercise_cells(nb) -> set[int]:
    roles = homework.exercise_cells(nb)
    return set(roles["solution"]) | set(roles["test"])


def _errors_outside_exercises(nb) -> list[int]:
    return sorted(homework.errored_cells(nb) - _exercise_cells(nb))


def save_run(name: str, executed) -> pathlib.Path | None:
    """Save an executed student version as ``$DLCOURSE_SITE_RUN/<name>.ipynb`` (nothing when unset)."""
    folder = os.environ.get(RUN_ENV, "").strip()
    if not folder:
        return None
    folder = pathlib.Path(folder)
    if not folder.is_absolute():
        raise SiteError(f"{RUN_ENV}={folder} must be an absolute folder.")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.ipynb"
    nbformat.write(executed, path)
    return path


def run(notebooks=None, out=DEFAULT_RUNS, scale: str = "default", seed: int | None = None,
        force: bool = False, timeout: int = 1800) -> list[pathlib.Path]:
    """Execute the student version of each notebook at ``scale`` and save it in ``out``.

    A run newer than its notebook, made at the same scale, is kept unless ``force``. Nothing is
    recorded in a results file. Raises :class:`SiteError` when a cell outside the exercises fails.
    """
    import nbclient

    from ._config import SCALES, environ

    if scale not in SCALES:
        raise SiteError(f"scale must be one of {SCALES}, got {scale!r}.")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    saved = []
    for path in _notebooks(notebooks):
        target = out / path.name
        if not force and target.is_file() and target.stat().st_mtime > path.stat().st_mtime:
            meta = nbformat.read(target, as_version=4).metadata.get("dlcourse_site", {})
            if meta.get("scale") == scale:
                print(f"{path.stem}: kept the run of {time.ctime(target.stat().st_mtime)}", flush=True)
                saved.append(target)
                continue
        student = homework.student_version(nbformat.read(path, as_version=4), path.name)
        overrides = {"DLCOURSE_SCALE": scale, "DLCOURSE_RESULTS": None, "MPLBACKEND": INLINE_BACKEND}
        if seed is not None:
            overrides["DLCOURSE_SEED"] = str(seed)
        t0 = time.perf_counter()
        with environ(**overrides):
            try:
                nbclient.NotebookClient(student, timeout=timeout, kernel_name="python3", allow_errors=True,
                                        resources={"metadata": {"path": str(path.parent)}}).execute()
            except (nbclient.exceptions.DeadKernelError, nbclient.exceptions.CellTimeoutError) as err:
                raise SiteError(f"{path.name} did not finish at scale {scale}: {type(err).__name__} ({err}). "
                                "A kernel that dies is usually out of memory: close other notebooks and run it "
                                f"again (`python -m dlcourse.site run {path.stem}`).") from None
        bad = _errors_outside_exercises(student)
        if bad:
            raise SiteError(f"{path.name} failed outside its exercises at scale {scale} (cells {bad}): "
                            "fix the notebook (`make test-notebook NB=...`) before building the site.")
        student.metadata["dlcourse_site"] = {"scale": scale, "seed": seed, "seconds": round(time.perf_counter() - t0, 1)}
        nbformat.write(student, target)
        print(f"{path.stem}: ran at {scale} scale in {time.perf_counter() - t0:.0f} s", flush=True)
        saved.append(target)
    return saved


def page(instructor, executed=None, name: str = "this notebook"):
    """The site's page of a notebook: its student version, with the outputs of ``executed`` (a run of
    that student version) on every cell but the exercises'. Raises :class:`SiteError` if the run is
    of another version of the notebook."""
    student = homework.student_version(instructor, name)
    exercises = _exercise_cells(student)
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    if executed is None:
        return student
    if len(executed.cells) != len(student.cells) or any(
            a.source != b.source for i, (a, b) in enumerate(zip(student.cells, executed.cells, strict=True))
            if i not in exercises):
        raise SiteError(f"the run of {name} is of another version of the notebook: run it again "
                        f"(`python -m dlcourse.site run {pathlib.Path(name).stem}`).")
    bad = _errors_outside_exercises(executed)
    if bad:
        raise SiteError(f"the run of {name} failed outside the exercises (cells {bad}): it cannot be published.")
    for i, (cell, ran) in enumerate(zip(student.cells, executed.cells, strict=True)):
        if cell.cell_type == "code" and i not in exercises:
            cell.outputs = ran.get("outputs", [])
            cell.execution_count = ran.get("execution_count")
    return student


def _title(nb, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.search(r"^#\s+(.+)$", cell.source, re.M)
            if m:
                return m.group(1).strip()
    return fallback


def prepare(out=DEFAULT_OUT, runs=None, notebooks=None) -> dict[str, bool]:
    """Write the Jupyter Book sources in ``out``: config, table of contents, a front page, one page per
    notebook (with the outputs of its run in ``runs`` when there is one). Returns {name: has outputs}."""
    out = pathlib.Path(out)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    for old in (out / "notebooks").glob("*.ipynb"):
        old.unlink()
    runs = pathlib.Path(runs) if runs else None
    have, rows = {}, []
    for path in _notebooks(notebooks):
        instructor = nbformat.read(path, as_version=4)
        ran = runs / path.name if runs else None
        executed = nbformat.read(ran, as_version=4) if ran and ran.is_file() else None
        nbformat.write(page(instructor, executed, path.name), out / "notebooks" / path.name)
        have[path.stem] = executed is not None
        scale = executed.metadata.get("dlcourse_site", {}).get("scale", "smoke") if executed else None
        rows.append((path.stem, _title(instructor, path.stem), scale))
    chapters = []
    for caption, first, last in PARTS:
        names = [n for n, _, _ in rows if first <= int(n[:2]) <= last]
        if names:
            chapters.append(f"- caption: {caption}\n  chapters:\n" + "".join(f"  - file: notebooks/{n}\n" for n in names))
    (out / "_toc.yml").write_text("format: jb-book\nroot: intro\nparts:\n" + "".join(chapters))
    (out / "_config.yml").write_text(
        f"title: {json.dumps(TITLE)}\nauthor: the dlcourse contributors\nonly_build_toc_files: true\n"
        "execute:\n  execute_notebooks: 'off'\n"
        "sphinx:\n  config:\n    html_show_copyright: false\n    suppress_warnings: ['mystnb.unknown_mime_type']\n")
    lines = [f"# {TITLE}", "",
             "Keras 3 notebooks, from a single neuron to multimodal models, on real data. Each page is a "
             "notebook as a student receives it, with the outputs of a run; the exercises are left for you. "
             "Open a notebook in Colab with the badge at its top, or run the course on your machine "
             "(`make lab`, see the repository's README).", "",
             "| notebook | run shown |", "|---|---|"]
    lines += [f"| [{title}](notebooks/{name}.ipynb) | {scale + ' scale' if scale else 'not run'} |" for name, title, scale in rows]
    (out / "intro.md").write_text("\n".join(lines) + "\n")
    return have


def build(out=DEFAULT_OUT, strict: bool = True) -> pathlib.Path:
    """Build the prepared sources in ``out`` with Jupyter Book; return the HTML folder. ``strict``: any
    Sphinx warning fails the build (a link to a notebook that is not there, a broken cross-reference)."""
    out = pathlib.Path(out)
    exe = pathlib.Path(sys.executable).parent / "jupyter-book"
    if not exe.is_file():
        raise SiteError(f"{exe} is missing: jupyter-book belongs to the course's test environment "
                        "(pyproject.toml, extra 'test'); run `make env`.")
    proc = subprocess.run([str(exe), "build", str(out)] + (["--warningiserror", "--keep-going"] if strict else []),
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SiteError(f"jupyter-book build {out} failed:\n{(proc.stdout + proc.stderr)[-4000:]}")
    return out / "_build" / "html"


def _image_outputs(nb) -> int:
    return sum(1 for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               if o.get("output_type") in ("display_data", "execute_result") and "image/png" in o.get("data", {}))


def check(out=DEFAULT_OUT, require_outputs: bool = True) -> list[str]:
    """Problems of the built site in ``out``, one line each (empty: every notebook is a page, with its
    Colab badge, its maths and, when ``require_outputs``, a run whose figures all made it to the page)."""
    out = pathlib.Path(out)
    html = out / "_build" / "html"
    problems = []
    if not (html / "index.html").is_file():
        return [f"no {html / 'index.html'}: build the site first"]
    for src in sorted((out / "notebooks").glob("*.ipynb")):
        name = src.stem
        target = html / "notebooks" / f"{name}.html"
        if not target.is_file():
            problems.append(f"{name}: no page {target}")
            continue
        text = target.read_text(errors="replace")
        nb = nbformat.read(src, as_version=4)
        if "colab.research.google.com/github/" not in text or f"{name}.ipynb" not in text:
            problems.append(f"{name}: the page has no Colab badge")
        if "$" in "".join(c.source for c in nb.cells if c.cell_type == "markdown") and "math" not in text:
            problems.append(f"{name}: the notebook has maths but the page renders none")
        ran = any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
        if require_outputs and not ran:
            problems.append(f"{name}: no outputs (no run of it in the runs folder)")
        figures = _image_outputs(nb)
        if ran and figures == 0 and any("plt.show()" in c.source for c in nb.cells if c.cell_type == "code"):
            problems.append(f"{name}: the run drew no figure although the notebook shows some "
                            f"(run its kernels with MPLBACKEND={INLINE_BACKEND})")
        images = [m for m in re.findall(r'<img[^>]+src="([^"]+)"', text) if "_images/" in m]
        missing = [m for m in images if not (target.parent / m).resolve().is_file()]
        if len(images) < figures:
            problems.append(f"{name}: {figures} figures in the run, {len(images)} on the page")
        if missing:
            problems.append(f"{name}: the page links images that are not there: {missing[:3]}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlcourse.site", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="execute the student versions and keep their outputs")
    p_run.add_argument("notebooks", nargs="*")
    p_run.add_argument("--scale", default="default")
    p_run.add_argument("--seed", type=int)
    p_run.add_argument("--out", default=str(DEFAULT_RUNS))
    p_run.add_argument("--force", action="store_true")
    p_build = sub.add_parser("build", help="build the site from the runs, and check it")
    p_build.add_argument("--runs", default=str(DEFAULT_RUNS))
    p_build.add_argument("--out", default=str(DEFAULT_OUT))
    p_build.add_argument("--check", action="store_true", help="fail unless every notebook is a page with its run's figures")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            run(args.notebooks, args.out, args.scale, args.seed, args.force)
            return 0
        runs = pathlib.Path(args.runs)
        if not runs.is_dir():
            raise SiteError(f"no runs in {runs}: `python -m dlcourse.site run --out {runs}` first (or `make site`).")
        t0 = time.perf_counter()
        have = prepare(args.out, runs)
        html = build(args.out)
        size = sum(f.stat().st_size for f in html.rglob("*") if f.is_file())
        print(f"site: {len(have)} pages ({sum(have.values())} with outputs) in {html} "
              f"({size / 1e6:.0f} MB), built in {time.perf_counter() - t0:.0f} s")
        if args.check:
            problems = check(args.out)
            for p in problems:
                print(f"site: {p}", file=sys.stderr)
            return 1 if problems else 0
        return 0
    except (SiteError, homework.HomeworkError) as err:
        print(f"site: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
