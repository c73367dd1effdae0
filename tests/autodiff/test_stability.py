"""Numerically stable formulations stay finite and exact far out: logaddexp, softplus, sigmoid
and log-sum-exp at +-1000, +-50 and 0, at first and second order."""

from __future__ import annotations

import numpy as np
import pytest

from descend import grad, hessian, stop_gradient

POINTS = [-1000.0, -50.0, 0.0, 50.0, 1000.0]


def _sigmoid(x: float) -> float:
    """Reference logistic function, exact at any float input."""
    return 1.0 / (1.0 + np.exp(-x)) if x >= 0 else np.exp(x) / (1.0 + np.exp(x))


def _sigmoid_slope(x: float) -> float:
    """s'(x) = s(x) s(-x), written so that it does not round to 0 where s(x) rounds to 1."""
    return _sigmoid(x) * _sigmoid(-x)


def softplus_logaddexp(x):
    return np.logaddexp(0.0, x)


def softplus_split(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def sigmoid_where(x):
    # Both branches are evaluated; the one not taken overflows (exp(1000) == inf), and its
    # zero cotangent must stay zero rather than become 0 * inf = NaN.
    return np.where(x >= 0, 1.0 / (1.0 + np.exp(-x)), np.exp(x) / (1.0 + np.exp(x)))


def logsumexp(x, stop=False):
    m = np.max(x)
    if stop:
        m = stop_gradient(m)
    return m + np.log(np.sum(np.exp(x - m)))


@pytest.mark.parametrize("x", POINTS)
@pytest.mark.parametrize("y", [0.0, 3.0])
def test_logaddexp_both_arguments(x: float, y: float) -> None:
    with np.errstate(over="raise", invalid="raise"):
        gx, gy = grad(np.logaddexp, argnums=(0, 1))(x, y)
    assert gx == pytest.approx(_sigmoid(x - y), rel=1e-12, abs=1e-300)
    assert gy == pytest.approx(_sigmoid(y - x), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("x", POINTS)
def test_logaddexp2(x: float) -> None:
    g = grad(lambda x: np.logaddexp2(x, 1.0))(x)
    assert g == pytest.approx(_sigmoid((x - 1.0) * np.log(2)), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("softplus", [softplus_logaddexp, softplus_split])
@pytest.mark.parametrize("x", POINTS)
def test_softplus_first_order(softplus, x: float) -> None:
    g = grad(softplus)(x)
    assert np.isfinite(g)
    assert g == pytest.approx(_sigmoid(x), rel=1e-12, abs=1e-300)


@pytest.mark.parametrize("x", POINTS)
def test_softplus_second_order(x: float) -> None:
    assert grad(grad(softplus_logaddexp))(x) == pytest.approx(
        _sigmoid_slope(x), rel=1e-10, abs=1e-300
    )


@pytest.mark.parametrize("x", [p for p in POINTS if p != 0.0])
def test_softplus_split_second_order_away_from_its_kinks(x: float) -> None:
    # maximum and abs each have a kink at 0 (the kinks cancel in the sum, but their second
    # derivatives are zero there), so second order is meaningful away from 0 only.
    assert grad(grad(softplus_split))(x) == pytest.approx(_sigmoid_slope(x), rel=1e-10, abs=1e-300)


@pytest.mark.parametrize("x", POINTS)
def test_sigmoid_with_where_of_both_branches(x: float) -> None:
    with np.errstate(over="ignore", invalid="ignore"):
        g = grad(sigmoid_where)(x)
        h = grad(grad(sigmoid_where))(x)
    assert g == pytest.approx(_sigmoid_slope(x), rel=1e-10, abs=1e-300)
    # s'' = s' (1 - 2 s) = s' (s(-x) - s(x))
    assert h == pytest.approx(
        _sigmoid_slope(x) * (_sigmoid(-x) - _sigmoid(x)), rel=1e-8, abs=1e-300
    )


@pytest.mark.parametrize("stop", [False, True], ids=["max traced", "max stopped"])
@pytest.mark.parametrize("v", POINTS)
def test_logsumexp_with_max_subtraction(v: float, stop: bool) -> None:
    x = np.array([v, v / 2, 0.0, 1.0])
    p = np.exp(x - np.max(x))
    p /= p.sum()
    g = grad(lambda x: logsumexp(x, stop))(x)
    np.testing.assert_allclose(g, p, rtol=1e-12, atol=1e-300)
    H = hessian(lambda x: logsumexp(x, stop))(x)
    assert np.all(np.isfinite(H))
    np.testing.assert_allclose(H, np.diag(p) - np.outer(p, p), rtol=1e-10, atol=1e-15)


@pytest.mark.parametrize("x", [-1000.0, -100.0, 100.0, 1000.0])
def test_float32_softplus_and_logsumexp(x: float) -> None:
    x32 = np.float32(x)
    g = grad(softplus_logaddexp)(x32)
    assert g.dtype == np.float32
    assert g == pytest.approx(_sigmoid(x), abs=1e-7)
    v = np.array([x, 0.0], np.float32)
    gl = grad(logsumexp)(v)
    assert gl.dtype == np.float32
    np.testing.assert_allclose(gl, [_sigmoid(x), _sigmoid(-x)], atol=1e-7)


def test_sqrt_of_sum_of_squares_is_finite_where_a_branch_is_unused() -> None:
    # A zero cotangent through an infinite local derivative stays zero: sqrt(0) under where.
    def f(x):
        safe = np.where(x > 0, x, 1.0)
        return np.sum(np.where(x > 0, np.sqrt(safe), 0.0))

    g = grad(f)(np.array([0.0, 4.0]))
    np.testing.assert_array_equal(g, [0.0, 0.25])
