"""dlcourse: the helper package of the deep-learning course.

Plumbing only (datasets, plots, callbacks, scales, results, homework builds); the lessons live in the notebooks.

    import dlcourse as dl
    dl.setup(notebook="01_neurons_and_layers")
    EPOCHS = dl.scaled(smoke=1, default=8, full=30)
    (x_train, y_train), (x_test, y_test) = dl.datasets.load_mnist()
    dl.record("test_accuracy", 0.97)
"""

from ._version import TAG, __version__  # the one place the version is written

from . import datasets, plots
from ._config import REPOSITORY, SCALES, SEED_ENV, Settings, elapsed, get_scale, get_seed, scaled, setup
from .recording import record


def __getattr__(name):
    # dl.callbacks imports Keras, so it is loaded on first use rather than with the package.
    if name == "callbacks":
        import importlib

        return importlib.import_module(".callbacks", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "REPOSITORY", "SCALES", "SEED_ENV", "Settings", "TAG", "__version__", "callbacks", "datasets", "elapsed", "get_scale",
    "get_seed", "plots",
    "record", "scaled", "setup",
]
