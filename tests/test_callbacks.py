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
