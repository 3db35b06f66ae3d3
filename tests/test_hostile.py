"""Issue 10: dlcourse under hostile input. Each test pins one case: lose nothing, fail clearly.

Data loss first (homework builds, results files, README tables, results paths), then hangs and
silently wrong results, then errors that must name what is wrong and how to fix it.
"""

import json
import os
import pathlib
import shutil

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import dlcourse as dl  # noqa: E402
from dlcourse import datasets, homework, plots, results  # noqa: E402
from dlcourse.datasets import DatasetUnavailableError  # noqa: E402
from dlcourse.recording import ResultsFileError  # noqa: E402
from tests.conftest import exercise_notebook as _exercise_notebook, instructor_folder  # noqa: E402

SEEDED_TFDS = pathlib.Path(os.environ.get("TFDS_DATA_DIR", "/nonexistent"))
needs_mnist = pytest.mark.skipif(not (SEEDED_TFDS / "mnist").is_dir(), reason="needs the seeded TFDS cache")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture
def sources(tmp_path):
    """An instructor folder with two notebooks; returns (folder, {path: bytes})."""
    folder = instructor_folder(tmp_path)
    return folder, {p: p.read_bytes() for p in folder.iterdir()}


def _unchanged(snapshot):
    return all(p.read_bytes() == data for p, data in snapshot.items())


# ------------------------------------------------------------------------------------------------
# Data loss
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["out", "one", "dotted", "empty"])
def test_homework_build_never_overwrites_its_sources(sources, monkeypatch, capsys, how):
    folder, snapshot = sources
    monkeypatch.chdir(folder.parent)
    args = {"out": ["build", "--out", "notebooks"],
            "one": ["build", "notebooks/01_a.ipynb", "--out", "notebooks"],
            "dotted": ["build", "--out", "notebooks/../notebooks/."],
            "empty": ["build", "01_a.ipynb", "--out", ""]}[how]
    if how == "empty":
        monkeypatch.chdir(folder)
    assert homework.main(args) == 2
    assert "would replace the instructor notebook" in capsys.readouterr().err
    assert _unchanged(snapshot) and sorted(p.name for p in folder.iterdir()) == ["01_a.ipynb", "02_b.ipynb"]


def test_homework_build_refuses_two_inputs_with_one_name(sources, tmp_path):
    folder, _ = sources
    other = tmp_path / "other"
    other.mkdir()
    nbformat.write(_exercise_notebook(), other / "01_a.ipynb")
    with pytest.raises(homework.HomeworkError, match="same file name"):
        homework.build([folder / "01_a.ipynb", other / "01_a.ipynb"], tmp_path / "out")
    assert not (tmp_path / "out").exists(), "nothing is written when the build is refused"


def test_results_go_only_to_a_jsonl_results_file(tmp_path, monkeypatch, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# Course\n")
    monkeypatch.setenv("DLCOURSE_RESULTS", str(readme))
    with pytest.raises(ResultsFileError, match=r"only to a \.jsonl file"):
        dl.record("acc", 0.5, notebook="01_a", verbose=False)
    notes = tmp_path / "notes.jsonl"  # the right suffix, but its lines are not results
    notes.write_text("my notes\n")
    monkeypatch.setenv("DLCOURSE_RESULTS", str(notes))
    with pytest.raises(ResultsFileError, match="notes.jsonl:1 is not a JSON line"):
        dl.record("acc", 0.5, notebook="01_a", verbose=False)
    assert readme.read_text() == "# Course\n" and notes.read_text() == "my notes\n"
    nb = tmp_path / "01_a.ipynb"
    nbformat.write(_exercise_notebook(), nb)
    assert results.main(["run", str(nb), "--scale", "smoke", "--results", str(readme)]) == 2
    assert "only to a .jsonl file" in capsys.readouterr().err and readme.read_text() == "# Course\n"


def test_record_after_a_missing_final_newline_keeps_both_records(tmp_path, monkeypatch):
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({"notebook": "01_a", "metric": "acc", "value": 0.5, "scale": "smoke"}))  # no "\n"
    monkeypatch.setenv("DLCOURSE_RESULTS", str(path))
    dl.record("loss", 1.5, notebook="01_a", verbose=False)
    assert [r["metric"] for r in results.load(path)] == ["acc", "loss"]
    assert path.read_text().endswith("\n")


def _readme(tmp_path, prose="", eol="\n"):
    text = (f"# Course{eol}{prose}{eol}{results.TABLE_BEGIN}{eol}| notebook | scale | wall time (s) | headline results |{eol}"
            f"|---|---|---:|---|{eol}| 01_a | smoke | 3 | acc = 0.500 |{eol}{results.TABLE_END}{eol}tail{eol}")
    path = tmp_path / "README.md"
    path.write_bytes(text.encode())
    return path


def _results(tmp_path, recs):
    path = tmp_path / "r.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return path


ACC = {"notebook": "01_a", "metric": "acc", "value": 0.9, "scale": "smoke"}


def test_update_ignores_markers_quoted_in_prose_and_keeps_every_other_byte(tmp_path):
    prose = f"The table sits between `{results.TABLE_BEGIN}` and {results.TABLE_END} (generated)."
    readme = _readme(tmp_path, prose, eol="\r\n")
    before = readme.read_bytes()
    assert results.main(["table", str(_results(tmp_path, [ACC])), "--update", str(readme)]) == 0
    after = readme.read_bytes()
    assert b"acc = 0.900" in after and b"acc = 0.500" not in after
    head = before.split(b"| notebook")[0]
    assert after.startswith(head) and after.endswith(f"{results.TABLE_END}\r\ntail\r\n".encode())


def test_update_refuses_to_replace_rows_with_nothing(tmp_path, capsys):
    readme = _readme(tmp_path)
    before = readme.read_bytes()
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert results.main(["table", str(empty), "--update", str(readme)]) == 2
    assert "refusing to drop them" in capsys.readouterr().err and readme.read_bytes() == before
    other = _results(tmp_path, [dict(ACC, notebook="02_b")])  # partial: has 02_b, lacks 01_a
    with pytest.raises(results.ReadmeMarkersError, match=r"01_a \(smoke\)"):
        results.update_readme(readme, results.load(other))
    assert readme.read_bytes() == before
    assert results.update_readme(readme, results.load(other), prune=True)
    assert "02_b" in readme.read_text() and "01_a" not in readme.read_text()


@pytest.mark.parametrize("extra, match", [("dup", "2 begin and 1 end"), ("order", "comes before the begin")])
def test_update_refuses_repeated_or_misordered_markers(tmp_path, extra, match):
    readme = tmp_path / "README.md"
    if extra == "dup":
        text = f"{results.TABLE_BEGIN}\nquoted\n{results.TABLE_BEGIN}\nx\n{results.TABLE_END}\n"
    else:
        text = f"{results.TABLE_END}\nx\n{results.TABLE_BEGIN}\n"
    readme.write_text(text)
    with pytest.raises(results.ReadmeMarkersError, match=match):
        results.update_readme(readme, [ACC])
    assert readme.read_text() == text


def test_results_path_expands_home_and_variables_and_refuses_relative(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    for raw in ("~/r.jsonl", "$HOME/r.jsonl", "${HOME}/r.jsonl"):
        monkeypatch.setenv("DLCOURSE_RESULTS", raw)
        dl.record("acc", 0.5, notebook="01_a")
        assert f"-> {tmp_path / 'r.jsonl'}" in capsys.readouterr().out, "say where results went"
    assert len(results.load(tmp_path / "r.jsonl")) == 3
    assert not (tmp_path / "~").exists() and not (tmp_path / "$HOME").exists()
    monkeypatch.setenv("DLCOURSE_RESULTS", "results/r.jsonl")
    with pytest.raises(ResultsFileError, match="is relative"):
        dl.record("acc", 0.5, notebook="01_a")
    assert results.results_path("$HOME/r.jsonl", "--results", relative_to=tmp_path / "x") == tmp_path / "r.jsonl"
    assert results.results_path("out/r.jsonl", "--results", relative_to=tmp_path) == tmp_path / "out" / "r.jsonl"
    monkeypatch.setenv("DLCOURSE_RESULTS", "$NO_SUCH_VARIABLE_DL/r.jsonl")
    with pytest.raises(ResultsFileError, match="cannot expand"):
        dl.record("acc", 0.5, notebook="01_a")


# ------------------------------------------------------------------------------------------------
# Hangs and silently wrong results
# ------------------------------------------------------------------------------------------------


def test_image_grid_refuses_thousands_of_panels_at_once():
    import time

    t0 = time.perf_counter()
    with pytest.raises(ValueError, match=r"x\[:32\]"):
        plots.image_grid(np.zeros((2000, 28, 28), np.uint8))
    assert time.perf_counter() - t0 < 1
    assert plots.MAX_GRID_IMAGES >= 100, "notebooks pass up to 40 images (10_autoencoders)"


def test_image_rows_uses_the_finite_range_around_nan_and_inf():
    x = np.linspace(0, 1, 2 * 4 * 4).reshape(2, 4, 4)
    x[0, 0, 0], x[1, 1, 1] = np.nan, np.inf
    fig = plots.image_rows({"a": x})
    finite = x[np.isfinite(x)]
    assert fig.axes[0].images[0].get_clim() == (pytest.approx(finite.min()), pytest.approx(finite.max()))


@pytest.fixture
def drawn_regions(monkeypatch):
    """Capture the class grid decision_boundary hands to contourf."""
    seen = {}
    real = plt.Axes.contourf

    def spy(self, g1, g2, z, *args, **kwargs):
        seen["g1"], seen["z"] = np.asarray(g1), np.asarray(z)
        return real(self, g1, g2, z, *args, **kwargs)

    monkeypatch.setattr(plt.Axes, "contourf", spy)
    return seen


def test_decision_boundary_survives_nan_points(drawn_regions):
    x = np.array([[0, 0], [1, 1], [np.nan, 0.5], [0, np.inf]], float)
    plots.decision_boundary(lambda g: (g[:, 0] > 0.5).astype(int), x, np.array([0, 1, 1, 0]), resolution=20)
    assert np.isfinite(drawn_regions["g1"]).all() and 0 < drawn_regions["z"].mean() < 1


def test_decision_boundary_logits_are_cut_at_zero(drawn_regions):
    x, y = np.array([[-1.0, 0], [1.0, 0]]), np.array([0, 1])
    plots.decision_boundary(lambda g: g[:, :1] * 0.2, x, y, resolution=10)  # logits (m, 1) in (-0.24, 0.24)
    assert 0 < drawn_regions["z"].mean() < 1, "both classes appear: logits below 0.5 are not all class 0"


def test_confusion_matrix_refuses_labels_without_a_name():
    y = np.array([0, 1, 2, 2, 1])
    with pytest.raises(ValueError, match=r"labels \[2\] have no name"):
        plots.confusion_matrix(y, y, class_names=["a", "b"])


@pytest.mark.parametrize("kwargs, err", [({"notebook": 3}, TypeError), ({"notebook": ["x"]}, TypeError),
                                         ({"notebook": "a|b"}, ValueError), ({"notebook": "a\nb"}, ValueError),
                                         ({"metric": "acc|1"}, ValueError), ({"metric": "acc\n"}, ValueError),
                                         ({"metric": "<!-- x -->"}, ValueError)])
def test_record_refuses_names_that_break_the_table(tmp_path, monkeypatch, kwargs, err):
    path = tmp_path / "r.jsonl"
    monkeypatch.setenv("DLCOURSE_RESULTS", str(path))
    args = {"metric": "acc", "notebook": "01_a", **kwargs}
    with pytest.raises(err):
        dl.record(args.pop("metric"), 0.5, **args)
    assert not path.exists()


def test_table_escapes_pipes_of_hand_written_records():
    row = results.table([{"notebook": "a|b", "metric": "m", "value": 1, "scale": "smoke"}]).splitlines()[2]
    assert row.startswith("| a\\|b | smoke |")


def test_catalog_says_not_cached_when_loading_would_fail(tmp_path, monkeypatch):
    tfds_dir = tmp_path / "tfds"
    version = tfds_dir / "mnist" / "3.0.1"
    version.mkdir(parents=True)
    info = {"name": "mnist", "fileFormat": "tfrecord", "splits": [
        {"name": "train", "numBytes": "10", "shardLengths": ["1"],
         "filepathTemplate": "{DATASET}-{SPLIT}.{FILEFORMAT}-{SHARD_X_OF_Y}"}]}
    (version / "dataset_info.json").write_text(json.dumps(info))
    shard = version / "mnist-train.tfrecord-00000-of-00001"
    shard.write_bytes(b"x" * 26)
    keras_home = tmp_path / "keras"
    (keras_home / "datasets").mkdir(parents=True)
    for name in ("adult.data", "adult.test"):
        (keras_home / "datasets" / name).write_text("wrong bytes\n")
    monkeypatch.setenv("TFDS_DATA_DIR", str(tfds_dir))
    monkeypatch.setenv("KERAS_HOME", str(keras_home))
    # a prepared cache's good copy does not help: the loader reads (and rejects) the Keras cache's damaged one

    def cached(name):
        return {r["name"]: r for r in datasets.catalog()}[name]["cached"]

    assert cached("mnist"), "a complete cache (26 = 10 bytes + 16 per record) counts"
    assert not cached("adult"), "a file with the wrong SHA-256 is not cached"
    shard.write_bytes(b"x" * 20)
    assert not cached("mnist"), "truncated shard"
    shard.unlink()
    assert not cached("mnist"), "deleted shard"
    (version / "dataset_info.json").write_text("garbage{")
    assert not cached("mnist"), "garbage dataset_info.json"
    version.rename(version.parent / "1.0.0")
    assert not cached("mnist"), "an older version only"


@pytest.mark.parametrize("value, smoke", [("0", False), ("false", False), ("", False), ("autograde", True), ("1", True)])
def test_nbgrader_execution_zero_or_false_is_unset(monkeypatch, value, smoke):
    monkeypatch.setenv("NBGRADER_EXECUTION", value)
    monkeypatch.setenv("DLCOURSE_SCALE", "default")
    assert dl.get_scale() == ("smoke" if smoke else "default")


def test_image_grid_shows_predictions_without_labels():
    fig = plots.image_grid(np.zeros((2, 4, 4)), predictions=[3, 1], class_names=list("abcd"))
    assert [ax.get_title() for ax in fig.axes] == ["pred d", "pred b"]


# ------------------------------------------------------------------------------------------------
# Errors that name what is wrong and how to fix it
# ------------------------------------------------------------------------------------------------


@needs_mnist
@pytest.mark.parametrize("damage", ["truncate", "flip", "delete", "info"])
def test_a_damaged_tfds_cache_is_named_with_a_fix(tmp_path, monkeypatch, scale, damage):
    scale("smoke")
    dst = tmp_path / "tfds"
    shutil.copytree(SEEDED_TFDS / "mnist", dst / "mnist")
    for p in dst.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    folder = dst / "mnist" / "3.0.1"
    shard = folder / "mnist-test.tfrecord-00000-of-00001"
    if damage == "truncate":
        shard.write_bytes(shard.read_bytes()[:1000])
    elif damage == "flip":
        data = bytearray(shard.read_bytes())
        data[40] ^= 0xFF  # inside the first record
        shard.write_bytes(bytes(data))
    elif damage == "delete":
        shard.unlink()
    else:
        (folder / "dataset_info.json").write_text("garbage{")
    monkeypatch.setenv("TFDS_DATA_DIR", str(dst))
    with pytest.raises(DatasetUnavailableError, match="is damaged") as info:
        datasets.load_mnist(n_train=10, n_test=10)
    msg = str(info.value)
    assert str(dst / "mnist") in msg and "delete that folder" in msg and "function_node" not in msg


def test_read_only_keras_home_is_not_an_internet_problem(tmp_path, monkeypatch):
    home = tmp_path / "keras"
    (home / "datasets").mkdir(parents=True)
    seeded = pathlib.Path(os.environ.get("KERAS_HOME", "/nonexistent")) / "datasets"
    monkeypatch.setenv("KERAS_HOME", str(home))
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    monkeypatch.setattr(datasets, "_writable", lambda folder: False)  # as root, chmod cannot make it read-only
    with pytest.raises(DatasetUnavailableError, match="read-only") as info:
        datasets.load_adult()
    assert "connect to the internet" not in str(info.value)
    if (seeded / "adult.data").is_file():  # verified files in a read-only cache load without writing
        for name in ("adult.data", "adult.test"):
            shutil.copyfile(seeded / name, home / "datasets" / name)
        home.chmod(0o555)
        try:
            (x_train, _), _ = datasets.load_adult(n_train=5, n_test=5)
        finally:
            home.chmod(0o755)
        assert len(x_train) == 5


def test_offline_hints_are_absolute_commands(tmp_path, monkeypatch):
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)
    hint = datasets._copy_hint("TFDS_DATA_DIR") + datasets._copy_hint("KERAS_HOME")
    assert "../" not in hint and "export DLCOURSE_DATA_DIR=/absolute/path" in hint and "prefetch DIR" in hint
    prepared = tmp_path / "prepared"
    (prepared / "tfds").mkdir(parents=True)
    (prepared / "keras" / "datasets").mkdir(parents=True)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(prepared))
    hint = datasets._copy_hint("TFDS_DATA_DIR") + datasets._copy_hint("KERAS_HOME")
    assert f"export TFDS_DATA_DIR={prepared / 'tfds'}" in hint and "chmod -R u+w" in hint and "../" not in hint


@pytest.mark.parametrize("content, match", [
    (b"[1, 2]\n", "r.jsonl:1 is list"), (b'"text"\n', "r.jsonl:1 is str"),
    (b'{"notebook": "a", "metric": "m", "value": "0.9", "scale": "smoke"}\n', "r.jsonl:1: value must be a finite"),
    (b'{"notebook": "a", "metric": "m", "value": NaN, "scale": "smoke"}\n', "value must be a finite"),
    (b'{"notebook": "a", "metric": "m", "value": true, "scale": "smoke"}\n', "value must be a finite"),
    (b'{"notebook": 1, "metric": "m", "value": 1, "scale": "smoke"}\n', "r.jsonl:1: notebook must be"),
    (b'\n{"notebook": "a", "metric": "m", "value": 1, "scale": "smoke", "seed": "x"}\n', "r.jsonl:2: seed"),
    (b'{"notebook": "a"}\n\xff\xfe\n', "r.jsonl:2 is not UTF-8"),
])
def test_results_commands_name_the_file_and_line_of_malformed_input(tmp_path, capsys, content, match):
    path = tmp_path / "r.jsonl"
    path.write_bytes(content)
    for cmd in (["table", str(path)], ["seeds", str(path)], ["table", str(path), "--update", str(_readme(tmp_path))]):
        assert results.main(cmd) == 2
        err = capsys.readouterr().err
        assert err.startswith("error: ") and match in err and "Traceback" not in err


@pytest.mark.parametrize("content, match", [(b"", "is not a readable notebook"), (b"\xff\xfe", "not UTF-8"),
                                            (b'{"a": 1}', "is not a readable notebook"), (b"[]", "not a readable")])
def test_homework_and_run_name_files_that_are_not_notebooks(tmp_path, capsys, content, match):
    path = tmp_path / "01_x.ipynb"
    path.write_bytes(content)
    assert homework.main(["build", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert match in err and str(path) in err and "Traceback" not in err
    assert results.main(["run", str(path), "--results", str(tmp_path / "r.jsonl")]) == 2
    assert match in capsys.readouterr().err


@pytest.mark.parametrize("edit, match", [
    (lambda nb: nb.cells[1].metadata.__setitem__("nbgrader", ["solution"]), "cell 1: metadata 'nbgrader' is list"),
    (lambda nb: setattr(nb.cells[1], "source", "### BEGIN SOLUTION\n### BEGIN SOLUTION\nx\n### END SOLUTION"),
     r"cell 1 \(ex1_solution\): encountered nested"),
    (lambda nb: setattr(nb.cells[2], "source", "assert 1\n### BEGIN HIDDEN TESTS\nassert 2"), r"cell 2 \(ex1_tests\) has unbalanced"),
    (lambda nb: nb.cells[2].metadata["nbgrader"].__setitem__("grade_id", "ex1_solution"), "share the grade_id"),
    (lambda nb: nb.cells[2].metadata["nbgrader"].pop("grade_id"), "cell 2 is an nbgrader cell without a grade_id"),
])
def test_homework_names_the_cell_and_grade_id_of_bad_markup(tmp_path, capsys, edit, match):
    nb = _exercise_notebook()
    edit(nb)
    path = tmp_path / "01_x.ipynb"
    nbformat.write(nb, path)
    assert homework.main(["build", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err
    import re

    assert re.search(match, err), err


def test_setup_refuses_a_folder_as_notebook_name():
    with pytest.raises(ValueError, match="names no notebook"):
        dl.setup(notebook="notebooks/", verbose=False)


def test_numpy_scalars_are_accepted_and_errors_show_plain_numbers():
    fig = plots.image_grid(np.zeros((3, 4, 4)), ncols=np.int64(2))
    assert len(fig.axes) == 4
    plots.decision_boundary(lambda g: g[:, 0] > 0, np.array([[0.0, 1], [1, 0]]), np.array([0, 1]),
                            resolution=np.int64(12), point_size=np.float32(3))
    (x_train, _), _ = datasets.load_iris(test_fraction=np.float32(0.25), seed=np.int64(3))
    assert len(x_train) == 112
    with pytest.raises(ValueError) as info:
        datasets.load_malaria(image_size=np.int64(4))
    assert "got 4" in str(info.value) and "np.int64" not in str(info.value)


@pytest.mark.parametrize("kwargs, match", [({"test_fraction": 0.001}, "test_fraction=0.001 of 150 examples"),
                                           ({"test_fraction": 0.999}, "test_fraction=0.999"),
                                           ({"seed": -1}, r"seed must be in \[0, 2\*\*32\)")])
def test_sklearn_splits_fail_in_our_words(kwargs, match):
    with pytest.raises(ValueError, match=match):
        datasets.load_iris(**kwargs)


def test_plots_fail_in_our_words_on_degenerate_input():
    onehot = np.eye(3)[[0, 1, 2, 1]]
    with pytest.raises(ValueError, match=r"argmax"):
        plots.confusion_matrix(onehot, onehot)
    with pytest.raises(ValueError, match=r"argmax"):
        plots.confusion_matrix([0.2, 0.7], [0.1, 0.9], class_names=["a", "b"])
    fig = plots.decision_boundary(lambda g: np.zeros(len(g), int), np.array([[0.0, 0], [0, 0]]), np.array([0, 0]))
    assert fig.axes, "constant predictions and a single point still draw"
    with pytest.raises(ValueError, match="NaN or inf"):
        plots.decision_boundary(lambda g: np.full(len(g), np.nan), np.array([[0.0, 0], [1, 1]]), np.array([0, 1]))
    with pytest.raises(ValueError, match="one per epoch"):
        plots.history({"loss": 0.5})


def test_passing_the_epoch_timer_class_says_to_instantiate_it():
    import keras

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match=r"pass an instance: timer = dl.callbacks.EpochTimer\(\)"):
        model.fit(np.zeros((4, 2)), np.zeros(4), epochs=1, verbose=0, callbacks=[dl.callbacks.EpochTimer])
