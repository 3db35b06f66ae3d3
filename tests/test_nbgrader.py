"""nbgrader end to end (issue 11): instructors use nbgrader's own commands, so these tests do too.

``python -m dlcourse.homework course DIR`` lays out the course directory; then, for each notebook in
``AUTOGRADED`` (the cheapest at smoke scale), the real ``nbgrader`` of the course environment runs
``generate_assignment``, ``autograde`` and ``generate_feedback`` (and, for the first one,
``release_assignment``, a student's ``fetch_assignment`` and ``submit``, and ``collect``). Three
submissions are graded:

* ``solution``: the released notebook with the instructor's solutions typed in: full marks;
* ``unmodified``: the released notebook submitted as it was released: zero points on
  every graded cell and no error outside the exercise cells;
* ``wrong``: the solutions with one plausible mistake: loses exactly that exercise's points.

The scores asserted are the ones nbgrader stores in its gradebook. Grading runs at smoke scale although
the test sets ``DLCOURSE_SCALE=default`` for it (nbgrader sets ``NBGRADER_EXECUTION``, which
``dl.setup()`` obeys), offline on the seeded caches (tests/conftest.py sets the environment the kernels
inherit) and under ``DLCOURSE_SEED=1``: the unmodified submission's autograde is then the same check as
tests/test_homework.py's student-version run (and nbgrader's release is checked to equal
``homework.student_version``), so test_homework skips these notebooks and CI executes them once, not twice.
"""

import dataclasses
import os
import pathlib
import re
import subprocess
import sys
import time

import nbformat
import pytest

from dlcourse import homework, site
from tests.conftest import ROOT, exercise_notebook, instructor_folder

#: The course environment's own executables: nbgrader, and the alembic it runs as a subprocess to
#: create its database (found on PATH only: see CONTRIBUTING.md, "Pitfalls").
VENV_BIN = pathlib.Path(sys.executable).parent
NBGRADER = VENV_BIN / "nbgrader"
COURSE_ID = homework.DEFAULT_COURSE_ID
#: Seconds one nbgrader command may take (autograde executes three submissions of one notebook).
COMMAND_TIMEOUT = 900


@dataclasses.dataclass(frozen=True)
class WrongAnswer:
    """A plausible mistake: in the solution cell ``solution``, ``old`` becomes ``new``; only ``tests`` fails."""

    solution: str
    tests: str
    old: str
    new: str
    mistake: str


#: The notebooks graded end to end: the cheapest at smoke scale (measured 2026-11-30, see the
#: report of issue 11), each with a wrong answer that a student could well write.
AUTOGRADED = {
    "03_backpropagation": WrongAnswer(
        "ex1_solution", "ex1_tests", "df_dx = t + df_du * y", "df_dx = df_du * y",
        "forgets the direct path from x to f (only the path through u)"),
    "01_neurons_and_layers": WrongAnswer(
        "ex3_solution", "ex3_tests", "n_in * n_out + n_out for", "n_in * n_out for",
        "counts the weights but forgets the biases"),
}

SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)


def nbgrader(*args, cwd, env=None, timeout=COMMAND_TIMEOUT):
    """Run the course environment's ``nbgrader`` in ``cwd`` (``env``: variables to set for it and the
    kernels it starts); fail with its output unless it succeeds."""
    if not NBGRADER.is_file():
        pytest.fail(f"{NBGRADER} is missing: nbgrader belongs to the course environment "
                    "(pyproject.toml, extra 'course'); run `make env` (or `make test`) to install it.")
    env = {**os.environ, **(env or {})}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"  # nbgrader starts alembic from PATH
    env.pop("DLCOURSE_RESULTS", None)  # graded runs record nothing
    env.pop("NBGRADER_EXECUTION", None)  # nbgrader sets it itself, for the kernels it runs
    t0, cpu0 = time.perf_counter(), _children_cpu()
    proc = subprocess.run([str(NBGRADER), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    # CPU seconds of nbgrader and its kernels: about the wall time on a quiet machine
    print(f"nbgrader {args[0]} {args[1] if len(args) > 1 else ''}: {time.perf_counter() - t0:.1f} s wall, "
          f"{_children_cpu() - cpu0:.1f} s CPU")
    log = (proc.stdout + proc.stderr)[-6000:]
    assert proc.returncode == 0, f"`nbgrader {' '.join(args)}` failed with status {proc.returncode}:\n{log}"
    return log


def _children_cpu():
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def without_markers(source):
    """A solution cell as a student would type it: the instructor's code, without nbgrader's markers."""
    return "\n".join(line for line in source.splitlines() if line.strip() not in SOLUTION_MARKERS)


def fill_in(released, instructor, wrong=None):
    """The released notebook with every solution typed in (and ``wrong``'s mistake made)."""
    nb = nbformat.from_dict(released)
    answers = {c.metadata["nbgrader"]["grade_id"]: without_markers(c.source)
               for c in instructor.cells if homework.nbgrader_role(c) == "solution"}
    for cell in nb.cells:
        if homework.nbgrader_role(cell) == "solution":
            cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]
            if wrong is not None and cell.metadata["nbgrader"]["grade_id"] == wrong.solution:
                assert cell.source.count(wrong.old) == 1, (
                    f"the wrong answer of {wrong.solution} expects {wrong.old!r} once in the solution; "
                    "the notebook changed: update AUTOGRADED in tests/test_nbgrader.py")
                cell.source = cell.source.replace(wrong.old, wrong.new)
    return nb


def errored_cells(nb):
    return {i for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            and any(o.get("output_type") == "error" for o in cell.get("outputs", []))}


def first_lines(nb, cells):
    return "; ".join(f"cell {i}: {nb.cells[i].source.splitlines()[0] if nb.cells[i].source else ''}"
                     for i in sorted(cells))


@dataclasses.dataclass
class Graded:
    name: str
    course: pathlib.Path
    instructor: nbformat.NotebookNode
    released: nbformat.NotebookNode
    roles: dict  # solution/test cell indices (the same in the source, the release and the submissions)
    points: dict  # grade_id of each graded test cell -> its points in the source
    grades: dict  # student -> grade_id -> (score, max_score, needs_manual_grade), from nbgrader's gradebook
    totals: dict  # student -> (score, max_score)
    autograded: dict  # student -> the notebook nbgrader executed
    feedback: dict  # student -> path of its HTML feedback
    seconds: float

    def test_id(self, i):
        return self.instructor.cells[i].metadata["nbgrader"]["grade_id"]


def grade_end_to_end(name, tmp):
    """The whole instructor workflow for one notebook (see the module docstring); returns what it left."""
    from nbgrader.api import Gradebook

    from tests.test_homework import STUDENT_RUN_SEED

    t0 = time.perf_counter()
    wrong = AUTOGRADED[name]
    source = ROOT / "notebooks" / f"{name}.ipynb"
    assert source.is_file(), f"AUTOGRADED names {name}, but {source} is missing: update tests/test_nbgrader.py"
    course = tmp / "course"
    assert homework.main(["course", str(course), str(source)]) == 0
    nbgrader("generate_assignment", name, cwd=course)
    released_path = course / "release" / name / f"{name}.ipynb"
    released = nbformat.read(released_path, as_version=4)
    instructor = nbformat.read(source, as_version=4)

    submissions = [("solution", fill_in(released, instructor)), ("wrong", fill_in(released, instructor, wrong))]
    if name == next(iter(AUTOGRADED)):
        # a student on this machine fetches the released notebook and submits it unchanged, through
        # the exchange of nbgrader_config.py (four nbgrader starts: once is enough, not per notebook)
        exchange = f"--Exchange.root={course / 'exchange'}"
        nbgrader("release_assignment", name, cwd=course)
        home = tmp / "student"
        home.mkdir()
        nbgrader("fetch_assignment", name, f"--course={COURSE_ID}", exchange, cwd=home)
        assert (home / name / f"{name}.ipynb").read_bytes() == released_path.read_bytes(), "fetched = released"
        nbgrader("submit", name, f"--course={COURSE_ID}", "--student=unmodified", exchange, cwd=home)
        nbgrader("collect", name, cwd=course)
        assert (course / "submitted" / "unmodified" / name / f"{name}.ipynb").is_file(), "collect left no submission"
    else:
        submissions.append(("unmodified", released))

    # the other submissions, placed where `nbgrader collect` puts them
    for student, nb in submissions:
        folder = course / "submitted" / student / name
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{name}.ipynb")

    # DLCOURSE_SCALE=default: grading must still run at smoke scale, because nbgrader sets NBGRADER_EXECUTION
    nbgrader("autograde", name, cwd=course, env={"DLCOURSE_SEED": STUDENT_RUN_SEED, "DLCOURSE_SCALE": "default",
                                                 "MPLBACKEND": site.INLINE_BACKEND})  # figures as in Jupyter
    nbgrader("generate_feedback", name, cwd=course)

    roles = homework.exercise_cells(instructor)
    points = {instructor.cells[i].metadata["nbgrader"]["grade_id"]: instructor.cells[i].metadata["nbgrader"]["points"]
              for i in roles["test"]}
    students = ("solution", "unmodified", "wrong")
    grades, totals = {}, {}
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        for student in students:
            submission = gb.find_submission(name, student)
            totals[student] = (submission.score, submission.max_score)
            grades[student] = {g.name: (g.score, g.max_score, g.needs_manual_grade)
                               for nb in submission.notebooks for g in nb.grades}
    autograded = {s: nbformat.read(course / "autograded" / s / name / f"{name}.ipynb", as_version=4) for s in students}
    site.save_run(name, autograded["unmodified"])  # the course site's page of it (test_homework skips this notebook)
    feedback = {s: course / "feedback" / s / name / f"{name}.html" for s in students}
    return Graded(name, course, instructor, released, roles, points, grades, totals, autograded, feedback,
                  time.perf_counter() - t0)


class _EndToEnd:
    """The checks, on one notebook's graded course (one class per notebook, below, so that
    ``pytest -n 2 --dist loadscope`` grades two notebooks on two workers at once)."""

    notebook = None

    @pytest.fixture(scope="class")
    def graded(self, tmp_path_factory):
        graded = grade_end_to_end(self.notebook, tmp_path_factory.mktemp(self.notebook))
        print(f"{self.notebook}: nbgrader end to end in {graded.seconds:.0f} s")
        return graded

    def test_release_has_no_solutions_and_no_hidden_tests(self, graded):
        hidden = [m.group(1) for i in graded.roles["test"] for m in HIDDEN.finditer(graded.instructor.cells[i].source)]
        assert hidden, f"{graded.name} has no hidden tests, so this test would prove nothing about them"
        text = "\n".join(cell.source for cell in graded.released.cells)
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        for block in hidden:
            for line in filter(None, (line.strip() for line in block.splitlines())):
                assert line not in text, f"a hidden test is visible in the released {graded.name}: {line}"
        # nbgrader's release is what `homework build` makes, so this run also stands for the
        # student-version run that tests/test_homework.py skips for these notebooks
        ours = homework.student_version(graded.instructor)
        assert [c.source for c in graded.released.cells] == [c.source for c in ours.cells]
        # and grading put the hidden tests back: they ran
        graded_text = "\n".join(cell.source for cell in graded.autograded["solution"].cells)
        assert all(block.strip() in graded_text for block in hidden), "autograde did not run the hidden tests"

    def test_grading_runs_at_smoke_scale_under_seed_1(self, graded):
        from tests.test_homework import STUDENT_RUN_SEED

        for student, nb in graded.autograded.items():
            report = [o.get("text", "") for cell in nb.cells[:4] for o in cell.get("outputs", []) if "scale:" in o.get("text", "")]
            assert report, f"no setup line in {student}'s graded {graded.name}"
            assert "scale: smoke" in report[0] and "env: nbgrader" in report[0], (
                f"autograde ran with DLCOURSE_SCALE=default and must still use the smoke scale: {report[0]}")
            assert f"seed: {STUDENT_RUN_SEED} " in report[0], report[0]

    def test_solution_gets_full_marks(self, graded):
        full = sum(graded.points.values())
        assert len(graded.points) >= 3
        assert graded.grades["solution"] == {g: (p, p, False) for g, p in graded.points.items()}
        assert graded.totals["solution"] == (full, full)
        nb = graded.autograded["solution"]
        assert not errored_cells(nb), f"the instructor solution fails in {first_lines(nb, errored_cells(nb))}"

    def test_unmodified_student_version_scores_zero_and_fails_nowhere_else(self, graded):
        nb = graded.autograded["unmodified"]
        errored = errored_cells(nb)
        outside = errored - set(graded.roles["solution"]) - set(graded.roles["test"])
        assert not outside, (f"{graded.name} (DLCOURSE_SEED=1, graded by nbgrader): the student version fails "
                             f"outside the exercises, in {first_lines(nb, outside)}")
        passing = [graded.test_id(i) for i in graded.roles["test"] if i not in errored]
        assert not passing, f"{graded.name}: these graded checks pass without a solution: {passing}"
        assert graded.grades["unmodified"] == {g: (0, p, False) for g, p in graded.points.items()}
        assert graded.totals["unmodified"] == (0, sum(graded.points.values()))

    def test_wrong_answer_loses_exactly_that_exercise(self, graded):
        wrong = AUTOGRADED[graded.name]
        expected = {g: (0 if g == wrong.tests else p, p, False) for g, p in graded.points.items()}
        assert graded.grades["wrong"] == expected, f"a student who {wrong.mistake} must lose {wrong.tests} only"
        assert graded.totals["wrong"] == (sum(graded.points.values()) - graded.points[wrong.tests],
                                          sum(graded.points.values()))
        nb = graded.autograded["wrong"]
        assert {graded.test_id(i) for i in errored_cells(nb)} == {wrong.tests}, "only its check fails: no crash"

    def test_feedback_is_html_with_the_score(self, graded):
        for student, path in graded.feedback.items():
            assert path.is_file(), f"generate_feedback wrote no {path}"
            html = path.read_text(encoding="utf-8")
            score, max_score = graded.totals[student]
            shown = f"(Score: {round(float(score), 2)} / {round(float(max_score), 2)})"  # as nbgrader's template writes it
            assert html.lstrip().lower().startswith("<!doctype html") and shown in html, f"{path} does not show {shown}"
        wrong = AUTOGRADED[graded.name]
        assert "AssertionError" in graded.feedback["wrong"].read_text(encoding="utf-8"), (
            f"the feedback shows the student why {wrong.tests} failed")


for _name in AUTOGRADED:
    _cls = "TestNbgrader_" + re.sub(r"\W", "_", _name)
    globals()[_cls] = type(_cls, (_EndToEnd,), {"notebook": _name, "__doc__": f"{_name}, graded by nbgrader."})
del _name, _cls


# ------------------------------------------------------------------------------------------------
# `python -m dlcourse.homework course`: lays out, never overwrites, refuses clearly
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def sources(tmp_path):
    return instructor_folder(tmp_path)


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_course_lays_out_one_assignment_per_notebook(sources, tmp_path, capsys):
    course = tmp_path / "course"
    assert homework.main(["course", str(course), *map(str, sorted(sources.iterdir())), "--course-id", "dl-2027"]) == 0
    out = capsys.readouterr().out
    assert sorted(tree(course)) == ["nbgrader_config.py", "source/01_a/01_a.ipynb", "source/02_b/02_b.ipynb"]
    assert (course / "exchange").is_dir(), "the exchange exists from the start (students' list/fetch check it)"
    assert (course / "source/01_a/01_a.ipynb").read_bytes() == (sources / "01_a.ipynb").read_bytes()
    config = (course / "nbgrader_config.py").read_text()
    assert "c.CourseDirectory.course_id = 'dl-2027'" in config and 'c.Exchange.root = os.path.join(HERE, "exchange")' in config
    assert f"c.Execute.timeout = {homework.GRADING_CELL_TIMEOUT}" in config and "NBGRADER_EXECUTION" in config
    assert f"wrote: {course / 'source/02_b/02_b.ipynb'}" in out and "nbgrader generate_assignment 01_a" in out
    compile(config, "nbgrader_config.py", "exec")


def test_course_keeps_what_is_there_and_adds_new_notebooks(sources, tmp_path, capsys):
    course = tmp_path / "course"
    assert homework.main(["course", str(course), str(sources / "01_a.ipynb")]) == 0
    edited = course / "source/01_a/01_a.ipynb"
    edited.write_text(edited.read_text().replace("assert double(2) == 4", "assert double(3) == 6"))
    (course / "nbgrader_config.py").write_text("c = get_config()  # the instructor's own\n")
    before = tree(course)
    capsys.readouterr()
    assert homework.main(["course", str(course), str(sources / "01_a.ipynb"), str(sources / "02_b.ipynb")]) == 0
    out = capsys.readouterr().out
    after = tree(course)
    assert all(after[p] == data for p, data in before.items()), "an instructor's edits are never overwritten"
    assert set(after) - set(before) == {"source/02_b/02_b.ipynb"}
    assert f"kept: {edited} (it differs from {sources / '01_a.ipynb'}" in out
    assert f"kept: {course / 'nbgrader_config.py'} (it differs" in out


@pytest.mark.parametrize("how, match", [
    ("file", "is a file, not a folder"),
    ("inside", "is inside .*notebooks, the folder of the source"),
    ("link", "is the source .*refusing to write over it"),
    ("markup", r"cell 1 \(ex1_solution\) has no ### BEGIN SOLUTION"),
    ("course-id", "course id 'my course' is not usable"),
    ("same-name", "have the same file name"),
    ("empty", "the course directory is empty"),
    ("exchange", "exchange is a file where the course needs a folder"),
])
def test_course_refuses_clearly_and_writes_nothing(sources, tmp_path, capsys, how, match):
    course = tmp_path / "course"
    args = ["course", str(course), str(sources / "01_a.ipynb"), str(sources / "02_b.ipynb")]
    if how == "file":
        course.write_text("not a folder")
    elif how == "inside":
        args[1] = str(sources / "course")
    elif how == "link":  # source/01_a is a link to the repository's notebooks folder
        (course / "source").mkdir(parents=True)
        (course / "source" / "01_a").symlink_to(sources)
    elif how == "markup":
        nb = exercise_notebook()
        nb.cells[1].source = "def double(x):\n    return 2 * x"
        nbformat.write(nb, sources / "02_b.ipynb")
    elif how == "course-id":
        args += ["--course-id", "my course"]
    elif how == "same-name":
        other = tmp_path / "other"
        other.mkdir()
        nbformat.write(exercise_notebook(), other / "01_a.ipynb")
        args.append(str(other / "01_a.ipynb"))
    elif how == "empty":
        args[1] = ""
    elif how == "exchange":
        course.mkdir()
        (course / "exchange").write_text("not a folder")
    snapshot = tree(tmp_path)
    assert homework.main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and re.search(match, err) and "Traceback" not in err, err
    assert tree(tmp_path) == snapshot, "a refused course writes nothing and changes nothing"


def test_make_course_and_the_readme_name_the_commands():
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^course: env\n\t\$\(PY\) -m dlcourse\.homework course \$\(COURSE\)", makefile, re.M)
    readme = (ROOT / "README.md").read_text()
    for command in ("make course", "nbgrader generate_assignment", "nbgrader release_assignment", "nbgrader collect",
                    "nbgrader autograde", "nbgrader generate_feedback", "nbgrader release_feedback"):
        assert command in readme, f"README.md's homework section should show `{command}`"
