"""Multilayer perceptrons: accuracy against scikit-learn's MLP, layers, dropout, options."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from threadpoolctl import threadpool_limits

from descend import value_and_grad
from descend.models import MLPClassifier, MLPRegressor
from descend.models.network import ACTIVATIONS, forward


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)


def test_digits_accuracy_at_least_sklearn_with_the_same_architecture(digits):
    X_train, X_test, y_train, y_test = digits
    ours, reference = [], []
    # Both with their defaults: 100 ReLU units, Adam, batches of 200, alpha 1e-4, up to 200
    # epochs with the same tol-based stop; mean test accuracy over three seeds.
    with threadpool_limits(1), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in range(3):
            ours.append(MLPClassifier(random_state=seed).fit(X_train, y_train))
            reference.append(SkMLPClassifier(random_state=seed).fit(X_train, y_train))
    ours_accuracy = np.mean([m.score(X_test, y_test) for m in ours])
    reference_accuracy = np.mean([m.score(X_test, y_test) for m in reference])
    assert ours_accuracy >= reference_accuracy
    assert ours_accuracy > 0.975
    assert [w.shape for w in ours[0].coefs_] == [w.shape for w in reference[0].coefs_]


def test_binary_classifier_uses_one_logistic_output():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    y = np.where(X[:, 0] * X[:, 1] > 0, "same", "diff")  # XOR: needs the hidden layer
    clf = MLPClassifier(
        (16,), activation="tanh", lr=0.02, batch_size=32, max_iter=300, random_state=0
    ).fit(X, y)
    assert clf.coefs_[-1].shape == (16, 1) and clf.n_outputs_ == 1
    assert clf.score(X, y) > 0.95
    proba = clf.predict_proba(X)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.classes_[np.argmax(proba, axis=1)], clf.predict(X))


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_activation_learns_a_smooth_function(activation):
    X = np.linspace(-2, 2, 64)[:, None]
    y = np.sin(X[:, 0])
    model = MLPRegressor(
        (32,), activation=activation, optimizer="lbfgs", max_iter=300, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    expected = 0.9 if activation == "identity" else 0.999  # identity is a linear model
    assert model.score(X, y) > (0.5 if activation == "identity" else expected)


def test_network_gradient_matches_finite_differences():
    from descend import check_grad

    rng = np.random.default_rng(0)
    model = MLPClassifier((5, 4), activation="gelu", max_iter=1, random_state=0)
    params = model._init_params(3, 3, rng, np.float64)
    X, y = rng.normal(size=(7, 3)), np.array([0, 1, 2, 0, 1, 2, 0])
    objective = model._objective(7, None)
    check_grad(lambda p: objective(p, X, y), params)


@pytest.mark.parametrize(
    "weight_init, activation, check",
    [
        (
            "he",
            "tanh",
            lambda w, fan_in, fan_out: np.std(w) == pytest.approx(np.sqrt(2 / fan_in), rel=0.05),
        ),
        (
            "glorot",
            "relu",
            lambda w, fan_in, fan_out: np.max(np.abs(w)) <= np.sqrt(6 / (fan_in + fan_out)),
        ),
        (
            "auto",
            "relu",
            lambda w, fan_in, fan_out: np.std(w) == pytest.approx(np.sqrt(2 / fan_in), rel=0.05),
        ),
        (
            "auto",
            "tanh",
            lambda w, fan_in, fan_out: (
                np.std(w) == pytest.approx(np.sqrt(2 / (fan_in + fan_out)), rel=0.05)
            ),
        ),
    ],
)
def test_weight_initialisation(weight_init, activation, check):
    model = MLPRegressor((400,), activation=activation, weight_init=weight_init)
    params = model._init_params(300, 200, np.random.default_rng(0), np.float64)
    w = params["coefs"][0]
    assert check(w, 300, 400)
    assert not np.any(params["intercepts"][0])


def test_dropout_is_random_in_training_and_off_in_prediction():
    p = {
        "coefs": [np.ones((4, 1000)), np.ones((1000, 1))],
        "intercepts": [np.zeros(1000), np.zeros(1)],
    }
    X = np.ones((2, 4))
    rng = np.random.default_rng(0)
    kept = forward(p, X, "relu", dropout=0.25, rng=rng)
    # inverted dropout: each unit 4 / 0.75 or 0; the mean over 1000 units stays 4000
    assert kept[0, 0] != kept[1, 0]
    assert kept[0, 0] == pytest.approx(4000, rel=0.1)
    np.testing.assert_array_equal(forward(p, X, "relu"), [[4000.0], [4000.0]])
    # gradients flow only through the kept units
    g = value_and_grad(lambda p: np.sum(forward(p, X[:1], "relu", 0.5, np.random.default_rng(1))))(
        p
    )[1]
    dropped = g["coefs"][1][:, 0] == 0
    assert 0.4 < dropped.mean() < 0.6


def test_dropout_training_is_reproducible_and_differs_from_no_dropout(digits):
    X_train, X_test, y_train, _ = digits
    kwargs = {"hidden_layer_sizes": (32,), "max_iter": 5, "random_state": 1}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = MLPClassifier(dropout=0.2, **kwargs).fit(X_train, y_train)
        b = MLPClassifier(dropout=0.2, **kwargs).fit(X_train, y_train)
        c = MLPClassifier(dropout=0.0, **kwargs).fit(X_train, y_train)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])
    np.testing.assert_array_equal(a.predict_proba(X_test), a.predict_proba(X_test))


def test_early_stopping_history_has_validation_loss_and_score(digits):
    X_train, _, y_train, _ = digits
    clf = MLPClassifier(
        (32,), lr=0.01, early_stopping=True, n_iter_no_change=3, max_iter=200, random_state=0
    ).fit(X_train, y_train)
    history = clf.history_
    assert len(history["val_loss"]) == len(history["val_score"]) == clf.n_iter_ < 200
    assert clf.loss_curve_ == history["loss"]
    assert max(history["val_score"]) > 0.9


def test_partial_fit_and_float32(digits):
    X_train, X_test, y_train, y_test = digits
    clf = MLPClassifier((32,), batch_size=100, random_state=0)
    for _ in range(15):
        clf.partial_fit(X_train.astype(np.float32), y_train, classes=np.arange(10))
    assert clf.n_iter_ == 15
    assert clf.coefs_[0].dtype == np.float32
    assert clf.score(X_test.astype(np.float32), y_test) > 0.9
    # each call: ceil(1347 / 100) = 14 Adam steps
    assert clf._state.opt_state["parts"][1]["count"] == 15 * 14


def test_bad_network_settings_raise_clear_errors():
    X, y = np.ones((10, 2)), np.arange(10.0)
    for model, match in [
        (MLPRegressor(activation="swish"), "activation must be one of"),
        (MLPRegressor(dropout=1.0), r"dropout must be in \[0, 1\)"),
        (MLPRegressor(hidden_layer_sizes=(3, 0)), "hidden_layer_sizes must hold positive"),
        (MLPRegressor(weight_init="lecun"), "weight_init must be"),
    ]:
        with pytest.raises(ValueError, match=match):
            model.fit(X, y)


def test_regressor_early_stopping_scores_r2_and_restores_the_best_epoch():
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(300, 2))
    y = np.sin(X[:, 0]) * X[:, 1] + 0.3 * rng.normal(size=300)
    model = MLPRegressor(
        (64,),
        lr=0.01,
        batch_size=16,
        early_stopping=True,
        n_iter_no_change=5,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    scores = model.history_["val_score"]
    memory = model._state.early_stopping
    assert model.n_iter_ == memory["best_epoch"] + 5 < 300
    assert max(scores) == scores[memory["best_epoch"] - 1] > 0.6
    for kept, best in zip(model.coefs_, memory["best_params"]["coefs"]):
        np.testing.assert_array_equal(kept, best)
