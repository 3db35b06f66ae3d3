import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.fixture
def scale(monkeypatch):
    """Set DLCOURSE_SCALE for one test: ``scale("default")``."""

    def set_scale(value):
        monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
        if value is None:
            monkeypatch.delenv("DLCOURSE_SCALE", raising=False)
        else:
            monkeypatch.setenv("DLCOURSE_SCALE", value)

    return set_scale
