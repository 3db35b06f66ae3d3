"""``python -m dlcourse doctor``: what this machine has for the course, each problem with a one-line fix.

Checks, in order: Python, the course's packages (against the versions the course is tested with),
the Keras backend, the scale and seed variables, the device (GPU or CPU), the data caches and what
they hold, free disk space there, and whether the download servers can be reached. Paste the output
into a bug report (the issue template asks for it).

Exit status: 0 when nothing is a problem (notes are fine), 1 otherwise.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import pathlib
import platform
import shutil
import sys

#: Free space under which a cache folder is reported (the full-scale data need about 1 GB).
LOW_DISK_BYTES = 2 * 1024**3
#: The servers the loaders download from (TFDS' Google storage, and raw GitHub for pinned files).
DOWNLOAD_HOSTS = ("https://storage.googleapis.com", "https://raw.githubusercontent.com")
#: The packages whose versions matter most to the notebooks (distribution names).
KEY_PACKAGES = ("tensorflow", "tensorflow-cpu", "keras", "tensorflow-datasets", "numpy", "scikit-learn",
                "pandas", "matplotlib", "jupyterlab", "nbgrader")


@dataclasses.dataclass
class Finding:
    """One line of the report: ``level`` is "ok", "note" (worth knowing) or "problem" (fix it)."""

    level: str
    topic: str
    text: str
    fix: str = ""


def _pins() -> dict[str, str]:
    """The versions the course is tested with: the ``course`` extra of pyproject.toml, when this is a checkout."""
    pyproject = pathlib.Path(__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return {}
    extras = tomllib.loads(pyproject.read_text()).get("project", {}).get("optional-dependencies", {})
    from packaging.requirements import Requirement  # keras and tensorflow depend on packaging

    pins = {}
    for line in extras.get("course", []):
        req = Requirement(line)
        exact = [spec.version for spec in req.specifier if spec.operator == "=="]
        if exact and (req.marker is None or req.marker.evaluate()):
            pins[req.name.lower()] = exact[0]
    return pins


def _installed(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def check_python() -> list[Finding]:
    v = sys.version_info
    text = f"Python {platform.python_version()} ({sys.executable})"
    if v < (3, 10):
        return [Finding("problem", "python", text, "the course needs Python 3.10 or newer: run `make env` with "
                        "PYTHON=python3.11 (or use Colab)")]
    return [Finding("ok", "python", text)]


def check_packages() -> list[Finding]:
    pins = _pins()
    out = []
    for dist in KEY_PACKAGES:
        have = _installed(dist)
        want = pins.get(dist)
        if have is None:
            if dist in ("tensorflow", "tensorflow-cpu"):
                continue  # one of the two is enough; checked below
            if want is None and dist in ("jupyterlab", "nbgrader"):
                continue
            out.append(Finding("problem", "packages", f"{dist} is not installed",
                               "run `make env` (it installs the course's pinned versions) or `pip install -e '.[course]'`"))
        elif want and have != want:
            out.append(Finding("note", "packages", f"{dist} {have} (the course is tested with {want})",
                               "results may differ slightly; `make env` installs the tested versions"))
        else:
            out.append(Finding("ok", "packages", f"{dist} {have}"))
    if _installed("tensorflow") is None and _installed("tensorflow-cpu") is None:
        out.append(Finding("problem", "packages", "TensorFlow is not installed",
                           "run `make env`, or `pip install tensorflow-cpu` (tensorflow on macOS)"))
    return out


def check_variables() -> list[Finding]:
    from ._config import get_scale, get_seed
    from .datasets import is_offline

    out = []
    backend = os.environ.get("KERAS_BACKEND", "")
    if backend and backend != "tensorflow":
        out.append(Finding("problem", "keras", f"KERAS_BACKEND={backend!r}: the notebooks use TensorFlow "
                           "(tf.data, tf.image, TFLite)", "`unset KERAS_BACKEND` or `export KERAS_BACKEND=tensorflow`"))
    else:
        out.append(Finding("ok", "keras", f"backend tensorflow (KERAS_BACKEND={backend or 'unset'})"))
    for topic, read, var in (("scale", get_scale, "DLCOURSE_SCALE"), ("seed", get_seed, "DLCOURSE_SEED"),
                             ("offline", is_offline, "DLCOURSE_OFFLINE")):
        try:
            out.append(Finding("ok", topic, f"{var}={os.environ.get(var, '') or 'unset'} -> {read()}"))
        except ValueError as err:
            out.append(Finding("problem", topic, str(err).split(". ")[0] + ".", f"`unset {var}` or set it as the message says: {err}"))
    return out


def check_device() -> list[Finding]:
    try:
        import tensorflow as tf
    except Exception as err:  # a broken install raises many kinds of errors
        return [Finding("problem", "device", f"TensorFlow does not import ({type(err).__name__}: {err})",
                        "reinstall the environment: `rm -rf .venv && make env`")]
    gpus = tf.config.list_physical_devices("GPU")
    if gpus:
        names = ", ".join(tf.config.experimental.get_device_details(g).get("device_name", g.name) for g in gpus)
        return [Finding("ok", "device", f"TensorFlow {tf.__version__}, {len(gpus)} GPU(s): {names}")]
    return [Finding("ok", "device", f"TensorFlow {tf.__version__} on the CPU ({os.cpu_count()} cores; no GPU: every "
                    "notebook is sized for a laptop CPU)")]


def _free(path: pathlib.Path) -> int:
    from .datasets import _existing_parent

    return shutil.disk_usage(_existing_parent(path)).free


def check_data() -> list[Finding]:
    from . import datasets

    out = []
    try:
        prepared = datasets.prepared_data_dir()
    except ValueError as err:
        what, _, fix = str(err).partition(". Point")
        return [Finding("problem", "data", what + ".", "point" + fix if fix else str(err))]
    out.append(Finding("ok", "data", f"prepared cache: {prepared} (DLCOURSE_DATA_DIR)" if prepared else
                       "no prepared cache (DLCOURSE_DATA_DIR unset): the usual caches, downloads when allowed"))
    tfds_dir, keras_dir = datasets.tfds_data_dir(), datasets.keras_cache_dir()
    out.append(Finding("ok", "data", f"TFDS data: {tfds_dir} (TFDS_DATA_DIR={os.environ.get('TFDS_DATA_DIR') or 'unset'})"))
    out.append(Finding("ok", "data", f"Keras cache: {keras_dir} (KERAS_HOME={os.environ.get('KERAS_HOME') or 'unset'})"))
    rows = datasets.catalog()
    missing = [r["name"] for r in rows if not r["cached"]]
    out.append(Finding("ok", "data", f"{len(rows) - len(missing)} of {len(rows)} datasets cached"))
    if missing:
        try:
            offline = datasets.is_offline()
        except ValueError:
            offline = False
        if offline:
            out.append(Finding("problem", "data", f"not cached, and DLCOURSE_OFFLINE=1 forbids downloading: {', '.join(missing)}",
                               "point TFDS_DATA_DIR/KERAS_HOME at a prepared cache, or `unset DLCOURSE_OFFLINE` on a "
                               "machine with internet"))
        else:
            out.append(Finding("note", "data", f"downloaded the first time a notebook needs them: {', '.join(missing)}"))
    for folder in sorted({tfds_dir, keras_dir}):
        free = _free(folder)
        text = f"{free / 1024**3:.1f} GB free under {folder}"
        if free < LOW_DISK_BYTES:
            out.append(Finding("problem", "disk", text, "free some space (the datasets need about 1 GB at full scale)"))
        else:
            out.append(Finding("ok", "disk", text))
    return out


def check_network(timeout: float = 3.0) -> list[Finding]:
    from . import datasets

    try:
        if datasets.is_offline():
            return [Finding("ok", "network", "not checked: DLCOURSE_OFFLINE=1 (the course never downloads)")]
    except ValueError:
        pass
    out = []
    for url in DOWNLOAD_HOSTS:
        if datasets._network_available(url, timeout=timeout):
            out.append(Finding("ok", "network", f"{url} reachable"))
        else:
            out.append(Finding("note", "network", f"{url} cannot be reached: datasets that are not cached cannot be downloaded",
                               "connect to the internet, or use a prepared cache and `export DLCOURSE_OFFLINE=1`"))
    return out


CHECKS = (check_python, check_packages, check_variables, check_device, check_data, check_network)


def diagnose(checks=CHECKS) -> list[Finding]:
    """Run every check; a check that crashes becomes a problem line instead of a traceback."""
    findings = []
    for check in checks:
        try:
            findings.extend(check())
        except Exception as err:  # the doctor must always finish its report
            findings.append(Finding("problem", check.__name__.removeprefix("check_"),
                                    f"the check itself failed: {type(err).__name__}: {err}",
                                    "please report this with the whole output"))
    return findings


def format_report(findings: list[Finding]) -> str:
    from ._version import __version__

    mark = {"ok": "ok     ", "note": "note   ", "problem": "PROBLEM"}
    lines = [f"dlcourse {__version__} doctor ({platform.platform()})"]
    for f in findings:
        lines.append(f"{mark[f.level]} {f.topic:<9} {f.text}")
        if f.fix:
            lines.append(f"{'':17}fix: {f.fix}")
    problems = sum(f.level == "problem" for f in findings)
    lines.append("no problems found" if not problems else f"{problems} problem(s): see the fix lines above")
    return "\n".join(lines)


def main(argv=None) -> int:
    findings = diagnose()
    print(format_report(findings))
    return 1 if any(f.level == "problem" for f in findings) else 0
