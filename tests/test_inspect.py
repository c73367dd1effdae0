"""Input gradients and gradient importance: closed forms and finite differences."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.preprocessing import StandardScaler

from descend.inspect import gradient_importance, input_gradients
from descend.models import LinearRegression, LogisticRegression, MLPClassifier, MLPRegressor


def finite_difference_gradients(predict, X, eps=1e-6):
    grads = np.zeros_like(X)
    for j in range(X.shape[1]):
        step = np.zeros_like(X)
        step[:, j] = eps
        grads[:, j] = (predict(X + step) - predict(X - step)) / (2 * eps)
    return grads


def test_linear_regression_gradients_are_the_coefficients():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4))
    model = LinearRegression().fit(X, X @ [1.0, -2.0, 0.0, 0.5] + 3.0)
    np.testing.assert_allclose(input_gradients(model, X), np.tile(model.coef_, (30, 1)))
    np.testing.assert_allclose(gradient_importance(model, X), np.abs(model.coef_))


def test_binary_logistic_gradient_is_p_one_minus_p_times_w():
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)[:40]
    clf = LogisticRegression().fit(X, y[:40])
    p = clf.predict_proba(X)[:, 1]
    expected = (p * (1 - p))[:, None] * clf.coef_
    np.testing.assert_allclose(input_gradients(clf, X), expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(
        input_gradients(clf, X, output="decision"), np.tile(clf.coef_, (40, 1))
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("target", [None, 0, "predicted"])
def test_mlp_classifier_gradients_match_finite_differences(target):
    X, y = load_iris(return_X_y=True)
    clf = MLPClassifier((10,), activation="tanh", lr=0.01, max_iter=50, random_state=0)
    clf.fit(X, y)
    column = {None: clf.predict(X), 0: np.zeros(150, int), "predicted": clf.predict(X)}[target]

    def predict(Z):
        return clf.predict_proba(Z)[np.arange(150), column]

    np.testing.assert_allclose(
        input_gradients(clf, X, target=target), finite_difference_gradients(predict, X), atol=1e-7
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_mlp_regressor_and_plain_functions():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 3))
    model = MLPRegressor((6,), activation="softplus", max_iter=20, random_state=0)
    model.fit(X, np.sin(X[:, 0]))
    np.testing.assert_allclose(
        input_gradients(model, X), finite_difference_gradients(model.predict, X), atol=1e-7
    )
    grads = input_gradients(lambda Z: np.column_stack([Z[:, 0] * Z[:, 1], Z[:, 2]]), X, target=0)
    np.testing.assert_allclose(grads, np.column_stack([X[:, 1], X[:, 0], np.zeros(20)]))


def test_gradient_times_input():
    X = np.array([[1.0, 2.0], [-3.0, 0.5]])
    importance = gradient_importance(lambda Z: 3 * Z[:, 0] + Z[:, 1] ** 2, X, times_input=True)
    np.testing.assert_allclose(importance, [np.mean([3, 9]), np.mean([8, 0.5])])


def test_clear_errors():
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="not fitted"):
        input_gradients(LogisticRegression(), X)
    with pytest.raises(ValueError, match="must be 2-D"):
        input_gradients(lambda Z: Z, np.ones(3))
    with pytest.raises(ValueError, match="one prediction"):
        input_gradients(lambda Z: np.sum(Z), X)
    with pytest.raises(ValueError, match="output index in"):
        input_gradients(lambda Z: Z, X, target=5)
    with pytest.raises(ValueError, match="output must be"):
        input_gradients(LinearRegression().fit(X, [1.0, 2.0, 3.0]), X, output="logits")
