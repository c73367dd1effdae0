"""Losses: values against scikit-learn's metrics and closed forms, gradients, stability."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import (
    hinge_loss,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
)

from descend import check_grad, grad
from descend.losses import (
    binary_cross_entropy,
    categorical_cross_entropy,
    hinge,
    huber,
    log_softmax,
    mae,
    mse,
)

RNG = np.random.default_rng(0)
Y_TRUE = RNG.normal(size=20)
Y_PRED = RNG.normal(size=20)
WEIGHTS = RNG.uniform(0.5, 2.0, size=20)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


# Beyond |z| ~ 15 the reference 1 - sigmoid(z) loses digits that descend keeps.
finite = st.floats(-15, 15, allow_nan=False)


@pytest.mark.parametrize("weights", [None, WEIGHTS])
def test_mse_and_mae_match_sklearn(weights):
    assert mse(Y_TRUE, Y_PRED, sample_weight=weights) == pytest.approx(
        mean_squared_error(Y_TRUE, Y_PRED, sample_weight=weights), rel=1e-14
    )
    assert mae(Y_TRUE, Y_PRED, sample_weight=weights) == pytest.approx(
        mean_absolute_error(Y_TRUE, Y_PRED, sample_weight=weights), rel=1e-14
    )


def test_two_dimensional_targets_average_outputs_like_sklearn():
    y, p = Y_TRUE.reshape(10, 2), Y_PRED.reshape(10, 2)
    assert mse(y, p) == pytest.approx(mean_squared_error(y, p), rel=1e-14)
    assert mse(y, p, reduction="none").shape == (10,)


def test_huber_is_quadratic_inside_and_linear_outside():
    r = np.array([-3.0, -0.5, 0.0, 0.2, 1.5])
    expected = np.where(np.abs(r) <= 1.2, 0.5 * r**2, 1.2 * (np.abs(r) - 0.6))
    np.testing.assert_allclose(huber(np.zeros(5), r, delta=1.2, reduction="none"), expected)
    assert huber(np.zeros(5), r, delta=1.2, reduction="sum") == pytest.approx(expected.sum())


@given(arrays(np.float64, 8, elements=finite), st.integers(0, 2**32 - 1))
@settings(max_examples=25, deadline=None)
def test_binary_cross_entropy_matches_sklearn_log_loss(logits, seed):
    labels = np.random.default_rng(seed).integers(0, 2, size=8).astype(float)
    labels[:2] = [0.0, 1.0]  # log_loss needs both classes
    expected = log_loss(labels, sigmoid(logits), labels=[0, 1])
    assert binary_cross_entropy(labels, logits) == pytest.approx(expected, rel=1e-8)


def test_binary_cross_entropy_is_exact_for_extreme_logits():
    z = np.array([800.0, -800.0, 800.0, -800.0])
    y = np.array([1.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(
        binary_cross_entropy(y, z, reduction="none"), [0.0, 0.0, 800.0, 800.0]
    )
    g = grad(lambda z: binary_cross_entropy(y, z, reduction="sum"))(z)
    np.testing.assert_array_equal(g, [0.0, 0.0, 1.0, -1.0])


def test_categorical_cross_entropy_matches_sklearn_for_indices_and_one_hot():
    logits = RNG.normal(size=(30, 4)) * 3
    labels = RNG.integers(0, 4, size=30)
    expected = log_loss(labels, softmax(logits), labels=range(4))
    assert categorical_cross_entropy(labels, logits) == pytest.approx(expected, rel=1e-12)
    one_hot = np.eye(4)[labels]
    assert categorical_cross_entropy(one_hot, logits) == pytest.approx(expected, rel=1e-12)


def test_categorical_cross_entropy_is_finite_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 1000.0, 0.0]])
    values = categorical_cross_entropy(np.array([0, 0]), logits, reduction="none")
    np.testing.assert_array_equal(values, [0.0, 1000.0])
    np.testing.assert_allclose(np.exp(log_softmax(logits)).sum(axis=1), 1.0)


def test_hinge_matches_sklearn():
    labels = RNG.choice([-1, 1], size=25)
    decision = RNG.normal(size=25) * 2
    assert hinge(labels, decision) == pytest.approx(hinge_loss(labels, decision), rel=1e-14)
    # 0/1 labels are read as -1/+1
    assert hinge((labels > 0).astype(int), decision) == pytest.approx(
        hinge_loss(labels, decision), rel=1e-14
    )


@pytest.mark.parametrize(
    "loss, y_true",
    [
        (mse, Y_TRUE),
        (mae, Y_TRUE),
        (huber, Y_TRUE),
        (binary_cross_entropy, (Y_TRUE > 0).astype(float)),
        (hinge, np.sign(Y_TRUE)),
    ],
)
def test_gradients_match_finite_differences(loss, y_true):
    check_grad(lambda p: loss(y_true, p, sample_weight=WEIGHTS), Y_PRED)


def test_categorical_gradient_matches_finite_differences_and_closed_form():
    logits = RNG.normal(size=(6, 3))
    labels = np.array([0, 1, 2, 2, 1, 0])
    check_grad(lambda z: categorical_cross_entropy(labels, z), logits)
    g = grad(lambda z: categorical_cross_entropy(labels, z))(logits)
    np.testing.assert_allclose(g, (softmax(logits) - np.eye(3)[labels]) / 6, atol=1e-15)


@pytest.mark.parametrize("loss", [mse, mae, huber, binary_cross_entropy, hinge])
def test_float32_stays_float32(loss):
    y = np.array([1.0, 0.0, 1.0], dtype=np.float32)
    p = np.array([0.3, -2.0, 4.0], dtype=np.float32)
    assert loss(y, p).dtype == np.float32
    assert grad(lambda p: loss(y, p))(p).dtype == np.float32


def test_reductions_and_bad_input_errors():
    per_sample = mse(Y_TRUE, Y_PRED, reduction="none")
    assert mse(Y_TRUE, Y_PRED, reduction="sum") == pytest.approx(per_sample.sum())
    with pytest.raises(ValueError, match="reduction must be one of"):
        mse(Y_TRUE, Y_PRED, reduction="average")
    with pytest.raises(ValueError, match=r"sample_weight must have shape \(20,\)"):
        mse(Y_TRUE, Y_PRED, sample_weight=np.ones(3))
    with pytest.raises(TypeError, match="integer class indices"):
        categorical_cross_entropy(np.array([0.0, 1.0]), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="delta must be positive"):
        huber(Y_TRUE, Y_PRED, delta=0.0)
