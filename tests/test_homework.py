"""Homework builds: student versions lose their solutions and fail exactly at the exercise checks."""

import re
import subprocess
import sys

import nbformat
import pytest

from dlcourse import homework, site
from dlcourse._config import environ
from tests.conftest import NOTEBOOKS, ROOT, exercise_notebook as _exercise_notebook
from tests.test_nbgrader import AUTOGRADED


def test_student_version_replaces_solutions_and_drops_hidden_tests():
    nb = _exercise_notebook()
    student = homework.student_version(nb)
    assert student.cells[1].source == "def double(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    assert "HIDDEN" not in student.cells[2].source and "double(-1)" not in student.cells[2].source
    assert "double(2) == 4" in student.cells[2].source
    assert student.cells[0].outputs == [] and student.cells[2].metadata["nbgrader"]["points"] == 1
    assert "return 2 * x" in nb.cells[1].source, "the instructor notebook must be left unchanged"
    assert homework.exercise_cells(nb) == {"solution": [1], "test": [2]}


def test_student_version_needs_exercises_and_solution_markers():
    nb = _exercise_notebook()
    nb.cells = nb.cells[:1]
    with pytest.raises(ValueError, match="no nbgrader solution"):
        homework.student_version(nb)
    nb = _exercise_notebook()
    nb.cells[1].source = "def double(x):\n    return 2 * x"
    with pytest.raises(ValueError, match="no ### BEGIN SOLUTION"):
        homework.student_version(nb)
    nb = _exercise_notebook()
    nb.cells[0].source = "# solutions go between ### BEGIN SOLUTION and ### END SOLUTION"
    with pytest.raises(ValueError, match="cell 0 mentions 'BEGIN SOLUTION'"):
        homework.student_version(nb)


def test_build_command_writes_student_versions(tmp_path):
    src = tmp_path / "01_x.ipynb"
    nbformat.write(_exercise_notebook(), src)
    out = tmp_path / "student"
    proc = subprocess.run([sys.executable, "-m", "dlcourse.homework", "build", str(src), "--out", str(out)],
                          capture_output=True, text=True, check=True)
    assert str(out / "01_x.ipynb") in proc.stdout
    assert "NotImplementedError" in nbformat.read(out / "01_x.ipynb", as_version=4).cells[1].source
    with pytest.raises(FileNotFoundError):
        homework.build([tmp_path / "missing.ipynb"], out)


#: The student versions run under another seed than nbval's run of the instructor versions, so CI
#: checks every notebook's non-exercise cells under two seeds at no extra cost.
STUDENT_RUN_SEED = "1"


def _check_student_version(path):
    """Run the student version: every graded test cell must fail, and nothing outside the exercises.

    (That the instructor version passes everywhere is what nbval checks on notebooks/ itself.)
    """
    import nbclient

    instructor = nbformat.read(path, as_version=4)
    student = homework.student_version(instructor)
    roles = homework.exercise_cells(student)
    assert len(roles["test"]) >= 3, f"{path.name}: needs at least three graded exercises"
    # the kernel inherits the seed; the variable is restored before the next test
    # figures drawn inline as in Jupyter (the tests' MPLBACKEND=Agg draws none): the site shows them
    with environ(DLCOURSE_SEED=STUDENT_RUN_SEED, MPLBACKEND=site.INLINE_BACKEND):
        nbclient.NotebookClient(student, timeout=600, kernel_name="python3", allow_errors=True,
                                resources={"metadata": {"path": str(path.parent)}}).execute()
    site.save_run(path.stem, student)  # the course site's page of it (make test builds the site from these)
    errored = homework.errored_cells(student)
    allowed = set(roles["solution"]) | set(roles["test"])
    outside = sorted(errored - allowed)
    assert not outside, (f"{path.name} (DLCOURSE_SEED={STUDENT_RUN_SEED}): the student version fails outside "
                         f"the exercises, in cells {outside}: "
                         + "; ".join(student.cells[i].source.splitlines()[0] for i in outside))
    passing = [student.cells[i].metadata["nbgrader"]["grade_id"] for i in roles["test"] if i not in errored]
    assert not passing, f"{path.name}: these graded checks pass without a solution: {passing}"


# One test class per notebook, so that `pytest -n 2 --dist loadscope` spreads these runs over the
# workers one notebook at a time (a parametrized function would be a single scheduling unit), while
# each notebook's nbval cells stay together in one worker. The notebooks tests/test_nbgrader.py grades
# are left out: nbgrader's autograde of their unmodified student version, under the same seed, makes
# the same check (and more), so CI runs them once.
for _path in [p for p in NOTEBOOKS if p.stem not in AUTOGRADED]:
    _name = "TestStudentVersion_" + re.sub(r"\W", "_", _path.stem)
    globals()[_name] = type(_name, (), {
        "__doc__": f"The student version of {_path.name}.",
        "test_fails_exactly_at_the_exercise_checks": lambda self, _p=_path: _check_student_version(_p),
    })
del _path, _name


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no notebooks in {ROOT / 'notebooks'}"
