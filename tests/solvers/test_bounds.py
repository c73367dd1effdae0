"""Box constraints: projected L-BFGS stays feasible and reaches SciPy L-BFGS-B's solutions."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import problems
from descend.solvers import minimize
from descend.solvers.bounds import box_bounds

from .objectives import make_quadratic, rosen, rosen_grad


def scipy_lbfgsb(fun, jac, x0, bounds):
    return scipy.optimize.minimize(
        fun,
        x0,
        jac=jac,
        method="L-BFGS-B",
        bounds=bounds,
        options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 10_000},
    )


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), cond=st.sampled_from([1.0, 30.0, 1e3]))
def test_bounded_quadratic_matches_scipy(seed, cond):
    q = make_quadratic(n=8, cond=cond, seed=seed)
    rng = np.random.default_rng(seed)
    center = q.x_min + rng.normal(scale=0.5, size=8)
    width = rng.uniform(0.05, 0.5, size=8)
    bounds = list(zip(center - width, center + width))
    x0 = rng.normal(size=8)
    ours = minimize(
        q.fun, x0, method="lbfgsb", jac=q.grad, bounds=bounds, tol=1e-10, options={"ftol": 0.0}
    )
    ref = scipy_lbfgsb(q.fun, q.grad, x0, bounds)
    lo, hi = np.array(bounds).T
    assert np.all(ours.x >= lo) and np.all(ours.x <= hi)
    # A strictly convex problem has one solution: both must find it.
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)
    assert ours.fun <= ref.fun + 1e-10


def test_rosenbrock_with_an_active_bound_matches_scipy():
    bounds = [(-2.0, 0.8), (-2.0, 2.0)]
    ours = minimize(
        rosen, np.array([-1.2, 1.0]), jac=rosen_grad, bounds=bounds, tol=1e-9, options={"ftol": 0.0}
    )
    ref = scipy_lbfgsb(rosen, rosen_grad, np.array([-1.2, 1.0]), bounds)
    assert ours.success, ours.message
    assert ours.x[0] == 0.8  # exactly on the bound
    np.testing.assert_allclose(ours.x, ref.x, atol=1e-6)
    np.testing.assert_allclose(ours.x, [0.8, 0.64], atol=1e-6)


@pytest.mark.parametrize(
    "name", ["extended_rosenbrock", "trigonometric", "broyden_tridiagonal", "wood", "penalty_1"]
)
def test_mgh_problems_in_a_box_match_scipy(name):
    p = problems.get(name)
    # A box that cuts off the unconstrained minimiser on some coordinates.
    rng = np.random.default_rng(0)
    center = p.x0 + rng.uniform(-0.5, 0.5, size=p.dim)
    bounds = [(c - 0.6, c + 0.6) for c in center]
    x0 = np.clip(p.x0, center - 0.6, center + 0.6)
    grad = lambda x: np.asarray(__import__("descend").grad(p.fun)(x))  # noqa: E731
    ours = minimize(p.fun, x0, bounds=bounds, tol=1e-9, options={"ftol": 0.0}, max_iter=5000)
    ref = scipy_lbfgsb(p.fun, grad, x0, bounds)
    lo, hi = np.array(bounds).T
    assert np.all(ours.x >= lo) and np.all(ours.x <= hi)
    assert ours.fun <= ref.fun + 1e-8 * max(1.0, abs(ref.fun))
    # Projected gradient is zero at the solution (KKT for a box).
    pg = np.clip(ours.x - ours.jac, lo, hi) - ours.x
    assert np.max(np.abs(pg)) <= 1e-6


def test_every_iterate_is_feasible():
    bounds = [(0.0, 0.5), (0.2, 3.0)]
    r = minimize(
        rosen, np.array([0.1, 2.5]), jac=rosen_grad, bounds=bounds, options={"keep_path": True}
    )
    path = r.history.path
    assert np.all(path >= [0.0, 0.2]) and np.all(path <= [0.5, 3.0])
    np.testing.assert_allclose(r.x, [0.5, 0.25], atol=1e-5)


def test_x0_outside_the_box_is_clipped():
    r = minimize(
        lambda x: np.sum(x**2),
        np.array([5.0, -5.0]),
        bounds=[(1, 2), (-3, -2)],
        options={"keep_path": True},
    )
    np.testing.assert_array_equal(r.history.path[0], [2.0, -3.0])
    np.testing.assert_allclose(r.x, [1.0, -2.0])


def test_scipy_bounds_object_and_infinite_bounds():
    r = minimize(
        lambda x: np.sum((x - 2.0) ** 2),
        np.zeros(3),
        bounds=scipy.optimize.Bounds([-np.inf, 0, 3], [np.inf, 1, np.inf]),
    )
    np.testing.assert_allclose(r.x, [2.0, 1.0, 3.0], atol=1e-7)


def test_fixed_variable_with_equal_bounds():
    r = minimize(lambda x: np.sum((x - 2.0) ** 2), np.zeros(2), bounds=[(0.5, 0.5), (None, None)])
    np.testing.assert_allclose(r.x, [0.5, 2.0], atol=1e-7)


def test_box_bounds_parsing():
    lo, hi = box_bounds([(None, 1), (-2, None)], 2)
    np.testing.assert_array_equal(lo, [-np.inf, -2])
    np.testing.assert_array_equal(hi, [1, np.inf])
    lo, hi = box_bounds(scipy.optimize.Bounds(0, 1), 3)
    np.testing.assert_array_equal(lo, np.zeros(3))
    with pytest.raises(ValueError, match="expected scalars or length 2"):
        box_bounds(scipy.optimize.Bounds([0, 0, 0], [1, 1, 1]), 2)
    with pytest.raises(ValueError, match="contain nan"):
        box_bounds([(np.nan, 1)], 1)
    with pytest.raises(ValueError, match="sequence of \\(low, high\\) pairs"):
        box_bounds([3.0, 4.0], 2)
