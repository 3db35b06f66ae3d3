"""One release for Colab: the version in dlcourse/_version.py, its tag in every badge and install line."""

import re
import subprocess
import sys
import tomllib

import nbformat
import pytest

import dlcourse as dl
from dlcourse import release
from tests.conftest import ROOT


def _notebook(tag="main", name="99_demo.ipynb"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# 99 · Demo\n\n[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
            f"(https://colab.research.google.com/github/{dl.REPOSITORY}/blob/{tag}/notebooks/{name})\n"),
        nbformat.v4.new_code_cell(
            "import sys\nif \"google.colab\" in sys.modules:\n"
            f"    %pip install -q \"dlcourse @ git+https://github.com/{dl.REPOSITORY}@{tag}\"\n\n"
            "import dlcourse as dl\nsettings = dl.setup(notebook=\"99_demo\")"),
    ]
    return nb


def test_the_version_is_written_once_and_the_tag_follows_it():
    assert re.fullmatch(r"\d+\.\d+\.\d+", dl.__version__), dl.__version__
    assert dl.TAG == release.TAG == f"v{dl.__version__}"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    attr = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    assert attr == "dlcourse._version.__version__", "pyproject.toml must read the version from dlcourse/_version.py"


def test_a_notebook_on_a_branch_is_caught_and_rewritten():
    nb = _notebook("main")
    found = release.problems(nb, "99_demo.ipynb")
    assert len(found) == 2, found
    assert release.badge_url("99_demo.ipynb") in found[0] and release.install_line() in found[1], \
        "each message says what to write"
    assert release.update(nb, "99_demo.ipynb") is True
    assert release.problems(nb, "99_demo.ipynb") == []
    assert "    " + release.install_line() in nb.cells[1].source, "the install line keeps its indentation"
    assert release.update(nb, "99_demo.ipynb") is False, "a second rewrite changes nothing"


def test_a_badge_naming_another_notebook_or_a_second_badge_is_caught():
    nb = _notebook(dl.TAG)
    assert release.problems(nb, "99_demo.ipynb") == []
    assert release.problems(nb, "98_other.ipynb"), "the badge must open this notebook"
    nb.cells[0].source += f"\n(https://colab.research.google.com/github/{dl.REPOSITORY}/blob/main/notebooks/99_demo.ipynb)"
    assert release.problems(nb, "99_demo.ipynb"), "a second link at a branch is caught"


def test_update_refuses_a_notebook_without_badge_or_install_line():
    nb = _notebook()
    nb.cells[1].source = "import dlcourse as dl"
    with pytest.raises(ValueError, match="setup cell"):
        release.update(nb, "99_demo.ipynb")


def test_command_checks_and_writes(tmp_path):
    path = tmp_path / "99_demo.ipynb"
    nbformat.write(_notebook("main"), path)
    run = [sys.executable, "-m", "dlcourse.release"]
    check = subprocess.run(run + [str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 1 and release.install_line() in check.stdout
    write = subprocess.run(run + ["--write", str(path)], capture_output=True, text=True, cwd=tmp_path)
    assert write.returncode == 0 and dl.TAG in write.stdout
    assert subprocess.run(run + [str(path)], capture_output=True, text=True, cwd=tmp_path).returncode == 0
    missing = subprocess.run(run + [str(tmp_path / "nope.ipynb")], capture_output=True, text=True, cwd=tmp_path)
    assert missing.returncode == 2 and missing.stderr.startswith("error:")


def test_contributing_template_names_the_tag():
    text = (ROOT / "CONTRIBUTING.md").read_text()
    assert release.rewrite_text(text) == text and release.install_line() in text, \
        "CONTRIBUTING.md's setup-cell template must name the current tag: run `python -m dlcourse.release --write`"
    assert release.badge_url("NN_short_name.ipynb") in text

