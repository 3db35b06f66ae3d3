"""Test-run environment, set before any kernel starts (nbval kernels inherit it).

* ``DLCOURSE_SCALE=smoke`` unless the caller chose a scale.
* If the seeded caches of ``../shared/data`` exist (CI, machines without internet), read datasets
  from them and never download (``DLCOURSE_OFFLINE=1``). Keras needs a *writable* cache, so its
  files are copied to ``.cache/keras`` once.
"""

import os
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent
SHARED_DATA = ROOT.parent / "shared" / "data"

os.environ.setdefault("DLCOURSE_SCALE", "smoke")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

if SHARED_DATA.is_dir():
    os.environ.setdefault("TFDS_DATA_DIR", str(SHARED_DATA / "tfds"))
    os.environ.setdefault("DLCOURSE_OFFLINE", "1")
    if "KERAS_HOME" not in os.environ:
        keras_home = ROOT / ".cache" / "keras"
        (keras_home / "datasets").mkdir(parents=True, exist_ok=True)
        for src in (SHARED_DATA / "keras" / "datasets").iterdir():
            dst = keras_home / "datasets" / src.name
            if not dst.exists():
                shutil.copyfile(src, dst)  # copyfile: the copy is writable even if the source is not
        os.environ["KERAS_HOME"] = str(keras_home)
