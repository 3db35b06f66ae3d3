"""dl.datasets: real data from the seeded caches, sizes by scale, and the offline error path."""

import os
import pathlib
import time

import numpy as np
import pytest

from dlcourse import datasets
from dlcourse.datasets import DatasetUnavailableError

SEEDED = "TFDS_DATA_DIR" in os.environ and pathlib.Path(os.environ["TFDS_DATA_DIR"]).is_dir()
needs_data = pytest.mark.skipif(not SEEDED, reason="needs a prepared TFDS cache (DLCOURSE_DATA_DIR or TFDS_DATA_DIR)")


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """No TFDS data and an empty Keras cache: every cached dataset is 'pulled out'."""
    monkeypatch.setenv("TFDS_DATA_DIR", str(tmp_path / "tfds"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("DLCOURSE_DATA_DIR", raising=False)  # no prepared cache to fall back on either
    return tmp_path


@needs_data
@pytest.mark.parametrize("loader, shape, n", [("load_mnist", (28, 28), (2000, 500)),
                                              ("load_fashion_mnist", (28, 28), (800, 200)),
                                              ("load_cifar10", (32, 32, 3), (2000, 500))])
def test_image_loaders_follow_keras_convention(scale, loader, shape, n):
    scale("smoke")
    (x_tr, y_tr), (x_te, y_te) = getattr(datasets, loader)()
    assert x_tr.shape == (n[0], *shape) and x_te.shape == (n[1], *shape)
    assert x_tr.dtype == np.uint8 and y_tr.dtype == np.int64 and y_tr.shape == (n[0],)
    assert set(np.unique(y_tr)) == set(range(10)), "a smoke slice must still hold every class"
    assert x_tr.max() > 200 and x_tr.min() == 0


@needs_data
def test_sizes_follow_the_scale_and_explicit_sizes(scale):
    scale("default")
    (x_tr, _), (x_te, _) = datasets.load_mnist()
    assert (len(x_tr), len(x_te)) == (10000, 2000)
    (x_tr, _), (x_te, _) = datasets.load_mnist(n_train=123, n_test=7)
    assert (len(x_tr), len(x_te)) == (123, 7)


@needs_data
def test_explicit_size_beyond_the_cache_is_capped_with_a_warning(scale):
    scale("smoke")
    available = 845  # the seeded fashion_mnist train split
    with pytest.warns(UserWarning, match="fashion_mnist: n_train=5000 but the cached 'train' split holds"):
        (x_tr, _), _ = datasets.load_fashion_mnist(n_train=5000, n_test=10)
    assert len(x_tr) <= 5000 and len(x_tr) in (available, 5000)


@pytest.mark.parametrize("kwargs, err", [({"n_train": 0}, ValueError), ({"n_train": -3}, ValueError),
                                         ({"n_train": 2.5}, TypeError), ({"n_test": "10"}, TypeError),
                                         ({"n_train": True}, TypeError)])
def test_bad_sizes_are_rejected(kwargs, err):
    with pytest.raises(err, match="n_t"):
        datasets.load_mnist(**kwargs)


@needs_data
def test_imdb_text(scale):
    scale("smoke")
    (x_tr, y_tr), (x_te, y_te) = datasets.load_imdb_reviews(n_train=50, n_test=20)
    assert x_tr.dtype == object and isinstance(x_tr[0], str) and len(x_tr[0]) > 20
    assert len(x_te) == 20 and set(np.unique(y_tr)) <= {0, 1}


@needs_data
def test_tiny_shakespeare(scale):
    scale("smoke")
    text = datasets.load_tiny_shakespeare()
    assert len(text) == 100_000 and text.startswith("First Citizen")
    assert len(datasets.load_tiny_shakespeare("validation", n_chars=500)) == 500
    with pytest.raises(ValueError, match="split must be"):
        datasets.load_tiny_shakespeare("dev")


@needs_data
def test_malaria(scale):
    scale("smoke")
    (x_tr, y_tr), (x_te, y_te) = datasets.load_malaria(n=40, image_size=32)
    assert x_tr.shape == (30, 32, 32, 3) and x_te.shape == (10, 32, 32, 3) and x_tr.dtype == np.uint8
    assert abs(y_tr.mean() - y_te.mean()) < 0.1, "the split must be stratified"
    assert set(np.unique(y_tr)) == {0, 1}
    with pytest.raises(ValueError, match="image_size"):
        datasets.load_malaria(image_size=4)
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.load_malaria(test_fraction=1.0)


@needs_data
def test_spoken_digit(scale):
    scale("smoke")
    (x_tr, y_tr), (x_te, y_te), (s_tr, s_te) = datasets.load_spoken_digit(n=100)
    assert len(x_tr) + len(x_te) == 100 and len(s_tr) == len(x_tr)
    assert x_tr[0].dtype == np.float32 and np.abs(x_tr[0]).max() <= 1.0 and x_tr[0].ndim == 1


@needs_data
def test_movielens(scale):
    scale("smoke")
    d = datasets.load_movielens(n=10)
    assert set(d) >= {"user_id", "movie_id", "rating", "movie_title"} and len(d["rating"]) == 10
    assert d["user_id"][0] == "138" and d["rating"][0] == 4.0  # the first example, as in TFRS' tutorial
    # genres come from the movie table (the padded lists of the rating records cannot tell "Action" from padding)
    assert d["movie_genres"].shape == (10, len(datasets.MOVIELENS_GENRES)) and d["movie_genres"].dtype == np.float32
    assert d["movie_genres"].sum(axis=1).min() >= 1 and set(np.unique(d["movie_genres"])) <= {0.0, 1.0}
    assert d["movie_title"][0].startswith("One Flew Over the Cuckoo") and \
        [datasets.MOVIELENS_GENRES[g] for g in np.flatnonzero(d["movie_genres"][0])] == ["Drama"]


def test_keras_file_loaders(scale):
    if not (pathlib.Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets" / "adult.data").is_file():
        pytest.skip("needs the seeded Keras cache")
    scale("smoke")
    (x_tr, y_tr), (x_te, y_te) = datasets.load_adult()
    assert x_tr.shape == (5000, 14) and len(x_te) == 2000
    assert 0.15 < y_tr.mean() < 0.35 and 0.15 < y_te.mean() < 0.35
    assert list(x_tr.columns) == datasets.ADULT_COLUMNS
    english, spanish = datasets.load_spa_eng(n=100)
    assert len(english) == len(spanish) == 100 and isinstance(english[0], str)


@pytest.mark.parametrize("loader, n_features, n_total", [("load_digits", 64, 1797), ("load_diabetes", 10, 442),
                                                         ("load_breast_cancer", 30, 569), ("load_wine", 13, 178),
                                                         ("load_iris", 4, 150)])
def test_sklearn_loaders(loader, n_features, n_total):
    (x_tr, y_tr), (x_te, y_te) = getattr(datasets, loader)(test_fraction=0.2, seed=1)
    assert x_tr.shape[1] == n_features and x_tr.dtype == np.float32
    assert len(x_tr) + len(x_te) == n_total and abs(len(x_te) - 0.2 * n_total) <= 1
    (x_tr2, _), _ = getattr(datasets, loader)(test_fraction=0.2, seed=1)
    np.testing.assert_array_equal(x_tr, x_tr2)
    with pytest.raises(ValueError, match="test_fraction"):
        getattr(datasets, loader)(test_fraction=0)
    with pytest.raises(TypeError, match="seed"):
        getattr(datasets, loader)(seed="1")


def test_sklearn_split_follows_the_run_seed(monkeypatch):
    from dlcourse import _config

    monkeypatch.setitem(_config._state, "settings", None)
    splits = {}
    for seed in ("0", "1"):
        monkeypatch.setenv("DLCOURSE_SEED", seed)
        (x_tr, _), _ = datasets.load_iris()
        splits[seed] = x_tr
        (x_same, _), _ = datasets.load_iris(seed=int(seed))
        np.testing.assert_array_equal(x_tr, x_same)
    assert not np.array_equal(splits["0"], splits["1"]), "DLCOURSE_SEED must change the default split"


def test_feature_names():
    assert datasets.feature_names("iris")[0] == "sepal length (cm)"
    assert len(datasets.feature_names("diabetes")) == 10 and len(datasets.feature_names("breast_cancer")) == 30
    with pytest.raises(ValueError, match="use one of digits"):
        datasets.feature_names("mnist")


# ---- the offline error path -------------------------------------------------------------------

@pytest.mark.parametrize("loader, name", [("load_mnist", "mnist"), ("load_cifar10", "cifar10"),
                                          ("load_imdb_reviews", "imdb_reviews"), ("load_malaria", "malaria"),
                                          ("load_tiny_shakespeare", "tiny_shakespeare"), ("load_movielens", "movielens"),
                                          ("load_spoken_digit", "spoken_digit"), ("load_fashion_mnist", "fashion_mnist"),
                                          ("load_adult", "adult"), ("load_spa_eng", "spa_eng"),
                                          ("load_retinamnist", "retinamnist"), ("load_clinc_oos", "clinc_oos"),
                                          ("load_sp500", "sp500"), ("load_creditcard_fraud", "creditcard_fraud"),
                                          ("load_esol", "esol"), ("load_tox21", "tox21"),
                                          ("load_tf_flowers", "tf_flowers"), ("load_compas", "compas")])
def test_offline_without_cache_fails_at_once_with_a_clear_error(empty_cache, monkeypatch, loader, name):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    import tensorflow  # noqa: F401  (image loaders import it first: time the failure, not a ~10 s import on a busy machine)
    t0 = time.perf_counter()
    with pytest.raises(DatasetUnavailableError) as info:
        getattr(datasets, loader)()
    assert time.perf_counter() - t0 < 10, "must fail at once, not after a retry loop"
    msg = str(info.value)
    assert f"Dataset {name!r} is not available" in msg
    assert "DLCOURSE_OFFLINE=1 forbids downloading" in msg
    assert str(empty_cache) in msg, "the message must say where it looked"
    assert "To fix it" in msg


def test_online_without_network_fails_at_once(empty_cache, monkeypatch):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "0")
    monkeypatch.setattr(datasets, "_network_available", lambda url, timeout=3.0: False)
    with pytest.raises(DatasetUnavailableError, match="cannot be reached"):
        datasets.load_mnist()
    with pytest.raises(DatasetUnavailableError, match="cannot be reached"):
        datasets.load_adult()


@needs_data
def test_pulling_one_dataset_out_of_the_cache(tmp_path, monkeypatch, scale):
    """Copy the seeded cache, remove MNIST: MNIST fails clearly, CIFAR-10 still loads."""
    scale("smoke")
    src = pathlib.Path(os.environ["TFDS_DATA_DIR"])
    dst = tmp_path / "tfds"
    dst.mkdir()
    (dst / "cifar10").symlink_to(src / "cifar10")
    monkeypatch.setenv("TFDS_DATA_DIR", str(dst))
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    with pytest.raises(DatasetUnavailableError, match="'mnist'"):
        datasets.load_mnist()
    (x, _), _ = datasets.load_cifar10(n_train=10, n_test=10)
    assert len(x) == 10


@pytest.mark.parametrize("fname, loader", [("adult.data", "load_adult"), ("delaney-processed.csv", "load_esol"),
                                           ("sp500_gspc_daily.csv", "load_sp500"),
                                           ("compas-scores-two-years.csv", "load_compas")])
def test_a_corrupt_cached_file_is_reported_not_deleted(tmp_path, monkeypatch, fname, loader):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    bad = tmp_path / "datasets" / fname
    bad.write_text("not the expected data\n")
    with pytest.raises(DatasetUnavailableError, match="is not the expected one"):
        getattr(datasets, loader)()
    assert bad.exists()


def test_bad_offline_value(monkeypatch):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "maybe")
    with pytest.raises(ValueError, match="DLCOURSE_OFFLINE='maybe'"):
        datasets.is_offline()


def test_catalog_lists_every_loader_and_its_cache_state(empty_cache):
    rows = datasets.catalog()
    names = {r["name"] for r in rows}
    loaders = {n for n in datasets.__all__ if n.startswith("load_")}
    assert {r["loader"].removeprefix("dl.datasets.") for r in rows} == loaders
    assert len(names) == len(rows)
    for r in rows:
        assert r["source"] and r["license"] and r["size"]
        assert r["cached"] == (r["location"] == "bundled with scikit-learn"), r  # nothing cached in an empty cache


@needs_data
def test_catalog_sees_the_seeded_cache():
    rows = {r["name"]: r for r in datasets.catalog()}
    assert rows["mnist"]["cached"] and rows["mnist"]["location"].endswith("3.0.1")
    # a dataset whose configs carry the version (imdb_reviews/plain_text 1.0.0) is seen too
    assert rows["imdb_reviews"]["cached"] and rows["imdb_reviews"]["location"].endswith("1.0.0")


def test_docstrings_name_shapes_source_and_license():
    for name in datasets.__all__:
        if name.startswith("load_"):
            doc = getattr(datasets, name).__doc__
            assert "Returns" in doc, name
            assert "Source" in doc and "License" in doc, name


# ---- RetinaMNIST (notebook 14) -----------------------------------------------------------------

def _retinamnist_cached():
    return (pathlib.Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets" / "retinamnist.npz").is_file()


@pytest.mark.parametrize("which, sizes", [("smoke", (600, 120, 400)), ("default", (1080, 120, 400))])
def test_retinamnist_splits_shapes_and_grades(scale, which, sizes):
    if not _retinamnist_cached():
        pytest.skip("needs the seeded Keras cache (retinamnist.npz)")
    scale(which)
    splits = datasets.load_retinamnist()
    assert tuple(len(x) for x, _ in splits) == sizes
    for x, y in splits:
        assert x.shape[1:] == (28, 28, 3) and x.dtype == np.uint8 and x.max() > 200
        assert y.dtype == np.int64 and y.shape == (len(x),) and set(np.unique(y)) <= set(range(5))
    (_, y_tr), _, (_, y_te) = splits
    assert set(np.unique(y_tr)) == set(range(5)) and set(np.unique(y_te)) == set(range(5)), "every grade is present"
    if which == "default":  # MedMNIST's published split: train grades 486/128/206/194/66
        assert np.bincount(y_tr).tolist() == [486, 128, 206, 194, 66]
    assert len(datasets.RETINAMNIST_GRADES) == 5


def test_retinamnist_explicit_sizes_are_capped_or_refused(scale):
    with pytest.raises(ValueError, match="n_val"):
        datasets.load_retinamnist(n_val=0)
    with pytest.raises(TypeError, match="n_test"):
        datasets.load_retinamnist(n_test=2.5)
    if not _retinamnist_cached():
        pytest.skip("needs the seeded Keras cache (retinamnist.npz)")
    scale("smoke")
    with pytest.warns(UserWarning, match="retinamnist: n_val=500 but the 'val' split holds 120"):
        (x_tr, _), (x_va, _), (x_te, _) = datasets.load_retinamnist(n_train=10, n_val=500, n_test=7)
    assert (len(x_tr), len(x_va), len(x_te)) == (10, 120, 7)


def test_retinamnist_corrupt_cached_file_is_reported_not_deleted(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "datasets").mkdir()
    bad = tmp_path / "datasets" / "retinamnist.npz"
    bad.write_bytes(b"not the MedMNIST file")
    with pytest.raises(DatasetUnavailableError, match="is not the expected one"):
        datasets.load_retinamnist()
    assert bad.exists()


# ---- load_clinc_oos (notebook 15) -------------------------------------------------------------

@needs_data
def test_clinc_oos_splits_intents_and_out_of_scope(scale):
    scale("smoke")
    (x_tr, y_tr), (x_val, y_val), (x_te, y_te), (oos_tr, oos_val, oos_te), names = datasets.load_clinc_oos()
    assert len(names) == 150 and names == sorted(names) and "oos" not in names
    assert all(isinstance(n, str) for n in names) and {"book_flight", "greeting", "weather"} <= set(names)
    assert (len(x_tr), len(x_val), len(x_te)) == (6000, 3000, 4500) and len(y_tr) == 6000
    assert (len(oos_tr), len(oos_val), len(oos_te)) == (100, 100, 1000)
    for x in (x_tr, x_val, x_te, oos_tr, oos_val, oos_te):
        assert x.dtype == object and all(isinstance(t, str) and t for t in x[:50])
    assert y_tr.dtype == np.int64 and set(np.unique(y_tr)) == set(range(150)), "a smoke slice must hold every intent"
    assert np.bincount(y_val, minlength=150).tolist() == [20] * 150, "the official validation split: 20 per intent"
    assert np.bincount(y_te, minlength=150).tolist() == [30] * 150, "the official test split: 30 per intent"
    # a query keeps its own intent (the second record of the stored training split)
    assert names[y_tr[list(x_tr).index("what time is it in the alaska standard timezone")]] == "time"
    assert not set(oos_te) & set(x_te), "out-of-scope queries have no intent"


@needs_data
def test_clinc_oos_sizes_follow_the_scale_and_explicit_sizes(scale):
    scale("default")
    (x_tr, _), (x_val, _), (x_te, _), _, _ = datasets.load_clinc_oos()
    assert (len(x_tr), len(x_val), len(x_te)) == (15000, 3000, 4500)
    (x_tr, y_tr), _, (x_te, y_te), oos, names = datasets.load_clinc_oos(n_train=120, n_test=7)
    assert (len(x_tr), len(y_tr), len(x_te), len(y_te)) == (120, 120, 7, 7) and len(names) == 150
    assert len(oos[2]) == 1000, "the out-of-scope queries are always whole"
    with pytest.warns(UserWarning, match="clinc_oos: n_test=9999 but the cached 'test' split holds 4500"):
        _, _, (x_te, _), _, _ = datasets.load_clinc_oos(n_train=10, n_test=9999)
    assert len(x_te) == 4500


@pytest.mark.parametrize("kwargs, err", [({"n_train": 0}, ValueError), ({"n_test": -1}, ValueError),
                                         ({"n_train": 2.5}, TypeError), ({"n_test": "10"}, TypeError)])
def test_clinc_oos_refuses_bad_sizes_before_touching_the_cache(empty_cache, monkeypatch, kwargs, err):
    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    with pytest.raises(err, match="n_t"):
        datasets.load_clinc_oos(**kwargs)


# ---- notebooks 17 and 19: prices, card fraud, molecules ------------------------------------------

def _cached(fname):
    return (pathlib.Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets" / fname).is_file()


def test_sp500_is_the_daily_index_in_date_order():
    if not _cached("sp500_gspc_daily.csv"):
        pytest.skip("needs the seeded Keras cache (sp500_gspc_daily.csv)")
    df = datasets.load_sp500()
    assert df.shape == (24_114, 6) and list(df.columns) == ["Open", "High", "Low", "Close", "Adj Close", "Volume"]
    assert df.index.name == "Date" and df.index.is_monotonic_increasing and df.index.is_unique
    assert str(df.index[0].date()) == "1927-12-30" and str(df.index[-1].date()) == "2023-12-28"
    assert (df["High"] >= df["Low"]).all() and (df["Close"] > 0).all()
    assert abs(df.loc["2023-12-28", "Close"] - 4783.35) < 0.01


def test_creditcard_sample_is_time_ordered_with_all_frauds():
    if not _cached("creditcard_ulb_sample.csv"):
        pytest.skip("needs the seeded Keras cache (creditcard_ulb_sample.csv)")
    df = datasets.load_creditcard_fraud()
    assert df.shape == (5_412, 31) and df["Class"].dtype == np.int64
    assert int(df["Class"].sum()) == 492 and df["Time"].is_monotonic_increasing
    assert list(df.columns[:2]) == ["Time", "V1"] and list(df.columns[-2:]) == ["Amount", "Class"]
    # weighting the non-frauds restores the full set's 492 / 284,807 fraud rate
    weights = np.where(df["Class"] == 1, 1.0, datasets.CREDITCARD_NONFRAUD_WEIGHT)
    assert abs(np.average(df["Class"], weights=weights) - 492 / 284_807) < 1e-9


def test_esol_targets_and_smiles():
    if not _cached("delaney-processed.csv"):
        pytest.skip("needs the seeded Keras cache (delaney-processed.csv)")
    df = datasets.load_esol()
    assert df.shape == (1_128, 4) and list(df.columns) == ["name", "smiles", "logS", "esol_predicted"]
    assert df["smiles"].str.strip().eq(df["smiles"]).all() and df["smiles"].str.len().min() > 0
    assert df["logS"].between(-12, 3).all() and df.loc[0, "name"] == "Amigdalin"
    # Delaney's equation is a fair but imperfect baseline
    assert 0.5 < np.sqrt(np.mean((df["logS"] - df["esol_predicted"]) ** 2)) < 1.5


def test_tox21_assays_sizes_and_missing_labels(scale):
    if not _cached("tox21.csv"):
        pytest.skip("needs the seeded Keras cache (tox21.csv)")
    scale("smoke")
    assert len(datasets.load_tox21()) == 2_000
    scale("default")
    df = datasets.load_tox21()
    assert df.shape == (7_831, 14) and list(df.columns[2:]) == datasets.TOX21_ASSAYS
    labels = df[datasets.TOX21_ASSAYS]
    assert set(np.unique(labels.to_numpy()[~np.isnan(labels.to_numpy())])) == {0.0, 1.0}
    assert labels.notna().sum().between(5_810, 7_265).all() and labels.isna().any().all()
    assert len(datasets.load_tox21(n=25)) == 25
    with pytest.raises(ValueError, match="n"):
        datasets.load_tox21(n=0)


@needs_data
def test_tf_flowers_square_photos_stratified_by_seed():
    (x, y), (xt, yt) = datasets.load_tf_flowers(image_size=48)
    assert x.shape == (300, 48, 48, 3) and xt.shape == (100, 48, 48, 3) and x.dtype == np.uint8
    assert np.bincount(y).tolist() == [60] * 5 and np.bincount(yt).tolist() == [20] * 5
    assert len(datasets.FLOWERS_CLASSES) == 5 and 60 < x.mean() < 200  # real photos, not blank or saturated
    (x1, _), _ = datasets.load_tf_flowers(image_size=48, seed=1)
    (x0, _), _ = datasets.load_tf_flowers(image_size=48, seed=0)
    assert not np.array_equal(x0, x1), "the seed must change the split"
    (xs, ys), (xts, _) = datasets.load_tf_flowers(image_size=32, n=40, test_fraction=0.5)
    assert len(xs) + len(xts) == 40 and xs.shape[1:] == (32, 32, 3)
    with pytest.raises(ValueError, match="image_size"):
        datasets.load_tf_flowers(image_size=4)


def test_compas_follows_propublicas_filter_and_hides_identities():
    if not _cached("compas-scores-two-years.csv"):
        pytest.skip("needs the seeded Keras cache (compas-scores-two-years.csv)")
    raw = datasets.load_compas(filtered=False)
    df = datasets.load_compas()
    assert len(raw) == 7_214 and len(df) == 6_172  # ProPublica's analysis keeps 6,172 defendants
    assert not set(datasets.COMPAS_IDENTIFYING) & set(df.columns) and "decile_score.1" not in df.columns
    assert df["days_b_screening_arrest"].abs().max() <= 30 and set(df["c_charge_degree"]) == {"F", "M"}
    assert df["decile_score"].between(1, 10).all() and set(df["two_year_recid"]) == {0, 1}
    assert int(df["two_year_recid"].sum()) == 2_809 and (df["race"] == "African-American").sum() == 3_175
    with pytest.raises(TypeError, match="filtered"):
        datasets.load_compas(filtered="yes")


# ---- a prepared cache (DLCOURSE_DATA_DIR) and prefetch -------------------------------------------

def _prepared(tmp_path, files=("adult.data", "adult.test"), models=("weights.h5",)):
    """A small prepared cache: TFDS mnist linked from the seeded one (when present), some Keras files."""
    root = tmp_path / "prepared"
    (root / "tfds").mkdir(parents=True)
    (root / "keras" / "datasets").mkdir(parents=True)
    (root / "keras" / "models").mkdir(parents=True)
    seeded_keras = pathlib.Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets"
    for f in files:
        if (seeded_keras / f).is_file():
            (root / "keras" / "datasets" / f).write_bytes((seeded_keras / f).read_bytes())
    for m in models:
        (root / "keras" / "models" / m).write_bytes(b"weights")
    if SEEDED:
        (root / "tfds" / "mnist").symlink_to(pathlib.Path(os.environ["TFDS_DATA_DIR"]) / "mnist")
    return root


@pytest.mark.parametrize("value, match", [("/nonexistent/cache", "does not exist"), ("FILE", "is not a folder"),
                                          ("EMPTY", "holds neither tfds/ nor keras/")])
def test_a_bad_data_dir_is_refused_with_the_fix(tmp_path, monkeypatch, value, match):
    (tmp_path / "file").write_text("x")
    (tmp_path / "empty").mkdir()
    value = {"FILE": str(tmp_path / "file"), "EMPTY": str(tmp_path / "empty")}.get(value, value)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", value)
    with pytest.raises(ValueError, match=match) as info:
        datasets.prepared_data_dir()
    assert "prefetch DIR" in str(info.value) and "unset DLCOURSE_DATA_DIR" in str(info.value)
    with pytest.raises(ValueError, match="DLCOURSE_DATA_DIR"):
        datasets.use_prepared_cache()


def test_the_prepared_cache_is_read_in_place_and_copied_for_keras(tmp_path, monkeypatch):
    root = _prepared(tmp_path)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(root))
    monkeypatch.delenv("TFDS_DATA_DIR", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    assert datasets.tfds_data_dir() == root / "tfds"
    root.chmod(0o555)  # read-only: a classroom's shared folder
    try:
        copied = datasets.use_prepared_cache()
    finally:
        root.chmod(0o755)
    assert "models/weights.h5" in copied and (tmp_path / "keras_home" / "models" / "weights.h5").read_bytes() == b"weights"
    assert os.environ["TFDS_DATA_DIR"] == str(root / "tfds")
    assert datasets.use_prepared_cache() == [], "files already in the Keras cache are left alone"
    if (root / "keras" / "datasets" / "adult.data").is_file():
        monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
        (x_train, _), _ = datasets.load_adult(n_train=5, n_test=5)
        assert len(x_train) == 5


def test_a_read_only_keras_cache_is_named(tmp_path, monkeypatch):
    root = _prepared(tmp_path)
    home = tmp_path / "ro_home"
    home.mkdir()
    home.chmod(0o555)
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(root))
    monkeypatch.setenv("KERAS_HOME", str(home))
    try:
        if os.access(home, os.W_OK):
            pytest.skip("root ignores permissions")
        with pytest.raises(OSError, match="Point KERAS_HOME at a writable folder"):
            datasets.use_prepared_cache()
    finally:
        home.chmod(0o755)


def test_prefetch_verifies_an_existing_cache_and_names_a_corrupt_file(tmp_path, monkeypatch):
    root = _prepared(tmp_path, files=("adult.data", "adult.test", "tox21.csv"))
    bad = root / "keras" / "datasets" / "delaney-processed.csv"
    bad.write_text("smiles,logS\nCCO,0\n")
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}
    rows = {r["name"]: r for r in datasets.prefetch(root, download=False)}
    assert rows["esol"]["state"] == "corrupt" and "delete it and prefetch again" in rows["esol"]["detail"]
    assert bad.read_text().startswith("smiles"), "a corrupt file is named, never deleted"
    assert rows["digits"]["state"] == "bundled" and rows["sp500"]["state"] == "missing"
    if (root / "keras" / "datasets" / "tox21.csv").is_file():
        assert rows["tox21"]["state"] == "ok" and rows["adult (adult.data)"]["state"] == "ok"
    if SEEDED:
        assert rows["mnist"]["state"] == "ok" and rows["cifar10"]["state"] == "missing"
    assert before == {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}, "verifying changes nothing"


def test_prefetch_command_summary_and_exit_code(tmp_path, capsys, monkeypatch):
    from dlcourse.__main__ import main

    monkeypatch.setenv("DLCOURSE_OFFLINE", "1")
    root = _prepared(tmp_path)
    assert main(["prefetch", str(root), "--verify-only"]) == 1
    out = capsys.readouterr().out
    assert f"ready in {root}" in out and "not: " in out and "missing" in out
    assert main(["prefetch", str(tmp_path / "file_not_dir_parent" / "x"), "--verify-only"]) == 1
    (tmp_path / "afile").write_text("x")
    assert main(["prefetch", str(tmp_path / "afile")]) == 2
    assert "is not a folder" in capsys.readouterr().err


def test_catalog_counts_files_of_the_prepared_cache_that_setup_will_copy(tmp_path, monkeypatch):
    """Only DLCOURSE_DATA_DIR set, an empty Keras cache: its files count (dl.setup copies them), bad ones do not."""
    if not _cached("adult.data"):
        pytest.skip("needs the seeded Keras cache (adult.data)")
    root = _prepared(tmp_path, files=("adult.data", "adult.test", "tox21.csv"))
    (root / "keras" / "datasets" / "tox21.csv").write_text("not the expected data\n")
    monkeypatch.setenv("DLCOURSE_DATA_DIR", str(root))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "empty_keras"))
    rows = {r["name"]: r for r in datasets.catalog()}
    assert rows["adult"]["cached"] and rows["adult"]["location"] == str(root / "keras" / "datasets")
    assert not rows["tox21"]["cached"] and not rows["esol"]["cached"]
    assert rows["tox21"]["location"] == str(tmp_path / "empty_keras" / "datasets")


def test_the_seeded_cache_is_complete():
    """CI's prepared cache (DLCOURSE_DATA_DIR) holds every dataset the course uses, verified."""
    try:
        root = datasets.prepared_data_dir()
    except ValueError:
        root = None
    if root is None:
        pytest.skip("no DLCOURSE_DATA_DIR")
    bad = [r for r in datasets.prefetch(root, download=False) if r["state"] not in ("ok", "bundled")]
    assert not bad, bad
