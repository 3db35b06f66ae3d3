"""dl.setup, dl.scaled, dl.get_scale, dl.elapsed."""

import random

import numpy as np
import pytest

import dlcourse as dl


@pytest.mark.parametrize("value, expected", [(None, "default"), ("", "default"), ("smoke", "smoke"),
                                             ("default", "default"), ("full", "full"), (" FULL ", "full")])
def test_get_scale(scale, value, expected):
    scale(value)
    assert dl.get_scale() == expected


def test_bad_scale_is_a_clear_error(scale):
    scale("huge")
    with pytest.raises(ValueError, match="DLCOURSE_SCALE='huge' is not a scale.*smoke, default, full"):
        dl.get_scale()


def test_nbgrader_means_smoke(scale, monkeypatch):
    scale("full")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    assert dl.get_scale() == "smoke"


@pytest.mark.parametrize("value, expected", [("smoke", 1), ("default", 8), ("full", 30)])
def test_scaled_picks_the_current_scale(scale, value, expected):
    scale(value)
    assert dl.scaled(smoke=1, default=8, full=30) == expected


def test_scaled_rejects_missing_values(scale):
    scale("smoke")
    with pytest.raises(TypeError):
        dl.scaled(smoke=1, default=2)  # full missing
    with pytest.raises(ValueError, match="full= is None"):
        dl.scaled(smoke=1, default=2, full=None)
    with pytest.raises(TypeError):
        dl.scaled(1, 2, 3)  # keyword-only


def test_setup_seeds_reports_and_returns_settings(scale, capsys):
    scale("smoke")
    settings = dl.setup(seed=7, notebook="99_test_notebook.ipynb")
    line = capsys.readouterr().out.strip()
    assert "\n" not in line, "setup() must print exactly one line"
    for part in ("Python", "TensorFlow", "Keras", "device: CPU", "scale: smoke"):
        assert part in line
    assert settings.scale == "smoke" and settings.seed == 7 and settings.notebook == "99_test_notebook"
    assert settings.environment in {"script", "jupyter", "nbgrader", "colab"}
    a = (random.random(), np.random.rand())
    import keras

    k1 = keras.random.uniform((3,)).numpy()
    dl.setup(seed=7, verbose=False)
    assert (random.random(), np.random.rand()) == a
    np.testing.assert_array_equal(keras.random.uniform((3,)).numpy(), k1)
    assert dl.elapsed() >= 0


def test_setup_warns_at_full_scale_without_gpu(scale):
    scale("full")
    with pytest.warns(RuntimeWarning, match="without a GPU"):
        dl.setup(verbose=False)


def test_seed_comes_from_dlcourse_seed(monkeypatch, scale):
    scale("smoke")
    monkeypatch.delenv("DLCOURSE_SEED", raising=False)
    assert dl.get_seed() == 0 and dl.setup(verbose=False).seed == 0
    monkeypatch.setenv("DLCOURSE_SEED", " 2 ")
    assert dl.get_seed() == 2
    settings = dl.setup(verbose=False)
    a = (random.random(), np.random.rand())
    assert settings.seed == 2 and "seed: 2" in settings.summary()
    dl.setup(seed=2, verbose=False)
    assert (random.random(), np.random.rand()) == a, "DLCOURSE_SEED=2 must seed like setup(seed=2)"
    assert dl.setup(seed=5, verbose=False).seed == 5, "an explicit seed wins over the environment"
    assert dl.setup(seed=np.int64(3), verbose=False).seed == 3
    monkeypatch.setenv("DLCOURSE_SEED", "")
    assert dl.get_seed() == 0


@pytest.mark.parametrize("raw", ["one", "1.5", "-1", str(2**32), "0x10"])
def test_bad_dlcourse_seed_is_a_clear_error(monkeypatch, raw):
    monkeypatch.setenv("DLCOURSE_SEED", raw)
    with pytest.raises(ValueError, match=r"DLCOURSE_SEED=.*(whole number|out of range)"):
        dl.setup(verbose=False)


def test_setup_caps_blas_threads_on_small_machines(monkeypatch):
    from threadpoolctl import threadpool_info

    from dlcourse import _config

    monkeypatch.setitem(_config._state, "blas_capped", False)
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    monkeypatch.setattr(_config.os, "cpu_count", lambda: 2)
    dl.setup(verbose=False)
    assert _config._state["blas_capped"]
    assert all(pool["num_threads"] == 1 for pool in threadpool_info()), threadpool_info()


@pytest.mark.parametrize("seed, err", [("1", TypeError), (1.5, TypeError), (True, TypeError), (-1, ValueError), (2**32, ValueError)])
def test_setup_rejects_bad_seeds(seed, err):
    with pytest.raises(err, match="seed"):
        dl.setup(seed=seed, verbose=False)


def test_setup_rejects_bad_notebook_name():
    with pytest.raises(TypeError, match="notebook="):
        dl.setup(notebook=3, verbose=False)


def test_setup_refuses_another_keras_backend(monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    with pytest.raises(RuntimeError, match="KERAS_BACKEND='jax'"):
        dl.setup(verbose=False)


def test_elapsed_needs_setup(monkeypatch):
    from dlcourse import _config

    monkeypatch.setitem(_config._state, "start", None)
    with pytest.raises(RuntimeError, match="dl.setup\\(\\) to have run first"):
        dl.elapsed()
