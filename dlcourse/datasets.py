"""Real datasets for the course, cache first, sized by scale.

Every loader looks in the local cache first and downloads only when that is allowed:

* TFDS datasets live in ``$TFDS_DATA_DIR`` (default ``~/tensorflow_datasets``);
* raw files fetched with ``keras.utils.get_file`` live in ``$KERAS_HOME/datasets``
  (default ``~/.keras/datasets``) and are checked against a SHA-256;
* scikit-learn's bundled datasets need no download at all.

A prepared cache (a classroom's, or CI's) is one folder holding ``tfds/`` and
``keras/{datasets,models}/``: point ``DLCOURSE_DATA_DIR`` at it and :func:`use_prepared_cache` (run by
``dl.setup()`` and the test suite) reads TFDS data there and copies the Keras files the Keras cache
lacks (Keras needs a writable cache). ``python -m dlcourse prefetch DIR`` prepares such a
folder, or verifies one.

With ``DLCOURSE_OFFLINE=1`` nothing touches the network: a dataset that is not cached raises
:class:`DatasetUnavailableError` at once, naming the dataset, where it looked and how to fix it.
Without that variable a missing dataset is downloaded once (a quick reachability check comes
first, so a machine without internet gets the same clear error instead of a long retry loop).

Sizes follow the scale (``DLCOURSE_SCALE``): ``smoke`` takes a tiny slice, ``default`` a laptop-sized
slice, ``full`` the whole official split. Explicit sizes are capped at what the split holds.
:func:`catalog` lists every dataset with its source, license, size and whether it is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
import shutil
import socket
import sys
import urllib.parse
import warnings

import numpy as np

from ._config import get_scale

__all__ = [
    "DatasetUnavailableError",
    "catalog",
    "prepared_data_dir",
    "use_prepared_cache",
    "prefetch",
    "is_offline",
    "load_mnist",
    "load_fashion_mnist",
    "load_cifar10",
    "load_imdb_reviews",
    "load_tiny_shakespeare",
    "load_malaria",
    "load_spoken_digit",
    "feature_names",
    "load_tf_flowers",
    "FLOWERS_CLASSES",
    "load_movielens",
    "MOVIELENS_GENRES",
    "load_clinc_oos",
    "load_spa_eng",
    "load_adult",
    "load_retinamnist",
    "load_compas",
    "COMPAS_IDENTIFYING",
    "load_sp500",
    "load_creditcard_fraud",
    "CREDITCARD_NONFRAUD_WEIGHT",
    "load_esol",
    "load_tox21",
    "TOX21_ASSAYS",
    "load_digits",
    "load_diabetes",
    "load_breast_cancer",
    "load_wine",
    "load_iris",
]


class DatasetUnavailableError(RuntimeError):
    """A dataset is neither in the local cache nor allowed/able to be downloaded."""


# --------------------------------------------------------------------------------------------
# Where things are, and whether we may download
# --------------------------------------------------------------------------------------------


def is_offline() -> bool:
    """True when ``DLCOURSE_OFFLINE`` is set to 1/true/yes (0/false/no/empty mean online)."""
    raw = os.environ.get("DLCOURSE_OFFLINE", "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise ValueError(f"DLCOURSE_OFFLINE={raw!r}: use 1 (never download) or 0 (download when missing).")


#: The environment variable naming a prepared cache: a folder with ``tfds/`` and ``keras/{datasets,models}/``.
DATA_DIR_ENV = "DLCOURSE_DATA_DIR"


def prepared_data_dir() -> pathlib.Path | None:
    """The prepared cache named by ``DLCOURSE_DATA_DIR`` (absolute), or None when it is unset or empty.

    Raises
    ------
    ValueError
        If the variable names something that is not a folder holding ``tfds/`` or ``keras/``.
    """
    raw = os.environ.get(DATA_DIR_ENV, "").strip()
    if not raw:
        return None
    path = pathlib.Path(raw).expanduser().absolute()
    if not path.is_dir() or not ((path / "tfds").is_dir() or (path / "keras").is_dir()):
        what = "does not exist" if not path.exists() else ("is not a folder" if not path.is_dir() else "holds neither tfds/ nor keras/")
        raise ValueError(
            f"{DATA_DIR_ENV}={raw!r} is not a prepared data cache: {path} {what}. Point it at a folder "
            f"with tfds/ and keras/datasets/ (prepare one with `python -m dlcourse prefetch DIR`), "
            f"or `unset {DATA_DIR_ENV}` to use the usual caches.")
    return path


def tfds_data_dir() -> pathlib.Path:
    """The TFDS data directory the loaders read: ``$TFDS_DATA_DIR``, else the prepared cache's
    ``tfds/`` (``$DLCOURSE_DATA_DIR/tfds``), else ``~/tensorflow_datasets``."""
    if os.environ.get("TFDS_DATA_DIR"):
        return pathlib.Path(os.environ["TFDS_DATA_DIR"]).expanduser()
    prepared = prepared_data_dir()
    if prepared is not None and (prepared / "tfds").is_dir():
        return prepared / "tfds"
    return pathlib.Path("~/tensorflow_datasets").expanduser()


def keras_cache_dir() -> pathlib.Path:
    """The Keras cache the loaders read: ``$KERAS_HOME`` or ``~/.keras`` (files go in ``datasets/``)."""
    return pathlib.Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser()


def _network_available(url: str, timeout: float = 3.0) -> bool:
    host = urllib.parse.urlparse(url).hostname
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _prepared_or_none() -> pathlib.Path | None:
    try:
        return prepared_data_dir()
    except ValueError:
        return None


def _copy_hint(extra: str) -> str:
    """A command that works when pasted: absolute paths, and a writable copy for Keras."""
    prepared = _prepared_or_none()
    if extra == "TFDS_DATA_DIR":
        if prepared is not None and (prepared / "tfds").is_dir():
            return f"or read the prepared cache: `export TFDS_DATA_DIR={prepared / 'tfds'}`"
        return ("or point the course at a prepared cache: `export DLCOURSE_DATA_DIR=/absolute/path` (a folder with "
                "tfds/ and keras/, made by `python -m dlcourse prefetch DIR`)")
    if prepared is not None and (prepared / "keras" / "datasets").is_dir():
        home = pathlib.Path.home() / ".keras"
        return (f"or copy the prepared cache's files into a writable cache: `mkdir -p {home}/datasets && "
                f"cp {prepared / 'keras' / 'datasets'}/* {home}/datasets/ && chmod -R u+w {home} && export KERAS_HOME={home}`")
    return ("or `export DLCOURSE_DATA_DIR=/absolute/path` to a prepared cache (`python -m dlcourse prefetch DIR` "
            "makes one), or `export KERAS_HOME=/absolute/path` to a writable folder whose datasets/ subfolder holds the file")


def _unavailable(name: str, looked: pathlib.Path, why: str, size: str, extra: str = "") -> DatasetUnavailableError:
    return DatasetUnavailableError(
        f"Dataset {name!r} is not available: {why}\n"
        f"  Looked in: {looked}\n"
        f"  To fix it: connect to the internet and leave DLCOURSE_OFFLINE unset, and the course downloads "
        f"it once ({size}); {_copy_hint(extra)}."
    )


def _damaged(name: str, location, err: BaseException) -> DatasetUnavailableError:
    import re

    text = re.sub(r"\{\{function_node [^}]*\}\}\s*", "", str(err)).strip()
    first = (text.splitlines() or [type(err).__name__])[0]
    return DatasetUnavailableError(
        f"Dataset {name!r}: the cache at {location} is damaged ({type(err).__name__}: {first[:300]}).\n"
        f"  To fix it: delete that folder and download it again (leave DLCOURSE_OFFLINE unset), "
        f"or copy it again from a good copy ({_copy_hint('TFDS_DATA_DIR')})."
    )


def _cache_errors() -> tuple:
    """The exception types a damaged TFDS cache raises (TensorFlow, protobuf, JSON, files)."""
    import json

    import tensorflow as tf

    kinds = [tf.errors.OpError, json.JSONDecodeError, OSError, EOFError]
    try:
        from google.protobuf import json_format, message

        kinds += [message.DecodeError, json_format.Error]
    except ImportError:  # pragma: no cover
        pass
    return tuple(kinds)


@contextlib.contextmanager
def _reading_cache(name: str, tfds_key: str):
    """Turn a damaged TFDS cache's raw errors into :class:`DatasetUnavailableError` naming the folder."""
    try:
        yield
    except DatasetUnavailableError:
        raise
    except _cache_errors() as err:
        raise _damaged(name, tfds_data_dir().joinpath(*tfds_key.split("/")), err) from None


def _may_download(name: str, url: str, looked: pathlib.Path, size: str, env_hint: str) -> None:
    if is_offline():
        raise _unavailable(name, looked, "it is not in the local cache and DLCOURSE_OFFLINE=1 forbids downloading.", size, env_hint)
    if not _network_available(url):
        raise _unavailable(name, looked, f"it is not in the local cache and {urllib.parse.urlparse(url).hostname} cannot be reached (no internet?).", size, env_hint)


# --------------------------------------------------------------------------------------------
# TFDS datasets
# --------------------------------------------------------------------------------------------

_TFDS_PROBE_URL = "https://storage.googleapis.com/tfds-data"


def _tfds_builder(tfds_name: str, name: str, size: str):
    import tensorflow_datasets as tfds

    data_dir = tfds_data_dir()
    with warnings.catch_warnings(), _quiet_absl(), _reading_cache(name, tfds_name):
        warnings.simplefilter("ignore")
        builder = tfds.builder(tfds_name, data_dir=str(data_dir))
    if builder.is_prepared():
        return builder  # damage shows when reading: _reading_cache names the folder then
    _may_download(name, _TFDS_PROBE_URL, pathlib.Path(builder.data_dir), size, "TFDS_DATA_DIR")
    try:
        builder.download_and_prepare()
    except Exception as err:  # a downloader's stack trace helps nobody here
        raise _unavailable(name, pathlib.Path(builder.data_dir), f"the download failed ({type(err).__name__}: {err}).", size, "TFDS_DATA_DIR") from None
    return builder


@contextlib.contextmanager
def _quiet_absl():
    try:
        import absl.logging
    except ImportError:  # pragma: no cover
        yield
        return
    old = absl.logging.get_verbosity()
    absl.logging.set_verbosity(absl.logging.ERROR)
    try:
        yield
    finally:
        absl.logging.set_verbosity(old)


def _check_n(arg: str, n):
    if n is None:
        return None
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"{arg} must be a positive int or None (None = the size for the current scale), "
                        f"got {type(n).__name__} {n!r}.")
    if n <= 0:
        raise ValueError(f"{arg} must be positive, got {int(n)}.")
    return int(n)


def _split_spec(builder, split: str, n, scale_n, arg: str, name: str) -> str:
    """``split`` or ``split[:k]``; explicit sizes larger than the split are capped with a warning."""
    available = builder.info.splits[split].num_examples
    requested = _check_n(arg, n)
    if requested is None:
        requested = scale_n
    elif requested > available:
        warnings.warn(f"{name}: {arg}={requested} but the cached {split!r} split holds {available}; using {available}.", stacklevel=3)
    if requested is None or requested >= available:
        return split
    return f"{split}[:{requested}]"


def _tfds_arrays(builder, split_spec: str):
    import tensorflow_datasets as tfds

    with _quiet_absl(), _reading_cache(builder.name, _builder_key(builder)):
        return tfds.as_numpy(builder.as_dataset(split=split_spec, batch_size=-1, shuffle_files=False))


def _builder_key(builder) -> str:
    config = getattr(builder, "builder_config", None)
    return f"{builder.name}/{config.name}" if config is not None else builder.name


def _sizes(table: dict) -> tuple:
    return table[get_scale()]


def _image_classification(tfds_name, name, size, sizes, n_train, n_test, squeeze):
    n_train, n_test = _check_n("n_train", n_train), _check_n("n_test", n_test)  # before touching the cache
    builder = _tfds_builder(tfds_name, name, size)
    scale_train, scale_test = _sizes(sizes)
    out = []
    for split, n, scale_n, arg in (("train", n_train, scale_train, "n_train"), ("test", n_test, scale_test, "n_test")):
        data = _tfds_arrays(builder, _split_spec(builder, split, n, scale_n, arg, name))
        x = data["image"]
        if squeeze:
            x = x[..., 0]
        out.append((x, data["label"].astype(np.int64)))
    return tuple(out)


def load_mnist(n_train=None, n_test=None):
    """Handwritten digits (MNIST), as ``keras.datasets.mnist`` returns them.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: uint8 arrays of shape ``(n, 28, 28)``, values 0..255; ``y``: int64 labels 0..9, shape ``(n,)``.

    Sizes
        ``n_train``/``n_test`` default to the scale: smoke 2,000/500, default 10,000/2,000,
        full 60,000/10,000 (the official splits).

    Source: Y. LeCun, C. Cortes, C. J. C. Burges, http://yann.lecun.com/exdb/mnist/, via TFDS ``mnist``.
    License: CC BY-SA 3.0.

    Example
    -------
    >>> (x_train, y_train), (x_test, y_test) = load_mnist()   # doctest: +SKIP
    """
    return _image_classification("mnist", "mnist", "11 MB", _SIZES["mnist"], n_train, n_test, squeeze=True)


def load_fashion_mnist(n_train=None, n_test=None):
    """Zalando's Fashion-MNIST clothing images, as ``keras.datasets.fashion_mnist`` returns them.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: uint8 ``(n, 28, 28)``; ``y``: int64 labels 0..9 (:data:`FASHION_MNIST_CLASSES`).

    Sizes
        smoke 800/200, default 10,000/2,000, full 60,000/10,000; capped at what the cache holds
        (the course's CI cache holds only 845/200).

    Source: H. Xiao, K. Rasul, R. Vollgraf (2017), https://github.com/zalandoresearch/fashion-mnist,
    via TFDS ``fashion_mnist``. License: MIT.
    """
    return _image_classification("fashion_mnist", "fashion_mnist", "30 MB", _SIZES["fashion_mnist"], n_train, n_test, squeeze=True)


def load_cifar10(n_train=None, n_test=None):
    """CIFAR-10 colour images of 10 object classes.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: uint8 ``(n, 32, 32, 3)``; ``y``: int64 labels 0..9, shape ``(n,)``
        (``keras.datasets.cifar10`` returns ``(n, 1)``) naming :data:`CIFAR10_CLASSES`.

    Sizes
        smoke 2,000/500, default 10,000/2,000, full 50,000/10,000.

    Source: A. Krizhevsky, "Learning Multiple Layers of Features from Tiny Images" (2009),
    https://www.cs.toronto.edu/~kriz/cifar.html, via TFDS ``cifar10``. License: none stated; cite the report.
    """
    return _image_classification("cifar10", "cifar10", "163 MB", _SIZES["cifar10"], n_train, n_test, squeeze=False)


def _texts(values) -> np.ndarray:
    return np.array([v.decode("utf-8") for v in values], dtype=object)


def load_imdb_reviews(n_train=None, n_test=None):
    """IMDB movie reviews for binary sentiment classification, as raw text.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: object arrays of Python ``str`` (one review each); ``y``: int64, 1 = positive.
        Keras 3 cannot take NumPy string arrays in ``fit``: wrap them with ``tf.constant(x)``.

    Sizes
        smoke 1,000/1,000, default 5,000/5,000, full 25,000/25,000.

    Source: A. Maas et al., "Learning Word Vectors for Sentiment Analysis" (ACL 2011),
    https://ai.stanford.edu/~amaas/data/sentiment/, via TFDS ``imdb_reviews/plain_text``.
    License: research use; cite the paper.
    """
    n_train, n_test = _check_n("n_train", n_train), _check_n("n_test", n_test)
    builder = _tfds_builder("imdb_reviews/plain_text", "imdb_reviews", "80 MB")
    scale_train, scale_test = _sizes(_SIZES["imdb_reviews"])
    out = []
    for split, n, scale_n, arg in (("train", n_train, scale_train, "n_train"), ("test", n_test, scale_test, "n_test")):
        data = _tfds_arrays(builder, _split_spec(builder, split, n, scale_n, arg, "imdb_reviews"))
        out.append((_texts(data["text"]), data["label"].astype(np.int64)))
    return tuple(out)


def load_tiny_shakespeare(split: str = "train", n_chars=None) -> str:
    """Karpathy's Tiny Shakespeare: the works as one string, for character-level language models.

    Parameters
    ----------
    split : {"train", "validation", "test"}
        The official 90/5/5 % split of the 1,115,394 characters.
    n_chars : int, optional
        Keep the first ``n_chars`` characters. Defaults to the scale: smoke 100,000,
        default and full the whole split.

    Returns
    -------
    str
        The text, newlines included.

    Source: A. Karpathy, char-rnn, https://github.com/karpathy/char-rnn, via TFDS ``tiny_shakespeare``.
    License: the texts are in the public domain.
    """
    if split not in ("train", "validation", "test"):
        raise ValueError(f"split must be 'train', 'validation' or 'test', got {split!r}.")
    n = _check_n("n_chars", n_chars)
    if n is None:
        n = _sizes(_SIZES["tiny_shakespeare"])[0]
    builder = _tfds_builder("tiny_shakespeare", "tiny_shakespeare", "1 MB")
    text = _tfds_arrays(builder, split)["text"][0].decode("utf-8")
    return text if n is None else text[:n]


def _resolve_seed(seed):
    """``None`` means the run's seed (``dl.setup()`` / ``DLCOURSE_SEED``), so splits change with it."""
    from ._config import _check_seed, current_seed

    return current_seed() if seed is None else _check_seed(seed, "seed")


def _check_split_sizes(y, test_fraction: float, stratify: bool, what: str) -> None:
    """Refuse (ValueError, saying what to change) a split scikit-learn would reject or leave empty."""
    import math

    n = len(y)
    n_test = math.ceil(test_fraction * n)
    n_train = n - n_test
    classes, counts = np.unique(y, return_counts=True) if stratify else (np.array([0]), np.array([n]))
    k = len(classes)
    if n_test < k or n_train < k or (stratify and counts.min() < 2):
        need = f"at least {k} per side ({k} classes) and 2 examples per class" if stratify else "at least 1 per side"
        raise ValueError(
            f"{what}: test_fraction={test_fraction} of {n} examples gives {n_train} train / {n_test} test; "
            f"a {'stratified ' if stratify else ''}split needs {need}. Use more data (n) or a test_fraction "
            "nearer 0.25.")


def _stratified_split(y, test_fraction: float, seed: int):
    from sklearn.model_selection import train_test_split

    _check_split_sizes(y, test_fraction, True, "malaria")
    idx = np.arange(len(y))
    return train_test_split(idx, test_size=test_fraction, random_state=seed, stratify=y)


def _check_fraction(test_fraction):
    if hasattr(test_fraction, "item") and getattr(test_fraction, "shape", None) == ():
        test_fraction = test_fraction.item()  # NumPy scalars are fine
    if isinstance(test_fraction, bool) or not isinstance(test_fraction, (int, float)) or not 0 < test_fraction < 1:
        raise ValueError(f"test_fraction must be a number strictly between 0 and 1, got {test_fraction!r}.")
    return float(test_fraction)


def load_malaria(n=None, image_size: int = 64, test_fraction: float = 0.25, seed: int | None = None):
    """Thin blood-smear cell images, parasitized (1) or uninfected (0), resized to a square.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: uint8 ``(n, image_size, image_size, 3)``; ``y``: int64, 1 = parasitized
        (TFDS labels 0 = parasitized, 1 = uninfected are flipped so that the disease is the positive class).
        The single official split is divided into train/test, stratified, with ``seed``
        (default: the run's seed, so ``DLCOURSE_SEED`` changes the split).

    Sizes
        ``n`` images in all: smoke 200, default 400, full 27,558.

    Source: S. Rajaraman et al., "Pre-trained convolutional neural networks as feature extractors
    toward improved malaria parasite detection in thin blood smear images", PeerJ 2018; NIH/NLM,
    via TFDS ``malaria``. License: public U.S. government data; cite the paper.
    """
    return _split_image_dataset("malaria", "337 MB", image_size, 512, n, _sizes(_SIZES["malaria"])[0],
                                test_fraction, seed, crop_square=False, label=lambda y: 1 - y)


def load_spoken_digit(n=None):
    """Free Spoken Digit Dataset: 8 kHz recordings of the digits 0-9 by several speakers.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: object arrays of float32 waveforms in [-1, 1] (variable length, 8,000 samples per
        second); ``y``: int64 digits. The split is the dataset's own convention: recordings with
        index 0-4 of each speaker and digit are the test set.
    speakers_train, speakers_test
        Object arrays of speaker names (from the file names), for speaker-independent experiments.

    Sizes
        ``n`` recordings before splitting: smoke 1,000, default and full 2,500 (all of release 1.0.9).

    Source: Z. Jackson et al., https://github.com/Jakobovski/free-spoken-digit-dataset, via TFDS
    ``spoken_digit``. License: CC BY-SA 4.0.
    """
    n = _check_n("n", n)
    builder = _tfds_builder("spoken_digit", "spoken_digit", "12 MB")
    spec = _split_spec(builder, "train", n, _sizes(_SIZES["spoken_digit"])[0], "n", "spoken_digit")
    waves, labels, speakers, test = [], [], [], []
    with _quiet_absl(), _reading_cache("spoken_digit", "spoken_digit"):
        for ex in builder.as_dataset(split=spec, shuffle_files=False):
            waves.append((ex["audio"].numpy() / 32768.0).astype(np.float32))
            labels.append(int(ex["label"]))
            stem = pathlib.PurePath(ex["audio/filename"].numpy().decode()).stem  # e.g. 7_jackson_32
            _, speaker, index = stem.split("_")
            speakers.append(speaker)
            test.append(int(index) < 5)
    waves_arr = np.empty(len(waves), dtype=object)
    waves_arr[:] = waves
    y, spk, test = np.array(labels, dtype=np.int64), np.array(speakers, dtype=object), np.array(test)
    return (waves_arr[~test], y[~test]), (waves_arr[test], y[test]), (spk[~test], spk[test])


#: tf_flowers' class names, in label order.
FLOWERS_CLASSES = ["dandelion", "daisy", "tulips", "sunflowers", "roses"]


def load_tf_flowers(image_size: int = 160, n=None, test_fraction: float = 0.25, seed: int | None = None):
    """Flower photos (Flickr, 5 kinds), centre-cropped to a square and resized.

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: uint8 ``(n, image_size, image_size, 3)``, values 0..255: each photo's central square
        (the longer side is cropped, so flowers keep their shape), resized with antialiasing;
        ``y``: int64 labels named by :data:`FLOWERS_CLASSES`. The single official split is divided
        into train/test, stratified, with ``seed`` (default: the run's seed).

    Sizes
        ``n`` photos in all, at every scale: all of the cached ones (the course's seeded cache holds
        400, 80 per kind; the full TFDS dataset has 3,670).

    Source: TensorFlow team, ``flower_photos.tgz`` (Flickr photos), via TFDS ``tf_flowers``.
    License: CC BY 2.0 (each photo's author is listed in the archive's LICENSE.txt).
    """
    return _split_image_dataset("tf_flowers", "218 MB", image_size, 1024, n, None, test_fraction, seed,
                                crop_square=True, label=lambda y: y)


def _split_image_dataset(name, size_text, image_size, max_size, n, default_n, test_fraction, seed, crop_square,
                         label):
    """A one-split TFDS image dataset as uint8 squares, divided into stratified train/test (loaders' plumbing)."""
    import tensorflow as tf

    from ._config import check_int

    try:
        image_size = check_int(image_size, "image_size", low=8, high=max_size)
    except TypeError as err:
        raise ValueError(f"image_size must be an int in [8, {max_size}]: {err}") from None
    test_fraction = _check_fraction(test_fraction)
    n = _check_n("n", n)
    seed = _resolve_seed(seed)
    builder = _tfds_builder(name, name, size_text)
    spec = _split_spec(builder, "train", n, default_n, "n", name)
    images, labels = [], []
    with _quiet_absl(), _reading_cache(name, name):
        for ex in builder.as_dataset(split=spec, shuffle_files=False):
            img = ex["image"]
            if crop_square:  # the central square: the longer side is cropped, so objects keep their shape
                h, w = int(img.shape[0]), int(img.shape[1])
                side = min(h, w)
                img = tf.image.crop_to_bounding_box(img, (h - side) // 2, (w - side) // 2, side, side)
            img = tf.image.resize(img, (image_size, image_size), antialias=True)
            images.append(tf.cast(tf.clip_by_value(tf.round(img), 0, 255), tf.uint8).numpy())
            labels.append(label(int(ex["label"])))
    x, y = np.stack(images), np.array(labels, dtype=np.int64)
    tr, te = _stratified_split(y, test_fraction, seed)
    return (x[tr], y[tr]), (x[te], y[te])


def load_movielens(n=None) -> dict:
    """MovieLens 100K ratings: who rated which movie how (1-5 stars), with user and movie features.

    Returns
    -------
    dict of NumPy arrays, one entry per rating:
        ``user_id`` (str), ``movie_id`` (str), ``movie_title`` (str), ``rating`` (float32),
        ``timestamp`` (int64, Unix seconds), ``user_age`` (float32), ``user_gender`` (bool, True = male),
        ``user_occupation`` (str), ``movie_genres`` (float32 ``(n, 21)``, multi-hot over
        :data:`MOVIELENS_GENRES`; every movie has at least one).

    Sizes
        ``n`` ratings: smoke 20,000, default and full 100,000 (all).

    Source: F. M. Harper, J. A. Konstan, "The MovieLens Datasets: History and Context" (2015),
    GroupLens, https://grouplens.org/datasets/movielens/100k/, via TFDS ``movielens/100k-ratings``.
    License: research use; no redistribution without GroupLens' permission.
    """
    n = _check_n("n", n)
    builder = _tfds_builder("movielens/100k-ratings", "movielens", "5 MB")
    spec = _split_spec(builder, "train", n, _sizes(_SIZES["movielens"])[0], "n", "movielens")
    d = _tfds_arrays(builder, spec)
    # Genres come from the movie table: batched rating records pad each genre list with 0, which is
    # also the id of "Action", so the padded lists cannot be read back.
    movies = _tfds_builder("movielens/100k-movies", "movielens", "0.2 MB")
    with _quiet_absl(), _reading_cache("movielens", "movielens/100k-movies"):
        import tensorflow_datasets as tfds

        genres_of = {ex["movie_id"].decode(): ex["movie_genres"]
                     for ex in tfds.as_numpy(movies.as_dataset(split="train", shuffle_files=False))}
    movie_ids = _texts(d["movie_id"])
    multi_hot = np.zeros((len(movie_ids), len(MOVIELENS_GENRES)), dtype=np.float32)
    for row, movie in enumerate(movie_ids):
        multi_hot[row, genres_of[movie]] = 1.0
    return {
        "user_id": _texts(d["user_id"]),
        "movie_id": _texts(d["movie_id"]),
        "movie_title": _texts(d["movie_title"]),
        "rating": d["user_rating"].astype(np.float32),
        "timestamp": d["timestamp"].astype(np.int64),
        "user_age": d["raw_user_age"].astype(np.float32),
        "user_gender": d["user_gender"].astype(bool),
        "user_occupation": _texts(d["user_occupation_text"]),
        "movie_genres": multi_hot,
    }


#: MovieLens' 21 genre labels, in the order of ``load_movielens()["movie_genres"]``'s columns.
MOVIELENS_GENRES = ["Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama",
                    "Fantasy", "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller",
                    "Unknown", "War", "Western", "(no genres listed)"]


def load_clinc_oos(n_train=None, n_test=None):
    """CLINC150: requests to a task-oriented assistant in 150 intents, plus out-of-scope queries.

    Returns
    -------
    (x_train, y_train), (x_val, y_val), (x_test, y_test), (oos_train, oos_val, oos_test), intent_names
        ``x``: object arrays of Python ``str`` (one lower-case query each, e.g. ``"what 's my credit
        score"``); ``y``: int64 intent ids 0..149, indexing ``intent_names``, a list of the 150 intent
        names as ``str`` in alphabetical order (``"accept_reservations"`` ... ``"yes"``). The
        ``oos_*`` are object arrays of ``str``: the out-of-scope queries of each split (they belong to
        no intent; 100 / 100 / 1,000), for out-of-scope detection. Keras 3 cannot take NumPy string
        arrays in ``fit``: wrap them with ``tf.constant(x)``.

    Sizes
        ``n_train``/``n_test`` in-scope queries: smoke 6,000/4,500, default and full 15,000/4,500
        (the official splits hold 100 / 20 / 30 queries per intent). The validation split (3,000) and
        the out-of-scope queries are always whole. The records are stored in a shuffled order, so a
        slice of a few thousand holds every intent (not exactly the same number of each).

    Source: S. Larson et al., "An Evaluation Dataset for Intent Classification and Out-of-Scope
    Prediction" (EMNLP 2019), https://github.com/clinc/oos-eval, via TFDS ``clinc_oos`` (its texts
    drop or space out some punctuation: ``what 's``). License: CC BY 3.0.

    Example
    -------
    >>> (x_tr, y_tr), (x_val, y_val), (x_te, y_te), oos, names = load_clinc_oos()   # doctest: +SKIP
    >>> names[y_tr[0]], x_tr[0]                                                     # doctest: +SKIP
    """
    n_train, n_test = _check_n("n_train", n_train), _check_n("n_test", n_test)  # before touching the cache
    builder = _tfds_builder("clinc_oos", "clinc_oos", "0.3 MB")
    scale_train, scale_test = _sizes(_SIZES["clinc_oos"])
    validation = _tfds_arrays(builder, "validation")
    names = sorted(set(_texts(validation["intent_name"])) - {"oos"})  # 20 validation queries per intent
    index = {name: i for i, name in enumerate(names)}
    out = []
    for split, n, scale_n, arg in (("train", n_train, scale_train, "n_train"), ("validation", None, None, ""),
                                   ("test", n_test, scale_test, "n_test")):
        data = validation if split == "validation" else _tfds_arrays(
            builder, _split_spec(builder, split, n, scale_n, arg, "clinc_oos"))
        out.append((_texts(data["text"]), np.array([index[s] for s in _texts(data["intent_name"])], dtype=np.int64)))
    oos = tuple(_texts(_tfds_arrays(builder, f"{split}_oos")["text"]) for split in ("train", "validation", "test"))
    return out[0], out[1], out[2], oos, names


# --------------------------------------------------------------------------------------------
# Raw files through keras.utils.get_file, checked by SHA-256
# --------------------------------------------------------------------------------------------

_FILES = {
    "spa-eng.zip": (
        "http://storage.googleapis.com/download.tensorflow.org/data/spa-eng.zip",
        "0c4fd7825d3d872488d38c157f784e035edab4f2ff0df25a2a208790ecb5b58f",
    ),
    "adult.data": (
        "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.data",
        "5b00264637dbfec36bdeaab5676b0b309ff9eb788d63554ca0a249491c86603d",
    ),
    "adult.test": (
        "https://archive.ics.uci.edu/ml/machine-learning-databases/adult/adult.test",
        "a2a9044bc167a35b2361efbabec64e89d69ce82d9790d2980119aac5fd7e9c05",
    ),
    "retinamnist.npz": (
        "https://zenodo.org/records/10519652/files/retinamnist.npz?download=1",
        "254915f5f0a2074665c4676356824cf4ef4a3bcab233894b4bafcaf48962bd69",
    ),
    "sp500_gspc_daily.csv": (
        "https://raw.githubusercontent.com/fja05680/stock_market_calendar/7041e86bf1f3a18c7b0a24a2fbb27031dc1388c5/%5EGSPC.csv",
        "baf4e47ab3d5f1328ab22772a836f3579af810d861a95742fd472f33ba180a7c",
    ),
    "creditcard_ulb_sample.csv": (
        "https://raw.githubusercontent.com/Bhavyasoni01/cc-fraud-detection/58bd02853914e8d0aee93f71e72677db587b5777/creditcard_sample.csv",
        "03f9faa6d17e910ee343bdf4c211c6135bd622d8ae4aa6eacb246309ddcc0e95",
    ),
    "delaney-processed.csv": (
        "https://deepchemdata.s3-us-west-1.amazonaws.com/datasets/delaney-processed.csv",
        "8c06a76f0c6487d29ab0f903e6a7a7139f189ab3c1178f159c8be8964602f189",
    ),
    "compas-scores-two-years.csv": (
        "https://raw.githubusercontent.com/propublica/compas-analysis/bafff5da3f2e45eca6c2d5055faad269defd135a/compas-scores-two-years.csv",
        "c451db85908b2f7fef1d83203bedf6b71ecda0d5af468d82ae62178f91d0cc7d",
    ),
    "tox21.csv": (
        "https://raw.githubusercontent.com/jwinn19464/Molecule-project/d01d0fd84a76963ce74f18e2dc1ee0b458c7709a/tox21.csv",
        "7d7e7facd853a63e79ddce4e9c3fcb7a0d83a1c300b603031c0f2c64fbe77761",
    ),
}


def _sha256(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _file_state(path: pathlib.Path) -> tuple[str, str]:
    """("ok" | "missing" | "corrupt", sha256 or "") of a course file at ``path``, checked against :data:`_FILES`."""
    if not path.is_file():
        return "missing", ""
    digest = _sha256(path)
    return ("ok" if digest == _FILES[path.name][1] else "corrupt"), digest


def _get_file(fname: str, name: str, size: str, extract: bool = False) -> pathlib.Path:
    """Cached file (verified) or a checked download. Never lets Keras delete a cached file."""
    import keras

    origin, sha = _FILES[fname]
    cache = keras_cache_dir()
    path = cache / "datasets" / fname
    state, digest = _file_state(path)
    if state != "missing":
        if state == "corrupt":
            raise DatasetUnavailableError(
                f"Dataset {name!r}: the cached file {path} is not the expected one "
                f"(sha256 {digest[:12]}..., expected {sha[:12]}...). Delete it to download a fresh copy, "
                f"{_copy_hint('KERAS_HOME')}."
            )
        if not extract:
            return path  # verified: Keras need not touch (or write to) the cache
        extracted = _extracted(path)
        if extracted is not None:
            return extracted
        if not _writable(path.parent):
            raise DatasetUnavailableError(
                f"Dataset {name!r}: {path} is cached but must be unpacked, and {path.parent} is read-only "
                f"(KERAS_HOME={cache}).\n  To fix it: {_copy_hint('KERAS_HOME')}.")
    else:
        if cache.exists() and not _writable(cache):
            raise DatasetUnavailableError(
                f"Dataset {name!r} is not in {path}, and KERAS_HOME={cache} is read-only, so it cannot be "
                f"downloaded there.\n  To fix it: {_copy_hint('KERAS_HOME')}.")
        _may_download(name, origin, path, size, "KERAS_HOME")
    try:
        result = keras.utils.get_file(fname, origin=origin, file_hash=sha, hash_algorithm="sha256",
                                      cache_dir=str(cache), cache_subdir="datasets", extract=extract)
    except Exception as err:
        raise _unavailable(name, path, f"fetching it failed ({type(err).__name__}: {err}).", size, "KERAS_HOME") from None
    return pathlib.Path(result)


def _existing_parent(path: pathlib.Path) -> pathlib.Path:
    """``path`` itself if it exists, else its nearest existing parent (where it would be created)."""
    path = pathlib.Path(path)
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _writable(folder: pathlib.Path) -> bool:
    """Can we create files in ``folder`` (or, if it is missing, in its nearest existing parent)?"""
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=_existing_parent(folder)):
            return True
    except OSError:
        return False


def _extracted(archive: pathlib.Path) -> pathlib.Path | None:
    """The folder Keras unpacked ``archive`` into earlier (``<stem>_extracted``), if it holds files."""
    folder = archive.parent / f"{archive.name.split('.')[0]}_extracted"
    return folder if folder.is_dir() and any(folder.iterdir()) else None


def load_spa_eng(n=None):
    """English-Spanish sentence pairs from the Tatoeba project (the Keras NMT example's data).

    Returns
    -------
    english, spanish
        Object arrays of Python ``str``, aligned pair by pair, in file order (short sentences first).

    Sizes
        ``n`` pairs: smoke 5,000, default 30,000, full 118,964 (all). Pairs are drawn uniformly at
        random (seed 0) so that every size covers short and long sentences.

    Source: Tatoeba via https://www.manythings.org/anki/ (2018), as packed by TensorFlow.
    License: CC BY 2.0 (Tatoeba).
    """
    n = _check_n("n", n)
    folder = _get_file("spa-eng.zip", "spa_eng", "2.6 MB", extract=True)
    txt = next(folder.rglob("spa.txt"), None) if folder.is_dir() else None
    if txt is None:
        raise DatasetUnavailableError(f"Dataset 'spa_eng': no spa.txt under {folder}; delete it to extract again.")
    pairs = [line.split("\t")[:2] for line in txt.read_text(encoding="utf-8").splitlines() if "\t" in line]
    english = np.array([p[0] for p in pairs], dtype=object)
    spanish = np.array([p[1] for p in pairs], dtype=object)
    if n is None:
        n = _sizes(_SIZES["spa_eng"])[0]
    if n is not None and n < len(pairs):
        keep = np.sort(np.random.default_rng(0).choice(len(pairs), size=n, replace=False))
        english, spanish = english[keep], spanish[keep]
    return english, spanish


ADULT_COLUMNS = [
    "age", "workclass", "fnlwgt", "education", "education_num", "marital_status", "occupation",
    "relationship", "race", "sex", "capital_gain", "capital_loss", "hours_per_week", "native_country",
]


def load_adult(n_train=None, n_test=None):
    """UCI Adult (census income): does a person earn more than $50K a year?

    Returns
    -------
    (x_train, y_train), (x_test, y_test)
        ``x``: pandas DataFrames with the 14 columns of :data:`ADULT_COLUMNS` (numeric columns as
        numbers, categorical as strings, missing values as NaN); ``y``: int64, 1 = income >50K.

    Sizes
        smoke 5,000/2,000, default and full 32,561/16,281 (the official files).

    Source: R. Kohavi, B. Becker (1996), https://archive.ics.uci.edu/dataset/2/adult. License: CC BY 4.0.
    """
    import pandas as pd

    scale_train, scale_test = _sizes(_SIZES["adult"])
    out = []
    for fname, n, scale_n, arg in (("adult.data", n_train, scale_train, "n_train"), ("adult.test", n_test, scale_test, "n_test")):
        n = _check_n(arg, n) or scale_n
        path = _get_file(fname, "adult", "5.7 MB")
        df = pd.read_csv(path, header=None, names=ADULT_COLUMNS + ["income"], skipinitialspace=True,
                         na_values="?", comment="|", skip_blank_lines=True)
        y = df.pop("income").str.rstrip(".").eq(">50K").to_numpy(np.int64)
        if n is not None:
            df, y = df.iloc[:n].reset_index(drop=True), y[:n]
        out.append((df, y))
    return tuple(out)


#: RetinaMNIST's diabetic-retinopathy grades (international clinical DR scale).
RETINAMNIST_GRADES = ["0 no DR", "1 mild", "2 moderate", "3 severe", "4 proliferative"]


def load_retinamnist(n_train=None, n_val=None, n_test=None):
    """RetinaMNIST: retinal fundus photographs graded 0-4 for diabetic retinopathy, at 28x28 pixels.

    Returns
    -------
    (x_train, y_train), (x_val, y_val), (x_test, y_test)
        ``x``: uint8 ``(n, 28, 28, 3)`` colour images, values 0..255; ``y``: int64 grades 0..4,
        shape ``(n,)`` (the file stores ``(n, 1)``), named by :data:`RETINAMNIST_GRADES`
        (0 no retinopathy, 1 mild, 2 moderate, 3 severe non-proliferative, 4 proliferative).
        The three splits are MedMNIST's official ones, in file order (already shuffled).

    Sizes
        ``n_train``/``n_val``/``n_test``: smoke 600/120/400, default and full 1,080/120/400 (all
        1,600 images). Explicit sizes larger than a split are capped with a warning. The images are
        the 28-pixel version only: far too small to show the microaneurysms graders look for.

    Source: J. Yang et al., "MedMNIST v2: A large-scale lightweight benchmark for 2D and 3D
    biomedical image classification", Scientific Data 10, 41 (2023), https://medmnist.com/, file
    ``retinamnist.npz`` from Zenodo record 10519652; images from the DeepDRiD challenge (ISBI 2020).
    License: CC BY 4.0.

    Example
    -------
    >>> (x_train, y_train), (x_val, y_val), (x_test, y_test) = load_retinamnist()   # doctest: +SKIP
    """
    sizes = [_check_n(arg, n) for arg, n in (("n_train", n_train), ("n_val", n_val), ("n_test", n_test))]
    path = _get_file("retinamnist.npz", "retinamnist", "3.3 MB")
    out = []
    with np.load(path) as data:  # allow_pickle stays False: plain arrays only
        for split, n, scale_n, arg in zip(("train", "val", "test"), sizes, _sizes(_SIZES["retinamnist"]),
                                          ("n_train", "n_val", "n_test"), strict=True):
            x, y = data[f"{split}_images"], data[f"{split}_labels"].reshape(-1).astype(np.int64)
            if n is not None and n > len(x):
                warnings.warn(f"retinamnist: {arg}={n} but the {split!r} split holds {len(x)}; using {len(x)}.", stacklevel=2)
            n = n if n is not None else scale_n
            if n is not None:
                x, y = x[:n], y[:n]
            out.append((np.ascontiguousarray(x, dtype=np.uint8), y))
    return tuple(out)


#: Columns of the COMPAS file that identify people or court cases; :func:`load_compas` drops them.
COMPAS_IDENTIFYING = ["id", "name", "first", "last", "dob", "c_case_number", "r_case_number", "vr_case_number"]


def load_compas(filtered: bool = True):
    """ProPublica's COMPAS data: risk scores and two-year recidivism of defendants in Broward County, Florida.

    Returns
    -------
    pandas.DataFrame
        One row per defendant screened in 2013-2014: ``sex``, ``age``, ``age_cat``, ``race``,
        ``juv_fel_count``, ``juv_misd_count``, ``juv_other_count``, ``priors_count``,
        ``c_charge_degree`` ("F" felony, "M" misdemeanour), ``decile_score`` (COMPAS risk, 1-10),
        ``score_text`` ("Low", "Medium", "High"), ``two_year_recid`` (1 = re-arrested within two
        years), and the file's other columns (dates, charge descriptions, violent-recidivism score).
        The columns of :data:`COMPAS_IDENTIFYING` (names, date of birth, ids, case numbers) are
        dropped: the lessons never need to know who a row is. The file's duplicate ``decile_score``
        column is dropped too.
        With ``filtered=True`` (default), ProPublica's own analysis filter: charge within 30 days of
        the screening (``|days_b_screening_arrest| <= 30``), a known outcome (``is_recid != -1``),
        no ordinary traffic offence (``c_charge_degree != "O"``) and a score (``score_text != "N/A"``):
        6,172 of 7,214 rows. ``filtered=False`` returns all 7,214.

    Sizes
        The same at every scale (7,214 rows in the file).

    Source: J. Angwin, J. Larson, S. Mattu, L. Kirchner, "Machine Bias", ProPublica (2016),
    https://github.com/propublica/compas-analysis (``compas-scores-two-years.csv``). License: none
    stated in the repository; cite ProPublica. Public court records of real people: use it to study
    fairness, keep the file out of public repositories.
    """
    import pandas as pd

    if not isinstance(filtered, bool):
        raise TypeError(f"filtered must be True or False, got {type(filtered).__name__} {filtered!r}.")
    path = _get_file("compas-scores-two-years.csv", "compas", "2.5 MB")
    df = pd.read_csv(path)
    df = df.drop(columns=[c for c in COMPAS_IDENTIFYING + ["decile_score.1"] if c in df.columns])
    if filtered:
        keep = (df["days_b_screening_arrest"].abs() <= 30) & (df["is_recid"] != -1) \
            & (df["c_charge_degree"] != "O") & (df["score_text"] != "N/A")
        df = df[keep.to_numpy()]
    return df.reset_index(drop=True)


def load_sp500():
    """The S&P 500 index, one row per trading day, 1927-12-30 to 2023-12-28.

    Returns
    -------
    pandas.DataFrame
        24,114 rows indexed by a ``DatetimeIndex`` named ``Date`` (ascending), float64 columns
        ``Open``, ``High``, ``Low``, ``Close``, ``Adj Close`` and ``Volume``. Before 1950 only the close
        was recorded: Open/High/Low equal Close and Volume is 0. The index has no dividends
        (``Adj Close`` equals ``Close``), so returns computed from it understate a real investor's.

    Sizes
        The whole series at every scale (2.5 MB); slice it by date in the notebook.

    Source: Yahoo Finance ``^GSPC`` as saved by fja05680/stock_market_calendar (commit 7041e86).
    License: the repository is MIT; the prices carry no explicit data license (Yahoo's terms).
    """
    import pandas as pd

    path = _get_file("sp500_gspc_daily.csv", "sp500", "2.5 MB")
    df = pd.read_csv(path, parse_dates=["Date"], index_col="Date")
    return df.astype(np.float64).sort_index()


#: Weight of one non-fraud of :func:`load_creditcard_fraud` that restores the real class ratio:
#: the sample keeps 4,920 of the 284,315 non-frauds (and all 492 frauds).
CREDITCARD_NONFRAUD_WEIGHT = 284_315 / 4_920


def load_creditcard_fraud():
    """Card transactions of European cardholders (September 2013): all 492 frauds and 4,920 others.

    Returns
    -------
    pandas.DataFrame
        5,412 rows sorted by ``Time`` (seconds since the first transaction of the full set, two
        days), index reset; columns ``Time``, ``V1``...``V28`` (PCA components: the original
        features are confidential), ``Amount`` (euros) and ``Class`` (int64, 1 = fraud).

        The non-frauds are a uniform random 1-in-57.8 sample of the full set's 284,315, so the
        sample holds 9.1 % frauds where reality holds 0.172 %. Weight every non-fraud by
        :data:`CREDITCARD_NONFRAUD_WEIGHT` (``sample_weight`` in a metric, ``class_weight`` in a loss)
        to report precision, PR-AUC or costs at the real fraud rate.

    Sizes
        All 5,412 rows at every scale (2.9 MB).

    Source: Worldline and the ULB Machine Learning Group, A. Dal Pozzolo et al., "Calibrating
    probability with undersampling for unbalanced classification", CIDM 2015 (Kaggle
    ``mlg-ulb/creditcardfraud``); the sample drawn with a published seed by
    Bhavyasoni01/cc-fraud-detection (commit 58bd028), checked against other copies.
    License: Database Contents License (DbCL) v1.0 (as Kaggle lists it); cite the paper.
    """
    import pandas as pd

    path = _get_file("creditcard_ulb_sample.csv", "creditcard_fraud", "2.9 MB")
    df = pd.read_csv(path)
    df["Class"] = df["Class"].astype(np.int64)
    return df.sort_values("Time", kind="stable").reset_index(drop=True)


def load_esol():
    """ESOL (Delaney): measured water solubility of 1,128 small molecules, from their SMILES.

    Returns
    -------
    pandas.DataFrame
        1,128 rows in file order, columns ``name`` (compound name), ``smiles`` (str, stripped),
        ``logS`` (measured log10 solubility in mol/L, the regression target) and
        ``esol_predicted`` (Delaney's 2004 ESOL equation, a four-descriptor linear model: the
        published baseline to beat).

    Sizes
        All 1,128 molecules at every scale (97 kB).

    Source: J. S. Delaney, "ESOL: estimating aqueous solubility directly from molecular structure",
    J. Chem. Inf. Comput. Sci. 44 (2004); MoleculeNet (Wu et al. 2018), file
    ``delaney-processed.csv`` as deepchem publishes it.
    License: deepchem's repository is MIT; cite Delaney 2004 and Wu et al. 2018.
    """
    import pandas as pd

    path = _get_file("delaney-processed.csv", "esol", "97 kB")
    raw = pd.read_csv(path)
    return pd.DataFrame({
        "name": raw["Compound ID"].astype(str),
        "smiles": raw["smiles"].astype(str).str.strip(),
        "logS": raw["measured log solubility in mols per litre"].astype(np.float64),
        "esol_predicted": raw["ESOL predicted log solubility in mols per litre"].astype(np.float64),
    })


#: The 12 Tox21 assays: nuclear-receptor (NR) and stress-response (SR) pathways.
TOX21_ASSAYS = ["NR-AR", "NR-AR-LBD", "NR-AhR", "NR-Aromatase", "NR-ER", "NR-ER-LBD", "NR-PPAR-gamma",
                "SR-ARE", "SR-ATAD5", "SR-HSE", "SR-MMP", "SR-p53"]


def load_tox21(n=None):
    """Tox21: 7,831 chemicals tested (or not) in 12 toxicity assays.

    Returns
    -------
    pandas.DataFrame
        columns ``mol_id``, ``smiles`` and the 12 assays of :data:`TOX21_ASSAYS` as float64: 1 active,
        0 inactive, NaN not tested (each assay labels 5,810 to 7,265 of the 7,831 molecules, with
        3-16 % actives). Rows in file order.

    Sizes
        ``n`` molecules (the first ``n`` in file order): smoke 2,000, default and full 7,831 (all).

    Source: the Tox21 Data Challenge 2014 (NIH, EPA, FDA) as packed by MoleculeNet (Wu et al.,
    "MoleculeNet: a benchmark for molecular machine learning", Chem. Sci. 2018); file ``tox21.csv``.
    License: U.S. government data; cite Wu et al. 2018 and the Tox21 challenge.
    """
    import pandas as pd

    n = _check_n("n", n)
    path = _get_file("tox21.csv", "tox21", "0.5 MB")
    df = pd.read_csv(path)
    df[TOX21_ASSAYS] = df[TOX21_ASSAYS].astype(np.float64)
    df = df[["mol_id", "smiles", *TOX21_ASSAYS]]
    n = n if n is not None else _sizes(_SIZES["tox21"])[0]
    return df.iloc[:n].reset_index(drop=True) if n is not None else df


# --------------------------------------------------------------------------------------------
# scikit-learn's bundled datasets (no download)
# --------------------------------------------------------------------------------------------


def _sklearn(loader_name: str, test_fraction: float, seed: int, stratify: bool):
    import sklearn.datasets
    from sklearn.model_selection import train_test_split

    test_fraction = _check_fraction(test_fraction)
    seed = _resolve_seed(seed)
    bunch = getattr(sklearn.datasets, loader_name)()
    x, y = bunch.data.astype(np.float32), bunch.target
    _check_split_sizes(y, test_fraction, stratify, loader_name)
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=test_fraction, random_state=seed,
                                              stratify=y if stratify else None)
    return (x_tr, y_tr), (x_te, y_te)


_SKLEARN_SETS = ("digits", "diabetes", "breast_cancer", "wine", "iris")


def feature_names(name: str) -> list[str]:
    """The column names of a scikit-learn dataset's ``x`` (e.g. for plots and explanations).

    ``name`` is one of ``"digits"``, ``"diabetes"``, ``"breast_cancer"``, ``"wine"``, ``"iris"``
    (the loaders ``load_<name>``); the order matches the loader's columns.

    >>> dl.datasets.feature_names("iris")   # doctest: +SKIP
    ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)']
    """
    if name not in _SKLEARN_SETS:
        raise ValueError(f"feature_names({name!r}): use one of {', '.join(_SKLEARN_SETS)}.")
    import sklearn.datasets

    return [str(f) for f in getattr(sklearn.datasets, f"load_{name}")().feature_names]


def load_digits(test_fraction: float = 0.25, seed: int | None = None):
    """8x8 handwritten digits (1,797 images, UCI), split train/test stratified with ``seed``
    (default: the run's seed, so ``DLCOURSE_SEED`` changes the split).

    Returns ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 ``(n, 64)`` with values 0..16
    (reshape to ``(n, 8, 8)`` to look at them), ``y`` int64 digits 0..9.

    Source: E. Alpaydin, C. Kaynak, UCI Optical Recognition of Handwritten Digits, shipped with
    scikit-learn. License: CC BY 4.0.
    """
    return _sklearn("load_digits", test_fraction, seed, stratify=True)


def load_diabetes(test_fraction: float = 0.25, seed: int | None = None):
    """Diabetes progression (442 patients, 10 standardised baseline measurements) for regression.

    Returns ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 ``(n, 10)`` (age, sex, bmi, bp,
    s1..s6, already mean-centred and scaled), ``y`` float64 disease progression one year later (25..346).

    Source: B. Efron et al., "Least Angle Regression", Annals of Statistics 2004, shipped with
    scikit-learn. License: BSD (scikit-learn).
    """
    return _sklearn("load_diabetes", test_fraction, seed, stratify=False)


def load_breast_cancer(test_fraction: float = 0.25, seed: int | None = None):
    """Wisconsin diagnostic breast cancer (569 tumours, 30 features), binary: 1 = benign, 0 = malignant.

    Returns ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 ``(n, 30)``, ``y`` int64.

    Source: W. Wolberg et al., UCI Breast Cancer Wisconsin (Diagnostic), shipped with scikit-learn.
    License: CC BY 4.0.
    """
    return _sklearn("load_breast_cancer", test_fraction, seed, stratify=True)


def load_wine(test_fraction: float = 0.25, seed: int | None = None):
    """Wine recognition (178 wines, 13 chemical measurements, 3 cultivars).

    Returns ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 ``(n, 13)``, ``y`` int64 0..2.

    Source: M. Forina et al., UCI Wine, shipped with scikit-learn. License: CC BY 4.0.
    """
    return _sklearn("load_wine", test_fraction, seed, stratify=True)


def load_iris(test_fraction: float = 0.25, seed: int | None = None):
    """Fisher's iris flowers (150 flowers, 4 measurements in cm, 3 species).

    Returns ``(x_train, y_train), (x_test, y_test)``: ``x`` float32 ``(n, 4)``
    (sepal length, sepal width, petal length, petal width), ``y`` int64 0..2.

    Source: R. A. Fisher (1936), UCI Iris, shipped with scikit-learn. License: CC BY 4.0.
    """
    return _sklearn("load_iris", test_fraction, seed, stratify=True)


# --------------------------------------------------------------------------------------------
# Sizes per scale, class names, catalog
# --------------------------------------------------------------------------------------------

#: (train, test) sizes per scale; None = the whole split.
_SIZES = {
    "mnist": {"smoke": (2000, 500), "default": (10000, 2000), "full": (None, None)},
    "fashion_mnist": {"smoke": (800, 200), "default": (10000, 2000), "full": (None, None)},
    "cifar10": {"smoke": (2000, 500), "default": (10000, 2000), "full": (None, None)},
    "imdb_reviews": {"smoke": (1000, 1000), "default": (5000, 5000), "full": (None, None)},
    "tiny_shakespeare": {"smoke": (100_000,), "default": (None,), "full": (None,)},
    "malaria": {"smoke": (200,), "default": (400,), "full": (None,)},
    "spoken_digit": {"smoke": (1000,), "default": (None,), "full": (None,)},
    "movielens": {"smoke": (20_000,), "default": (None,), "full": (None,)},
    "clinc_oos": {"smoke": (6_000, None), "default": (None, None), "full": (None, None)},
    "spa_eng": {"smoke": (5_000,), "default": (30_000,), "full": (None,)},
    "adult": {"smoke": (5_000, 2_000), "default": (None, None), "full": (None, None)},
    "retinamnist": {"smoke": (600, 120, 400), "default": (None, None, None), "full": (None, None, None)},
    "tox21": {"smoke": (2_000,), "default": (None,), "full": (None,)},
}

MNIST_CLASSES = [str(i) for i in range(10)]
FASHION_MNIST_CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
CIFAR10_CLASSES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]

_CATALOG = [
    # name, loader, kind, key, source, license, full size
    ("mnist", "load_mnist", "tfds", "mnist", "Y. LeCun, C. Cortes, C. Burges (TFDS mnist)", "CC BY-SA 3.0", "70,000 images, 11 MB"),
    ("fashion_mnist", "load_fashion_mnist", "tfds", "fashion_mnist", "Zalando Research (TFDS fashion_mnist)", "MIT", "70,000 images, 30 MB"),
    ("cifar10", "load_cifar10", "tfds", "cifar10", "A. Krizhevsky 2009 (TFDS cifar10)", "none stated; cite the report", "60,000 images, 163 MB"),
    ("imdb_reviews", "load_imdb_reviews", "tfds", "imdb_reviews/plain_text", "Maas et al. 2011 (TFDS imdb_reviews)", "research use; cite the paper", "100,000 reviews, 80 MB"),
    ("tiny_shakespeare", "load_tiny_shakespeare", "tfds", "tiny_shakespeare", "A. Karpathy, char-rnn (TFDS tiny_shakespeare)", "public domain", "1.1 M characters, 1 MB"),
    ("malaria", "load_malaria", "tfds", "malaria", "NIH/NLM, Rajaraman et al. 2018 (TFDS malaria)", "public U.S. government data", "27,558 images, 337 MB"),
    ("spoken_digit", "load_spoken_digit", "tfds", "spoken_digit", "Z. Jackson et al., FSDD (TFDS spoken_digit)", "CC BY-SA 4.0", "2,500 recordings, 12 MB"),
    ("movielens", "load_movielens", "tfds", "movielens/100k-ratings movielens/100k-movies", "GroupLens ml-100k (TFDS movielens)", "research use, no redistribution", "100,000 ratings, 5 MB"),
    ("tf_flowers", "load_tf_flowers", "tfds", "tf_flowers", "TensorFlow team, Flickr photos (TFDS tf_flowers)", "CC BY 2.0", "3,670 photos, 218 MB"),
    ("clinc_oos", "load_clinc_oos", "tfds", "clinc_oos", "Larson et al. 2019, CLINC150 (TFDS clinc_oos)", "CC BY 3.0", "23,700 queries, 4 MB"),
    ("spa_eng", "load_spa_eng", "file", "spa-eng.zip", "Tatoeba via manythings.org (TensorFlow's spa-eng.zip)", "CC BY 2.0", "118,964 pairs, 2.6 MB"),
    ("adult", "load_adult", "file", "adult.data adult.test", "Kohavi & Becker 1996, UCI Adult", "CC BY 4.0", "48,842 rows, 5.7 MB"),
    ("retinamnist", "load_retinamnist", "file", "retinamnist.npz", "MedMNIST v2, Yang et al. 2023, from DeepDRiD", "CC BY 4.0", "1,600 images, 3.3 MB"),
    ("sp500", "load_sp500", "file", "sp500_gspc_daily.csv", "Yahoo Finance ^GSPC (fja05680/stock_market_calendar)", "no explicit data license (Yahoo terms)", "24,114 days, 2.5 MB"),
    ("creditcard_fraud", "load_creditcard_fraud", "file", "creditcard_ulb_sample.csv", "Worldline & ULB MLG, Dal Pozzolo et al. 2015 (sample: all frauds + 1 in 57.8 others)", "DbCL v1.0", "5,412 transactions, 2.9 MB"),
    ("compas", "load_compas", "file", "compas-scores-two-years.csv", "ProPublica, Machine Bias 2016 (propublica/compas-analysis)", "none stated; cite ProPublica", "7,214 defendants, 2.5 MB"),
    ("esol", "load_esol", "file", "delaney-processed.csv", "Delaney 2004 via MoleculeNet (deepchem)", "MIT (deepchem); cite the papers", "1,128 molecules, 97 kB"),
    ("tox21", "load_tox21", "file", "tox21.csv", "Tox21 Data Challenge 2014 via MoleculeNet", "U.S. government data; cite Wu et al. 2018", "7,831 molecules, 0.5 MB"),
    ("digits", "load_digits", "sklearn", None, "UCI optical digits (scikit-learn)", "CC BY 4.0", "1,797 images"),
    ("diabetes", "load_diabetes", "sklearn", None, "Efron et al. 2004 (scikit-learn)", "BSD", "442 patients"),
    ("breast_cancer", "load_breast_cancer", "sklearn", None, "Wolberg et al., UCI WDBC (scikit-learn)", "CC BY 4.0", "569 tumours"),
    ("wine", "load_wine", "sklearn", None, "Forina et al., UCI Wine (scikit-learn)", "CC BY 4.0", "178 wines"),
    ("iris", "load_iris", "sklearn", None, "R. A. Fisher 1936 (scikit-learn)", "CC BY 4.0", "150 flowers"),
]


def _expected_version(key: str) -> str | None:
    """The version of a TFDS dataset this tfds release loads (None if tfds cannot say)."""
    try:
        import tensorflow_datasets as tfds

        with warnings.catch_warnings(), _quiet_absl():
            warnings.simplefilter("ignore")
            name, _, config = key.partition("/")
            cls = tfds.builder_cls(name)
            version = cls.VERSION
            # datasets with configs (imdb_reviews/plain_text) may version each config instead
            for cfg in getattr(cls, "BUILDER_CONFIGS", None) or []:
                if cfg.name == config and getattr(cfg, "version", None) is not None:
                    version = cfg.version
            return str(version) if version is not None else None
    except Exception:  # pragma: no cover - tfds missing or the builder unknown
        return None


def _tfds_status(key: str, root: pathlib.Path | None = None) -> tuple[bool, pathlib.Path, str]:
    """(loadable, folder, why not): the version tfds expects is there, its info file parses, and
    every shard it lists exists with the size the info file implies (TFRecord: 16 bytes per record).
    ``root``: the TFDS data directory to look in (default :func:`tfds_data_dir`)."""
    import json

    base = (root if root is not None else tfds_data_dir()).joinpath(*key.split("/"))
    version = _expected_version(key)
    if version is None:
        infos = sorted(base.glob("*/dataset_info.json")) if base.is_dir() else []
        folder = infos[-1].parent if infos else base
    else:
        folder = base / version
    info_path = folder / "dataset_info.json"
    if not info_path.is_file():
        others = sorted(p.name for p in base.iterdir() if p.is_dir()) if base.is_dir() else []
        why = f"no version {version} (found {', '.join(others)})" if others else "not cached"
        return False, folder if not others else base, why
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        fmt = info.get("fileFormat", "tfrecord")
        for split in info["splits"]:
            lengths = [int(v) for v in split.get("shardLengths", [])]
            template = split.get("filepathTemplate", "{DATASET}-{SPLIT}.{FILEFORMAT}-{SHARD_X_OF_Y}")
            files = [folder / template.format(DATASET=info["name"], SPLIT=split["name"], FILEFORMAT=fmt,
                                              SHARD_X_OF_Y=f"{i:05d}-of-{len(lengths):05d}")
                     for i in range(len(lengths))]
            missing = [f.name for f in files if not f.is_file()]
            if missing:
                return False, folder, f"missing shard {missing[0]}"
            if fmt == "tfrecord" and "numBytes" in split:
                expected = int(split["numBytes"]) + 16 * sum(lengths)
                actual = sum(f.stat().st_size for f in files)
                if actual != expected:
                    return False, folder, f"the {split['name']} shards hold {actual} bytes, expected {expected}"
    except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError, OSError) as err:
        return False, folder, f"unreadable {info_path.name} ({type(err).__name__}: {err})"
    return True, folder, ""


def _tfds_location(key: str) -> tuple[bool, pathlib.Path]:
    """Is a TFDS dataset prepared, complete and of the right version in the data dir?"""
    ok, folder, _ = _tfds_status(key)
    return ok, folder


def catalog() -> list[dict]:
    """Every dataset the course uses: name, loader, source, license, size and whether it is cached.

    Returns
    -------
    list of dict with keys ``name``, ``loader``, ``source``, ``license``, ``size``, ``cached`` (bool:
    the loader will find it, i.e. the right version, complete shards, a readable info file, or
    files with the right SHA-256) and ``location`` (where it is or would be cached).
    """
    try:
        prepared = prepared_data_dir()
    except ValueError:
        prepared = None  # named but not a prepared cache: the doctor reports that on its own line
    rows = []
    for name, loader, kind, key, source, license_, size in _CATALOG:
        if kind == "tfds":
            states = [_tfds_location(k) for k in key.split()]
            cached, location = all(ok for ok, _ in states), states[0][1]
        elif kind == "file":
            # cached = the loader will succeed: the Keras cache's copy decides when there is one (a damaged
            # one fails the loader); a missing one is copied from the prepared cache by dl.setup()
            keras_dir = keras_cache_dir() / "datasets"
            found = []
            for f in key.split():
                state = _file_state(keras_dir / f)[0]
                if state == "missing" and prepared and _file_state(prepared / "keras" / "datasets" / f)[0] == "ok":
                    found.append(prepared / "keras" / "datasets")
                else:
                    found.append(keras_dir if state == "ok" else None)
            cached = all(d is not None for d in found)
            location = found[0] if cached else keras_dir
        else:
            cached, location = True, "bundled with scikit-learn"
        rows.append({"name": name, "loader": f"dl.datasets.{loader}", "source": source, "license": license_,
                     "size": size, "cached": cached, "location": str(location)})
    return rows


# --------------------------------------------------------------------------------------------
# A prepared cache: DLCOURSE_DATA_DIR (classrooms without network, CI) and prefetch
# --------------------------------------------------------------------------------------------


def use_prepared_cache() -> list[str]:
    """Use the prepared cache named by ``DLCOURSE_DATA_DIR`` (nothing happens when it is unset).

    TFDS data are read in place (``TFDS_DATA_DIR`` is set to its ``tfds/`` unless already set), so the
    folder may be read-only. Keras writes beside its files (it unpacks archives there), so the files of
    its ``keras/datasets/`` and ``keras/models/`` (pretrained weights) that the Keras cache
    (``KERAS_HOME`` or ``~/.keras``) lacks are copied there once; files already there are left alone.
    ``dl.setup()`` and the course's tests call this.

    Returns
    -------
    list of str
        The files copied (``"datasets/<name>"``, ``"models/<name>"``); empty when there was nothing to do.

    Raises
    ------
    ValueError
        ``DLCOURSE_DATA_DIR`` names no prepared cache (see :func:`prepared_data_dir`).
    OSError
        The Keras cache cannot be written; the message names it and how to choose another.
    """
    prepared = prepared_data_dir()
    if prepared is None:
        return []
    if (prepared / "tfds").is_dir():
        os.environ.setdefault("TFDS_DATA_DIR", str(prepared / "tfds"))
    home = keras_cache_dir()
    copied = []
    for sub in ("datasets", "models"):
        source = prepared / "keras" / sub
        if not source.is_dir():
            continue
        for src in sorted(p for p in source.iterdir() if p.is_file()):
            dst = home / sub / src.name
            if dst.exists():
                continue
            try:
                dst.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dst)  # copyfile: the copy is writable even if the source is not
            except OSError as err:
                raise OSError(f"{DATA_DIR_ENV}: cannot copy {src.name} into the Keras cache {home / sub} "
                              f"({err.strerror or err}). Point KERAS_HOME at a writable folder "
                              f"(`export KERAS_HOME=/absolute/path`).") from None
            copied.append(f"{sub}/{src.name}")
    return copied


def prefetch(folder, download: bool | None = None) -> list[dict]:
    """Prepare (or verify) a cache folder for classrooms without network: every dataset the course uses.

    Each TFDS dataset is checked in ``folder/tfds`` (right version, complete shards) and each file in
    ``folder/keras/datasets`` against its SHA-256. What is missing is downloaded when ``download`` is
    true (default: unless ``DLCOURSE_OFFLINE=1``); a file with the wrong checksum is reported and left
    in place (delete it and prefetch again). scikit-learn's datasets ship with scikit-learn. Point
    ``DLCOURSE_DATA_DIR`` at the folder afterwards.

    Returns
    -------
    list of dict with keys ``name``, ``state`` ("ok", "downloaded", "bundled", "missing", "corrupt",
    "failed") and ``detail``.
    """
    folder = pathlib.Path(folder).expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"prefetch: {folder} is not a folder.")
    if download is None:
        download = not is_offline()
    rows = []
    for name, _loader, kind, key, _source, _license, size in _CATALOG:
        if kind == "sklearn":
            rows.append({"name": name, "state": "bundled", "detail": "ships with scikit-learn"})
            continue
        if kind == "tfds":
            root = folder / "tfds"
            for part in key.split():
                label = name if len(key.split()) == 1 else f"{name} ({part.split('/', 1)[1]})"
                ok, location, why = _tfds_status(part, root=root)
                if ok:
                    rows.append({"name": label, "state": "ok", "detail": str(location)})
                elif not download:
                    rows.append({"name": label, "state": "missing", "detail": f"{why} in {root}"})
                else:
                    rows.append(_prefetch_tfds(label, part, root, size))
            continue
        for fname in key.split():
            path = folder / "keras" / "datasets" / fname
            label = name if len(key.split()) == 1 else f"{name} ({fname})"
            state, digest = _file_state(path)
            if state == "ok":
                rows.append({"name": label, "state": "ok", "detail": str(path)})
            elif state == "corrupt":
                rows.append({"name": label, "state": "corrupt",
                             "detail": f"{path}: sha256 {digest[:12]}..., expected {_FILES[fname][1][:12]}...; "
                                       f"left in place: delete it and prefetch again"})
            elif not download:
                rows.append({"name": label, "state": "missing", "detail": f"no {path}"})
            else:
                rows.append(_prefetch_file(label, fname, folder / "keras", size))
    return rows


def _prefetch_tfds(name: str, key: str, root: pathlib.Path, size: str) -> dict:
    import tensorflow_datasets as tfds

    if not _network_available(_TFDS_PROBE_URL):
        return {"name": name, "state": "failed", "detail": "storage.googleapis.com cannot be reached (no internet?)"}
    try:
        with warnings.catch_warnings(), _quiet_absl():
            warnings.simplefilter("ignore")
            tfds.builder(key, data_dir=str(root)).download_and_prepare()
    except Exception as err:  # report, go on with the next dataset
        return {"name": name, "state": "failed", "detail": f"download failed ({type(err).__name__}: {err})"}
    ok, location, why = _tfds_status(key, root=root)
    return {"name": name, "state": "downloaded" if ok else "failed", "detail": f"{location} ({size})" if ok else why}


def _prefetch_file(label: str, fname: str, keras_dir: pathlib.Path, size: str) -> dict:
    import keras

    origin, sha = _FILES[fname]
    if not _network_available(origin):
        return {"name": label, "state": "failed", "detail": f"{urllib.parse.urlparse(origin).hostname} cannot be reached"}
    try:
        path = keras.utils.get_file(fname, origin=origin, file_hash=sha, hash_algorithm="sha256",
                                    cache_dir=str(keras_dir), cache_subdir="datasets")
    except Exception as err:
        return {"name": label, "state": "failed", "detail": f"download failed ({type(err).__name__}: {err})"}
    return {"name": label, "state": "downloaded", "detail": f"{path} ({size})"}


def main(argv: list[str]) -> int:
    """``python -m dlcourse prefetch DIR [--verify-only]`` and ``python -m dlcourse catalog``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m dlcourse",
                                     description="Prepare or verify a data cache for the course.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prefetch", help="download what DIR lacks (unless DLCOURSE_OFFLINE=1) and verify everything")
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--verify-only", action="store_true", help="download nothing; only check what is there")
    sub.add_parser("catalog", help="every dataset, its license and whether this machine has it cached")
    args = parser.parse_args(argv)
    try:
        if args.command == "catalog":
            for row in catalog():
                print(f"{'cached' if row['cached'] else 'absent':7} {row['name']:17} {row['size']:28} {row['license']}")
            return 0
        rows = prefetch(args.folder, download=False if args.verify_only else None)
    except (ValueError, OSError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for row in rows:
        print(f"{row['state']:10} {row['name']:28} {row['detail']}")
    bad = [r for r in rows if r["state"] in ("missing", "corrupt", "failed")]
    ready = len(rows) - len(bad)
    folder = pathlib.Path(args.folder).expanduser().absolute()
    size = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.is_dir() else 0
    print(f"{ready} of {len(rows)} ready in {folder} ({size / 1e6:.1f} MB)"
          + ("" if not bad else f"; {len(bad)} not: {', '.join(r['name'] for r in bad)}"))
    if not bad:
        print(f"use it with: export {DATA_DIR_ENV}={folder}")
    return 1 if bad else 0
