"""dl.plots: every helper returns a Figure with titled, labelled axes, and rejects bad input."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from dlcourse import plots  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def assert_labelled(fig):
    assert isinstance(fig, matplotlib.figure.Figure)
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    assert axes
    for ax in axes:
        assert ax.get_title(), "every panel needs a title"
        assert ax.get_xlabel() or not ax.get_xticks().size, "x axis must be labelled"
        assert ax.get_ylabel() or not ax.get_yticks().size, "y axis must be labelled"


def test_history():
    hist = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.7, 0.8], "val_accuracy": [0.4, 0.6, 0.7]}
    fig = plots.history(hist)
    assert_labelled(fig)
    assert len(fig.axes) == 2 and len(fig.axes[0].lines) == 2

    class History:  # what model.fit returns
        history = {"loss": [1.0, 0.5]}

    assert len(plots.history(History(), title="t").axes) == 1
    with pytest.raises(ValueError, match="not in history"):
        plots.history(hist, metrics=["mae"])
    with pytest.raises(TypeError):
        plots.history([1, 2])


def test_image_grid():
    imgs = np.random.default_rng(0).integers(0, 255, (10, 8, 8), dtype=np.uint8)
    fig = plots.image_grid(imgs, labels=np.arange(10), predictions=np.r_[np.arange(9), 0], ncols=5)
    assert len(fig.axes) == 10
    titles = [ax.title for ax in fig.axes]
    assert titles[-1].get_color() == "red" and "true 9" in titles[-1].get_text()
    assert fig._suptitle.get_text() == "Images"
    plots.image_grid(np.zeros((3, 8, 8, 3)), labels=[0, 1, 2], class_names=["a", "b", "c"])
    with pytest.raises(ValueError, match="shape"):
        plots.image_grid(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="labels has 2 entries for 10 images"):
        plots.image_grid(imgs, labels=[1, 2])
    with pytest.raises(ValueError, match="ncols"):
        plots.image_grid(imgs, ncols=0)


def test_image_grid_fixed_grey_scale():
    fig = plots.image_grid(np.full((2, 4, 4), 0.2), vmin=0, vmax=1)
    assert fig.axes[0].images[0].get_clim() == (0, 1)


def test_image_grid_symmetric_colour_scale():
    filters = np.array([[[-2.0, 1.0], [0.0, 0.5]], [[0.3, -0.1], [np.nan, 0.2]]])
    fig = plots.image_grid(filters, symmetric=True)
    for ax in fig.axes[:2]:
        assert ax.images[0].get_clim() == (-2.0, 2.0) and ax.images[0].get_cmap().name == "RdBu_r"
    assert plots.image_grid(filters, symmetric=True, cmap="PiYG").axes[0].images[0].get_cmap().name == "PiYG"
    with pytest.raises(ValueError, match="either symmetric or vmin/vmax"):
        plots.image_grid(filters, symmetric=True, vmin=0)
    with pytest.raises(ValueError, match="single-channel"):
        plots.image_grid(np.zeros((2, 4, 4, 3)), symmetric=True)


def test_image_rows():
    rng = np.random.default_rng(0)
    fig = plots.image_rows({"input": rng.random((12, 5, 4)), "flat": rng.random((3, 20))}, image_shape=(5, 4),
                           ncols=10, vmin=0, vmax=1, title="Inputs and outputs")
    (ax,) = fig.axes
    assert ax.get_title() == "Inputs and outputs"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["input", "flat"]
    canvas = ax.images[0].get_array()
    assert canvas.shape == (2 * (5 + 2) + 2, 10 * (4 + 2) + 2), "ncols caps the images per row"
    assert ax.images[0].get_clim() == (0, 1)
    assert np.ma.count_masked(canvas) > 0, "frames and the short row's empty slots stay blank"
    plots.image_rows({"x": np.zeros((2, 3, 3, 1))})
    with pytest.raises(ValueError, match="image_shape"):
        plots.image_rows({"flat": np.zeros((2, 9))})
    with pytest.raises(ValueError, match="same height and width"):
        plots.image_rows({"a": np.zeros((2, 3, 3)), "b": np.zeros((2, 4, 4))})
    with pytest.raises(ValueError, match="non-empty mapping"):
        plots.image_rows([np.zeros((2, 3, 3))])
    with pytest.raises(ValueError, match="greyscale"):
        plots.image_rows({"rgb": np.zeros((2, 3, 3, 3))})


def test_confusion_matrix():
    fig = plots.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2], class_names=["a", "b", "c"])
    assert_labelled(fig)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    assert sorted(t.get_text() for t in ax.texts) == ["0", "0", "0", "0", "0", "1", "1", "1", "1"]
    fig = plots.confusion_matrix([0, 1, 1], [0, 1, 0], normalize=True)
    assert "0.50" in [t.get_text() for t in fig.axes[0].texts]
    with pytest.raises(ValueError, match="same length"):
        plots.confusion_matrix([0, 1], [0])


def test_decision_boundary_accepts_probabilities_and_classes():
    x = np.random.default_rng(0).normal(size=(40, 2))
    y = (x[:, 0] > 0).astype(int)
    for predict in (lambda g: (g[:, 0] > 0).astype(int),                      # classes
                    lambda g: 1 / (1 + np.exp(-5 * g[:, :1])),                 # P(class 1), (m, 1)
                    lambda g: np.c_[g[:, 0] <= 0, g[:, 0] > 0].astype(float)):  # probabilities (m, 2)
        fig = plots.decision_boundary(predict, x, y, resolution=20, feature_names=("a", "b"))
        assert_labelled(fig)
    fig, axes = plt.subplots(1, 2)
    assert plots.decision_boundary(lambda g: g[:, 0] > 0, x, y, ax=axes[1]) is fig
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        plots.decision_boundary(lambda g: g, np.zeros((5, 3)), np.zeros(5))
    with pytest.raises(TypeError, match="callable"):
        plots.decision_boundary("model", x, y)
    with pytest.raises(ValueError, match="resolution"):
        plots.decision_boundary(lambda g: g[:, 0] > 0, x, y, resolution=2)
    fig = plots.decision_boundary(lambda g: g[:, 0] > 0, x, y, resolution=20, point_size=3)
    assert set(fig.axes[0].collections[-1].get_sizes()) == {3}
    with pytest.raises(ValueError, match="point_size"):
        plots.decision_boundary(lambda g: g[:, 0] > 0, x, y, point_size=0)


def test_function_and_derivative():
    fig = plots.function_and_derivative(np.tanh, lambda z: 1 - np.tanh(z) ** 2, name="tanh")
    assert_labelled(fig)
    assert fig.axes[0].get_ylabel() == "tanh(z)"
    with pytest.raises(TypeError):
        plots.function_and_derivative(np.tanh, 3)
    with pytest.raises(ValueError, match="shape of x"):
        plots.function_and_derivative(np.tanh, lambda z: 1.0)
    with pytest.raises(TypeError, match="title"):
        plots.function_and_derivative(np.tanh, np.tanh, title=3)


def test_waveform_draws_the_recording_and_its_loudest_stretch():
    wave = np.zeros(800)
    wave[500:580] = np.sin(np.arange(80))                                    # the only sound
    fig = plots.waveform(wave, 8000, title="t", zoom_ms=10)
    whole, zoom = fig.axes
    assert whole.get_xlabel() == "time (s)" and zoom.get_xlabel() == "time (ms)"
    x, y = zoom.lines[0].get_data()
    assert len(x) == 80 and np.allclose(y, wave[500:580]) and np.isclose(x[0], 62.5)
    for bad in (np.zeros((2, 5)), [1.0], [0.0, np.nan], "abc"):
        with pytest.raises(ValueError, match="wave must be"):
            plots.waveform(bad, 8000)
    for rate in (0, 8000.5, True, "8000"):
        with pytest.raises(ValueError, match="sample_rate"):
            plots.waveform(wave, rate)
    for zoom_ms in (0, 1000, "20"):
        with pytest.raises(ValueError, match="zoom_ms"):
            plots.waveform(wave, 8000, zoom_ms=zoom_ms)
