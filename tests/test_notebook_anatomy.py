"""Every notebook has the anatomy of CONTRIBUTING.md (a lint, no execution)."""

import functools
import re

import nbformat
import pytest

import dlcourse as dl
from dlcourse import homework, release
from tests.conftest import NOTEBOOKS

ids = [p.stem for p in NOTEBOOKS]


class Notebook:
    """A notebook node plus the path it was read from."""

    def __init__(self, path, node):
        self.path, self.node = path, node
        self.cells, self.metadata = node.cells, node.metadata


@pytest.fixture(params=NOTEBOOKS, ids=ids)
def nb(request):
    path = request.param
    return Notebook(path, nbformat.read(path, as_version=4))


def headings(nb):
    return [line.strip("# ").strip().lower() for c in nb.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if line.startswith("## ")]


def index_of(nb, predicate):
    return next((i for i, c in enumerate(nb.cells) if predicate(c)), None)


def test_numbered_file_name():
    names = [p.name for p in NOTEBOOKS]
    for name in names:
        assert re.fullmatch(r"\d\d_[a-z0-9]+(_[a-z0-9]+)*\.ipynb", name), name
    numbers = [int(n[:2]) for n in names]
    assert numbers == list(range(len(numbers))), f"notebooks must be numbered 00, 01, ... without gaps: {names}"


def test_valid_and_stripped(nb):
    nbformat.validate(nb.node)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {i} has outputs: run `make strip`"


def test_header(nb):
    first = nb.cells[0]
    assert first.cell_type == "markdown" and re.match(rf"# {nb.path.stem[:2]} · \S", first.source), \
        "first cell: '# NN · Title'"
    assert "colab-badge.svg" in first.source, f"the header needs the Colab badge linking {release.badge_url(nb.path.name)}"
    for part in ("Learning objectives", "Prerequisites", "Time to run"):
        assert f"**{part}**" in first.source, f"header lacks **{part}**"
    assert "GPU" in first.source and "CPU" in first.source, "time to run: laptop CPU and GPU"


def test_setup_cell(nb):
    setup = nb.cells[1]
    assert setup.cell_type == "code", "the second cell is the setup cell"
    src = setup.source
    assert 'if "google.colab" in sys.modules:' in src and f"git+https://github.com/{dl.REPOSITORY}@" in src
    assert "import dlcourse as dl" in src
    if release.install_line() in src:  # (test_colab_badge_and_install_line_name_the_release checks the line itself)
        assert src.index('if "google.colab" in sys.modules:') < src.index(release.install_line()), \
            "the install line runs only on Colab: put it under `if \"google.colab\" in sys.modules:`"
    assert f'dl.setup(notebook="{nb.path.stem}")' in src, "setup must name this notebook"


def test_colab_badge_and_install_line_name_the_release(nb):
    """Badge and install line both name the tag of ``dlcourse/_version.py``: the notebook and the helper
    a student gets on Colab come from one release, never a moving branch."""
    problems = release.problems(nb.node, nb.path.name)
    assert not problems, "\n".join(problems)


#: A literal seed in a code cell: the run would not change with DLCOURSE_SEED.
HARD_CODED_SEED = re.compile(
    r"(set_random_seed|default_rng|RandomState|np\.random\.seed|tf\.random\.set_seed|random\.seed|"
    r"SeedGenerator)\(\s*\d+\s*[,)]"
    r"|\b(random_state|seed)\s*=\s*\d+\b")


def test_every_random_source_derives_from_the_setup_seed(nb):
    """``DLCOURSE_SEED`` must change the whole run: no cell may pin its own seed."""
    assert "seed=" not in nb.cells[1].source, "dl.setup() takes its seed from DLCOURSE_SEED: pass none"
    found = [(i, m.group(0)) for i, c in enumerate(nb.cells) if c.cell_type == "code"
             for m in HARD_CODED_SEED.finditer(c.source)]
    assert not found, ("derive every seed from settings.seed (e.g. default_rng(SEED + 1), "
                       f"random_state=SEED) instead of a literal: {found}")


def _fit_calls(source):
    """The text of every ``.fit(...)`` call in ``source`` (balanced parentheses)."""
    for m in re.finditer(r"\.fit\(", source):
        depth, j = 1, m.end()
        while depth and j < len(source):
            depth += {"(": 1, ")": -1}.get(source[j], 0)
            j += 1
        yield source[m.start():j]


def test_silent_keras_training_shows_progress(nb):
    """A Keras run with ``verbose=0`` outside the exercises passes ``dl.callbacks.Progress``: one line per
    run at default and full scale, nothing at smoke scale (issue 12: no cell sits silent for minutes)."""
    silent = [(i, " ".join(call.split())[:90]) for i, c in enumerate(nb.cells)
              if c.cell_type == "code" and not c.metadata.get("nbgrader")
              for call in _fit_calls(c.source)
              if "epochs=" in call and "verbose=0" in call and "Progress(" not in call]
    assert not silent, f"add callbacks=[dl.callbacks.Progress(\"name\")] to these fit calls: {silent}"


def test_sections_in_order(nb):
    heads = headings(nb)
    for needed in ("exercises", "what this notebook does not show", "key takeaways", "further reading"):
        assert needed in heads, f"missing '## {needed.capitalize()}'"
    assert (heads.index("exercises") < heads.index("what this notebook does not show")
            < heads.index("key takeaways") < heads.index("further reading"))
    assert len(heads) >= 5, "a notebook has several teaching sections before the exercises"


def test_exercises(nb):
    roles = homework.exercise_cells(nb)
    assert len(roles["solution"]) >= 3 and len(roles["test"]) >= 3, "at least three exercises"
    ex_start = index_of(nb, lambda c: c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M))
    assert min(roles["solution"] + roles["test"]) > ex_start, "exercise cells belong in the Exercises section"
    ids_ = [nb.cells[i].metadata.nbgrader["grade_id"] for i in roles["solution"] + roles["test"]]
    assert len(set(ids_)) == len(ids_), "grade_ids must be unique"
    for i in roles["test"]:
        meta = nb.cells[i].metadata.nbgrader
        assert meta.get("points", 0) > 0 and meta.get("locked") and "assert" in nb.cells[i].source
    for i in roles["solution"]:
        assert "### BEGIN SOLUTION" in nb.cells[i].source


def test_lessons_have_sanity_checks_and_results(nb):
    ex_start = index_of(nb, lambda c: c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M))
    body = "\n".join(c.source for c in nb.cells[:ex_start] if c.cell_type == "code")
    assert re.search(r"^\s*(assert |np\.testing\.assert)", body, re.M), "sanity assertions are missing"
    assert "dl.record(" in body, "record the headline results with dl.record"
    assert "dl.scaled(" in body or nb.path.stem.startswith("00_"), "sizes come from dl.scaled"


SECTION_LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)\)\s+§\s+\*([^*]+)\*")


def section_titles(path):
    """Every heading of a notebook's markdown (any level), with whitespace collapsed."""
    return _section_titles(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=None)
def _section_titles(path, mtime_ns):
    # read once per version of a file (28 links 39 times into a dozen notebooks)
    node = nbformat.read(path, as_version=4)
    return {" ".join(line.lstrip("#").split()) for c in node.cells if c.cell_type == "markdown"
            for line in c.source.splitlines() if re.match(r"#{1,6}\s", line)}


def test_section_links_name_real_sections(nb):
    # 28 (and any notebook) points into others as "[13](13_computer_vision.ipynb) § *Section title*": the
    # notebook must exist and have that heading, or a renamed section silently sends the reader nowhere.
    problems = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for target, title in SECTION_LINK.findall(cell.source):
            path = nb.path.parent / target
            title = " ".join(title.split())
            if not path.is_file():
                problems.append(f"{target} does not exist (linked with § {title!r})")
            elif title not in section_titles(path):
                problems.append(f"{target} has no section {title!r}")
    assert not problems, "\n".join(problems)


def test_section_link_check_finds_28s_links_and_catches_a_renamed_section(tmp_path):
    faq = next(p for p in NOTEBOOKS if p.name.startswith("28_"))
    node = nbformat.read(faq, as_version=4)
    links = [m for c in node.cells if c.cell_type == "markdown" for m in SECTION_LINK.findall(c.source)]
    assert len(links) >= 30, f"28 should link the sections that answer its questions, found {len(links)}"
    target, title = links[0]
    renamed = nbformat.read(faq.parent / target, as_version=4)
    for c in renamed.cells:
        if c.cell_type == "markdown":
            c.source = c.source.replace(title, title + " (renamed)")
    nbformat.write(renamed, tmp_path / target)
    nbformat.write(node, tmp_path / faq.name)
    with pytest.raises(AssertionError, match="has no section"):
        test_section_links_name_real_sections(Notebook(tmp_path / faq.name, node))
