"""python -m dlcourse doctor: a report a user can paste, each problem with a fix, never a traceback."""

import os
import subprocess
import sys

import pytest

from dlcourse import datasets, doctor


def _lines(findings, level):
    return [f for f in findings if f.level == level]


def test_bad_variables_are_problems_with_a_fix(monkeypatch):
    monkeypatch.setenv("DLCOURSE_SCALE", "big")
    monkeypatch.setenv("DLCOURSE_SEED", "-4")
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    problems = _lines(doctor.check_variables(), "problem")
    assert {f.topic for f in problems} == {"keras", "scale", "seed"}
    assert all(f.fix for f in problems)
    assert any("DLCOURSE_SCALE='big'" in f.text for f in problems)


def test_good_variables_are_ok(monkeypatch):
    for var in ("DLCOURSE_SCALE", "DLCOURSE_SEED", "DLCOURSE_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    assert {f.level for f in doctor.check_variables()} == {"ok"}


def test_an_empty_cache_offline_is_a_problem_online_a_note(tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    findings = doctor.check_data()
    problems = _lines(findings, "problem")
    assert len(problems) == 1 and "mnist" in problems[0].text and problems[0].fix
    assert any(str(tmp_path / "tfds") in f.text for f in findings), "the report must say where it looked"
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    findings = doctor.check_data()
    assert not _lines(findings, "problem") and any("mnist" in f.text for f in _lines(findings, "note"))


def test_low_disk_is_a_problem(tmp_path, monkeypatch):
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    monkeypatch.setattr(doctor, "_free", lambda path: 100 * 1024**2)
    disk = [f for f in doctor.check_data() if f.topic == "disk"]
    assert disk and all(f.level == "problem" and "0.1 GB free" in f.text and f.fix for f in disk)


def test_network_unreachable_is_a_note_and_offline_is_not_checked(monkeypatch):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    monkeypatch.setattr(datasets, "_network_available", lambda url, timeout=3.0: False)
    notes = doctor.check_network()
    assert len(notes) == len(doctor.DOWNLOAD_HOSTS) and all(f.level == "note" and f.fix for f in notes)
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    assert [f.level for f in doctor.check_network()] == ["ok"]


def test_a_crashing_check_becomes_a_problem_line():
    def check_boom():
        raise RuntimeError("kaput")

    findings = doctor.diagnose((doctor.check_python, check_boom))
    assert findings[-1].level == "problem" and "kaput" in findings[-1].text and findings[-1].topic == "boom"
    report = doctor.format_report(findings)
    assert "PROBLEM" in report and "fix: please report this" in report and report.endswith("see the fix lines above")


def test_package_versions_are_compared_with_the_pins(monkeypatch):
    monkeypatch.setattr(doctor, "_pins", lambda: {"numpy": "0.0.1", "keras": doctor._installed("keras")})
    findings = {f.text.split()[0]: f for f in doctor.check_packages()}
    assert findings["numpy"].level == "note" and "tested with 0.0.1" in findings["numpy"].text
    assert findings["keras"].level == "ok"
    monkeypatch.setattr(doctor, "_installed", lambda dist: None)
    problems = _lines(doctor.check_packages(), "problem")
    assert any("TensorFlow is not installed" in f.text for f in problems) and all(f.fix for f in problems)


def test_pins_are_read_from_the_course_extra():
    pins = doctor._pins()
    assert pins["keras"] and pins["numpy"] and ("tensorflow-cpu" in pins or "tensorflow" in pins)


@pytest.mark.parametrize("args, rc", [([], 2), (["nurse"], 2), (["doctor", "extra"], 2)])
def test_the_command_line_refuses_other_commands(args, rc):
    out = subprocess.run([sys.executable, "-m", "dlcourse", *args], capture_output=True, text=True)
    assert out.returncode == rc and "usage: python -m dlcourse COMMAND" in out.stderr and "doctor" in out.stderr


def test_the_doctor_runs_end_to_end():
    """Here (the course environment, seeded cache when present): a full report, exit 0 unless it names a problem."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    out = subprocess.run([sys.executable, "-m", "dlcourse", "doctor"], capture_output=True, text=True, env=env, timeout=300)
    report = out.stdout
    for topic in ("python", "packages", "keras", "scale", "seed", "device", "data", "disk", "network"):
        assert f" {topic} " in report, (topic, report)
    assert out.returncode == (1 if "PROBLEM" in report else 0), report
    assert "Traceback" not in out.stderr


def test_the_bug_report_template_and_readme_ask_for_the_doctor():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1]
    template = (root / ".github" / "ISSUE_TEMPLATE" / "bug_report.md").read_text()
    assert "make doctor" in template and "python -m dlcourse doctor" in template
    assert "make doctor" in (root / "README.md").read_text()
    assert "\ndoctor:" in (root / "Makefile").read_text()
