"""Scale switch, reproducible set-up and the one-line environment report."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import platform
import random
import re
import sys
import time
import warnings

SCALES = ("smoke", "default", "full")

#: The environment variable that picks the seed of a run (``DLCOURSE_SEED=1 make test``).
SEED_ENV = "DLCOURSE_SEED"
#: The seed a run uses when neither ``setup(seed=...)`` nor ``DLCOURSE_SEED`` chooses one.
DEFAULT_SEED = 0

#: Where the course lives on GitHub; the Colab badges and the Colab install cell point here, at the
#: release tag ``TAG`` (``v`` + the version in ``_version.py``; ``python -m dlcourse.release`` writes them).
REPOSITORY = "dlcourse/dlcourse"

_state: dict = {"start": None, "notebook": None, "settings": None}


def get_scale() -> str:
    """Return the scale this run uses: ``"smoke"``, ``"default"`` or ``"full"``.

    Read from the environment variable ``DLCOURSE_SCALE`` (unset or empty means
    ``"default"``). When nbgrader executes a notebook for grading (it sets
    ``NBGRADER_EXECUTION``; ``0``, ``false``, ``no`` or empty count as unset), the scale is always
    ``"smoke"`` so grading stays fast.

    Raises
    ------
    ValueError
        If ``DLCOURSE_SCALE`` holds anything other than the three scale names.
    """
    if nbgrader_executing():
        return "smoke"
    raw = os.environ.get("DLCOURSE_SCALE", "")
    value = raw.strip().lower() or "default"
    if value not in SCALES:
        raise ValueError(
            f"DLCOURSE_SCALE={raw!r} is not a scale. Use one of {', '.join(SCALES)} "
            "(or leave it unset for 'default'), e.g. `export DLCOURSE_SCALE=smoke`."
        )
    return value


def nbgrader_executing() -> bool:
    """True when nbgrader runs the notebook (``NBGRADER_EXECUTION`` set, and not to 0/false/no/off)."""
    raw = os.environ.get("NBGRADER_EXECUTION", "").strip().lower()
    return raw not in ("", "0", "false", "no", "off")


def check_int(value, name: str, *, low=None, high=None) -> int:
    """``value`` as a Python int (NumPy integers accepted), else a TypeError/ValueError naming ``name``.

    ``low``/``high`` are inclusive bounds. Messages show the value as a plain number.
    """
    if hasattr(value, "item") and getattr(value, "shape", None) == () and not isinstance(value, bool):
        value = value.item()  # NumPy integers (and 0-d arrays) are fine
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be a whole number, got {type(value).__name__} {value!r}.")
    if (low is not None and value < low) or (high is not None and value > high):
        bounds = f"in [{low}, {high}]" if low is not None and high is not None else (
            f">= {low}" if low is not None else f"<= {high}")
        raise ValueError(f"{name} must be {bounds}, got {value}.")
    return value


def scaled(*, smoke, default, full):
    """Pick a size for the current scale.

    Example
    -------
    >>> EPOCHS = scaled(smoke=1, default=8, full=30)   # doctest: +SKIP

    All three values are required (keyword-only) so that a notebook always states what it does
    at every scale. ``None`` is not allowed: use an explicit value (e.g. ``-1`` or the full size).
    """
    values = {"smoke": smoke, "default": default, "full": full}
    for name, value in values.items():
        if value is None:
            raise ValueError(f"scaled(): {name}= is None; give an explicit value for every scale.")
    return values[get_scale()]


@dataclasses.dataclass(frozen=True)
class Settings:
    """What :func:`setup` configured; returned so a notebook can print or assert on it."""

    seed: int
    scale: str
    notebook: str | None
    environment: str  # "colab", "nbgrader", "jupyter" or "script"
    device: str  # "CPU" or the GPU's name
    gpus: int
    versions: dict

    def summary(self) -> str:
        v = self.versions
        return (
            f"dlcourse {v['dlcourse']} | Python {v['python']} | TensorFlow {v['tensorflow']} | "
            f"Keras {v['keras']} | device: {self.device} | scale: {self.scale} | "
            f"seed: {self.seed} | env: {self.environment}"
        )


def _check_seed(seed, where: str) -> int:
    seed = check_int(seed, where)
    if seed < 0 or seed >= 2**32:
        raise ValueError(f"{where} must be in [0, 2**32), got {seed}.")
    return seed


def get_seed() -> int:
    """Return the seed a run uses when ``setup()`` is not given one.

    Read from the environment variable ``DLCOURSE_SEED`` (a whole number in [0, 2**32)); unset
    or empty means ``0``. Other seeds stand in for other CPUs: a notebook's checks must hold for
    seeds 0, 1 and 2 (``make seeds``).

    Raises
    ------
    ValueError
        If ``DLCOURSE_SEED`` is not a whole number in [0, 2**32).
    """
    raw = os.environ.get(SEED_ENV, "")
    if not raw.strip():
        return DEFAULT_SEED
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(
            f"{SEED_ENV}={raw!r} is not a seed. Use a whole number in [0, 2**32), "
            f"e.g. `export {SEED_ENV}=1`, or unset it for seed {DEFAULT_SEED}."
        ) from None
    if not 0 <= value < 2**32:
        raise ValueError(f"{SEED_ENV}={raw!r} is out of range: use a whole number in [0, 2**32).")
    return value


def _environment() -> str:
    if "google.colab" in sys.modules:
        return "colab"
    if nbgrader_executing():
        return "nbgrader"
    if "ipykernel" in sys.modules:
        return "jupyter"
    return "script"


#: Characters a notebook or metric name may not hold: they would break the Markdown results table
#: (``|``, newlines) or its HTML comment markers (``<``, ``>``).
_BAD_NAME_CHARS = re.compile(r"[|<>\x00-\x1f\x7f]")


def check_name(value, what: str, example: str) -> str:
    """A notebook or metric name: a non-empty string without ``|``, ``<``, ``>`` or control characters."""
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{what} must be a non-empty string such as {example!r}, got {type(value).__name__} {value!r}.")
    bad = sorted(set(_BAD_NAME_CHARS.findall(value)))
    if bad:
        raise ValueError(f"{what} {value!r} contains {bad}: these break the results table; "
                         f"use letters, digits and _ (e.g. {example!r}).")
    return value.strip()


def _check_notebook_name(notebook):
    if notebook is None:
        return None
    if not isinstance(notebook, str) or not notebook.strip():
        raise TypeError(f"notebook= must be the notebook's file name as a string, got {notebook!r}.")
    name = os.path.basename(notebook.strip())
    name = name[:-6] if name.endswith(".ipynb") else name
    if not name.strip() or name.strip() in (".", ".."):
        raise ValueError(f"notebook={notebook!r} names no notebook: pass its file name, "
                         "e.g. notebook='01_neurons_and_layers'.")
    return check_name(name, "notebook=", "01_neurons_and_layers")


def setup(seed: int | None = None, *, notebook: str | None = None, verbose: bool = True) -> Settings:
    """Prepare a notebook: seeds, quiet logs, and one line describing the run.

    * seeds Python's ``random``, NumPy and Keras/TensorFlow with ``seed``
      (``keras.utils.set_random_seed``), so a re-run gives the same numbers on the same machine.
      Notebooks call ``setup()`` without a seed and derive every other random source from
      ``settings.seed`` (``rng = np.random.default_rng(settings.seed)``), so that
      ``DLCOURSE_SEED=1`` really changes the whole run;
    * caps BLAS/OpenMP thread pools (NumPy, scikit-learn) at one thread per process on machines
      with few cores, where a shared CPU makes them oversubscribe (TensorFlow keeps its own threads);
    * selects the TensorFlow backend for Keras (``KERAS_BACKEND=tensorflow``) and quiets
      TensorFlow's Python logging;
    * reads a prepared data cache when ``DLCOURSE_DATA_DIR`` names one
      (:func:`dlcourse.datasets.use_prepared_cache`);
    * detects Colab, nbgrader grading (which forces the ``smoke`` scale) and Jupyter;
    * prints one line: Python, TensorFlow and Keras versions, device, scale;
    * warns (does not fail) when the ``full`` scale runs without a GPU.

    Parameters
    ----------
    seed : int, optional
        Seed for every random generator, in [0, 2**32). Default: ``DLCOURSE_SEED`` if set, else 0.
    notebook : str, optional
        The notebook's file name (e.g. ``"01_neurons_and_layers"``); used by :func:`record`.
    verbose : bool
        Print the one-line report (default True).

    Returns
    -------
    Settings
    """
    seed = get_seed() if seed is None else _check_seed(seed, "seed")
    notebook = _check_notebook_name(notebook)
    scale = get_scale()

    backend = os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    if backend != "tensorflow":
        raise RuntimeError(
            f"KERAS_BACKEND={backend!r}, but this course is written for TensorFlow. "
            "Unset KERAS_BACKEND (or set it to 'tensorflow') and restart the kernel."
        )
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

    import logging

    import numpy as np
    import tensorflow as tf

    import keras

    if keras.backend.backend() != "tensorflow":
        raise RuntimeError(
            f"Keras was imported with the {keras.backend.backend()!r} backend before dl.setup(). "
            "Restart the kernel and run the setup cell first."
        )
    tf.get_logger().setLevel(logging.ERROR)
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:  # pragma: no cover - absl ships with TensorFlow
        pass
    warnings.filterwarnings("ignore", message=r".*`build\(\)` was called on layer.*")

    from . import datasets

    datasets.use_prepared_cache()  # DLCOURSE_DATA_DIR: a classroom's (or CI's) prepared data cache
    _cap_blas_threads()
    random.seed(seed)
    np.random.seed(seed)
    keras.utils.set_random_seed(seed)

    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        try:
            name = tf.config.experimental.get_device_details(gpus[0]).get("device_name", "GPU")
        except Exception:  # pragma: no cover - depends on the driver
            name = "GPU"
        device = f"GPU: {name}" + (f" (x{len(gpus)})" if len(gpus) > 1 else "")
    else:
        device = f"CPU ({os.cpu_count()} cores)"

    from . import __version__

    settings = Settings(
        seed=seed,
        scale=scale,
        notebook=notebook,
        environment=_environment(),
        device=device,
        gpus=len(gpus),
        versions={
            "dlcourse": __version__,
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
    )
    _state.update(start=time.perf_counter(), notebook=notebook, settings=settings)
    if verbose:
        print(settings.summary())
    if scale == "full" and not gpus:
        warnings.warn(
            "DLCOURSE_SCALE=full without a GPU: this will be slow. In Colab choose "
            "Runtime > Change runtime type > GPU, or use the default scale on a laptop.",
            RuntimeWarning,
            stacklevel=2,
        )
    return settings


#: Machines with at most this many cores get one BLAS/OpenMP thread per process (see setup()).
FEW_CORES = 4


def _cap_blas_threads() -> None:
    """One BLAS/OpenMP thread per process on small machines (once per process).

    Measured on 2 cores: OpenBLAS' threads spin against TensorFlow's own thread pool and the
    notebooks' small NumPy products run several times slower; one thread is as fast or faster.
    Left alone where a user chose (``OMP_NUM_THREADS``/``OPENBLAS_NUM_THREADS`` set) and on
    larger machines.
    """
    if _state.get("blas_capped") or (os.cpu_count() or 1) > FEW_CORES:
        return
    if os.environ.get("OMP_NUM_THREADS") or os.environ.get("OPENBLAS_NUM_THREADS"):
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl ships with scikit-learn
        return
    _state["blas_limits"] = threadpool_limits(limits=1)  # kept alive: the limit lasts for the process
    _state["blas_capped"] = True


def elapsed() -> float:
    """Seconds since :func:`setup` was called.

    Raises ``RuntimeError`` if :func:`setup` has not been called in this process.
    """
    if _state["start"] is None:
        raise RuntimeError("dl.elapsed() needs dl.setup() to have run first.")
    return time.perf_counter() - _state["start"]


def current_seed() -> int:
    """The seed of this run: the one :func:`setup` used, else :func:`get_seed`'s."""
    settings = _state.get("settings")
    return settings.seed if settings is not None else get_seed()


def current_notebook() -> str | None:
    """The notebook name given to :func:`setup` (or ``None``)."""
    return _state["notebook"]


@contextlib.contextmanager
def environ(**values: str | None):
    """Set (a ``str``) or unset (``None``) environment variables inside a ``with`` block, and put
    every one back as it was afterwards, even on an error. Kernels started inside inherit them."""
    def apply(pairs):
        for k, v in pairs.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    old = {k: os.environ.get(k) for k in values}
    try:
        apply(values)
        yield
    finally:
        apply(old)
