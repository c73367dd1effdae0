"""Estimator checkpoints: identical predictions, bit-identical continued training, no pickle."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning

from descend import optim
from descend.checkpoint import CheckpointError, load, read_checkpoint
from descend.models import LinearRegression, LogisticRegression, MLPClassifier, MLPRegressor


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X / 8.0, np.array(["setosa", "versicolor", "virginica"])[y]


def test_saved_classifier_predicts_identically(tmp_path, iris):
    X, y = iris
    clf = MLPClassifier((8,), lr=0.01, max_iter=30, random_state=0, dropout=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    clf.save(tmp_path / "clf.npz")
    again = load(tmp_path / "clf.npz")
    assert type(again) is MLPClassifier
    assert again.get_params() == clf.get_params()
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    np.testing.assert_array_equal(again.predict(X), clf.predict(X))
    assert again.classes_.tolist() == ["setosa", "versicolor", "virginica"]
    assert again.history_ == clf.history_ and again.n_iter_ == clf.n_iter_


def test_training_after_load_is_bit_identical(tmp_path, iris):
    X, y = iris
    kwargs = {"hidden_layer_sizes": (8,), "batch_size": 16, "random_state": 3, "dropout": 0.2}
    straight = MLPClassifier(**kwargs)
    for _ in range(6):
        straight.partial_fit(X, y, classes=np.unique(y))
    interrupted = MLPClassifier(**kwargs)
    for _ in range(2):
        interrupted.partial_fit(X, y, classes=np.unique(y))
    interrupted.save(tmp_path / "half.npz")
    resumed = load(tmp_path / "half.npz")
    for _ in range(4):
        resumed.partial_fit(X, y)
    for a, b in zip(straight.coefs_ + straight.intercepts_, resumed.coefs_ + resumed.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert resumed.n_iter_ == 6


def test_regressors_with_one_and_two_targets_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)).astype(np.float32)
    for y in (X @ [1.0, 2.0, 3.0], np.column_stack([X[:, 0], -X[:, 1]])):
        for model in (LinearRegression(penalty="l1", alpha=0.01), MLPRegressor((4,), max_iter=5)):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X, y)
            model.save(tmp_path / "m.npz")
            again = load(tmp_path / "m.npz")
            np.testing.assert_array_equal(again.predict(X), model.predict(X))
            assert again.predict(X).dtype == np.float32
            assert again.predict(X).shape == y.shape


def test_optimizer_objects_are_not_stored_and_must_be_passed_again(tmp_path, iris):
    X, y = iris
    clf = LogisticRegression(
        optimizer=optim.adam(lr=0.05), batch_size=32, max_iter=5, callbacks=[lambda state: None]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    clf.save(tmp_path / "clf.npz")
    assert read_checkpoint(tmp_path / "clf.npz")["unsaved"] == ["callbacks", "optimizer"]
    with pytest.warns(UserWarning, match=r"\['callbacks', 'optimizer'\].*reset to their defaults"):
        again = load(tmp_path / "clf.npz")
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))
    again = load(tmp_path / "clf.npz", optimizer=optim.adam(lr=0.05), callbacks=None)
    again.partial_fit(X, y)
    assert again.n_iter_ == 6


def test_object_arrays_of_strings_survive(tmp_path):
    X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 0.0]])
    labels = np.array(["no", "no", "yes", "yes"], dtype=object)  # as pandas gives them
    model = LogisticRegression().fit(X, labels)
    # what a DataFrame's column names become (pandas is not a test dependency)
    model.feature_names_in_ = np.array(["a", "b"], dtype=object)
    model.save(tmp_path / "m.npz")
    again = load(tmp_path / "m.npz")
    assert again.feature_names_in_.dtype == object
    assert again.feature_names_in_.tolist() == ["a", "b"]
    with pytest.warns(UserWarning, match="fitted with feature names"):  # it knows them
        assert again.predict(X).tolist() == ["no", "no", "yes", "yes"]


def test_unfitted_save_and_foreign_classes_are_rejected(tmp_path, iris):
    with pytest.raises(ValueError, match="not fitted yet"):
        LogisticRegression().save(tmp_path / "x.npz")
    X, y = iris
    LogisticRegression().fit(X, y).save(tmp_path / "ok.npz")
    content = read_checkpoint(tmp_path / "ok.npz")
    from descend.models.persistence import estimator_from_checkpoint

    with pytest.raises(CheckpointError, match="unknown estimator class 'Popen'"):
        estimator_from_checkpoint({**content, "class": "Popen"}, {})
