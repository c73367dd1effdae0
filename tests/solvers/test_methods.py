"""Every method reaches the known minimum of the problems it is meant for."""

from __future__ import annotations

import numpy as np
import pytest

from descend import problems
from descend.solvers import minimize

from .objectives import ROSEN_X0, make_quadratic, rosen, rosen_grad, rosen_hess


@pytest.fixture
def quad():
    return make_quadratic()


SMOOTH_METHODS = [
    "gd",
    "momentum",
    "nesterov",
    "newton",
    "newton-cg",
    "cg",
    "bfgs",
    "lbfgs",
    "lbfgsb",
    "proximal",
    "fista",
]


@pytest.mark.parametrize("method", SMOOTH_METHODS)
def test_every_method_finds_the_quadratic_minimiser(method, quad):
    # lambda_min(A) = 1, so |x - x*| <= sqrt(n) * gtol.
    r = minimize(
        quad.fun, np.zeros(6), method=method, jac=quad.grad, tol=1e-6, options={"ftol": 0.0}
    )
    assert r.success, r.message
    np.testing.assert_allclose(r.x, quad.x_min, atol=3e-6)
    assert r.fun == pytest.approx(quad.fun(quad.x_min), abs=1e-10)
    assert np.max(np.abs(r.jac)) <= 1e-6


@pytest.mark.parametrize("method", SMOOTH_METHODS)
def test_every_method_works_with_engine_gradients(method, quad):
    r = minimize(quad.fun, np.zeros(6), method=method, tol=1e-6, options={"ftol": 0.0})
    assert r.success, r.message
    np.testing.assert_allclose(r.x, quad.x_min, atol=3e-6)


def test_newton_solves_a_quadratic_in_one_step(quad):
    r = minimize(quad.fun, np.zeros(6), method="newton", jac=quad.grad, hess=quad.hess)
    assert r.nit == 1 and r.nhev == 1 and r.nfev == 2
    np.testing.assert_allclose(r.x, quad.x_min, rtol=1e-10)


def test_newton_cg_on_a_quadratic_takes_few_outer_steps(quad):
    # The inner CG is truncated at relative residual min(0.5, sqrt(|g|)): superlinear, not
    # one-step, convergence.
    r = minimize(
        quad.fun, np.zeros(6), method="newton-cg", jac=quad.grad, hess=quad.hess, tol=1e-10
    )
    assert r.success and r.nit <= 8
    np.testing.assert_allclose(r.x, quad.x_min, rtol=1e-8)


@pytest.mark.parametrize("variant", ["pr+", "fr", "hs", "dy"])
def test_cg_with_exact_line_search_is_linear_cg_on_quadratics(variant, quad):
    # With exact line searches every variant reduces to linear CG: n steps in exact arithmetic
    # (the exact search is accurate to about sqrt(eps) in the step, hence tol=1e-4).
    r = minimize(
        quad.fun,
        np.zeros(6),
        method="cg",
        jac=quad.grad,
        tol=1e-4,
        options={"variant": variant, "line_search": "exact", "restart_every": 100},
    )
    assert r.success and r.nit <= 6
    np.testing.assert_allclose(r.x, quad.x_min, atol=1e-4)
    gd = minimize(
        quad.fun,
        np.zeros(6),
        method="gd",
        jac=quad.grad,
        tol=1e-4,
        options={"line_search": "exact"},
    )
    assert gd.nit > 5 * r.nit


def test_bfgs_hess_inv_approaches_the_inverse_hessian(quad):
    # Quadratic termination: with exact searches H_n = A^{-1} after n steps.
    r = minimize(
        quad.fun,
        np.zeros(6),
        method="bfgs",
        jac=quad.grad,
        tol=1e-5,
        options={"line_search": "exact"},
    )
    assert r.success and r.nit <= 7
    np.testing.assert_allclose(r.hess_inv, np.linalg.inv(quad.a), atol=1e-3)


@pytest.mark.parametrize(
    "method, options",
    [
        ("newton", {}),
        ("newton", {"line_search": "wolfe"}),
        ("newton-cg", {}),
        ("cg", {"variant": "pr+"}),
        ("cg", {"variant": "fr"}),
        ("cg", {"variant": "hs"}),
        ("cg", {"variant": "dy"}),
        ("bfgs", {}),
        ("bfgs", {"line_search": "armijo"}),
        ("lbfgs", {}),
        ("lbfgs", {"memory": 3}),
        ("lbfgsb", {}),
        ("nesterov", {}),
        ("fista", {}),
        ("momentum", {}),
        ("gd", {"line_search": "wolfe"}),
    ],
)
def test_rosenbrock_from_the_standard_start(method, options):
    max_iter = 50_000 if method in ("gd",) else None
    r = minimize(
        rosen,
        ROSEN_X0,
        method=method,
        jac=rosen_grad,
        hess=rosen_hess if method.startswith("newton") else None,
        options=options,
        max_iter=max_iter,
    )
    assert r.success, r.message
    np.testing.assert_allclose(r.x, [1.0, 1.0], atol=2e-4 if method in ("gd", "momentum") else 1e-4)
    assert r.fun < 1e-8


def test_newton_handles_an_indefinite_hessian():
    # Himmelblau has saddles and maxima; from near the local maximum the Hessian is negative
    # definite, yet every step must descend.
    p = problems.get("himmelblau")
    r = minimize(p.fun, np.array([-0.3, -0.9]), method="newton")
    assert r.success
    assert p.distance_to_min(r.x) < 1e-6
    assert np.all(np.diff(r.history.fun) < 0)


def test_newton_cg_handles_negative_curvature():
    p = problems.get("himmelblau")
    r = minimize(p.fun, np.array([-0.3, -0.9]), method="newton-cg")
    assert r.success and p.distance_to_min(r.x) < 1e-5


# Problems each quasi-Newton / CG / Newton-CG run solves (SciPy's same method solves them
# too; the comparison itself is in test_against_scipy.py).
SET = [
    "beale",
    "booth",
    "box_3d",
    "brown_almost_linear",
    "brown_badly_scaled",
    "broyden_banded",
    "broyden_tridiagonal",
    "chebyquad",
    "discrete_boundary_value",
    "discrete_integral_equation",
    "extended_powell_singular",
    "extended_rosenbrock",
    "gaussian",
    "helical_valley",
    "himmelblau",
    "ill_conditioned_quadratic",
    "matyas",
    "powell_singular",
    "rosenbrock",
    "three_hump_camel",
    "trigonometric",
    "variably_dimensioned",
    "wood",
    "zakharov",
    "watson",
    "penalty_1",
    "penalty_2",
    "kowalik_osborne",
    "jennrich_sampson",
    "bard",
]


# Where a method stops elsewhere, and SciPy's same method stops at the same value.
KNOWN_ENDS = {
    ("lbfgs", "wood"): 7.876952,  # ftol stop near the saddle, as SciPy's L-BFGS-B
    ("newton-cg", "three_hump_camel"): 0.298638,  # local minimum, as SciPy's Newton-CG
    ("newton", "three_hump_camel"): 0.298638,
}


@pytest.mark.parametrize("method", ["bfgs", "lbfgs", "newton-cg", "cg", "newton"])
def test_problem_set(method):
    unsolved = []
    for name in SET:
        p = problems.get(name)
        r = minimize(p.fun, p.x0, method=method, max_iter=3000)
        if (method, name) in KNOWN_ENDS:
            assert r.fun == pytest.approx(KNOWN_ENDS[method, name], rel=1e-5)
        elif not r.fun - p.f_min <= 1e-4 * max(1.0, abs(p.f_min)):
            unsolved.append((name, r.fun, r.message))
    assert unsolved == []


@pytest.mark.parametrize("method", ["gd", "momentum", "nesterov", "fista", "proximal"])
@pytest.mark.parametrize("name", ["booth", "matyas", "zakharov", "ill_conditioned_quadratic"])
def test_first_order_methods_on_convex_problems(method, name):
    p = problems.get(name)
    r = minimize(p.fun, p.x0, method=method, tol=1e-7, max_iter=20_000)
    assert r.success, r.message
    assert r.fun - p.f_min <= 1e-8 * max(1.0, abs(p.f_min))
    assert p.distance_to_min(r.x) <= 1e-3
