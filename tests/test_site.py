"""The course site (dlcourse.site): pages are student versions with a run's outputs, and the check
finds a page, a badge or a figure that is missing. `make test` builds the whole site from CI's runs."""

import base64
import copy
import re

import nbformat
import pytest

from dlcourse import homework, site
from tests.conftest import ROOT

SOURCE = ROOT / "notebooks" / "01_neurons_and_layers.ipynb"
#: A 1x1 PNG: a figure output as matplotlib leaves it in a notebook.
PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a5c70000000049454e44ae426082")).decode()


def _run_of(instructor, figure_cell=None, error_cell=None):
    """A fake run of the student version: text everywhere, a figure and/or an error where asked."""
    ran = homework.student_version(instructor)
    exercises = site._exercise_cells(ran)
    for i, cell in enumerate(ran.cells):
        if cell.cell_type != "code":
            continue
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"output of cell {i}\n")]
        if i in exercises:
            cell.outputs.append(nbformat.v4.new_output("error", ename="NotImplementedError", evalue="", traceback=[]))
    if figure_cell is not None:
        ran.cells[figure_cell].outputs.append(nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}))
    if error_cell is not None:
        ran.cells[error_cell].outputs.append(nbformat.v4.new_output("error", ename="ValueError", evalue="boom", traceback=[]))
    return ran


def _plain_code_cell(nb):
    exercises = site._exercise_cells(nb)
    return next(i for i, c in enumerate(nb.cells) if c.cell_type == "code" and i not in exercises and i > 3)


@pytest.fixture(scope="module")
def instructor():
    return nbformat.read(SOURCE, as_version=4)


def test_a_page_is_the_student_version_with_the_runs_outputs_but_not_the_exercises(instructor):
    fig = _plain_code_cell(instructor)
    page = site.page(instructor, _run_of(instructor, figure_cell=fig), SOURCE.name)
    text = "\n".join(c.source for c in page.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    exercises = site._exercise_cells(page)
    assert all(not page.cells[i].outputs for i in exercises), "exercise cells fail on purpose: shown without outputs"
    assert page.cells[fig].outputs[-1]["data"]["image/png"] == PNG
    assert site._image_outputs(page) == 1
    bare = site.page(instructor, None, SOURCE.name)
    assert not any(c.get("outputs") for c in bare.cells if c.cell_type == "code")


def test_a_stale_or_failed_run_is_refused_with_the_fix(instructor):
    ran = _run_of(instructor)
    stale = copy.deepcopy(ran)
    stale.cells[_plain_code_cell(instructor)].source += "\nprint('edited since the run')"
    with pytest.raises(site.SiteError, match="another version of the notebook: run it again"):
        site.page(instructor, stale, SOURCE.name)
    failed = _run_of(instructor, error_cell=_plain_code_cell(instructor))
    with pytest.raises(site.SiteError, match="failed outside the exercises"):
        site.page(instructor, failed, SOURCE.name)


def test_every_notebook_is_a_page_in_curriculum_order(tmp_path):
    have = site.prepare(tmp_path / "book", runs=None)
    names = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    assert list(have) == names and not any(have.values())
    toc = (tmp_path / "book" / "_toc.yml").read_text()
    assert [line.split("notebooks/")[1] for line in toc.splitlines() if "file: notebooks/" in line] == names
    assert "caption: Foundations" in toc and toc.index("Foundations") < toc.index("Architectures")
    assert "execute_notebooks: 'off'" in (tmp_path / "book" / "_config.yml").read_text()


def test_the_built_site_is_checked_for_pages_badges_and_figures(instructor, tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    nbformat.write(_run_of(instructor, figure_cell=_plain_code_cell(instructor)), runs / SOURCE.name)
    book = tmp_path / "book"
    have = site.prepare(book, runs=runs, notebooks=[SOURCE])
    assert have == {SOURCE.stem: True}
    html = site.build(book, strict=False)  # one page alone: its links to the other notebooks dangle
    assert (html / "notebooks" / f"{SOURCE.stem}.html").is_file()
    assert site.check(book) == []
    page = html / "notebooks" / f"{SOURCE.stem}.html"
    good = page.read_text()
    page.write_text(re.sub(r"<img[^>]+_images/[^>]+>", "", good))
    assert any("1 figures in the run, 0 on the page" in p for p in site.check(book))
    src = book / "notebooks" / SOURCE.name
    kept = src.read_text()
    figureless = nbformat.read(src, as_version=4)
    for cell in figureless.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if "image/png" not in o.get("data", {})]
    nbformat.write(figureless, src)
    assert any("drew no figure" in p for p in site.check(book)), "a run under MPLBACKEND=Agg must be caught"
    src.write_text(kept)
    page.write_text(good.replace("colab.research.google.com/github/", "example.org/"))
    assert any("no Colab badge" in p for p in site.check(book))
    page.unlink()
    assert any("no page" in p for p in site.check(book))


def test_the_command_line_says_what_is_missing(tmp_path, capsys):
    assert site.main(["build", "--runs", str(tmp_path / "nothing"), "--out", str(tmp_path / "out")]) == 1
    assert "run --out" in capsys.readouterr().err
    assert site.main(["run", "99_no_such_notebook", "--out", str(tmp_path / "r")]) == 1
    assert "no such notebook" in capsys.readouterr().err


def test_make_test_and_make_site_build_the_site():
    makefile = (ROOT / "Makefile").read_text()
    assert "DLCOURSE_SITE_RUN=" in makefile and "dlcourse.site build --runs build/site-run/smoke" in makefile
    assert "\nsite:" in makefile
    readme = (ROOT / "README.md").read_text()
    assert "make site" in readme
