"""``dl.record``: a notebook's headline results, appended as JSON lines to ``$DLCOURSE_RESULTS``."""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import os
import pathlib
import time

from ._config import _state, current_notebook, get_scale, get_seed

RESULTS_ENV = "DLCOURSE_RESULTS"


def record(metric: str, value, *, notebook: str | None = None, verbose: bool = True) -> None:
    """Record one headline result of the running notebook.

    Parameters
    ----------
    metric : str
        Short snake_case name, e.g. ``"test_accuracy"``.
    value : int or float
        A finite real number (NumPy scalars and 0-d arrays are accepted).
    notebook : str, optional
        Defaults to the name given to ``dl.setup(notebook=...)``.

    The record is appended as a JSON line to ``$DLCOURSE_RESULTS`` when that is set, and a short
    line is printed. Returns None (so a notebook cell ending in ``dl.record(...)`` shows no dict).
    """
    if not isinstance(metric, str) or not metric.strip():
        raise TypeError(f"metric must be a non-empty string, got {metric!r}.")
    if hasattr(value, "item") and getattr(value, "shape", ()) == ():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value for {metric!r} must be a real number, got {type(value).__name__} {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value for {metric!r} must be finite, got {value}.")
    notebook = notebook or current_notebook()
    if not notebook:
        raise ValueError(
            "record() does not know which notebook is running: call "
            "dl.setup(notebook='NN_name') first, or pass notebook=."
        )
    start = _state["start"]
    settings = _state.get("settings")
    rec = {
        "notebook": notebook,
        "metric": metric.strip(),
        "value": value,
        "scale": get_scale(),
        "seed": settings.seed if settings is not None else get_seed(),
        "elapsed_s": round(time.perf_counter() - start, 2) if start is not None else None,
        "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    path = os.environ.get(RESULTS_ENV)
    if path:
        path = pathlib.Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(rec) + "\n")
    if verbose:
        print(f"recorded {rec['notebook']} / {rec['metric']} = {value:.4g} ({rec['scale']} scale)")
