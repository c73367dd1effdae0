"""`lr_find`: the schedule, the smoothing, divergence detection and suggestions near 1 / L."""

from __future__ import annotations

import numpy as np
import pytest

from descend import losses, optim
from descend.experiments import lr_find
from descend.models import LogisticRegression

H = np.array([1.0, 4.0, 10.0])  # quadratic curvatures: L = 10, gradient descent diverges > 0.2


def quadratic(w: np.ndarray) -> np.ndarray:
    return 0.5 * np.sum(H * w**2)


def _smoothness(X: np.ndarray, C: float) -> float:
    """L of the mean logistic loss + 1/(2 C n) ||w||^2: lambda_max([X 1]^T [X 1]) / 4n + 1/(Cn)."""
    n = X.shape[0]
    design = np.hstack([X, np.ones((n, 1))])
    return np.linalg.eigvalsh(design.T @ design / n).max() / 4 + 1 / (C * n)


def test_learning_rates_grow_geometrically_and_the_smoothing_is_bias_corrected() -> None:
    found = lr_find(quadratic, np.ones(3), min_lr=1e-4, max_lr=1e-1, num_steps=50, beta=0.9)
    k = np.arange(50)
    np.testing.assert_allclose(found.lrs, 1e-4 * 1000.0 ** (k / 49), rtol=1e-12)
    assert found.losses[0] == quadratic(np.ones(3))
    average, expected = 0.0, []
    for step, loss in enumerate(found.losses):
        average = 0.9 * average + 0.1 * loss
        expected.append(average / (1 - 0.9 ** (step + 1)))
    np.testing.assert_allclose(found.smoothed, expected, rtol=1e-12)
    # the raw losses are those of plain gradient descent with these rates
    w, replay = np.ones(3), []
    for lr in found.lrs:
        replay.append(quadratic(w))
        w = w - lr * H * w
    np.testing.assert_allclose(found.losses, replay, rtol=1e-12)
    assert found.diverged_at is None  # 0.1 < 2 / L


def test_divergence_stops_the_test_past_two_over_l() -> None:
    found = lr_find(quadratic, np.ones(3), min_lr=1e-4, max_lr=10.0, num_steps=100)
    assert found.diverged_at is not None and 2 / 10 < found.diverged_at < 10.0
    assert len(found.lrs) < 100 and found.lrs[-1] == found.diverged_at
    assert found.smoothed[-1] > 4 * found.smoothed[:-1].min()
    assert found.suggestion < 2 / 10  # the suggestion itself is a stable rate
    stricter = lr_find(quadratic, np.ones(3), min_lr=1e-4, max_lr=10.0, divergence_factor=1.5)
    assert stricter.diverged_at < found.diverged_at


@pytest.mark.parametrize("batch_size", [None, 32])
def test_logistic_regression_suggestion_is_near_one_over_l(
    breast_cancer: tuple, batch_size: int | None
) -> None:
    X, y = breast_cancer
    inverse_l = 1 / _smoothness(X, C=1.0)
    found = lr_find(
        (LogisticRegression(C=1.0), X, y), min_lr=1e-5, max_lr=100.0, batch_size=batch_size
    )
    assert inverse_l / 3 < found.suggestion < 3 * inverse_l
    assert found.settings["batch_size"] == batch_size


def test_loss_function_with_minibatches_of_data(breast_cancer: tuple) -> None:
    X, y = breast_cancer

    def loss_fn(params: dict, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        return losses.binary_cross_entropy(y, X @ params["w"] + params["b"])

    params = {"w": np.zeros(X.shape[1]), "b": np.zeros(())}
    found = lr_find(
        loss_fn,
        params,
        (X, y.astype(float)),
        batch_size=64,
        min_lr=1e-5,
        max_lr=100.0,
        random_state=1,
    )
    inverse_l = 1 / _smoothness(X, C=np.inf)
    assert inverse_l / 3 < found.suggestion < 3 * inverse_l
    again = lr_find(
        loss_fn,
        params,
        (X, y.astype(float)),
        batch_size=64,
        min_lr=1e-5,
        max_lr=100.0,
        random_state=1,
    )
    np.testing.assert_array_equal(found.losses, again.losses)
    np.testing.assert_array_equal(params["w"], 0.0)  # the caller's parameters are untouched


def test_min_over_ten_rule_and_other_optimizers() -> None:
    found = lr_find("rosenbrock", optimizer="adam", min_lr=1e-5, max_lr=1.0, suggest="min/10")
    best = int(np.argmin(found.smoothed[:-1] if found.diverged_at else found.smoothed))
    assert found.suggestion == pytest.approx(found.lrs[best] / 10)
    momentum = lr_find(
        quadratic,
        np.ones(3),
        optimizer=optim.sgd,
        options={"momentum": 0.9},
        min_lr=1e-4,
        max_lr=10.0,
    )
    plain = lr_find(quadratic, np.ones(3), min_lr=1e-4, max_lr=10.0)
    assert momentum.diverged_at < plain.diverged_at  # heavy ball is unstable at smaller rates


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"min_lr": 1.0, "max_lr": 0.1}, ValueError, "min_lr < max_lr"),
        ({"num_steps": 1}, ValueError, "num_steps"),
        ({"beta": 1.0}, ValueError, "beta"),
        ({"divergence_factor": 1.0}, ValueError, "divergence_factor"),
        ({"suggest": "valley"}, ValueError, "suggest"),
        ({"optimizer": "adamm"}, ValueError, "unknown optimizer"),
        ({"optimizer": optim.adam(0.1)}, TypeError, "factory"),
        ({"options": {"lr": 0.1}}, ValueError, "min_lr and max_lr"),
    ],
)
def test_bad_settings(kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        lr_find(quadratic, np.ones(3), **kwargs)


def test_bad_problem_forms() -> None:
    with pytest.raises(ValueError, match="needs params"):
        lr_find(quadratic)
    with pytest.raises(ValueError, match="only for a loss function"):
        lr_find("beale", np.ones(2))
    with pytest.raises(ValueError, match="batch_size"):
        lr_find(lambda p, x: np.sum(p * x), np.ones(2), (np.ones((4, 2)),), batch_size=10)
    with pytest.raises(ValueError, match="differ in length"):
        lr_find(lambda p, x, y: np.sum(p), np.ones(2), (np.ones((4, 2)), np.ones(3)))
