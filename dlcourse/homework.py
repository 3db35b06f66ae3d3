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


def nbgrader_role(cell) -> str | None:
    """``"solution"``, ``"test"`` (graded, auto-checked) or ``None`` for an ordinary cell."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if meta.get("solution"):
        return "solution"
    if meta.get("grade") and cell.get("cell_type") == "code":
        return "test"
    return None


def exercise_cells(nb) -> dict[str, list[int]]:
    """Indices of the solution and graded test cells of a notebook."""
    roles: dict[str, list[int]] = {"solution": [], "test": []}
    for i, cell in enumerate(nb.cells):
        role = nbgrader_role(cell)
        if role:
            roles[role].append(i)
    return roles


def student_version(nb):
    """Return a student copy of an instructor notebook (the argument is left unchanged)."""
    import copy

    from nbgrader.preprocessors import ClearHiddenTests, ClearOutput, ClearSolutions

    nb = copy.deepcopy(nb)
    roles = exercise_cells(nb)
    if not roles["solution"] or not roles["test"]:
        raise ValueError("this notebook has no nbgrader solution and graded test cells to turn into homework.")
    for i, cell in enumerate(nb.cells):
        if i not in roles["solution"] and "BEGIN SOLUTION" in cell.source:
            raise ValueError(f"cell {i} mentions 'BEGIN SOLUTION' but is not an nbgrader solution cell; nbgrader "
                             "would treat it as one. Reword it or mark the cell as a solution.")
    for i in roles["solution"]:  # nbgrader would blank a whole unmarked cell; the course always marks
        if "### BEGIN SOLUTION" not in nb.cells[i].source or "### END SOLUTION" not in nb.cells[i].source:
            raise ValueError(f"solution cell {i} ({nb.cells[i].metadata['nbgrader'].get('grade_id')}) has no "
                             "### BEGIN SOLUTION / ### END SOLUTION region.")
    resources = {}
    for pre in (ClearSolutions(), ClearHiddenTests(), ClearOutput()):
        nb, resources = pre.preprocess(nb, resources)
    return nb


def build(notebooks=None, out=DEFAULT_OUT) -> list[pathlib.Path]:
    """Write the student version of each notebook into ``out``; return the written paths."""
    import nbformat

    paths = [pathlib.Path(p) for p in notebooks] if notebooks else sorted(pathlib.Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise FileNotFoundError("no notebooks to build: run from the repository root or name the notebooks.")
    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for path in paths:
        if path.suffix != ".ipynb" or not path.is_file():
            raise FileNotFoundError(f"{path} is not a notebook file.")
        nb = nbformat.read(path, as_version=4)
        target = out / path.name
        nbformat.write(student_version(nb), target)
        written.append(target)
    return written


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dlcourse.homework", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("build", help="write student versions (solutions removed, hidden tests dropped)")
    p.add_argument("notebooks", nargs="*", help="default: notebooks/NN_*.ipynb")
    p.add_argument("--out", default=str(DEFAULT_OUT))
    args = parser.parse_args(argv)
    for path in build(args.notebooks, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
