"""Proximal gradient and FISTA on the lasso: closed forms and optimality conditions."""

from __future__ import annotations

import numpy as np
import pytest

from descend.optim import soft_threshold
from descend.solvers import Status, minimize


def lasso_data(seed=0, n=60, d=12):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    w_true = np.where(rng.random(d) < 0.4, rng.standard_normal(d) * 3, 0.0)
    y = x @ w_true + 0.1 * rng.standard_normal(n)
    return x, y


def least_squares(x, y):
    n = len(y)

    def fun(w):
        r = x @ w - y
        return 0.5 / n * (r @ r)

    def jac(w):
        return x.T @ (x @ w - y) / n

    return fun, jac


@pytest.mark.parametrize("method", ["proximal", "fista"])
def test_orthogonal_design_lasso_is_soft_thresholded_least_squares(method):
    # With X'X = n I the lasso solution is soft_threshold(X'y / n, lam).
    rng = np.random.default_rng(1)
    n, d = 40, 8
    q, _ = np.linalg.qr(rng.standard_normal((n, d)))
    x = q * np.sqrt(n)
    y = x @ np.array([2.0, -1.5, 0.3, 0.0, 0.05, -0.2, 1.0, 0.0]) + rng.standard_normal(n) * 0.1
    lam = 0.25
    fun, jac = least_squares(x, y)
    r = minimize(fun, np.zeros(d), method=method, jac=jac, tol=1e-10, options={"l1": lam})
    expected = soft_threshold(x.T @ y / n, lam)
    assert r.success, r.message
    np.testing.assert_allclose(r.x, expected, atol=1e-9)
    assert np.sum(expected == 0) >= 2 and np.all(r.x[expected == 0] == 0.0)  # exact zeros
    assert r.fun == pytest.approx(fun(expected) + lam * np.abs(expected).sum(), rel=1e-12)


@pytest.mark.parametrize("method", ["proximal", "fista"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_general_lasso_satisfies_the_kkt_conditions(method, seed):
    x, y = lasso_data(seed)
    lam = 0.1
    fun, jac = least_squares(x, y)
    r = minimize(fun, np.zeros(x.shape[1]), method=method, jac=jac, tol=1e-9, options={"l1": lam})
    assert r.success, r.message
    g = jac(r.x)
    active = r.x != 0
    # Optimality: g_i = -lam sign(w_i) on the support, |g_i| <= lam off it.
    np.testing.assert_allclose(g[active], -lam * np.sign(r.x[active]), atol=1e-7)
    assert np.all(np.abs(g[~active]) <= lam + 1e-9)
    assert 0 < active.sum() < x.shape[1]


def test_fista_needs_fewer_iterations_than_ista():
    x, y = lasso_data(3, n=80, d=30)
    x[:, 0] *= 10  # ill-conditioned
    fun, jac = least_squares(x, y)
    ista = minimize(fun, np.zeros(30), method="proximal", jac=jac, tol=1e-7, options={"l1": 0.05})
    fista = minimize(fun, np.zeros(30), method="fista", jac=jac, tol=1e-7, options={"l1": 0.05})
    assert ista.success and fista.success
    np.testing.assert_allclose(ista.x, fista.x, atol=1e-5)
    assert fista.nit < ista.nit / 2


def test_custom_prox_on_a_pytree():
    # Non-negativity constraint via its prox (projection) on a dict of parameters.
    target = {"a": np.array([1.0, -2.0]), "b": np.array([-0.5])}

    def fun(p):
        return np.sum((p["a"] - target["a"]) ** 2) + np.sum((p["b"] - target["b"]) ** 2)

    def nonneg(p, step):
        return {k: np.maximum(v, 0.0) for k, v in p.items()}

    r = minimize(fun, {"a": np.ones(2), "b": np.ones(1)}, method="fista", prox=nonneg)
    assert r.success
    np.testing.assert_allclose(r.x["a"], [1.0, 0.0], atol=1e-7)
    np.testing.assert_allclose(r.x["b"], [0.0], atol=1e-7)


@pytest.mark.parametrize("restart", ["gradient", "function", None])
def test_fista_restart_schemes_all_converge(restart):
    x, y = lasso_data(4)
    fun, jac = least_squares(x, y)
    r = minimize(
        fun,
        np.zeros(12),
        method="fista",
        jac=jac,
        tol=1e-8,
        options={"l1": 0.1, "restart": restart},
    )
    ref = minimize(fun, np.zeros(12), method="proximal", jac=jac, tol=1e-10, options={"l1": 0.1})
    assert r.success
    np.testing.assert_allclose(r.x, ref.x, atol=1e-6)


def test_fixed_lr_without_backtracking():
    x, y = lasso_data(5)
    fun, jac = least_squares(x, y)
    lipschitz = np.linalg.eigvalsh(x.T @ x / len(y)).max()
    r = minimize(
        fun,
        np.zeros(12),
        method="fista",
        jac=jac,
        tol=1e-8,
        options={"l1": 0.1, "lr": 1.0 / lipschitz},
    )
    assert r.success
    # One gradient and one value per iteration, no backtracking evaluations.
    assert r.nfev <= 2 * r.nit + 1 + 1


def test_nesterov_is_accelerated_on_an_ill_conditioned_quadratic():
    a = np.diag(np.geomspace(1.0, 1e3, 10))
    fun = lambda w: 0.5 * w @ a @ w  # noqa: E731
    jac = lambda w: a @ w  # noqa: E731
    nesterov = minimize(fun, np.ones(10), method="nesterov", jac=jac, tol=1e-6)
    gd = minimize(
        fun, np.ones(10), method="gd", jac=jac, tol=1e-6, max_iter=50_000, options={"lr": 1e-3}
    )
    assert nesterov.success and gd.success
    assert nesterov.nit < gd.nit / 5


def test_prox_options_errors():
    fun = lambda w: np.sum(w**2)  # noqa: E731
    with pytest.raises(ValueError, match="either prox= or options"):
        minimize(fun, np.ones(2), method="fista", prox=lambda x, t: x, options={"l1": 1.0})
    with pytest.raises(ValueError, match="l1 must be a non-negative"):
        minimize(fun, np.ones(2), method="proximal", options={"l1": -1.0})
    with pytest.raises(ValueError, match="unknown restart 'sometimes'"):
        minimize(fun, np.ones(2), method="fista", options={"restart": "sometimes"})
    with pytest.raises(TypeError, match="prox must be a callable"):
        minimize(fun, np.ones(2), method="fista", prox=3)


def test_backtracking_gives_up_on_a_wrong_gradient():
    r = minimize(lambda w: np.sum(w**2), np.ones(2), method="proximal", jac=lambda w: -2 * w)
    assert r.status == Status.LINE_SEARCH_FAILED and not r.success
    assert r.nit == 0 and r.message.startswith("backtracking found no step")
