import numpy as np

import dlcourse as dl


def test_epoch_timer_records_one_positive_time_per_epoch():
    import keras

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    timer = dl.callbacks.EpochTimer()
    x = np.zeros((8, 3), "float32")
    model.fit(x, np.zeros(8), epochs=3, verbose=0, callbacks=[timer])
    assert len(timer.times) == 3 and all(t > 0 for t in timer.times)
    model.fit(x, np.zeros(8), epochs=2, verbose=0, callbacks=[timer])
    assert len(timer.times) == 2, "a new fit() starts a new list"


def _model():
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, activation="relu"), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], jit_compile=False)
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    return x, x.sum(axis=1)


def test_progress_is_silent_at_smoke_scale_and_changes_nothing(scale, capsys):
    from keras.src import utils

    scale("smoke")
    x, y = _data()
    plain = _model().fit(x, y, epochs=3, batch_size=16, verbose=0).history
    progress = dl.callbacks.Progress("net")
    assert utils.is_default(progress.on_train_batch_end), "no batch hook: Keras keeps async dispatch"
    with_progress = _model().fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[progress]).history
    assert progress.lines == [] and capsys.readouterr().out == ""
    assert plain == with_progress


def test_progress_shows_one_rewritten_line_per_run_at_default_scale(scale, capsys):
    scale("default")
    x, y = _data()
    progress = dl.callbacks.Progress("tiny net", every=0.0)
    history = _model().fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[progress, dl.callbacks.EpochTimer()]).history
    last = progress.lines[-1]
    assert last.startswith("tiny net: epoch 3/3 · loss ") and last.endswith(" s · done"), last
    assert f"loss {history['loss'][-1]:.4g}" in last and "mae" in last
    assert [line.split(" · ")[0] for line in progress.lines] == [f"tiny net: epoch {e}/3" for e in (1, 2, 3, 3)]
    out = capsys.readouterr().out  # outside Jupyter: one line rewritten with carriage returns, then a newline
    assert out.count("\n") == 1 and out.count("\r") == len(progress.lines) and out.endswith("done\n")
    progress_slow = dl.callbacks.Progress("net", every=3600.0)
    _model().fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[progress_slow])
    assert len(progress_slow.lines) == 2, "throttled: the first line and the final one"


def test_progress_refuses_the_class_and_a_bad_label():
    import pytest

    x, y = _data()
    with pytest.raises(TypeError, match="pass an instance"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[dl.callbacks.Progress])
    for bad in ("", None, 3):
        with pytest.raises(TypeError, match="label"):
            dl.callbacks.Progress(bad)


def test_progress_bar_for_other_loops(scale, capsys):
    scale("smoke")
    items = range(5)
    assert dl.callbacks.progress(items, "loop") is items
    scale("default")
    assert list(dl.callbacks.progress(items, "loop")) == [0, 1, 2, 3, 4]
    out = capsys.readouterr().out  # outside Jupyter: carriage returns on one line
    assert "loop: 5/5" in out and "\n" not in out.rstrip("\n")


def test_in_jupyter_only_the_last_line_of_a_run_stays(tmp_path):
    """Executed in a real kernel at default scale: one display output per run, updated in place."""
    import os

    import nbformat
    from nbclient import NotebookClient

    code = ("import numpy as np, keras, dlcourse as dl\n"
            "x = np.random.default_rng(0).normal(size=(64, 3)).astype('float32')\n"
            "model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
            "model.compile(optimizer='sgd', loss='mse', jit_compile=False)\n"
            "model.fit(x, x.sum(1), epochs=4, batch_size=16, verbose=0, callbacks=[dl.callbacks.Progress('demo', every=0)])\n"
            "model.fit(x, x.sum(1), epochs=2, batch_size=16, verbose=0, callbacks=[dl.callbacks.Progress('again', every=0)])\n"
            "total = sum(i for i in dl.callbacks.progress(range(50), 'loop'))")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    env_scale = os.environ.get("DLCOURSE_SCALE")
    os.environ["DLCOURSE_SCALE"] = "default"
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    finally:
        if env_scale is None:
            del os.environ["DLCOURSE_SCALE"]
        else:
            os.environ["DLCOURSE_SCALE"] = env_scale
    shown = [o for o in nb.cells[0].outputs if o.output_type == "display_data"]
    texts = [o.data["text/plain"] for o in shown]
    assert len(shown) == 3, nb.cells[0].outputs
    assert texts[2].startswith("loop: 50/50 ["), texts[2]
    assert texts[0].startswith("demo: epoch 4/4 · loss ") and texts[0].endswith("done")
    assert texts[1].startswith("again: epoch 2/2") and texts[1].endswith("done")
    assert not [o for o in nb.cells[0].outputs if o.output_type == "stream"], "no stream of rewritten lines"
