import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def scale(monkeypatch):
    """Set DLCOURSE_SCALE for one test: ``scale("default")``."""

    def set_scale(value):
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        if value is None:
            monkeypatch.delenv("DLCOURSE_SCALE", raising=False)
        else:
            monkeypatch.setenv("DLCOURSE_SCALE", value)

    return set_scale


def exercise_notebook():
    """A tiny instructor notebook: one ordinary cell, one solution cell, one graded test with hidden tests."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    sol = nbformat.v4.new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION")
    sol.metadata["nbgrader"] = {"grade": False, "grade_id": "ex1_solution", "locked": False, "schema_version": 3,
                                "solution": True, "task": False}
    test = nbformat.v4.new_code_cell("assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(-1) == -2\n### END HIDDEN TESTS")
    test.metadata["nbgrader"] = {"grade": True, "grade_id": "ex1_tests", "locked": True, "points": 1,
                                 "schema_version": 3, "solution": False, "task": False}
    other = nbformat.v4.new_code_cell("print('hello')", outputs=[nbformat.v4.new_output("stream", text="hello\n")])
    nb.cells = [other, sol, test]
    return nb


def instructor_folder(tmp_path: pathlib.Path) -> pathlib.Path:
    """``tmp_path/notebooks`` with two instructor notebooks (01_a, 02_b) made by :func:`exercise_notebook`."""
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("01_a.ipynb", "02_b.ipynb"):
        nbformat.write(exercise_notebook(), folder / name)
    return folder
