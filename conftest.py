"""Test-run environment, set before any kernel starts (nbval kernels inherit it).

* ``DLCOURSE_SCALE=smoke`` unless the caller chose a scale.
* With a prepared data cache (``DLCOURSE_DATA_DIR``: CI points it at the seeded folder beside the
  repository; classrooms at theirs), read datasets from it and never download (``DLCOURSE_OFFLINE=1``
  unless the caller chose). Keras needs a *writable* cache: its files are copied to ``.cache/keras``
  once (``dlcourse.datasets.use_prepared_cache``).
"""

import os
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent

os.environ.setdefault("DLCOURSE_SCALE", "smoke")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if os.environ.get("DLCOURSE_DATA_DIR", "").strip():
    from dlcourse import datasets

    os.environ.setdefault("DLCOURSE_OFFLINE", "1")
    os.environ.setdefault("KERAS_HOME", str(ROOT / ".cache" / "keras"))
    datasets.use_prepared_cache()  # a bad DLCOURSE_DATA_DIR stops the run here, with its message
