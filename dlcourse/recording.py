"""``dl.record``: a notebook's headline results, appended as JSON lines to ``$DLCOURSE_RESULTS``."""

from __future__ import annotations

import datetime as _dt
import json
import math
import numbers
import os
import pathlib
import time

from ._config import _check_notebook_name, _state, check_name, current_notebook, get_scale, get_seed

RESULTS_ENV = "DLCOURSE_RESULTS"
#: Results files end in this suffix; nothing else is ever appended to.
RESULTS_SUFFIX = ".jsonl"
#: The keys every record has, and the types their values must have.
REQUIRED_KEYS = ("notebook", "metric", "value", "scale")


class ResultsFileError(ValueError):
    """A results file (or the path meant to be one) cannot be used: named, with the line and a fix."""


def results_path(raw, where: str = RESULTS_ENV, *, relative_to=None) -> pathlib.Path:
    """Where results go: ``raw`` with ``~`` and ``$VARS`` expanded, made absolute.

    Raises :class:`ResultsFileError` for an unset variable in the path, a relative path (it would
    land beside whichever kernel runs: use an absolute one) unless ``relative_to`` gives the folder
    it is relative to (a command's working directory), or a name not ending in ``.jsonl``.
    """
    text = str(raw)
    expanded = os.path.expanduser(os.path.expandvars(text))
    if "$" in expanded or expanded.startswith("~"):
        raise ResultsFileError(f"{where}={text!r}: cannot expand {expanded!r} (an unset variable or unknown user?). "
                               "Give an absolute path, e.g. /home/me/results.jsonl.")
    path = pathlib.Path(expanded)
    if not path.is_absolute() and relative_to is not None:
        path = (pathlib.Path(relative_to) / path).resolve()
    if not path.is_absolute():
        raise ResultsFileError(f"{where}={text!r} is relative, so results would land beside the running kernel "
                               f"(now {os.getcwd()}). Give an absolute path, e.g. {pathlib.Path(text).resolve()}.")
    if path.suffix != RESULTS_SUFFIX:
        raise ResultsFileError(f"{where}={text!r}: results go only to a {RESULTS_SUFFIX} file (JSON lines), "
                               f"never into {path.name!r}. Use e.g. {path.with_suffix(RESULTS_SUFFIX)}.")
    if path.exists() and not path.is_file():
        raise ResultsFileError(f"{where}={text!r}: {path} is not a file. Name a .jsonl file.")
    return path


def check_record(rec, where: str) -> dict:
    """Check one parsed results line; raise :class:`ResultsFileError` naming ``where`` if it is not a record."""
    if not isinstance(rec, dict):
        raise ResultsFileError(f"{where} is {type(rec).__name__}, not a results record (a JSON object with "
                               f"{', '.join(REQUIRED_KEYS)}). Delete or fix that line.")
    missing = [k for k in REQUIRED_KEYS if k not in rec]
    if missing:
        raise ResultsFileError(f"{where} lacks {missing}. Delete or fix that line.")
    for key in ("notebook", "metric", "scale"):
        try:
            check_name(rec[key], key, "x")
        except (TypeError, ValueError) as err:
            raise ResultsFileError(f"{where}: {err} Delete or fix that line.") from None
    value = rec["value"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ResultsFileError(f"{where}: value must be a finite number, got {value!r}. Delete or fix that line.")
    seed = rec.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise ResultsFileError(f"{where}: seed must be a whole number, got {seed!r}. Delete or fix that line.")
    return rec


def read_records(path) -> list[dict]:
    """Every record of an existing results file, checked line by line (:class:`ResultsFileError` if any is bad)."""
    path = pathlib.Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise ResultsFileError(f"{path}:{line} is not UTF-8 text, so {path.name} is not a results file. "
                               "Point to a .jsonl file written by dl.record.") from None
    records = []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as err:
            raise ResultsFileError(f"{path}:{i} is not a JSON line ({err}). Delete or fix that line.") from None
        records.append(check_record(rec, f"{path}:{i}"))
    return records


def append_record(path: pathlib.Path, rec: dict) -> None:
    """Append one record as a JSON line; refuses a file whose lines are not results records."""
    path = pathlib.Path(path)
    check_record(json.loads(json.dumps(rec)), "the new record")
    if path.is_file():
        read_records(path)  # never write into a file that is not a results file
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(rec) + "\n"
    with path.open("a+b") as fh:
        if fh.tell() > 0:
            fh.seek(-1, os.SEEK_END)
            if fh.read(1) != b"\n":
                line = "\n" + line  # the file lacked its final newline: do not glue two records together
        fh.seek(0, os.SEEK_END)
        fh.write(line.encode("utf-8"))


def record(metric: str, value, *, notebook: str | None = None, verbose: bool = True) -> None:
    """Record one headline result of the running notebook.

    Parameters
    ----------
    metric : str
        Short snake_case name, e.g. ``"test_accuracy"`` (no ``|``, ``<``, ``>`` or newlines).
    value : int or float
        A finite real number (NumPy scalars and 0-d arrays are accepted).
    notebook : str, optional
        Defaults to the name given to ``dl.setup(notebook=...)``.

    The record is appended as a JSON line to ``$DLCOURSE_RESULTS`` when that is set (an absolute
    ``.jsonl`` path; ``~`` and ``$VARS`` are expanded), and a short line is printed, naming the file.
    Returns None (so a notebook cell ending in ``dl.record(...)`` shows no dict).

    Raises
    ------
    TypeError, ValueError
        For a bad metric, value or notebook name.
    ResultsFileError
        If ``$DLCOURSE_RESULTS`` is not a usable results file (relative, not ``.jsonl``, or a file
        whose lines are not results).
    """
    if not isinstance(metric, str) or not metric.strip():
        raise TypeError(f"metric must be a non-empty string, got {metric!r}.")
    metric = check_name(metric, "metric", "test_accuracy")
    if hasattr(value, "item") and getattr(value, "shape", ()) == ():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"value for {metric!r} must be a real number, got {type(value).__name__} {value!r}.")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"value for {metric!r} must be finite, got {value}.")
    notebook = current_notebook() if notebook is None else _check_notebook_name(notebook)
    if not notebook:
        raise ValueError(
            "record() does not know which notebook is running: call "
            "dl.setup(notebook='NN_name') first, or pass notebook=."
        )
    start = _state["start"]
    settings = _state.get("settings")
    rec = {
        "notebook": notebook,
        "metric": metric,
        "value": value,
        "scale": get_scale(),
        "seed": settings.seed if settings is not None else get_seed(),
        "elapsed_s": round(time.perf_counter() - start, 2) if start is not None else None,
        "time": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
    }
    raw = os.environ.get(RESULTS_ENV)
    path = results_path(raw) if raw else None
    if path is not None:
        append_record(path, rec)
    if verbose:
        where = f" -> {path}" if path is not None else ""
        print(f"recorded {rec['notebook']} / {rec['metric']} = {value:.4g} ({rec['scale']} scale){where}")
