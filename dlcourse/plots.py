"""Plots the notebooks draw again and again. Each returns its matplotlib ``Figure``,
with a title and labelled axes; nothing here hides a lesson (it only draws)."""

from __future__ import annotations

import numbers

import numpy as np

from ._config import check_int

#: image_grid draws one subplot per image (about 15 ms each): more than this is refused.
MAX_GRID_IMAGES = 200

__all__ = ["history", "image_grid", "image_rows", "confusion_matrix", "decision_boundary", "function_and_derivative",
           "waveform"]


def _plt():
    import matplotlib.pyplot as plt

    return plt


def _check_title(title):
    if not isinstance(title, str):
        raise TypeError(f"title must be a string, got {type(title).__name__}.")


def _check_ncols(ncols):
    try:
        return check_int(ncols, "ncols", low=1)
    except TypeError as err:
        raise ValueError(f"ncols must be a positive int: {err}") from None


def _check_limit(value, name):
    if value is None:
        return None
    if hasattr(value, "item") and getattr(value, "shape", None) == ():
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number or None, got {value!r}.")
    return float(value)


def _check_limits(vmin, vmax):
    vmin, vmax = _check_limit(vmin, "vmin"), _check_limit(vmax, "vmax")
    if vmin is not None and vmax is not None and vmin > vmax:
        raise ValueError(f"vmin={vmin} is above vmax={vmax}; swap them.")
    return vmin, vmax


def _numeric(images, what):
    try:
        images = np.asarray(images)
    except ValueError as err:  # ragged lists
        raise ValueError(f"{what} must be an array of equally sized images: {err}") from None
    if images.dtype == bool:
        images = images.astype(np.uint8)
    if not (np.issubdtype(images.dtype, np.integer) or np.issubdtype(images.dtype, np.floating)):
        raise ValueError(f"{what} must hold numbers, got dtype {images.dtype}.")
    return images


def history(history, metrics=None, title: str = "Training history"):
    """Curves of a Keras training run, one panel per metric, train vs validation.

    Parameters
    ----------
    history : keras.callbacks.History or dict
        What ``model.fit`` returns, or its ``.history`` dict (``{"loss": [...], "val_loss": [...]}``).
    metrics : list of str, optional
        Which metrics to draw (default: every key without the ``val_`` prefix).
    """
    _check_title(title)
    hist = getattr(history, "history", history)
    if not isinstance(hist, dict) or not hist:
        raise TypeError("history must be a keras History or a non-empty dict of metric -> list of values.")
    if metrics is None:
        metrics = [k for k in hist if not k.startswith("val_") and k != "learning_rate"]
    elif isinstance(metrics, str):
        metrics = [metrics]
    if not isinstance(metrics, (list, tuple)) or not all(isinstance(m, str) for m in metrics):
        raise TypeError(f"metrics must be a metric name or a list of names, got {metrics!r}.")
    missing = [m for m in metrics if m not in hist]
    if missing or not metrics:
        raise ValueError(f"metrics {missing or metrics} not in history; it holds {sorted(map(str, hist))}.")
    for key in list(metrics) + [f"val_{m}" for m in metrics if f"val_{m}" in hist]:
        try:
            values = np.asarray(hist[key], dtype=float)
        except (TypeError, ValueError):
            values = None
        if values is None or values.ndim != 1 or len(values) == 0:
            raise ValueError(f"history[{key!r}] must be a non-empty list of numbers (one per epoch), "
                             f"got {hist[key]!r:.80}.")
    plt = _plt()
    fig, axes = plt.subplots(1, len(metrics), figsize=(5 * len(metrics), 3.6), squeeze=False)
    for ax, m in zip(axes[0], metrics, strict=True):
        epochs = np.arange(1, len(hist[m]) + 1)
        ax.plot(epochs, hist[m], marker="o", ms=3, label="train")
        if f"val_{m}" in hist:
            ax.plot(epochs, hist[f"val_{m}"], marker="o", ms=3, label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(m)
        ax.set_title(m)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def image_grid(images, labels=None, class_names=None, predictions=None, ncols: int = 8, title: str = "Images", cmap="gray",
               vmin=None, vmax=None, symmetric: bool = False):
    """A labelled grid of images; with ``predictions``, wrong ones get red titles.

    Parameters
    ----------
    images : array (n, h, w) or (n, h, w, c)
        uint8 0..255 or floats (shown as they are, scaled per image).
    labels, predictions : array of int, optional
        True and predicted classes (indices into ``class_names`` if given).
    vmin, vmax : float, optional
        A fixed grey scale for every image (e.g. 0 and 1), so that faint and strong images can be
        compared; by default each greyscale image is stretched to its own range.
    symmetric : bool
        One colour scale centred on zero for every image, from ``-m`` to ``m`` with ``m`` the
        largest absolute value (for filters, gradients, differences: the sign stays readable).
        With the default ``cmap="gray"`` the map becomes the diverging ``"RdBu_r"`` (0 = white).
    """
    _check_title(title)
    images = _numeric(images, "images")
    if images.ndim not in (3, 4) or len(images) == 0 or 0 in images.shape:
        raise ValueError(f"images must have shape (n, h, w) or (n, h, w, c) with n > 0, got {images.shape}.")
    if len(images) > MAX_GRID_IMAGES:
        raise ValueError(f"image_grid got {len(images)} images; it draws one panel each (slow, unreadable) and "
                         f"takes at most {MAX_GRID_IMAGES}. Pass a slice, e.g. x[:32] (and labels[:32]).")
    if images.ndim == 4 and images.shape[-1] not in (1, 3, 4):
        raise ValueError(f"images of shape {images.shape}: the last axis must be 1, 3 (RGB) or 4 (RGBA) channels.")
    ncols = _check_ncols(ncols)
    vmin, vmax = _check_limits(vmin, vmax)
    for name, arr in (("labels", labels), ("predictions", predictions)):
        if arr is not None and (not hasattr(arr, "__len__") or isinstance(arr, str)):
            raise TypeError(f"{name} must be a sequence with one entry per image, got {type(arr).__name__}.")
        if arr is not None and len(arr) != len(images):
            raise ValueError(f"{name} has {len(arr)} entries for {len(images)} images.")
    if class_names is not None:
        class_names = list(class_names)
        for name, arr in (("labels", labels), ("predictions", predictions)):
            if arr is None:
                continue
            values = np.asarray(arr)
            if values.ndim != 1 or not np.issubdtype(values.dtype, np.integer) or (
                    len(values) and (values.min() < 0 or values.max() >= len(class_names))):
                raise ValueError(f"{name} must be class indices 0..{len(class_names) - 1} into class_names "
                                 f"({len(class_names)} names); got {arr!r:.80}.")
    if images.ndim == 4 and images.shape[-1] == 1:
        images = images[..., 0]
    if symmetric:
        if vmin is not None or vmax is not None:
            raise ValueError("symmetric=True chooses vmin and vmax itself: pass either symmetric or vmin/vmax.")
        if images.ndim != 3:
            raise ValueError("symmetric=True is for single-channel images (filters, gradients), not RGB.")
        finite = np.abs(images[np.isfinite(images)])
        vmax = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
        vmin = -vmax
        cmap = "RdBu_r" if cmap == "gray" else cmap
    n = len(images)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    plt = _plt()
    fig, axes = plt.subplots(nrows, ncols, figsize=(1.5 * ncols, 1.7 * nrows + 0.4), squeeze=False)

    def name(i):
        return class_names[i] if class_names is not None else str(i)

    for k, ax in enumerate(axes.flat):
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n:
            ax.axis("off")
            continue
        ax.imshow(images[k], cmap=cmap if images.ndim == 3 else None, vmin=vmin, vmax=vmax)
        if labels is not None and predictions is not None:
            ok = labels[k] == predictions[k]
            ax.set_title(f"{name(predictions[k])}" + ("" if ok else f"\n(true {name(labels[k])})"),
                         fontsize=8, color="black" if ok else "red")
        elif labels is not None:
            ax.set_title(name(labels[k]), fontsize=8)
        elif predictions is not None:
            ax.set_title(f"pred {name(predictions[k])}", fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def image_rows(rows, title: str = "Images", ncols: int = 10, image_shape=None, vmin=None, vmax=None,
               cmap="gray", pad: int = 2):
    """Rows of images side by side, one labelled row per entry of ``rows``, drawn as one picture.

    For "inputs vs reconstructions", "samples over training steps" and the like: one ``imshow``
    of a single mosaic, so a hundred small images take milliseconds, not seconds.

        dl.plots.image_rows({"input": x[:10], "reconstruction": model(x[:10])}, vmin=0, vmax=1,
                            title="Test digits and their reconstructions")

    Parameters
    ----------
    rows : mapping label -> array (n, h, w), (n, h, w, 1) or, with ``image_shape``, (n, h * w)
        The first ``ncols`` images of each row are drawn; rows may differ in length.
    image_shape : (h, w), optional
        Needed when the images come flat, as vectors.
    vmin, vmax : float, optional
        The grey scale of the whole picture (by default the range of all images together).
    """
    _check_title(title)
    if not hasattr(rows, "items") or len(rows) == 0:
        raise ValueError("rows must be a non-empty mapping of row label -> images, "
                         "e.g. {'input': x[:10], 'reconstruction': x_hat[:10]}.")
    ncols = _check_ncols(ncols)
    vmin, vmax = _check_limits(vmin, vmax)
    pad = check_int(pad, "pad", low=0, high=100)
    if image_shape is not None:
        if not isinstance(image_shape, (tuple, list)) or len(image_shape) != 2:
            raise ValueError(f"image_shape must be (height, width), got {image_shape!r}.")
        image_shape = tuple(check_int(v, "image_shape entries", low=1) for v in image_shape)
    prepared = []
    for label, images in rows.items():
        try:
            images = np.asarray(images, dtype=float)
        except (TypeError, ValueError) as err:
            raise ValueError(f"row {label!r} must hold numbers (an array of images): {err}") from None
        if images.ndim == 2:
            if image_shape is None:
                raise ValueError(f"row {label!r} holds flat vectors of shape {images.shape}: "
                                 "pass image_shape=(height, width).")
            if images.shape[1] != image_shape[0] * image_shape[1]:
                raise ValueError(f"row {label!r}: vectors of length {images.shape[1]} do not fit image_shape "
                                 f"{image_shape} ({image_shape[0] * image_shape[1]} pixels).")
            images = images.reshape(len(images), *image_shape)
        if images.ndim == 4 and images.shape[-1] == 1:
            images = images[..., 0]
        if images.ndim != 3 or 0 in images.shape:
            raise ValueError(f"row {label!r} must hold greyscale images (n, h, w) with n > 0, got {images.shape}.")
        prepared.append((str(label), images[:ncols]))
    h, w = prepared[0][1].shape[1:]
    if any(images.shape[1:] != (h, w) for _, images in prepared):
        raise ValueError("all images must have the same height and width, got "
                         + ", ".join(f"{label!r}: {images.shape[1:]}" for label, images in prepared))
    nrows, width = len(prepared), max(len(images) for _, images in prepared)
    finite = np.concatenate([images[np.isfinite(images)] for _, images in prepared])
    lo = (float(finite.min()) if finite.size else 0.0) if vmin is None else vmin   # NaN/inf pixels: shown blank
    hi = (float(finite.max()) if finite.size else 1.0) if vmax is None else vmax
    if lo > hi:  # only one limit was given, beyond the data: an empty range at that limit
        lo, hi = (hi, hi) if vmin is None else (lo, lo)
    canvas = np.full((nrows * (h + pad) + pad, width * (w + pad) + pad), np.nan)   # nan: blank frame
    for r, (_, images) in enumerate(prepared):
        for c, image in enumerate(images):
            top, left = pad + r * (h + pad), pad + c * (w + pad)
            canvas[top:top + h, left:left + w] = np.where(np.isfinite(image), image, np.nan)
    plt = _plt()
    colormap = plt.get_cmap(cmap).with_extremes(bad="white")
    fig, ax = plt.subplots(figsize=(0.8 * width + 1.6, 0.8 * nrows + 0.7))
    ax.imshow(canvas, cmap=colormap, vmin=lo, vmax=hi, interpolation="nearest")
    ax.set_yticks(pad + (h + pad) * np.arange(nrows) + h / 2, [label for label, _ in prepared])
    ax.set_xticks([])
    ax.tick_params(left=False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def confusion_matrix(y_true, y_pred, class_names=None, normalize: bool = False, title: str = "Confusion matrix"):
    """Confusion matrix (rows: true class, columns: predicted), computed with scikit-learn."""
    from sklearn.metrics import confusion_matrix as sk_cm

    _check_title(title)
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1 or len(y_true) == 0:
        hint = " One-hot or probability arrays: pass y.argmax(axis=1)." if max(y_true.ndim, y_pred.ndim) == 2 else ""
        raise ValueError(f"y_true and y_pred must be 1-D and the same length, got {y_true.shape} and {y_pred.shape}.{hint}")
    for what, arr in (("y_true", y_true), ("y_pred", y_pred)):
        if arr.dtype.kind not in "iub" and not (arr.dtype.kind == "f" and np.all(np.isfinite(arr))
                                                 and np.all(arr == np.round(arr))):
            if class_names is not None or arr.dtype.kind in "fc":
                raise ValueError(f"{what} must hold class labels (whole numbers), got dtype {arr.dtype}: "
                                 f"{arr[:5]!r}. Probabilities? Pass y.argmax(axis=1) or (p > 0.5).astype(int).")
    if class_names is not None:
        class_names = [str(c) for c in class_names]
        present = np.unique(np.concatenate([y_true, y_pred]).astype(np.int64))
        outside = present[(present < 0) | (present >= len(class_names))]
        if len(class_names) == 0 or len(outside):
            raise ValueError(f"labels {outside.tolist()} have no name in class_names ({len(class_names)} names, "
                             f"for labels 0..{len(class_names) - 1}); pass one name per class.")
    labels = np.arange(len(class_names)) if class_names is not None else np.unique(np.concatenate([y_true, y_pred]))
    import warnings

    with warnings.catch_warnings():  # one label only: the 1x1 matrix is right, sklearn's hint is not for us
        warnings.filterwarnings("ignore", message="A single label was found")
        cm = sk_cm(y_true, y_pred, labels=labels, normalize="true" if normalize else None)
    names = class_names if class_names is not None else [str(v) for v in labels]
    plt = _plt()
    size = max(4, 0.55 * len(names) + 2)
    fig, ax = plt.subplots(figsize=(size, size * 0.9))
    im = ax.imshow(cm, cmap="Blues")
    fig.colorbar(im, ax=ax, fraction=0.046, pad=0.04, label="fraction of true class" if normalize else "count")
    ax.set_xticks(range(len(names)), names, rotation=45, ha="right")
    ax.set_yticks(range(len(names)), names)
    thresh = cm.max() / 2 if cm.size else 0
    for i in range(cm.shape[0]):
        for j in range(cm.shape[1]):
            ax.text(j, i, f"{cm[i, j]:.2f}" if normalize else f"{cm[i, j]:d}", ha="center", va="center",
                    fontsize=7, color="white" if cm[i, j] > thresh else "black")
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def decision_boundary(predict, x, y, resolution: int = 200, feature_names=("x1", "x2"), title: str = "Decision boundary", ax=None,
                      point_size: float = 14):
    """Regions a classifier assigns to each class in a 2-D input space, with the data on top.

    Parameters
    ----------
    predict : callable
        Maps an array ``(m, 2)`` to class probabilities ``(m, k)``, ``(m,)`` / ``(m, 1)``
        probabilities of class 1 (cut at 0.5; scores outside [0, 1] are taken as logits, cut at 0),
        or integer classes ``(m,)``. A Keras model's ``predict`` works.
    x : array (n, 2)
    y : array (n,) of int
    ax : matplotlib Axes, optional
        Draw into this axes (for side-by-side comparisons); the figure is returned either way.
    point_size : float
        Marker area of the data points (matplotlib's ``s``): smaller for thousands of points.
    """
    _check_title(title)
    if not callable(predict):
        raise TypeError("predict must be a callable mapping (m, 2) inputs to class scores.")
    try:
        x, y = np.asarray(x, dtype=np.float32), np.asarray(y)
    except (TypeError, ValueError) as err:
        raise ValueError(f"x must be numbers of shape (n, 2): {err}") from None
    if x.ndim != 2 or x.shape[1] != 2:
        raise ValueError(f"x must have shape (n, 2), got {x.shape}; pick two features first.")
    if y.ndim != 1 or len(y) != len(x):
        raise ValueError(f"y must hold one label per point: {y.shape} for {len(x)} points.")
    if y.dtype.kind not in "iub" and not (y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y))):
        raise ValueError(f"y must hold class labels (whole numbers), got dtype {y.dtype}.")
    if len(y) and y.min() < 0:
        raise ValueError(f"y must hold class labels 0, 1, 2, ..., got {y.min()}.")
    try:
        resolution = check_int(resolution, "resolution", low=10, high=2000)
    except TypeError as err:
        raise ValueError(f"resolution must be an int >= 10: {err}") from None
    if hasattr(point_size, "item") and getattr(point_size, "shape", None) == ():
        point_size = point_size.item()
    if isinstance(point_size, bool) or not isinstance(point_size, (int, float)) or not point_size > 0 \
            or not np.isfinite(point_size):
        raise ValueError(f"point_size must be a positive number (marker area), got {point_size!r}.")
    finite = np.isfinite(x).all(1)
    if not finite.any():
        raise ValueError("x has no point with two finite coordinates (NaN/inf everywhere): nothing to draw.")
    span = x[finite].max(0).astype(np.float64) - x[finite].min(0)
    if not np.all(np.isfinite(span)):
        raise ValueError("x spans more than float32 can hold; rescale the features.")
    pad = np.maximum(0.1 * (span + 1e-9), 1e-6 * np.abs(x[finite]).max(0))  # the floor: all points at one spot
    lo, hi = x[finite].min(0) - pad, x[finite].max(0) + pad  # points with NaN/inf are skipped
    g1, g2 = np.meshgrid(np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution))
    grid = np.c_[g1.ravel(), g2.ravel()].astype(np.float32)
    out = np.asarray(predict(grid))
    if out.dtype == bool:
        out = out.astype(int)
    if not (np.issubdtype(out.dtype, np.integer) or np.issubdtype(out.dtype, np.floating)) or \
            out.ndim not in (1, 2) or len(out) != len(grid) or (out.ndim == 2 and out.shape[1] == 0):
        raise ValueError(f"predict must return numbers of shape ({len(grid)},), ({len(grid)}, 1) or "
                         f"({len(grid)}, k) for {len(grid)} grid points; got {out.dtype} {out.shape}.")
    if np.issubdtype(out.dtype, np.floating) and not np.all(np.isfinite(out)):
        raise ValueError("predict returned NaN or inf on the grid: check the model (or its input scaling).")
    if out.ndim == 2 and out.shape[1] > 1:
        z = out.argmax(1)
    elif np.issubdtype(out.dtype, np.floating):
        p = out.reshape(-1)
        # probabilities of class 1 in [0, 1] are cut at 0.5; scores outside [0, 1] are logits, cut at 0
        z = (p > (0.5 if p.min() >= 0 and p.max() <= 1 else 0.0)).astype(int)
    else:
        z = out.reshape(-1).astype(int)
    if z.min() < 0:
        raise ValueError(f"predict returned negative classes ({z.min()}); return classes 0, 1, ... or scores.")
    plt = _plt()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5, 4.2))
    else:
        fig = ax.figure
    classes = np.unique(np.concatenate([np.unique(y), np.unique(z)]))
    cmap = plt.get_cmap("tab10")
    from matplotlib.colors import ListedColormap

    ax.contourf(g1, g2, z.reshape(g1.shape), levels=np.arange(classes.max() + 2) - 0.5,
                cmap=ListedColormap([cmap(i % 10) for i in range(classes.max() + 1)]), alpha=0.25)
    for c in np.unique(y):
        ax.scatter(x[(y == c) & finite, 0], x[(y == c) & finite, 1], s=point_size, color=cmap(int(c) % 10), edgecolor="k", linewidth=0.3, label=f"class {c}")
    ax.set_xlabel(feature_names[0])
    ax.set_ylabel(feature_names[1])
    ax.set_title(title)
    ax.legend(fontsize=8, loc="best")
    return fig


def function_and_derivative(f, df, x=None, name: str = "f", title=None):
    """Plot a function and its derivative side by side (e.g. an activation function).

    ``f`` and ``df`` are callables on NumPy arrays; ``x`` defaults to ``linspace(-5, 5, 401)``.
    """
    if not callable(f) or not callable(df):
        raise TypeError("f and df must be callables taking a NumPy array.")
    if not isinstance(name, str):
        raise TypeError("name must be a string.")
    try:
        x = np.linspace(-5, 5, 401) if x is None else np.asarray(x, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"x must be a 1-D array of numbers: {err}") from None
    if x.ndim != 1 or len(x) < 2:
        raise ValueError("x must be a 1-D array with at least two points.")
    title = title or f"{name} and its derivative"
    _check_title(title)
    y, dy = np.asarray(f(x)), np.asarray(df(x))
    if y.shape != x.shape or dy.shape != x.shape:
        raise ValueError(f"f(x) and df(x) must have the shape of x {x.shape}, got {y.shape} and {dy.shape}.")
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(9, 3.4))
    a1.plot(x, y, color="C0")
    a1.set_title(f"{name}(z)")
    a1.set_ylabel(f"{name}(z)")
    a2.plot(x, dy, color="C1")
    a2.set_title(f"{name}'(z)")
    a2.set_ylabel(f"d{name}/dz")
    for a in (a1, a2):
        a.set_xlabel("z")
        a.axhline(0, color="k", lw=0.5)
        a.axvline(0, color="k", lw=0.5)
        a.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def waveform(wave, sample_rate, title: str = "A recording", zoom_ms: float = 20.0):
    """A recording drawn twice: whole (time in seconds), and ``zoom_ms`` milliseconds of its loudest part
    (time in milliseconds, one dot per sample), where the shape of the sound wave shows."""
    try:
        wave = np.asarray(wave, dtype=float)
    except (TypeError, ValueError) as err:
        raise ValueError(f"wave must be a 1-D array of samples: {err}") from None
    if wave.ndim != 1 or len(wave) < 2 or not np.all(np.isfinite(wave)):
        raise ValueError(f"wave must be a 1-D array of at least two finite samples, got shape {wave.shape}.")
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, (int, np.integer)) or sample_rate <= 0:
        raise ValueError(f"sample_rate must be a positive whole number of samples per second, got {sample_rate!r}.")
    _check_title(title)
    number = isinstance(zoom_ms, (int, float, np.integer, np.floating)) and not isinstance(zoom_ms, bool)
    zoom = int(round(float(zoom_ms) * sample_rate / 1000)) if number and np.isfinite(zoom_ms) else 0
    if not 2 <= zoom <= len(wave):
        raise ValueError(f"zoom_ms must cover 2 samples to the whole recording ({1000 * len(wave) / sample_rate:g} ms), "
                         f"got {zoom_ms!r}.")
    time_s = np.arange(len(wave)) / sample_rate
    loud = int(np.argmax(np.convolve(wave**2, np.ones(zoom), "valid")))      # start of the loudest stretch
    plt = _plt()
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(12, 3.2))
    a1.plot(time_s, wave, lw=0.6)
    a1.axvspan(time_s[loud], time_s[loud + zoom - 1], color="C1", alpha=0.3)
    a1.set(title=title, xlabel="time (s)", ylabel="amplitude")
    a2.plot(1000 * time_s[loud:loud + zoom], wave[loud:loud + zoom], color="C1", marker=".", ms=3, lw=0.8)
    a2.set(title=f"{zoom_ms:g} ms ({zoom} samples) of the loudest part", xlabel="time (ms)", ylabel="amplitude")
    fig.tight_layout()
    return fig
