"""dl.record and the results table."""

import json

import pytest

import dlcourse as dl
from dlcourse import results


@pytest.fixture
def results_file(tmp_path, monkeypatch, scale):
    scale("smoke")
    path = tmp_path / "r.jsonl"
    monkeypatch.setenv("DLCOURSE_RESULTS", str(path))
    dl.setup(notebook="42_answers", verbose=False)
    return path


def test_record_appends_json_lines(results_file):
    import numpy as np

    dl.record("test_accuracy", np.float32(0.875), verbose=False)
    dl.record("loss", 3, verbose=False)
    lines = [json.loads(line) for line in results_file.read_text().splitlines()]
    assert [rec["metric"] for rec in lines] == ["test_accuracy", "loss"]
    assert lines[0]["notebook"] == "42_answers" and lines[0]["scale"] == "smoke"
    assert lines[0]["value"] == pytest.approx(0.875) and lines[0]["elapsed_s"] >= 0


def test_record_without_results_file_still_checks_and_prints(monkeypatch, capsys, scale):
    scale("smoke")
    monkeypatch.delenv("DLCOURSE_RESULTS", raising=False)
    dl.setup(notebook="42_answers", verbose=False)
    assert dl.record("acc", 0.5) is None
    assert "42_answers / acc = 0.5 (smoke scale)" in capsys.readouterr().out


@pytest.mark.parametrize("metric, value, err", [("", 1.0, TypeError), (3, 1.0, TypeError), ("m", "0.9", TypeError),
                                                ("m", True, TypeError), ("m", float("nan"), ValueError),
                                                ("m", float("inf"), ValueError), ("m", [1.0], TypeError)])
def test_record_rejects_bad_values(results_file, metric, value, err):
    with pytest.raises(err):
        dl.record(metric, value)
    assert not results_file.exists()


def test_record_needs_a_notebook_name(monkeypatch):
    from dlcourse import _config

    monkeypatch.delenv("DLCOURSE_RESULTS", raising=False)
    monkeypatch.setitem(_config._state, "notebook", None)
    with pytest.raises(ValueError, match="setup\\(notebook="):
        dl.record("acc", 0.5)


def test_table_keeps_the_latest_value_per_metric():
    recs = [
        {"notebook": "01_a", "metric": "acc", "value": 0.5, "scale": "default"},
        {"notebook": "01_a", "metric": "acc", "value": 0.9, "scale": "default"},
        {"notebook": "01_a", "metric": "wall_time_s", "value": 61.4, "scale": "default"},
        {"notebook": "01_a", "metric": "acc", "value": 0.7, "scale": "smoke"},
        {"notebook": "00_b", "metric": "n", "value": 3.0, "scale": "smoke"},
    ]
    table = results.table(recs).splitlines()
    assert table[0].startswith("| notebook | scale | wall time (s)")
    assert table[2:] == ["| 00_b | smoke |  | n = 3 |", "| 01_a | smoke |  | acc = 0.700 |", "| 01_a | default | 61 | acc = 0.900 |"]


def test_table_drops_a_metric_the_latest_complete_run_no_longer_records():
    def rec(metric, value):
        return {"notebook": "01_a", "metric": metric, "value": value, "scale": "smoke", "seed": 0}

    old_run = [rec("gap_old_name", 0.2), rec("acc", 0.8), rec("wall_time_s", 10.0)]
    new_run = [rec("gap_new_name", 0.3), rec("acc", 0.9), rec("wall_time_s", 9.0)]
    assert results.table(old_run + new_run).splitlines()[2:] == [
        "| 01_a | smoke | 9 | acc = 0.900, gap_new_name = 0.300 |"]
    stopped = [rec("acc", 0.1)]  # a later run that stopped before its wall time still shows what it recorded
    assert results.table(old_run + new_run + stopped).splitlines()[2:] == [
        "| 01_a | smoke | 9 | acc = 0.100, gap_new_name = 0.300 |"]


def test_table_shows_the_default_seed_and_seeds_table_every_seed():
    def rec(metric, value, seed, scale="smoke"):
        return {"notebook": "01_a", "metric": metric, "value": value, "scale": scale, "seed": seed}

    recs = [rec("acc", 0.8, 0), rec("wall_time_s", 10.0, 0), rec("acc", 0.7, 1), rec("wall_time_s", 12.0, 1),
            rec("acc", 0.2, 2),  # seed 2 failed: no wall time recorded
            {"notebook": "01_a", "metric": "acc", "value": 0.5, "scale": "default"}]  # before seeds existed
    assert results.table(recs).splitlines()[2:] == ["| 01_a | smoke | 10 | acc = 0.800 |",
                                                     "| 01_a | default |  | acc = 0.500 |"]
    assert results.seeds_table(recs).splitlines()[2:] == [
        "| 01_a | smoke | 0: 10, 1: 12, 2: failed | acc = 0.200…0.800 |"]
    rerun = [rec("acc", 0.9, 0), rec("wall_time_s", 11.0, 0)]  # a later run of seed 0 replaces the first
    assert "0: 11" in results.seeds_table(recs + rerun) and "acc = 0.200…0.900" in results.seeds_table(recs + rerun)


def test_update_readme_and_load(tmp_path):
    res = tmp_path / "r.jsonl"
    res.write_text(json.dumps({"notebook": "01_a", "metric": "acc", "value": 0.9, "scale": "smoke"}) + "\n\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{results.TABLE_BEGIN}\nold\n{results.TABLE_END}\noutro\n")
    assert results.main(["table", str(res), "--update", str(readme)]) == 0
    text = readme.read_text()
    assert "acc = 0.900" in text and "old" not in text and text.startswith("intro") and text.endswith("outro\n")
    assert results.readme_table(readme) == results.table(results.load(res))
    assert results.update_readme(readme, results.load(res)) is False


def test_load_and_update_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="No results file"):
        results.load(tmp_path / "missing.jsonl")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n")
    with pytest.raises(ValueError, match="bad.jsonl:1 is not a JSON line"):
        results.load(bad)
    bad.write_text('{"notebook": "x"}\n')
    with pytest.raises(ValueError, match="lacks"):
        results.load(bad)
    readme = tmp_path / "README.md"
    readme.write_text("no markers")
    with pytest.raises(ValueError, match="no results markers"):
        results.update_readme(readme, [])


def test_run_notebook_times_and_records(tmp_path, scale):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import dlcourse as dl\ndl.setup(notebook='77_tiny')\ndl.record('answer', 42)")]
    path = tmp_path / "77_tiny.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "res.jsonl"
    seconds = results.run_notebook(path, "smoke", out)
    recs = results.load(out)
    assert [(r["metric"], r["scale"]) for r in recs] == [("answer", "smoke"), ("wall_time_s", "smoke")]
    assert recs[1]["value"] == pytest.approx(seconds)
    with pytest.raises(ValueError, match="scale must be one of"):
        results.run_notebook(path, "huge", out)


def test_run_command_under_several_seeds_keeps_going(tmp_path, capsys, monkeypatch):
    import nbformat

    monkeypatch.delenv("DLCOURSE_SEED", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
        "import dlcourse as dl\nsettings = dl.setup(notebook='78_seeded')\ndl.record('seed_used', settings.seed)\n"
        "assert settings.seed != 1, 'seed 1 breaks this notebook'")]
    path = tmp_path / "78_seeded.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "res.jsonl"
    code = results.main(["run", str(path), "--scale", "smoke", "--seed", "0", "1", "--keep-going",
                         "--results", str(out)])
    printed = capsys.readouterr()
    assert code == 1 and "seed   1  FAILED: AssertionError: seed 1 breaks this notebook" in printed.out
    recs = results.load(out)
    assert [(r["metric"], r["seed"]) for r in recs if r["metric"] == "seed_used"] == [("seed_used", 0), ("seed_used", 1)]
    assert [r["value"] for r in recs if r["metric"] == "seed_used"] == [0, 1]
    assert "0: " in results.seeds_table(recs) and "1: failed" in results.seeds_table(recs)
    assert "DLCOURSE_SEED" not in __import__("os").environ, "run must restore the caller's environment"


def _wall(nb, scale, value, seed=0):
    return {"notebook": nb, "metric": results.WALL_TIME, "value": value, "scale": scale, "seed": seed}


@pytest.mark.parametrize("seconds, text", [(20, "under 1 minute"), (59.9, "under 1 minute"), (60, "about 1 minute"),
                                           (75, "about 1.5 minutes"), (135, "about 2.5 minutes"),
                                           (196, "about 3.5 minutes")])
def test_minutes_are_the_nearest_half_minute(seconds, text):
    assert results._minutes(seconds) == text


def test_time_to_run_reads_the_latest_default_seed_runs_like_the_table():
    recs = [_wall("07_x", "default", 130.0), _wall("07_x", "smoke", 50.0), _wall("07_x", "default", 101.4),
            _wall("07_x", "smoke", 999.0, seed=2)]
    assert results.time_to_run(recs, "07_x") == (
        "**Time to run**: laptop CPU, default scale: about 1.5 minutes (101 s measured on 2 cores; 50 s at smoke "
        "scale); full scale on a GPU: not yet measured.")
    assert "| 07_x | default | 101 |" in results.table(recs)          # the same run as README's table
    assert results.time_to_run(recs[:1], "07_x") is None              # measured at one scale only
    assert "full scale: about 10 minutes (600 s measured)" in results.time_to_run(recs + [_wall("07_x", "full", 600)], "07_x")


def test_update_time_to_run_rewrites_only_that_line(tmp_path, capsys):
    import nbformat

    header = "# 07 · X\n\n**Learning objectives**\n- a\n\n**Time to run**: stale, 1 hour.\n\nmore text"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(header), nbformat.v4.new_code_cell("x = 1")])
    path = tmp_path / "07_x.ipynb"
    nbformat.write(nb, path)
    recs = [_wall("07_x", "default", 30.0), _wall("07_x", "smoke", 20.0)]
    assert results.update_time_to_run([path], recs) == [path]
    source = nbformat.read(path, as_version=4).cells[0].source
    assert source == header.replace("**Time to run**: stale, 1 hour.", results.time_to_run(recs, "07_x"))
    assert results.update_time_to_run([path], recs) == []               # already up to date: not rewritten
    unmeasured = tmp_path / "08_y.ipynb"
    nbformat.write(nb, unmeasured)
    assert results.update_time_to_run([unmeasured], recs) == []         # no measurement: left as it is
    nb.cells[0].source = "# 07 · X\nno time line"
    nbformat.write(nb, path)
    with pytest.raises(results.NotebookFileError, match=r"Time to run"):
        results.update_time_to_run([path], recs)
    res = tmp_path / "r.jsonl"
    res.write_text("".join(json.dumps(r) + "\n" for r in recs))
    assert results.main(["times", str(unmeasured), "--results", str(res)]) == 0
    assert "08_y: not measured at both scales" in capsys.readouterr().out
    assert results.main(["times", str(path), "--results", str(res), "--update"]) == 2   # the header lacks the line
    assert "Time to run" in capsys.readouterr().err
