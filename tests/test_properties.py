"""Property-based tests (Hypothesis) over every public function and command of dlcourse.

Each test states its invariant in its docstring. Shared invariants:

* **lose nothing**: a call never writes outside its target, never changes a source notebook or a
  byte of a README outside its results table, and a results file stays valid JSON lines;
* **fail clearly**: bad input raises one of our documented errors (``TypeError``, ``ValueError``
  and its subclasses ``ResultsFileError``/``ReadmeMarkersError``/``NotebookFileError``/
  ``HomeworkError``, ``FileNotFoundError``, ``DatasetUnavailableError``), and the commands answer
  bad input with exit status 2 and one ``error:`` line, never a traceback.

Examples are few and small (``max_examples``), no TensorFlow work happens per example, the
seeded dataset cache is opened once; runs are derandomized and keep no example database, so CI is
deterministic and nothing is written into the repository.
"""

import contextlib
import io
import json
import math
import os
import pathlib
import re
import tempfile

import hypothesis.configuration
import matplotlib

matplotlib.use("Agg")
# Hypothesis' caches (unicode tables) go to the ignored .cache/, not into the repository root.
hypothesis.configuration.set_hypothesis_home_dir(pathlib.Path(__file__).resolve().parents[1] / ".cache" / "hypothesis")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import dlcourse as dl  # noqa: E402
from dlcourse import _config, datasets, homework, plots, recording, results  # noqa: E402
from dlcourse.datasets import DatasetUnavailableError  # noqa: E402
from dlcourse._config import environ  # noqa: E402
from dlcourse.recording import ResultsFileError  # noqa: E402

#: Our documented errors: anything else escaping a public function is a bug.
DOCUMENTED = (TypeError, ValueError, FileNotFoundError, DatasetUnavailableError)


def config(n):
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                           HealthCheck.filter_too_much])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


env = environ  # dlcourse's own: set or unset variables for one example, then restore them


def tree(folder: pathlib.Path) -> dict:
    """Every file under ``folder`` with its bytes."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def run_command(main, argv):
    """(exit status, stdout, stderr) of a command's main(); argparse's own exits count as status."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: usage errors exit 2 with a usage line
            code = exc.code
    return code, out.getvalue(), err.getvalue()


names = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=0, max_size=12)
good_names = st.from_regex(r"[A-Za-z0-9_]{1,12}", fullmatch=True)
values = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**20, 10**20), st.booleans(),
                   st.none(), st.text(max_size=3), st.lists(st.floats(), max_size=2))
records_st = st.lists(st.fixed_dictionaries(
    {"notebook": good_names, "metric": good_names, "value": st.floats(-1e9, 1e9, allow_nan=False),
     "scale": st.sampled_from(_config.SCALES)},
    optional={"seed": st.integers(0, 3)}), max_size=8)


# ------------------------------------------------------------------------------------------------
# _config: scale, seed, scaled, setup, elapsed
# ------------------------------------------------------------------------------------------------


@config(40)
@given(scale=st.one_of(st.none(), names), nbgrader=st.one_of(st.none(), names), seed=st.one_of(st.none(), names))
def test_scale_and_seed_come_from_the_environment_or_a_named_error(scale, nbgrader, seed):
    """get_scale() is one of SCALES (smoke whenever nbgrader really executes) or a ValueError naming
    DLCOURSE_SCALE; get_seed() is in [0, 2**32) or a ValueError naming DLCOURSE_SEED."""
    assume(all("\x00" not in v for v in (scale, nbgrader, seed) if v is not None))
    with env(DLCOURSE_SCALE=scale, NBGRADER_EXECUTION=nbgrader, DLCOURSE_SEED=seed):
        try:
            value = dl.get_scale()
            assert value in dl.SCALES
            if _config.nbgrader_executing():
                assert value == "smoke"
            assert dl.scaled(smoke=1, default=2, full=3) == {"smoke": 1, "default": 2, "full": 3}[value]
        except ValueError as err:
            assert "DLCOURSE_SCALE" in str(err) and not _config.nbgrader_executing()
        try:
            assert 0 <= dl.get_seed() < 2**32
        except ValueError as err:
            assert "DLCOURSE_SEED" in str(err)


@config(8)
@given(seed=st.one_of(st.none(), st.integers(-5, 2**33), st.just(np.int64(7)), st.floats(), st.text(max_size=3)),
       notebook=st.one_of(st.none(), names, st.integers(), st.sampled_from(["notebooks/", "a/01_x.ipynb", ".", ".."])))
def test_setup_returns_consistent_settings_or_a_documented_error(seed, notebook):
    """setup() either returns Settings whose seed is the one given (or the environment's) and whose
    notebook name holds no path separator, '|' or newline, or raises TypeError/ValueError."""
    assume(not (isinstance(notebook, str) and "\x00" in notebook))
    with env(DLCOURSE_SEED=None, DLCOURSE_SCALE="smoke", NBGRADER_EXECUTION=None):
        try:
            s = dl.setup(seed, notebook=notebook, verbose=False)
        except (TypeError, ValueError):
            return
    assert s.seed == (0 if seed is None else int(seed)) and s.scale == "smoke"
    if s.notebook is not None:
        assert s.notebook.strip() and not re.search(r"[/|\n<>]", s.notebook)
    assert dl.elapsed() >= 0


@config(20)
@given(st.dictionaries(st.sampled_from(["smoke", "default", "full"]), st.one_of(st.none(), st.integers()), min_size=3))
def test_scaled_needs_every_value(sizes):
    """scaled() returns the current scale's value, or ValueError if any scale's value is None."""
    with env(DLCOURSE_SCALE="default", NBGRADER_EXECUTION=None):
        if None in sizes.values():
            with pytest.raises(ValueError, match="is None"):
                dl.scaled(**sizes)
        else:
            assert dl.scaled(**sizes) == sizes["default"]


# ------------------------------------------------------------------------------------------------
# record and results files
# ------------------------------------------------------------------------------------------------


@config(50)
@given(metric=st.one_of(names, values), value=values, notebook=st.one_of(st.none(), names, values),
       existing=st.one_of(st.none(), st.binary(max_size=40), records_st.map(
           lambda rs: "".join(json.dumps(r) + "\n" for r in rs).encode()),
           records_st.map(lambda rs: "\n".join(json.dumps(r) for r in rs).encode())))
def test_record_appends_exactly_one_valid_line_or_changes_nothing(metric, value, notebook, existing):
    """record() never writes outside its target; a results file stays valid JSON lines: either one
    record is appended (and reads back equal) or a documented error leaves every byte as it was."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        path = tmp / "r.jsonl"
        if existing is not None:
            path.write_bytes(existing)
        before = tree(tmp)
        with env(DLCOURSE_RESULTS=str(path), DLCOURSE_SCALE="smoke", NBGRADER_EXECUTION=None, DLCOURSE_SEED=None):
            _config._state["notebook"] = "00_prop"
            try:
                dl.record(metric, value, notebook=notebook, verbose=False)
            except DOCUMENTED:
                assert tree(tmp) == before, "a refused record changes nothing"
                return
        after = tree(tmp)
        assert set(after) == {pathlib.Path("r.jsonl")}, "never writes outside its target"
        recs = results.load(path)
        assert recs[-1]["metric"] == metric.strip() and recs[-1]["value"] == float(value)
        existing = existing or b""
        assert after[pathlib.Path("r.jsonl")].startswith(existing), "earlier bytes are kept"
        assert len(recs) == len([line for line in existing.decode().splitlines() if line.strip()]) + 1


@config(40)
@given(st.one_of(names, st.sampled_from(["~/r.jsonl", "$HOME/r.jsonl", "${HOME}/x.jsonl", "~nobody_xyz/r.jsonl",
                                          "$UNSET_DL_VAR/r.jsonl", "r.jsonl", "/tmp/README.md", "/tmp/a.jsonl"])))
def test_results_path_is_absolute_jsonl_or_refused(raw):
    """results_path() gives an absolute, fully expanded .jsonl path, or raises ResultsFileError."""
    assume("\x00" not in raw)
    try:
        path = recording.results_path(raw)
    except ResultsFileError:
        return
    assert path.is_absolute() and path.suffix == ".jsonl" and "$" not in str(path) and "~" not in path.parts[0]


@config(50)
@given(st.one_of(st.binary(max_size=60), st.lists(st.one_of(
    st.dictionaries(st.sampled_from(["notebook", "metric", "value", "scale", "seed"]),
                    st.one_of(good_names, values), max_size=5),
    values), max_size=4).map(lambda xs: "\n".join(json.dumps(x) for x in xs).encode())))
def test_load_returns_checked_records_or_names_the_line(content):
    """load() on any bytes returns records with string names and finite values, or raises
    ResultsFileError naming file:line; the commands then exit 2 with one error line."""
    with tempfile.TemporaryDirectory() as tmp:
        path = pathlib.Path(tmp) / "r.jsonl"
        path.write_bytes(content)
        try:
            recs = results.load(path)
        except ResultsFileError as err:
            assert re.search(r"r\.jsonl:\d+", str(err))
            for cmd in (["table", str(path)], ["seeds", str(path)]):
                code, _, stderr = run_command(results.main, cmd)
                assert code == 2 and stderr.startswith("error: ") and "Traceback" not in stderr
            return
        for rec in recs:
            assert all(isinstance(rec[k], str) for k in ("notebook", "metric", "scale"))
            assert math.isfinite(rec["value"]) and not isinstance(rec["value"], bool)
        assert run_command(results.main, ["table", str(path)])[0] == 0


@config(40)
@given(st.lists(st.fixed_dictionaries(
    {"notebook": names.filter(str.strip), "metric": names.filter(str.strip), "value": st.floats(-1e12, 1e12),
     "scale": st.sampled_from(_config.SCALES)}, optional={"seed": st.integers(0, 2)}), max_size=8))
def test_tables_have_one_well_formed_row_per_notebook_and_scale(recs):
    """table() and seeds_table() print a header and one Markdown row per (notebook, scale), each with
    exactly four cells, whatever characters the names hold ('|' escaped, newlines flattened)."""
    for text, keys in ((results.table(recs), {(r["notebook"], r["scale"]) for r in recs if r.get("seed", 0) == 0}),
                       (results.seeds_table(recs), {(r["notebook"], r["scale"]) for r in recs if "seed" in r})):
        lines = text.split("\n")
        assert len(lines) == 2 + len(keys)
        for line in lines:
            assert len(re.findall(r"(?<!\\)\|", line)) == 5, line


prose = st.lists(st.sampled_from(list("ab \n`<>-|!") + [results.TABLE_BEGIN, results.TABLE_END]), max_size=20).map("".join)


@config(40)
@given(head=prose, table_body=st.text(alphabet="ab|\n -", max_size=30), tail=prose, recs=records_st,
       prune=st.booleans(), crlf=st.booleans())
def test_update_readme_changes_only_the_table(head, table_body, tail, recs, prune, crlf):
    """update_readme() rewrites only the lines between one well-formed marker pair: every byte
    before the begin line and after the end line stays; the table then equals table(records) and a
    second update is a no-op. Otherwise it raises ReadmeMarkersError and the file is unchanged."""
    eol = "\r\n" if crlf else "\n"
    text = f"{head}\n{results.TABLE_BEGIN}\n{table_body}\n{results.TABLE_END}\n{tail}".replace("\n", eol)
    with tempfile.TemporaryDirectory() as tmp:
        readme = pathlib.Path(tmp) / "README.md"
        readme.write_bytes(text.encode())
        try:
            results.update_readme(readme, recs, prune=prune)
        except results.ReadmeMarkersError:
            assert readme.read_bytes() == text.encode()
            return
        new = readme.read_bytes().decode()
        assert os.listdir(tmp) == ["README.md"], "never writes outside its target"
        lines, begin, end = results._marker_lines(readme, new)
        old_lines, old_begin, old_end = results._marker_lines(readme, text)
        assert lines[:begin + 1] == old_lines[:old_begin + 1] and lines[end:] == old_lines[old_end:]
        assert results.readme_table(readme) == results.table(recs)
        assert results.update_readme(readme, recs) is False


@config(40)
@given(argv=st.lists(st.sampled_from(["table", "seeds", "run", "--update", "--prune", "--scale", "smoke", "huge",
                                      "--seed", "-1", "x", "1", "--results", "R.md", "r.jsonl", "--keep-going",
                                      "nb.ipynb", "README.md"]), max_size=6))
def test_results_command_answers_every_argv_with_a_status(argv):
    """`python -m dlcourse.results` ends with status 0, 1 or 2 for any arguments, prints 'error:' or
    argparse's usage on 2, and never leaves a traceback or writes into a non-results file."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "README.md").write_text(f"x\n{results.TABLE_BEGIN}\n{results.TABLE_END}\n")
        (tmp / "R.md").write_text("notes\n")
        (tmp / "r.jsonl").write_text(json.dumps({"notebook": "a", "metric": "m", "value": 1, "scale": "smoke"}) + "\n")
        (tmp / "nb.ipynb").write_text("")  # not a notebook: `run` must refuse before starting a kernel
        before = tree(tmp)
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            code, _, stderr = run_command(results.main, argv)
        finally:
            os.chdir(cwd)
        assert code in (0, 1, 2) and "Traceback" not in stderr
        after = tree(tmp)
        assert after[pathlib.Path("R.md")] == before[pathlib.Path("R.md")]
        assert set(after) <= set(before) | {pathlib.Path("results/results.jsonl")}


@config(30)
@given(notebook=st.sampled_from(["missing.ipynb", "empty.ipynb", "README.md", "list.ipynb"]),
       scale=st.sampled_from(["smoke", "default", "huge", ""]),
       seed=st.one_of(st.none(), st.integers(-2, 2**33)),
       results_file=st.sampled_from(["r.jsonl", "README.md", "sub/r.jsonl", "$HOME/r.jsonl", "~/r.md"]))
def test_run_notebook_refuses_bad_input_before_starting_a_kernel(notebook, scale, seed, results_file):
    """run_notebook() given a file that is not a notebook (or a bad scale, seed or results file)
    raises a documented error before any kernel starts, writes no file and restores the environment."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "empty.ipynb").write_text("")
        (tmp / "list.ipynb").write_text("[1]")
        (tmp / "README.md").write_text("# x\n")
        before, environ = tree(tmp), dict(os.environ)
        with pytest.raises(DOCUMENTED):
            results.run_notebook(tmp / notebook, scale, tmp / results_file if "$" not in results_file else results_file,
                                 timeout=5, seed=seed)
        assert tree(tmp) == before and dict(os.environ) == environ


@config(30)
@given(tfds=st.one_of(st.none(), names, st.sampled_from(["~", "~/data", "~/"])),
       keras_home=st.one_of(st.none(), names, st.just("~/.keras")))
def test_cache_folders_are_expanded_paths(tfds, keras_home):
    """tfds_data_dir() and keras_cache_dir() always give a Path with '~' expanded, the defaults when unset
    (and no prepared cache is named)."""
    assume(all("\x00" not in v for v in (tfds, keras_home) if v is not None))
    with env(TFDS_DATA_DIR=tfds, KERAS_HOME=keras_home, DLCOURSE_DATA_DIR=None):
        for folder in (datasets.tfds_data_dir(), datasets.keras_cache_dir()):
            assert isinstance(folder, pathlib.Path) and folder.parts[:1] != ("~",), "the home folder is expanded"
        if not tfds:
            assert datasets.tfds_data_dir() == pathlib.Path.home() / "tensorflow_datasets"


# ------------------------------------------------------------------------------------------------
# homework
# ------------------------------------------------------------------------------------------------

cell_sources = st.lists(st.sampled_from(["x = 1", "### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS",
                                         "### END HIDDEN TESTS", "assert x", "BEGIN SOLUTION in prose"]),
                        max_size=5).map("\n".join)
nbgrader_meta = st.one_of(
    st.none(), st.just(["odd"]), st.just("text"),
    st.fixed_dictionaries({"solution": st.booleans(), "grade": st.booleans(),
                           "grade_id": st.one_of(st.sampled_from(["ex1", "ex2", "ex3"]), st.none(), st.integers())},
                          optional={"points": st.integers(0, 3)}))


@st.composite
def notebooks(draw):
    nb = nbformat.v4.new_notebook()
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["code", "markdown"]))
        source = draw(cell_sources)
        cell = nbformat.v4.new_code_cell(source) if kind == "code" else nbformat.v4.new_markdown_cell(source)
        meta = draw(nbgrader_meta)
        if meta is not None:
            cell.metadata["nbgrader"] = meta
        nb.cells.append(cell)
    return nb


@config(40)
@given(notebooks())
def test_student_version_removes_every_solution_or_names_the_cell(nb):
    """student_version() leaves its argument unchanged and returns a notebook with the same cells,
    no solution or hidden-test region left and no outputs; or it raises HomeworkError naming a cell."""
    original = nbformat.writes(nb)
    try:
        student = homework.student_version(nb)
    except homework.HomeworkError as err:
        assert nbformat.writes(nb) == original
        assert re.search(r"cell \d+|no nbgrader solution", str(err)), err
        return
    assert nbformat.writes(nb) == original
    assert len(student.cells) == len(nb.cells)
    for cell in student.cells:
        assert "BEGIN SOLUTION" not in cell.source and "HIDDEN TESTS" not in cell.source
        assert not cell.get("outputs")


def _good_notebook():
    nb = nbformat.v4.new_notebook()
    sol = nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION")
    sol.metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "s"}
    test = nbformat.v4.new_code_cell("assert x")
    test.metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "t", "points": 1}
    nb.cells = [sol, test]
    return nb


@config(40)
@given(out=st.sampled_from(["notebooks", "notebooks/.", "notebooks/../notebooks", "./notebooks/", ".", "",
                            "build/student", "other", "notebooks/sub", "notebooks/01_a.ipynb"]),
       inputs=st.lists(st.sampled_from(["notebooks/01_a.ipynb", "notebooks/02_b.ipynb", "other/01_a.ipynb",
                                        "missing.ipynb", "notebooks/bad.ipynb"]), max_size=3),
       cwd=st.sampled_from([".", "notebooks"]))
def test_homework_build_never_touches_its_sources(out, inputs, cwd):
    """homework build never changes a source file and writes only <out>/<input name>; a refused build
    (status 2, one error line) writes nothing at all."""
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for rel in ("notebooks/01_a.ipynb", "notebooks/02_b.ipynb", "other/01_a.ipynb"):
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(_good_notebook(), root / rel)
        (root / "notebooks" / "bad.ipynb").write_text("{")
        before = tree(root)
        here = root / cwd
        args = ["build", *[os.path.relpath(root / p, here) for p in inputs], "--out", out]
        old = os.getcwd()
        os.chdir(here)
        try:
            code, stdout, stderr = run_command(homework.main, args)
        finally:
            os.chdir(old)
        after = tree(root)
        assert all(after.get(p) == data for p, data in before.items()), "sources unchanged"
        if code != 0:
            assert code == 2 and stderr.startswith("error: ") and set(after) == set(before)
            return
        new = set(after) - set(before)
        out_dir = (here / out).resolve()
        assert all((root / p).resolve().parent == out_dir for p in new), "writes only into out"
        assert len(new) == len(stdout.split())


# ------------------------------------------------------------------------------------------------
# plots
# ------------------------------------------------------------------------------------------------

small_floats = st.floats(allow_nan=True, allow_infinity=True, width=32)
images_st = hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=5), elements=small_floats)


@config(25)
@given(images=st.one_of(images_st, hnp.arrays(np.uint8, st.tuples(st.integers(1, 6), st.just(4), st.just(4)))),
       labels=st.one_of(st.none(), st.lists(st.integers(-1, 4), max_size=6)),
       predictions=st.one_of(st.none(), st.lists(st.integers(-1, 4), max_size=6)),
       class_names=st.one_of(st.none(), st.just(list("abcd"))), ncols=st.one_of(st.integers(-1, 9), st.just(np.int32(3))),
       vmin=st.one_of(st.none(), small_floats), symmetric=st.booleans())
def test_image_grid_draws_one_panel_per_image_or_refuses(images, labels, predictions, class_names, ncols, vmin, symmetric):
    """image_grid() returns a Figure with ceil(n/ncols)*ncols panels (n of them showing an image and
    titled when labels or predictions are given), or raises TypeError/ValueError."""
    try:
        fig = plots.image_grid(images, labels, class_names, predictions, ncols=ncols, vmin=vmin, symmetric=symmetric)
    except (TypeError, ValueError):
        return
    n = len(images)
    shown = [ax for ax in fig.axes if ax.images]
    assert len(shown) == n
    if labels is not None or predictions is not None:
        assert all(ax.get_title() for ax in shown)


@config(25)
@given(rows=st.dictionaries(st.text(max_size=3), images_st, min_size=0, max_size=3),
       vmin=st.one_of(st.none(), small_floats), vmax=st.one_of(st.none(), small_floats),
       image_shape=st.one_of(st.none(), st.tuples(st.integers(0, 3), st.integers(0, 3))))
def test_image_rows_has_a_finite_colour_range_or_refuses(rows, vmin, vmax, image_shape):
    """image_rows() draws one picture whose colour limits are finite with low <= high (NaN and inf
    pixels never blacken the others), or raises TypeError/ValueError."""
    try:
        fig = plots.image_rows(rows, vmin=vmin, vmax=vmax, image_shape=image_shape)
    except (TypeError, ValueError):
        return
    lo, hi = fig.axes[0].images[0].get_clim()
    assert math.isfinite(lo) and math.isfinite(hi) and lo <= hi


@config(15)
@given(y_true=st.lists(st.integers(-1, 4), min_size=0, max_size=12), shift=st.integers(0, 2),
       class_names=st.one_of(st.none(), st.lists(st.sampled_from("abcdef"), min_size=0, max_size=6)),
       normalize=st.booleans())
def test_confusion_matrix_counts_every_sample_or_refuses(y_true, shift, class_names, normalize):
    """confusion_matrix() shows a matrix whose counts add up to the number of samples (no label is
    silently dropped), or raises ValueError."""
    y_pred = [(v + shift) % 5 for v in y_true]
    try:
        fig = plots.confusion_matrix(y_true, y_pred, class_names=class_names, normalize=normalize)
    except ValueError:
        return
    if not normalize:
        assert sum(int(t.get_text()) for t in fig.axes[0].texts) == len(y_true)


@config(25)
@given(x=hnp.arrays(np.float64, st.tuples(st.integers(0, 6), st.integers(1, 3)), elements=st.floats(-1e6, 1e6) | st.just(np.nan)),
       y=st.lists(st.integers(-1, 3), max_size=6),
       output=st.sampled_from(["proba", "logit", "classes", "onehot", "nan", "wrong_len", "strings", "bool"]),
       resolution=st.one_of(st.integers(5, 30), st.just(np.int64(12))))
def test_decision_boundary_draws_regions_or_refuses(x, y, output, resolution):
    """decision_boundary() returns a Figure with filled regions on a finite grid for any predict
    output it documents, or raises TypeError/ValueError (never a matplotlib or NumPy error)."""
    def predict(g):
        s = g[:, 0] - g[:, 1]
        return {"proba": 1 / (1 + np.exp(-np.clip(s, -50, 50))), "logit": s[:, None], "classes": (s > 0).astype(int),
                "onehot": np.stack([s, -s], 1), "nan": np.full(len(g), np.nan), "wrong_len": s[:3],
                "strings": np.array(["a"] * len(g)), "bool": s > 0}[output]
    try:
        fig = plots.decision_boundary(predict, x, np.array(y, dtype=int), resolution=resolution)
    except (TypeError, ValueError):
        return
    assert fig.axes[0].collections


@config(15)
@given(hist=st.dictionaries(st.sampled_from(["loss", "val_loss", "acc", "learning_rate"]),
                            st.one_of(st.lists(st.floats(allow_nan=True), max_size=4), st.floats(), st.text(max_size=2)),
                            max_size=4),
       metrics=st.one_of(st.none(), st.sampled_from(["loss", "acc", "x"]), st.lists(st.sampled_from(["loss", "acc"]), max_size=2)))
def test_history_draws_one_panel_per_metric_or_refuses(hist, metrics):
    """history() draws one titled panel per metric, or raises TypeError/ValueError."""
    try:
        fig = plots.history(hist, metrics=metrics)
    except (TypeError, ValueError):
        return
    assert all(ax.get_title() for ax in fig.axes)


@config(10)
@given(x=st.one_of(st.none(), hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=6), elements=small_floats)),
       name=st.one_of(st.text(max_size=3), st.integers()))
def test_function_and_derivative_draws_two_panels_or_refuses(x, name):
    """function_and_derivative() draws f and f' side by side, or raises TypeError/ValueError."""
    try:
        fig = plots.function_and_derivative(np.tanh, lambda z: 1 - np.tanh(z) ** 2, x=x, name=name)
    except (TypeError, ValueError):
        return
    assert len(fig.axes) == 2


@config(10)
@given(wave=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=40), elements=small_floats),
       sample_rate=st.one_of(st.integers(-5, 4000), st.floats(allow_nan=True), st.booleans()),
       zoom_ms=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-3, 50), st.text(max_size=2)))
def test_waveform_draws_the_whole_and_a_zoom_or_refuses(wave, sample_rate, zoom_ms):
    """waveform() draws the recording and zoom_ms of it (that many samples), or raises ValueError."""
    try:
        fig = plots.waveform(wave, sample_rate, zoom_ms=zoom_ms)
    except ValueError:
        return
    assert len(fig.axes) == 2
    assert len(fig.axes[1].lines[0].get_xdata()) == round(zoom_ms * sample_rate / 1000)


# ------------------------------------------------------------------------------------------------
# datasets
# ------------------------------------------------------------------------------------------------


@config(30)
@given(raw=names)
def test_is_offline_is_a_bool_or_names_the_variable(raw):
    """is_offline() is a bool for every value of DLCOURSE_OFFLINE, or a ValueError naming it."""
    assume("\x00" not in raw)
    with env(DLCOURSE_OFFLINE=raw):
        try:
            assert isinstance(datasets.is_offline(), bool)
        except ValueError as err:
            assert "DLCOURSE_OFFLINE" in str(err)


@config(25)
@given(loader=st.sampled_from(["load_digits", "load_diabetes", "load_breast_cancer", "load_wine", "load_iris"]),
       fraction=st.one_of(st.floats(-0.5, 1.5), st.just(np.float32(0.3)), st.sampled_from([0.001, 0.999, 1e-9])),
       seed=st.one_of(st.none(), st.integers(-3, 2**33), st.just(np.int64(5))))
def test_sklearn_loaders_partition_the_data_or_refuse(loader, fraction, seed):
    """A scikit-learn loader splits all its examples into non-empty train and test sets (sizes
    add up to the whole, test about test_fraction of it), or raises our ValueError/TypeError."""
    try:
        (x_tr, y_tr), (x_te, y_te) = getattr(datasets, loader)(test_fraction=fraction, seed=seed)
    except (TypeError, ValueError) as err:
        assert "sklearn" not in type(err).__module__ and re.search(r"test_fraction|seed", str(err)), err
        return
    n = len(x_tr) + len(x_te)
    assert len(x_tr) and len(x_te) and len(y_tr) == len(x_tr) and len(y_te) == len(x_te)
    assert len(x_te) == math.ceil(float(fraction) * n)


@config(30)
@given(st.one_of(st.none(), st.integers(-3, 10**6), st.just(np.int64(3)), st.floats(), st.booleans(), st.text(max_size=2)))
def test_size_arguments_are_positive_ints_or_refused(n):
    """_check_n (every loader's n, n_train, n_test, n_chars) gives None or an int > 0, else
    TypeError/ValueError; the seeded MNIST's split spec never asks for more than the split holds."""
    try:
        k = datasets._check_n("n", n)
    except (TypeError, ValueError):
        return
    assert k is None or (isinstance(k, int) and k > 0)


@pytest.fixture(scope="module")
def mnist_builder():
    if not (pathlib.Path(os.environ.get("TFDS_DATA_DIR", "/nonexistent")) / "mnist").is_dir():
        pytest.skip("needs the seeded TFDS cache")
    return datasets._tfds_builder("mnist", "mnist", "11 MB")  # opened once, not per example


@config(40)
@given(n=st.one_of(st.none(), st.integers(-2, 20_000), st.just(np.int64(50))), scale_n=st.one_of(st.none(), st.integers(1, 20_000)))
def test_split_spec_stays_within_the_cached_split(mnist_builder, n, scale_n):
    """For the seeded MNIST, the split spec is 'train' or 'train[:k]' with 0 < k < the split's size,
    or TypeError/ValueError for a bad n."""
    import warnings

    available = mnist_builder.info.splits["train"].num_examples
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            spec = datasets._split_spec(mnist_builder, "train", n, scale_n, "n", "mnist")
        except (TypeError, ValueError):
            return
    m = re.fullmatch(r"train(?:\[:(\d+)\])?", spec)
    assert m and (m.group(1) is None or 0 < int(m.group(1)) < available)


@config(20)
@given(damage=st.lists(st.sampled_from(["truncate", "grow", "delete", "garbage_info", "rename_version", "nothing"]),
                       max_size=2, unique=True).filter(lambda d: not {"truncate", "grow"} <= set(d)))
def test_catalog_says_cached_only_when_the_files_are_whole(damage):
    """catalog() lists every loader; 'cached' is True for a TFDS dataset only if its expected
    version, info file and complete shards are there, and for a file only with the right SHA-256."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        folder = tmp / "tfds" / "mnist" / "3.0.1"
        folder.mkdir(parents=True)
        info = {"name": "mnist", "splits": [{"name": "train", "numBytes": "4", "shardLengths": ["1"]}]}
        (folder / "dataset_info.json").write_text(json.dumps(info))
        shard = folder / "mnist-train.tfrecord-00000-of-00001"
        shard.write_bytes(b"r" * 20)
        for d in damage:
            if d == "truncate" and shard.exists():
                shard.write_bytes(shard.read_bytes()[:-1])
            elif d == "grow" and shard.exists():
                shard.write_bytes(shard.read_bytes() + b"x")
            elif d == "delete":
                shard.unlink(missing_ok=True)
            elif d == "garbage_info" and (folder / "dataset_info.json").exists():
                (folder / "dataset_info.json").write_text("[")
            elif d == "rename_version" and folder.exists():
                folder.rename(folder.parent / "1.0.0")
        with env(TFDS_DATA_DIR=str(tmp / "tfds"), KERAS_HOME=str(tmp / "keras"), DLCOURSE_DATA_DIR=None):
            rows = {r["name"]: r for r in datasets.catalog()}
        assert {r["loader"].removeprefix("dl.datasets.") for r in rows.values()} == \
            {n for n in datasets.__all__ if n.startswith("load_")}
        assert rows["mnist"]["cached"] == (set(damage) <= {"nothing"})
        assert not rows["adult"]["cached"]


@config(20)
@given(st.one_of(st.text(max_size=15), st.integers(), st.none()))
def test_feature_names_are_strings_or_refused(name):
    """feature_names() returns a non-empty list of str for the five scikit-learn sets, else ValueError."""
    try:
        cols = datasets.feature_names(name)
    except ValueError:
        assert name not in datasets._SKLEARN_SETS
        return
    assert cols and all(isinstance(c, str) for c in cols)


@config(20)
@given(st.sampled_from(["load_mnist", "load_fashion_mnist", "load_cifar10", "load_imdb_reviews", "load_tiny_shakespeare",
                        "load_malaria", "load_spoken_digit", "load_movielens", "load_spa_eng", "load_adult",
                        "load_clinc_oos", "load_retinamnist", "load_tox21"]),
       st.sampled_from([0, -1, 2.5, "10", True]))
def test_loaders_refuse_bad_sizes_before_touching_the_cache(loader, bad):
    """Every cached loader refuses a bad size with TypeError/ValueError, before reading anything."""
    kwargs = {"load_tiny_shakespeare": {"n_chars": bad}, "load_malaria": {"n": bad}, "load_spoken_digit": {"n": bad},
              "load_movielens": {"n": bad}, "load_spa_eng": {"n": bad}, "load_tox21": {"n": bad}}.get(loader, {"n_train": bad})
    with env(TFDS_DATA_DIR="/nonexistent/dl_tfds", KERAS_HOME="/nonexistent/dl_keras", DLCOURSE_OFFLINE="1"):
        with pytest.raises((TypeError, ValueError)):
            getattr(datasets, loader)(**kwargs)


# ------------------------------------------------------------------------------------------------
# callbacks
# ------------------------------------------------------------------------------------------------


@config(40)
@given(st.lists(st.sampled_from(["train_begin", "epoch_begin", "epoch_end"]), max_size=12))
def test_epoch_timer_keeps_one_time_per_finished_epoch(events):
    """EpochTimer.times holds one non-negative time per epoch ended since the last on_train_begin
    (an epoch end without a begin is ignored, never a crash)."""
    timer = dl.callbacks.EpochTimer()
    expected, began = 0, False
    for i, event in enumerate(events):
        if event == "train_begin":
            timer.on_train_begin()
            expected = 0
        elif event == "epoch_begin":
            timer.on_epoch_begin(i)
            began = True
        else:
            timer.on_epoch_end(i)
            expected += began
    assert len(timer.times) == expected and all(t >= 0 for t in timer.times)
