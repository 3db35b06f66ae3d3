"""Keras callbacks that measure training (plumbing for comparisons; no modelling here)."""

import time

import keras


class EpochTimer(keras.callbacks.Callback):
    """Record the wall-clock seconds of every epoch in ``self.times``.

    Compare models with ``min(timer.times)``: the first epoch also pays for tracing the graph.

        timer = dl.callbacks.EpochTimer()
        model.fit(x, y, epochs=3, callbacks=[timer])
        print(f"{min(timer.times):.2f} s per epoch")
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
        self.times.append(time.perf_counter() - self._start)
