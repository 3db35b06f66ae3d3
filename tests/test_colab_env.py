"""The Colab-like environment of `make test-colab` is declared, dated and runnable (no execution here:
`make test-colab` runs the unit tests and the notebooks in it; .ci/run runs `make test-colab-ci`)."""

import json
import os
import re
import shutil
import subprocess

import pytest

from dlcourse import doctor
from tests.conftest import NOTEBOOKS, ROOT

CONSTRAINTS = ROOT / ".ci" / "colab-constraints.txt"
#: Read from a Colab runtime (issue 11; CONTRIBUTING.md, "Colab's runtime"): the versions the Colab run must use.
READ_FROM_COLAB = {"tensorflow-cpu": "2.20.0", "keras": "3.13.2", "numpy": "2.5.5", "tensorflow-datasets": "4.9.10",
                   "shap": "0.52.0"}


def _pins():
    lines = [ln.split("#")[0].strip() for ln in CONSTRAINTS.read_text().splitlines()]
    return dict(ln.split("==") for ln in lines if ln)


def test_constraints_pin_colabs_versions_and_say_when_they_were_read():
    text = CONSTRAINTS.read_text()
    for line in (ln.split("#")[0].strip() for ln in text.splitlines()):
        assert not line or re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.]+", line), f"pin exact versions: {line!r}"
    pins = _pins()
    assert {k: pins.get(k) for k in READ_FROM_COLAB} == READ_FROM_COLAB
    assert re.search(r"Read from a Colab runtime in \d{4}-\d\d", text) and re.search(r"written here\s*(#\s*)?\d{4}-\d\d-\d\d", text)
    for absent in ("lime", "nbval", "nbgrader", "importlib_resources", "importlib-resources", "tensorflow"):
        assert absent not in pins, f"Colab does not ship {absent}: the Colab run must show what happens without it"


def test_make_test_colab_ci_runs_the_unit_tests_and_notebook_00():
    make = subprocess.run(["make", "-n", "test-colab-ci"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "bash .ci/colab" in make and "notebooks/00_welcome_and_setup.ipynb" in make and " tests" in make


def test_ci_runs_the_colab_part_beside_make_test():
    run = (ROOT / ".ci" / "run").read_text()
    build, colab, started, test, waited = (run.index(s) for s in (
        "bash .ci/colab --build-only", "nice -n 19 make test-colab-ci", "\ncolab_part &", "\nmake test || status",
        'wait "$colab"'))
    assert build < colab < started < test < waited, \
        "CI: the Colab part (build its venv, then make test-colab-ci at nice 19) in the background, make test, then wait"
    assert 'exit "$status"' in run and '[ "$colab_status" -eq 0 ] || status=1' in run, "CI must fail when either part fails"


def _colab(env, tmp_path):
    full = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "COLAB_VENV": str(tmp_path / "venv"), **env}
    return subprocess.run(["bash", str(ROOT / ".ci" / "colab")], env=full, capture_output=True, text=True, timeout=60)


def test_a_wrong_colab_python_is_named(tmp_path):
    proc = _colab({"COLAB_PYTHON": "/bin/false"}, tmp_path)
    assert proc.returncode == 2 and "COLAB_PYTHON=/bin/false is not a working Python 3.13" in proc.stderr
    assert not (tmp_path / "venv").exists()


def test_no_python_313_is_a_clear_error(tmp_path):
    path = "/usr/bin:/bin"
    if shutil.which("python3.13", path=path):
        pytest.skip("this machine has a system python3.13")  # the search would rightly find it
    proc = _colab({"PATH": path, "PYENV_ROOT": str(tmp_path / "no-pyenv")}, tmp_path)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and "needs Python 3.13 (Colab's Python) and found none" in proc.stderr
    assert not (tmp_path / "venv").exists()


def test_the_notebooks_colab_installs_are_the_course_pins():
    """A package a notebook installs on Colab (`%pip install -q name==version` when it is missing) is the version
    the course is tested with (pyproject's `course` extra): Colab then runs what CI ran, not whatever is newest."""
    pins = doctor._pins()  # the course extra, as `dlcourse doctor` reads it
    seen = 0
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            for line in "".join(cell["source"]).splitlines():
                m = re.fullmatch(r"\s*%pip install -q ([^\"]+)", line)
                for requirement in m.group(1).split() if m else ():
                    name, _, version = requirement.partition("==")
                    assert version, f"{path.name}: pin the Colab install {requirement!r} to the course's version"
                    assert pins.get(name.lower()) == version, \
                        f"{path.name}: installs {requirement} on Colab, the course pins {name}=={pins.get(name.lower())}"
                    seen += 1
    assert seen >= 10, f"only {seen} Colab installs found: has the setup-cell pattern changed?"
