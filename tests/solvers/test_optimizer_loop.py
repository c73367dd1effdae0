"""descend.optim optimizers as minimize methods, run full-batch."""

from __future__ import annotations

import numpy as np
import pytest

from descend import optim
from descend.solvers import Status, minimize

from .objectives import make_quadratic


@pytest.mark.parametrize(
    "optimizer",
    [optim.sgd(lr=0.02), optim.sgd(lr=0.01, momentum=0.9), optim.adam(lr=0.05)],
    ids=["sgd", "momentum", "adam"],
)
def test_optimizers_reach_the_quadratic_minimiser(optimizer):
    q = make_quadratic(n=4, cond=10.0)
    r = minimize(q.fun, np.zeros(4), method=optimizer, jac=q.grad, tol=1e-4, max_iter=20_000)
    assert r.success, r.message
    np.testing.assert_allclose(r.x, q.x_min, atol=1e-3)
    assert len(r.history) == r.nit + 1 and r.nfev == r.nit + 1


def test_sgd_matches_fixed_step_gradient_descent():
    q = make_quadratic(n=4, cond=10.0)
    a = minimize(q.fun, np.zeros(4), method=optim.sgd(lr=0.05), jac=q.grad, max_iter=50)
    b = minimize(q.fun, np.zeros(4), method="gd", jac=q.grad, max_iter=50, options={"lr": 0.05})
    np.testing.assert_allclose(a.x, b.x, rtol=1e-12)
    np.testing.assert_allclose(a.history.fun, b.history.fun, rtol=1e-12)


def test_optimizer_on_a_pytree_keeps_structure_and_dtype():
    def fun(p):
        return np.sum((p["w"] - 2.0) ** 2) + np.sum(p["b"] ** 2)

    x0 = {"w": np.zeros(3, dtype=np.float32), "b": np.ones(2)}
    r = minimize(fun, x0, method=optim.adam(lr=0.1), tol=1e-4, max_iter=5000)
    assert r.x["w"].dtype == np.float32
    np.testing.assert_allclose(r.x["w"], 2.0, atol=1e-3)
    np.testing.assert_allclose(r.x["b"], 0.0, atol=1e-3)


def test_reduce_on_plateau_receives_the_loss():
    # sgd at lr 0.1 > 2 / 25 diverges; reduce_on_plateau must see the loss to cut the step,
    # after which the run converges.
    a = np.diag([1.0, 25.0])
    opt = optim.chain(optim.sgd(lr=0.1), optim.reduce_on_plateau(factor=0.5, patience=3))
    r = minimize(lambda x: 0.5 * x @ a @ x, np.ones(2), method=opt, tol=1e-6, max_iter=5000)
    assert r.success, r.message
    fixed = minimize(
        lambda x: 0.5 * x @ a @ x, np.ones(2), method=optim.sgd(lr=0.1), tol=1e-6, max_iter=5000
    )
    assert fixed.status == Status.DIVERGED


def test_ftol_and_callback_apply_to_optimizers():
    q = make_quadratic(n=3)
    seen = []
    r = minimize(
        q.fun,
        np.zeros(3),
        method=optim.adam(lr=0.01),
        jac=q.grad,
        callback=lambda s: seen.append(s.nit) or s.nit == 7,
    )
    assert r.status == Status.CALLBACK and r.nit == 7 and seen == list(range(1, 8))
