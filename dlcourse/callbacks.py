"""Keras callbacks that measure training (plumbing for comparisons; no modelling here)."""

import time

import keras


class _InstanceOnly:
    """A method that, looked up on the class instead of an instance, says to create an instance.

    Keras calls ``callback.set_model(model)`` on every entry of ``callbacks=[...]``; with the class
    itself there (``callbacks=[EpochTimer]``) that would fail deep inside Keras with an unrelated
    message about a missing ``model`` argument.
    """

    def __init__(self, func):
        self.func = func
        self.__doc__ = func.__doc__

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            raise TypeError(f"callbacks=[{owner.__name__}] passes the class; pass an instance: "
                            f"timer = dl.callbacks.{owner.__name__}(), then callbacks=[timer].")
        return self.func.__get__(obj, owner)


class _CourseCallback(keras.callbacks.Callback):
    """Base of the course's callbacks: passing the class instead of an instance is refused clearly."""

    @_InstanceOnly
    def set_model(self, model):
        super().set_model(model)

    @_InstanceOnly
    def set_params(self, params):
        super().set_params(params)


class EpochTimer(_CourseCallback):
    """Record the wall-clock seconds of every epoch in ``self.times``.

    Compare models with ``min(timer.times)``: the first epoch also pays for tracing the graph.

        timer = dl.callbacks.EpochTimer()
        model.fit(x, y, epochs=3, callbacks=[timer])
        print(f"{min(timer.times):.2f} s per epoch")

    Passing the class instead of an instance (``callbacks=[dl.callbacks.EpochTimer]``) raises a
    ``TypeError`` that says so.
    """

    def __init__(self):
        super().__init__()
        self.times = []
        self._start = None

    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self._start is not None:
            self.times.append(time.perf_counter() - self._start)


def _showing_progress() -> bool:
    """Progress shows at the default and full scales; at smoke scale (CI, nbgrader grading) it stays silent."""
    from ._config import get_scale

    return get_scale() != "smoke"


class _Line:
    """One line of text that can be rewritten: a display handle in Jupyter, a carriage return elsewhere."""

    def __init__(self):
        self._handle = None
        try:
            from IPython import get_ipython

            shell = get_ipython()
        except ImportError:  # pragma: no cover - IPython ships with Jupyter
            shell = None
        if shell is not None and getattr(shell, "kernel", None) is not None:
            from IPython.display import Pretty, display

            self._handle = display(Pretty(""), display_id=True)
            self._pretty = Pretty

    def show(self, text: str, final: bool = False) -> None:
        if self._handle is not None:
            self._handle.update(self._pretty(text))
        else:
            import sys

            sys.stdout.write("\r" + text + ("\n" if final else ""))
            sys.stdout.flush()


class Progress(_CourseCallback):
    """One line per training run, rewritten as it goes: epoch, loss and metrics, seconds so far.

        model.fit(x, y, epochs=20, verbose=0, callbacks=[dl.callbacks.Progress("CNN")])
        # CNN: epoch 7/20 · loss 0.312 · accuracy 0.902 · val_loss 0.35 · 12 s

    Shown at the default and full scales; silent at smoke scale (CI logs, nbval and nbgrader grading
    stay clean). Updates after an epoch, at most every ``every`` seconds, and at the end; it has no
    batch hook, so Keras keeps dispatching steps asynchronously and the run's numbers and speed are
    those without it. Only a run's last line stays in the notebook. Pass an instance, not the class.
    """

    def __init__(self, label: str = "training", every: float = 0.5, max_metrics: int = 4):
        super().__init__()
        if not isinstance(label, str) or not label:
            raise TypeError(f"Progress(label=...) must be a non-empty str, got {label!r}.")
        self.label, self.every, self.max_metrics = label, float(every), int(max_metrics)
        self.lines: list[str] = []  # every line shown, last one last (for tests and for reading back)
        self._line, self._start, self._last, self._epoch, self._logs = None, 0.0, 0.0, 0, None
        self._showing = _showing_progress()

    def _text(self, logs) -> str:
        parts = [f"{self.label}: epoch {self._epoch + 1}/{self.params.get('epochs', '?')}"]
        ordered = sorted((logs or {}).items(), key=lambda kv: (kv[0].startswith("val_"), kv[0] != "loss" and kv[0] != "val_loss"))
        for key, value in ordered[: self.max_metrics]:
            try:
                parts.append(f"{key} {float(value):.4g}")
            except (TypeError, ValueError):
                continue
        parts.append(f"{time.perf_counter() - self._start:.0f} s")
        return " · ".join(parts)

    def _show(self, text: str, final: bool = False) -> None:
        now = time.perf_counter()
        if self._line is None or (not final and now - self._last < self.every):
            return
        self._last = now
        self.lines.append(text)
        self._line.show(text, final)

    def on_train_begin(self, logs=None):
        self.lines, self._logs = [], None
        self._line = _Line() if self._showing else None
        self._start = self._last = time.perf_counter()
        self._last -= self.every  # the first epoch's line shows at once

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        self._logs = logs
        self._show(self._text(logs))

    def on_train_end(self, logs=None):
        if self._line is not None:
            self._show(self._text(self._logs or logs) + " · done", final=True)
        self._line = None


def progress(iterable, label: str = "working", total: int | None = None):
    """A progress bar over a long loop that is not Keras training (tqdm), silent at smoke scale.

        for epoch in dl.callbacks.progress(range(EPOCHS), "hand-written loop"):
            ...

    Returns ``iterable`` itself at smoke scale, else a ``tqdm`` wrapper whose text goes to one line
    rewritten in place (in Jupyter a display that is updated, so only the final state stays in the
    notebook, as with :class:`Progress`).
    """
    if not _showing_progress():
        return iterable
    from tqdm.std import tqdm

    return tqdm(iterable, desc=label, total=total, file=_LineFile(), mininterval=0.5, leave=True,
                bar_format="{desc}: {n_fmt}/{total_fmt} [{elapsed}<{remaining}]")


class _LineFile:
    """A file for tqdm: each refresh (text after its last carriage return) rewrites one :class:`_Line`."""

    def __init__(self):
        self._line = _Line()
        self.lines: list[str] = []

    def write(self, text: str) -> None:
        current = text.split("\r")[-1].strip("\n")
        if current.strip():
            self.lines.append(current)
            self._line.show(current)

    def flush(self) -> None:
        pass
