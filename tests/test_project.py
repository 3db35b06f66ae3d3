"""Project-level promises: one set of pins, the README's commands and results table, data docs."""

import re
import subprocess
import sys
import tomllib

import nbformat
import yaml

from dlcourse import datasets, results
from tests.conftest import NOTEBOOKS, ROOT


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_mirrors_the_pinned_extras():
    extras = _pyproject()["project"]["optional-dependencies"]
    pinned = extras["course"] + extras["test"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert [p for p in pip if p != "-e ."] == pinned
    assert env["variables"]["KERAS_BACKEND"] == "tensorflow"
    for req in pinned:
        assert "==" in req, f"the course environment pins exact versions: {req}"


def test_package_requirements_stay_loose_for_colab():
    deps = _pyproject()["project"]["dependencies"]
    assert not any("==" in d for d in deps), "dlcourse itself must install on Colab's runtime"
    assert not any(re.match(r"tensorflow(-cpu)?\b", d) and not d.startswith("tensorflow-datasets") for d in deps), \
        "Colab ships tensorflow; requiring it (or tensorflow-cpu) would upgrade or duplicate it"
    assert any(d.startswith("importlib_resources") for d in deps)


def test_readme_has_the_two_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    ci = (ROOT / ".ci" / "run").read_text()
    # `make test` on a line of its own; its failure is kept for CI's exit status while the Colab part runs
    assert re.search(r"^make test( \|\| status=\$\?)?$", ci, re.M) and 'exit "$status"' in ci
    make = subprocess.run(["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "pytest" in make and "--nbval-lax" in make


def test_make_names_the_pythons_the_pins_install_on(tmp_path):
    """`make lab` with an unsupported Python stops before pip does, says which Python it found and how to fix it."""
    for version in ("3.10", "3.14"):
        fake = tmp_path / f"python{version}"
        fake.write_text(f"#!/bin/sh\necho {version}\n")        # answers the version question, whatever it is asked
        fake.chmod(0o755)
        venv = tmp_path / "venv"
        run = subprocess.run(["make", "lab", f"PYTHON={fake}", f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True)
        assert run.returncode != 0 and not venv.exists(), "no environment may be created with an unsupported Python"
        assert f"is Python {version}" in run.stderr and "3.11, 3.12 or 3.13" in run.stderr, run.stderr
        assert "make lab PYTHON=python3.12" in run.stderr, run.stderr
    missing = subprocess.run(["make", "-s", "python-check", f"PYTHON={tmp_path / 'no-such-python'}"], cwd=ROOT,
                             capture_output=True, text=True)
    assert missing.returncode != 0 and "cannot run" in missing.stderr, missing.stderr
    this = subprocess.run(["make", "-s", "python-check", f"PYTHON={sys.executable}"], cwd=ROOT, capture_output=True,
                          text=True)
    assert this.returncode == 0, this.stderr
    make = (ROOT / "Makefile").read_text()
    listed = re.search(r"^SUPPORTED_PYTHONS := (.+)$", make, re.M).group(1).split()
    text = re.search(r"^SUPPORTED_TEXT := (.+)$", make, re.M).group(1)
    assert text == ", ".join(listed[:-1]) + " or " + listed[-1], "SUPPORTED_TEXT must say SUPPORTED_PYTHONS"
    assert f"Python {listed[0]} to {listed[-1]}" in (ROOT / "README.md").read_text(), "README must name the same Pythons"


def test_readme_results_table_is_generated_from_the_results_file():
    recs = results.load(ROOT / "results" / "results.jsonl")
    assert results.readme_table(ROOT / "README.md") == results.table(recs), \
        "README's table is stale: run `python -m dlcourse.results table --update README.md`"


def test_notebook_headers_give_the_measured_times():
    recs = results.load(ROOT / "results" / "results.jsonl")
    for path in NOTEBOOKS:
        line = results.time_to_run(recs, path.stem)
        header = nbformat.read(path, as_version=4).cells[0].source
        assert line is not None and line in header.splitlines(), \
            f"{path.stem}: its '**Time to run**' line is stale: run `python -m dlcourse.results times --update {path}`"


def test_every_notebook_was_measured_at_smoke_and_default_scale():
    recs = results.load(ROOT / "results" / "results.jsonl")
    timed = {(r["notebook"], r["scale"]): r["value"] for r in recs if r["metric"] == results.WALL_TIME}
    for path in NOTEBOOKS:
        for scale in ("smoke", "default"):
            assert (path.stem, scale) in timed, f"{path.stem} has no measured {scale} time: run `make results NB={path}`"
        assert timed[(path.stem, "default")] < 200, f"{path.stem}: default scale must stay under ~3 minutes"
        assert timed[(path.stem, "smoke")] < 90, f"{path.stem}: smoke scale must stay under ~1 minute"
        metrics = {r["metric"] for r in recs if r["notebook"] == path.stem and r["metric"] != results.WALL_TIME}
        assert metrics, f"{path.stem} records no headline result"


def test_data_readme_lists_every_dataset():
    text = (ROOT / "data" / "README.md").read_text()
    for row in datasets.catalog():
        assert f"| {row['name']} | `{row['loader']}` |" in text and row["license"] in text, row["name"]


def test_notebooks_only_use_cataloged_loaders():
    loaders = {n for n in datasets.__all__ if n.startswith("load_")}
    for path in NOTEBOOKS:
        used = set(re.findall(r"dl\.datasets\.(load_\w+)", path.read_text()))
        assert used <= loaders, f"{path.name} uses unknown loaders {used - loaders}"


def test_docs_and_package_stand_alone():
    """No document, notebook or module sends a reader to files outside the repository (issue 12)."""
    paths = [*ROOT.glob("*.md"), *(ROOT / "data").glob("*.md"), *(ROOT / ".github").rglob("*.md"),
             *(ROOT / "dlcourse").glob("*.py"), *(ROOT / "notebooks").glob("*.ipynb"), ROOT / "Makefile"]
    for path in paths:
        text = path.read_text()
        for outside in ("../shared", "DESIGN.md", "PITFALLS.md", "SYLLABUS_SOURCE"):
            assert outside not in text, f"{path.relative_to(ROOT)} refers to {outside}, outside the repository"
