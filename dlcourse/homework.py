"""Student versions of the notebooks, made with nbgrader's own preprocessors.

    python -m dlcourse.homework build                 # every notebook -> build/student/
    python -m dlcourse.homework build notebooks/01_neurons_and_layers.ipynb --out /tmp/hw

Solutions between ``### BEGIN SOLUTION`` / ``### END SOLUTION`` become ``# YOUR CODE HERE`` +
``raise NotImplementedError()``; ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` are removed;
outputs are cleared. The cell metadata (``nbgrader``: grade_id, points, ...) is kept, so instructors
can also run ``nbgrader generate_assignment`` on the repository's notebooks as they are.
"""

from __future__ import annotations

import argparse
import pathlib
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


def build(notebooks=None, out=DEFAULT_OUT) -> list[pathlib.Path]:
    """Write the student version of each notebook into ``out``; return the written paths.

    Never overwrites a source: refuses (:class:`HomeworkError`, before writing anything) an ``out``
    that is a folder holding any input notebook (``notebooks/``, ``notebooks/../notebooks/.``,
    ``''`` inside it), and two inputs with the same file name. Every input is read and converted
    first, so a bad notebook leaves ``out`` untouched.
    """
    paths = [pathlib.Path(p) for p in notebooks] if notebooks else sorted(pathlib.Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise FileNotFoundError("no notebooks to build: run from the repository root or name the notebooks.")
    out = pathlib.Path(out)
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"{path} is not a notebook file.")
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


def main(argv=None) -> int:
    """The ``python -m dlcourse.homework`` command: 0 on success, 2 with an ``error:`` line for bad input."""
    parser = argparse.ArgumentParser(prog="python -m dlcourse.homework", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("build", help="write student versions (solutions removed, hidden tests dropped)")
    p.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb")
    p.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    try:
        written = build(args.notebooks, args.out)
    except (FileNotFoundError, PermissionError, IsADirectoryError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
