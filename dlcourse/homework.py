"""Student versions of the notebooks, made with nbgrader's own preprocessors.

    python -m dlcourse.homework build                 # every notebook -> build/student/
    python -m dlcourse.homework build notebooks/01_neurons_and_layers.ipynb --out /tmp/hw
    python -m dlcourse.homework course build/course   # an nbgrader course directory (see course())

Solutions between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` become ``# YOUR CODE HERE`` +
``raise NotImplementedError()``; ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` are removed;
outputs are cleared. The cell metadata (``nbgrader``: grade_id, points, ...) is kept, so instructors
can also run ``nbgrader generate_assignment`` on the repository's notebooks as they are.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

DEFAULT_OUT = pathlib.Path("build/student")


class HomeworkError(ValueError):
    """A homework build cannot go ahead: names the notebook, cell index and grade_id, and how to fix it."""


def _nbgrader_meta(cell, where: str = "") -> dict:
    meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
    meta = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    if not isinstance(meta, dict):
        raise HomeworkError(f"{where}metadata 'nbgrader' is {type(meta).__name__} {meta!r}, not an object: "
                            "fix the cell's metadata (see CONTRIBUTING.md, Homework cells).")
    return meta


def nbgrader_role(cell) -> str | None:
    """``"solution"``, ``"test"`` (graded, auto-checked) or ``None`` for an ordinary cell.

    Raises :class:`HomeworkError` if the cell's ``nbgrader`` metadata is not an object.
    """
    meta = _nbgrader_meta(cell)
    if meta.get("solution"):
        return "solution"
    if meta.get("grade") and cell.get("cell_type") == "code":
        return "test"
    return None


def exercise_cells(nb) -> dict[str, list[int]]:
    """Indices of the solution and graded test cells of a notebook."""
    roles: dict[str, list[int]] = {"solution": [], "test": []}
    for i, cell in enumerate(nb.cells):
        try:
            role = nbgrader_role(cell)
        except HomeworkError as err:
            raise HomeworkError(f"cell {i}: {err}") from None
        if role:
            roles[role].append(i)
    return roles


def errored_cells(nb) -> set[int]:
    """Indices of the code cells of an executed notebook whose outputs hold an error."""
    return {i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and any(o.get("output_type") == "error" for o in cell.get("outputs", []))}


def _cell_name(nb, i: int) -> str:
    grade_id = _nbgrader_meta(nb.cells[i]).get("grade_id")
    return f"cell {i}" + (f" ({grade_id})" if grade_id else "")


def student_version(nb, name: str = "this notebook"):
    """Return a student copy of an instructor notebook (the argument is left unchanged).

    Raises :class:`HomeworkError` naming the cell (index and grade_id) when the nbgrader markup is
    wrong: no exercises, a solution cell without its markers, markers outside solution cells,
    unbalanced or nested markers, odd nbgrader metadata, duplicate grade_ids.
    """
    import copy

    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb.cells):
        if not isinstance(cell.get("source"), str):
            raise HomeworkError(f"{name}: cell {i} has no text source; is the notebook damaged?")
    try:
        roles = exercise_cells(nb)
    except HomeworkError as err:
        raise HomeworkError(f"{name}: {err}") from None
    if not roles["solution"] or not roles["test"]:
        raise HomeworkError(f"{name} has no nbgrader solution and graded test cells to turn into homework.")
    seen: dict = {}
    for i in roles["solution"] + roles["test"]:
        grade_id = _nbgrader_meta(nb.cells[i]).get("grade_id")
        if not isinstance(grade_id, str) or not grade_id.strip():
            raise HomeworkError(f"{name}: cell {i} is an nbgrader cell without a grade_id (got {grade_id!r}); "
                                "give it a unique one, e.g. 'ex1_solution'.")
        if grade_id in seen:
            raise HomeworkError(f"{name}: cells {seen[grade_id]} and {i} share the grade_id {grade_id!r}; "
                                "make them unique.")
        seen[grade_id] = i
    for i, cell in enumerate(nb.cells):
        if i not in roles["solution"] and "BEGIN SOLUTION" in cell.source:
            raise HomeworkError(f"{name}: cell {i} mentions 'BEGIN SOLUTION' but is not an nbgrader solution cell; "
                                "nbgrader would treat it as one. Reword it or mark the cell as a solution.")
        if i not in roles["test"] and "BEGIN HIDDEN TESTS" in cell.source:
            raise HomeworkError(f"{_cell_name(nb, i)} of {name} mentions 'BEGIN HIDDEN TESTS' but is not a "
                                "graded test cell; reword it or mark the cell as graded tests.")
    for i in roles["solution"]:  # nbgrader would blank a whole unmarked cell; the course always marks
        src = nb.cells[i].source
        if "### BEGIN SOLUTION" not in src or "### END SOLUTION" not in src:
            raise HomeworkError(f"{name}: solution {_cell_name(nb, i)} has no "
                                "### BEGIN SOLUTION / ### END SOLUTION region.")
    for i in roles["test"]:
        src = nb.cells[i].source
        if src.count("BEGIN HIDDEN TESTS") != src.count("END HIDDEN TESTS"):
            raise HomeworkError(f"{name}: graded test {_cell_name(nb, i)} has unbalanced "
                                "### BEGIN HIDDEN TESTS / ### END HIDDEN TESTS markers.")
    resources = {}
    for pre in (ClearSolutions(), ClearHiddenTests(), ClearOutput()):
        try:
            nb, resources = pre.preprocess(nb, resources)
        except Exception as err:  # nbgrader's own marker errors name no cell: find it
            culprit = _failing_cell(pre, nb)
            where = _cell_name(nb, culprit) if culprit is not None else "a cell"
            raise HomeworkError(f"{name}: nbgrader's {type(pre).__name__} failed on {where}: {err}. "
                                "Check that cell's ### BEGIN/END markers (one pair, not nested).") from None
    return nb


def _failing_cell(pre, nb):
    import copy

    for i in range(len(nb.cells)):
        single = copy.deepcopy(nb)
        single.cells = [single.cells[i]]
        try:
            pre.preprocess(single, {})
        except Exception:
            return i
    return None


def _read(path: pathlib.Path):
    from .results import NotebookFileError, read_notebook

    try:
        return read_notebook(path)
    except NotebookFileError as err:
        raise HomeworkError(str(err)) from None


def _same_file(a: pathlib.Path, b: pathlib.Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _notebook_paths(notebooks, purpose: str) -> list[pathlib.Path]:
    """The notebooks named, or every ``notebooks/NN_*.ipynb``; FileNotFoundError if there are none."""
    paths = [pathlib.Path(p) for p in notebooks] if notebooks else sorted(pathlib.Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"no notebooks {purpose}: run from the repository root or name the notebooks.")
    return paths


def _check_notebook_files(paths) -> None:
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"{path} is not a notebook file.")


def build(notebooks=None, out=DEFAULT_OUT) -> list[pathlib.Path]:
    """Write the student version of each notebook into ``out``; return the written paths.

    Never overwrites a source: refuses (:class:`HomeworkError`, before writing anything) an ``out``
    that is a folder holding any input notebook (``notebooks/``, ``notebooks/../notebooks/.``,
    ``''`` inside it), and two inputs with the same file name. Every input is read and converted
    first, so a bad notebook leaves ``out`` untouched.
    """
    paths = _notebook_paths(notebooks, "to build")
    out = pathlib.Path(out)
    _check_notebook_files(paths)
    if out.exists() and not out.is_dir():
        raise HomeworkError(f"--out {str(out)!r} is a file, not a folder; name a folder such as build/student.")
    names: dict = {}
    for path in paths:
        if path.name in names and not _same_file(names[path.name], path):
            raise HomeworkError(f"{names[path.name]} and {path} have the same file name; building both into "
                                f"{out} would overwrite one with the other. Build them into separate folders.")
        names[path.name] = path
        if _same_file(path.parent, out):
            raise HomeworkError(f"--out {str(out)!r} is the folder of the source {path}: the student version would "
                                "replace the instructor notebook (and its solutions). Use another folder, e.g. "
                                f"--out {DEFAULT_OUT}.")
    paths = list(dict.fromkeys(names.values()))
    students = [(path, student_version(_read(path), str(path))) for path in paths]
    import nbformat

    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path, student in students:
        target = out / path.name
        if any(_same_file(target, src) for src in paths):  # e.g. a link from out/ to a source
            raise HomeworkError(f"{target} is the source {path}; refusing to overwrite it.")
        nbformat.write(student, target)
        written.append(target)
    return written


#: Where ``make course`` lays out the nbgrader course directory, and the course id it writes.
DEFAULT_COURSE = pathlib.Path("build/course")
DEFAULT_COURSE_ID = "dlcourse"
#: Seconds nbgrader lets one cell run while grading (its own default, 30, is too short for the first
#: TensorFlow import on a busy machine; the course's CI gives nbval cells the same 600).
GRADING_CELL_TIMEOUT = 600

_COURSE_CONFIG = '''\
# nbgrader configuration of the deep-learning course, written by `python -m dlcourse.homework course`.
# Run nbgrader's commands from this folder (the README's homework section lists them). This file is
# yours: `make course` never overwrites it (delete it to get the repository's version back).
import os

c = get_config()  # noqa: F821 (nbgrader provides get_config)
HERE = os.path.dirname(os.path.abspath(__file__))

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = HERE  # source/, release/, submitted/, autograded/, feedback/, gradebook.db
# One assignment per notebook: source/<assignment>/<assignment>.ipynb, e.g.
#   nbgrader generate_assignment 03_backpropagation

# The exchange that release_assignment, fetch_assignment, submit and collect pass files through.
# Here a folder of this course directory: instructor and students on one machine. On a shared server
# (JupyterHub) use one folder every user can write, in every user's nbgrader config, e.g.
#   sudo mkdir -p /srv/nbgrader/exchange && sudo chmod 777 /srv/nbgrader/exchange
#   c.Exchange.root = "/srv/nbgrader/exchange"
c.Exchange.root = os.path.join(HERE, "exchange")

# Grading executes every submission. nbgrader sets NBGRADER_EXECUTION while it runs a notebook
# (autograde, validate), and dlcourse.setup() then uses the smoke scale whatever DLCOURSE_SCALE says:
# small data and few epochs, about a minute per notebook on a laptop CPU, checks unchanged.
# Seconds one cell may run before nbgrader stops it and the cell scores zero:
c.Execute.timeout = {timeout}
'''


def course_config(course_id: str = DEFAULT_COURSE_ID) -> str:
    """The text of the ``nbgrader_config.py`` that :func:`course` writes."""
    return _COURSE_CONFIG.format(course_id=course_id, timeout=GRADING_CELL_TIMEOUT)


def _check_course_id(course_id) -> str:
    if not isinstance(course_id, str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", course_id):
        raise HomeworkError(f"course id {course_id!r} is not usable: nbgrader makes it a folder of the exchange; "
                            "use letters, digits, '_', '-' and '.', e.g. 'dlcourse' or 'dl-2027'.")
    return course_id


def _inside(path: pathlib.Path, folder: pathlib.Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def course(directory=DEFAULT_COURSE, notebooks=None, course_id: str = DEFAULT_COURSE_ID) -> list[tuple[pathlib.Path, str]]:
    """Lay out an nbgrader course directory; return ``(path, status)`` for each file, the status
    ``"wrote"``, ``"unchanged"`` (already there, the same bytes) or ``"kept (why)"``.

    ``directory`` gets ``nbgrader_config.py`` (course id, exchange, grading timeout: see
    :func:`course_config`), an empty ``exchange/`` and, for each notebook, one assignment named
    after it: ``source/<NN_name>/<NN_name>.ipynb``, the instructor version as it is in the
    repository. Then nbgrader's own commands take over (``nbgrader generate_assignment NN_name``...).

    Never overwrites: a file that is already there is kept as it is (``"kept (...)"``, e.g. an
    instructor's edited source or config; delete it to take the repository's version), so a re-run
    adds new notebooks only. Refuses (:class:`HomeworkError`, before writing anything) a
    ``directory`` that is a file or lies inside the folder of an input notebook, a target that is
    one of the inputs, two inputs with the same file name, and any notebook whose nbgrader markup is
    wrong (checked as :func:`student_version` does).
    """
    course_id = _check_course_id(course_id)
    paths = _notebook_paths(notebooks, "to put in the course")
    if str(directory).strip() == "":
        raise HomeworkError("the course directory is empty: name a folder, e.g. build/course.")
    root = pathlib.Path(directory)
    _check_notebook_files(paths)
    if root.exists() and not root.is_dir():
        raise HomeworkError(f"course directory {str(root)!r} is a file, not a folder; name a folder such as {DEFAULT_COURSE}.")
    names: dict = {}
    for path in paths:
        if path.name in names and not _same_file(names[path.name], path):
            raise HomeworkError(f"{names[path.name]} and {path} have the same file name; both would be the assignment "
                                f"{path.stem!r}. Rename one or lay them out in separate courses.")
        names[path.name] = path
        if _inside(root, path.parent):
            raise HomeworkError(f"course directory {str(root)!r} is inside {path.parent}, the folder of the source "
                                f"{path}: nbgrader's copies would mix with the course's notebooks (and the tests would "
                                f"collect them). Use a folder outside it, e.g. {DEFAULT_COURSE}.")
    paths = list(dict.fromkeys(names.values()))
    for path in paths:
        if "+" in path.stem:
            raise HomeworkError(f"{path}: nbgrader assignment names cannot contain '+'; rename the notebook.")
        student_version(_read(path), str(path))  # the markup generate_assignment needs, named by cell
    plan = [(root / "source" / path.stem / path.name, path) for path in paths]
    for target, path in plan:
        if any(_same_file(target, src) for src in paths) or _same_file(target.parent, path.parent):
            raise HomeworkError(f"{target} is the source {path} (a link?); refusing to write over it.")
    for folder in [root / "exchange", root / "source", *(target.parent for target, _ in plan)]:
        if folder.exists() and not folder.is_dir():
            raise HomeworkError(f"{folder} is a file where the course needs a folder; move it away and run again.")
    for target, _ in plan:
        if target.exists() and not target.is_file():
            raise HomeworkError(f"{target} is not a file; move it away and run again.")
    done = []
    root.mkdir(parents=True, exist_ok=True)
    (root / "exchange").mkdir(exist_ok=True)
    config = root / "nbgrader_config.py"
    text = course_config(course_id)
    if not config.exists():
        config.write_text(text, encoding="utf-8")
        done.append((config, "wrote"))
    elif config.read_text(encoding="utf-8", errors="replace") == text:
        done.append((config, "unchanged"))
    else:
        done.append((config, "kept (it differs from what this command writes: your edits stay; delete it to "
                              "take this version)"))
    for target, path in plan:
        data = path.read_bytes()
        if not target.exists() and not target.is_symlink():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            done.append((target, "wrote"))
        elif target.is_file() and target.read_bytes() == data:
            done.append((target, "unchanged"))
        else:
            done.append((target, f"kept (it differs from {path}: your edits stay; delete it to take the "
                                 "repository's version)"))
    return done


def main(argv=None) -> int:
    """The ``python -m dlcourse.homework`` command: 0 on success, 2 with an ``error:`` line for bad input."""
    parser = argparse.ArgumentParser(prog="python -m dlcourse.homework", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("build", help="write student versions (solutions removed, hidden tests dropped)")
    p.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb")
    p.add_argument("--out", default=str(DEFAULT_OUT))
    p = sub.add_parser("course", help="lay out an nbgrader course directory (nbgrader_config.py, source/<assignment>/)")
    p.add_argument("directory", help=f"the course directory, e.g. {DEFAULT_COURSE}")
    p.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb, one assignment each")
    p.add_argument("--course-id", default=DEFAULT_COURSE_ID, help=f"nbgrader's course id (default {DEFAULT_COURSE_ID})")
    args = parser.parse_args(argv)
    try:
        if args.cmd == "course":
            done = course(args.directory, args.notebooks, args.course_id)
        else:
            written = build(args.notebooks, args.out)
    except (OSError, ValueError) as err:  # FileNotFoundError, PermissionError...; HomeworkError is a ValueError
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.cmd == "course":
        for path, status in done:
            what, _, why = status.partition(" ")
            print(f"{what}: {path}" + (f" {why}" if why else ""))
        print(f"next: cd {args.directory} && nbgrader generate_assignment {done[1][0].parent.name}   "
              "(README.md, Homework: release, collect, autograde, feedback)")
        return 0
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
