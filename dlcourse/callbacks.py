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


class EpochTimer(keras.callbacks.Callback):
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

    @_InstanceOnly
    def set_model(self, model):
        super(EpochTimer, self).set_model(model)

    @_InstanceOnly
    def set_params(self, params):
        super(EpochTimer, self).set_params(params)

    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if self._start is not None:
            self.times.append(time.perf_counter() - self._start)
