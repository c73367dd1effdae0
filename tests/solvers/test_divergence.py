"""Divergence and non-finite values stop the run with a diagnosis, never silently."""

from __future__ import annotations

import re

import numpy as np
import pytest

from descend import optim
from descend.solvers import Status, minimize

A = np.diag([1.0, 10.0])  # L = 10: gradient descent is stable for lr < 2 / L = 0.2


def quadratic(x):
    return 0.5 * x @ A @ x


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov", "fista", "proximal"])
def test_fixed_step_too_large_is_diagnosed_with_a_safe_lr(method):
    r = minimize(quadratic, np.ones(2), method=method, options={"lr": 0.5})
    assert r.status == Status.DIVERGED and not r.success
    match = re.fullmatch(
        r"step size too large: the objective grew from 5\.5 to (\S+) in (\d+) steps? "
        r"\(lr = 0\.5\); try (lr <= (\S+)|a smaller lr)",
        r.message,
    )
    assert match, r.message
    assert float(match.group(1)) > 1e8 and int(match.group(2)) == r.nit
    if match.group(4) is not None:
        # The suggestion is 1/L for the observed curvature: within the stable range.
        assert float(match.group(4)) == pytest.approx(0.1, rel=0.05)
    assert r.nit < 100  # stopped early, long before overflow


def test_gd_at_the_suggested_lr_converges():
    r = minimize(quadratic, np.ones(2), method="gd", options={"lr": 0.1})
    assert r.success and np.allclose(r.x, 0.0, atol=1e-5)


def test_overflow_to_inf_keeps_the_last_finite_point():
    def exploding(x):
        return np.sum(np.exp(x**2))

    with np.errstate(over="ignore"):
        r = minimize(exploding, np.array([1.0]), method="gd", options={"lr": 10.0})
    assert r.status == Status.DIVERGED
    assert r.message.endswith("to inf in 1 step (lr = 10); try a smaller lr")
    assert r.x[0] == 1.0 and r.fun == pytest.approx(np.e) and r.nit == 0
    assert len(r.history) == 1


def test_growth_stops_before_overflow():
    def exploding(x):
        return np.sum(np.exp(x**2))

    r = minimize(exploding, np.array([1.0]), method="gd", options={"lr": 2.0})
    assert r.status == Status.DIVERGED and "in 1 step (lr = 2); try a smaller lr" in r.message
    assert np.isfinite(r.fun) and r.fun == pytest.approx(exploding(r.x))


def test_nan_objective_mid_run_for_a_fixed_step():
    def fun(x):
        return np.sum(x**2) + (np.nan if x[0] < 0.5 else 0.0)

    r = minimize(fun, np.ones(2), method="gd", jac=lambda x: 2 * x, options={"lr": 0.3})
    assert r.status == Status.DIVERGED and "to nan in 1 step " in r.message
    np.testing.assert_array_equal(r.x, [1.0, 1.0])
    assert r.fun == 2.0 and r.nit == 0


def test_nan_along_the_search_direction_is_a_line_search_failure():
    def fun(x):
        return np.sum(x**2) + (np.nan if x[0] < 0.5 else 0.0)

    r = minimize(fun, np.ones(2), method="bfgs", jac=lambda x: 2 * x)
    assert r.status == Status.NON_FINITE and not r.success
    assert "not finite along the search direction" in r.message
    assert np.isfinite(r.fun) and r.x[0] >= 0.5


def test_non_finite_gradient_after_a_finite_step():
    # |x|^1.5 has an infinite second derivative at 0 but a finite gradient; sqrt(|x|) has an
    # infinite gradient at 0, reached exactly by the first step.
    def fun(x):
        return np.sum(np.sqrt(np.abs(x)))

    def jac(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return 0.5 * np.sign(x) / np.sqrt(np.abs(x))

    r = minimize(fun, np.array([0.25]), method="gd", jac=jac, options={"lr": 0.25})
    assert r.status == Status.DIVERGED and not r.success
    np.testing.assert_array_equal(r.x, [0.25])


@pytest.mark.parametrize("line_search", ["armijo", "wolfe"])
def test_line_searches_never_accept_a_non_finite_gradient(line_search):
    def fun(x):
        return np.sum(x**2)

    def jac(x):
        return 2 * x if x[0] > 0.9 else np.array([np.nan, 0.0])

    r = minimize(fun, np.ones(2), method="lbfgs", jac=jac, options={"line_search": line_search})
    assert r.x[0] > 0.9 and np.all(np.isfinite(r.jac))
    assert np.all(np.isfinite(r.history.grad_norm))


def test_optimizer_with_too_large_a_learning_rate():
    r = minimize(quadratic, np.ones(2), method=optim.sgd(lr=0.5))
    assert r.status == Status.DIVERGED
    assert r.message.startswith("step size too large: the objective grew from 5.5 to ")
    assert r.message.endswith("try lr <= 0.1")


def test_unbounded_objective_with_a_line_search():
    with np.errstate(over="ignore"):  # the objective itself overflows
        r = minimize(lambda x: -np.sum(x**2), np.ones(2), method="lbfgs", max_iter=200)
    # f -> -inf: the run must end (iteration limit or overflow), not loop forever.
    assert not r.success
    assert r.status in (Status.MAX_ITER, Status.NON_FINITE, Status.LINE_SEARCH_FAILED)
    assert np.isfinite(r.fun)
