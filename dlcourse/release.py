"""Point every notebook's Colab badge and Colab install line at this release's tag.

The version is written in one place, ``dlcourse/_version.py``; its tag is ``v<version>``. A student who
clicks a notebook's badge must get the notebook *and* the helper package of that same release, so both
name the tag, never a moving branch::

    [![Open In Colab](...colab-badge.svg)](https://colab.research.google.com/github/dlcourse/dlcourse/blob/<tag>/notebooks/NN_name.ipynb)
    %pip install -q "dlcourse @ git+https://github.com/dlcourse/dlcourse@<tag>"

Commands::

    python -m dlcourse.release               # check every notebook (exit 1 naming what to write)
    python -m dlcourse.release --write       # rewrite every notebook's badge and install line
    python -m dlcourse.release --write notebooks/13_computer_vision.ipynb
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

from ._config import REPOSITORY
from ._version import TAG

__all__ = ["GUIDE", "TAG", "badge_url", "install_line", "main", "problems", "rewrite_text", "update"]

_GIT_URL = f"git+https://github.com/{REPOSITORY}"
#: Any Colab link to a notebook of this repository, at any branch or tag.
_BADGE_RE = re.compile(rf"https://colab\.research\.google\.com/github/{re.escape(REPOSITORY)}/blob/[^)\s\"']+")
#: The install line of the setup cell, at any branch or tag (the indentation is kept).
_INSTALL_RE = re.compile(rf"^(?P<indent>[ \t]*)%pip install\b.*{re.escape(_GIT_URL)}\b.*$", re.M)


def badge_url(notebook: str, tag: str = TAG) -> str:
    """The Colab link of ``notebook`` (its file name, e.g. ``"00_welcome_and_setup.ipynb"``) at ``tag``."""
    return f"https://colab.research.google.com/github/{REPOSITORY}/blob/{tag}/notebooks/{notebook}"


def install_line(tag: str = TAG) -> str:
    """The setup cell's install line (run on Colab only) for ``tag``."""
    return f'%pip install -q "dlcourse @ {_GIT_URL}@{tag}"'


def problems(nb, notebook: str, tag: str = TAG) -> list[str]:
    """What disagrees with ``tag`` in a notebook's header (cell 0) and setup cell (cell 1): one message
    per problem, each saying what to write. Empty when both name the tag."""
    fix = f"run `python -m dlcourse.release --write notebooks/{notebook}`"
    found = []
    header = nb.cells[0].source if nb.cells and nb.cells[0].cell_type == "markdown" else ""
    want = badge_url(notebook, tag)
    links = _BADGE_RE.findall(header)
    if want not in links or any(link != want for link in links):
        others = ", ".join(link for link in links if link != want) or "none"
        found.append(f"{notebook}: the Colab badge in the first cell must link {want} (found: {others}); {fix}")
    setup = nb.cells[1].source if len(nb.cells) > 1 and nb.cells[1].cell_type == "code" else ""
    lines = [m.group(0).strip() for m in _INSTALL_RE.finditer(setup)]
    if lines != [install_line(tag)]:
        found.append(f"{notebook}: the setup cell (second cell) must install the release with exactly this line, "
                     f"under `if \"google.colab\" in sys.modules:`: {install_line(tag)} "
                     f"(found: {' | '.join(lines) or 'none'}); {fix}")
    return found


def update(nb, notebook: str, tag: str = TAG) -> bool:
    """Rewrite the badge link(s) of cell 0 and the install line of cell 1 to ``tag``, in place.

    Returns True if anything changed. Raises ``ValueError`` if the notebook has no badge or no install
    line to rewrite (write the header and setup cell from CONTRIBUTING.md first).
    """
    if len(nb.cells) < 2 or nb.cells[0].cell_type != "markdown" or nb.cells[1].cell_type != "code":
        raise ValueError(f"{notebook}: needs the header (markdown) and setup (code) cells of CONTRIBUTING.md first")
    header, setup = nb.cells[0].source, nb.cells[1].source
    if not _BADGE_RE.search(header):
        raise ValueError(f"{notebook}: the first cell has no Colab badge to rewrite; add the one in CONTRIBUTING.md")
    if not _INSTALL_RE.search(setup):
        raise ValueError(f"{notebook}: the setup cell has no `%pip install ... {_GIT_URL}@...` line to rewrite; "
                         "use the setup cell of CONTRIBUTING.md")
    new_header = _BADGE_RE.sub(badge_url(notebook, tag), header)
    new_setup = _INSTALL_RE.sub(lambda m: m.group("indent") + install_line(tag), setup)
    changed = (new_header, new_setup) != (header, setup)
    nb.cells[0].source, nb.cells[1].source = new_header, new_setup
    return changed


#: The contributors' guide holds the same badge and install line as a template (``NN_short_name``).
GUIDE = pathlib.Path("CONTRIBUTING.md")


def rewrite_text(text: str, tag: str = TAG) -> str:
    """``text`` with every Colab link of this repository and every install line set to ``tag`` (for the
    templates of CONTRIBUTING.md; the notebook name in each link is kept)."""
    prefix = re.escape(f"https://colab.research.google.com/github/{REPOSITORY}/blob/")
    text = re.sub(rf"({prefix})[^/\s)]+(/notebooks/)", rf"\g<1>{tag}\g<2>", text)
    return _INSTALL_RE.sub(lambda m: m.group("indent") + install_line(tag), text)


def main(argv=None) -> int:
    """``python -m dlcourse.release``: 0 when every notebook names the tag (or was rewritten to it),
    1 when a check finds a notebook that disagrees, 2 for unusable input (an ``error:`` line)."""
    parser = argparse.ArgumentParser(prog="python -m dlcourse.release", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", help="default: every notebooks/NN_*.ipynb")
    parser.add_argument("--write", action="store_true", help="rewrite badges and install lines (default: only check)")
    args = parser.parse_args(argv)
    import nbformat

    paths = [pathlib.Path(p) for p in args.notebooks] or sorted(pathlib.Path("notebooks").glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        print("error: no notebooks given and none in ./notebooks (run from the repository root)", file=sys.stderr)
        return 2
    status = 0
    if not args.notebooks and GUIDE.is_file():  # the whole repository: the guide's template too
        text = GUIDE.read_text(encoding="utf-8")
        if rewrite_text(text) != text:
            if args.write:
                GUIDE.write_text(rewrite_text(text), encoding="utf-8")
                print(f"{GUIDE}: now points at {TAG}")
            else:
                print(f"{GUIDE}: its badge and setup-cell template must name {TAG}; run `python -m dlcourse.release --write`")
                status = 1
    for path in paths:
        try:
            nb = nbformat.read(path, as_version=4)
            if args.write:
                if update(nb, path.name):
                    nbformat.write(nb, path)
                    print(f"{path}: now points at {TAG}")
            else:
                for message in problems(nb, path.name):
                    print(message)
                    status = 1
        except (OSError, ValueError) as err:  # nbformat's read errors are ValueErrors too
            print(f"error: {path}: {err}", file=sys.stderr)
            return 2
    if status == 0 and not args.write:
        print(f"{len(paths)} notebook(s) point at {TAG}")
    return status


if __name__ == "__main__":
    sys.exit(main())
