"""Line searches: the conditions they promise hold at the returned step; failures are reported."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend.solvers import (
    armijo_line_search,
    exact_line_search,
    line_search,
    wolfe_line_search,
)


def quadratic(seed: int, n: int = 5, cond: float = 100.0):
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    a = q @ np.diag(np.geomspace(1.0, cond, n)) @ q.T
    b = rng.standard_normal(n)

    def value_and_grad(x):
        return float(0.5 * x @ a @ x - b @ x), a @ x - b

    return a, b, value_and_grad


def rosen_value_and_grad(x):
    f = 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2
    g = np.array([-400 * x[0] * (x[1] - x[0] ** 2) - 2 * (1 - x[0]), 200 * (x[1] - x[0] ** 2)])
    return float(f), g


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    step0=st.floats(1e-3, 50.0),
    c2=st.sampled_from([0.1, 0.5, 0.9]),
)
def test_wolfe_conditions_hold_on_quadratics(seed, step0, c2):
    _, _, vg = quadratic(seed)
    x = np.random.default_rng(seed + 1).standard_normal(5)
    f0, g0 = vg(x)
    p = -g0
    r = wolfe_line_search(vg, x, p, f0, g0, step0=step0, c1=1e-4, c2=c2)
    assert r.success and r.status == "converged"
    f, g = vg(x + r.step * p)
    assert r.f == pytest.approx(f) and np.allclose(r.g, g)
    assert f <= f0 + 1e-4 * r.step * (g0 @ p)  # sufficient decrease
    assert abs(g @ p) <= c2 * abs(g0 @ p)  # strong curvature condition
    assert r.nfev == r.ngev <= 30


@pytest.mark.parametrize("start", [(-1.2, 1.0), (0.0, 0.0), (2.0, -1.0), (-0.5, 2.0)])
@pytest.mark.parametrize("step0", [1e-4, 1e-2, 1.0, 10.0])
def test_wolfe_conditions_hold_on_rosenbrock(start, step0):
    x = np.array(start)
    f0, g0 = rosen_value_and_grad(x)
    p = -g0 / np.linalg.norm(g0)
    r = wolfe_line_search(rosen_value_and_grad, x, p, f0, g0, step0=step0, c2=0.1)
    assert r.success
    f, g = rosen_value_and_grad(x + r.step * p)
    assert f <= f0 + 1e-4 * r.step * (g0 @ p)
    assert abs(g @ p) <= 0.1 * abs(g0 @ p)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), step0=st.floats(1e-3, 100.0))
def test_armijo_condition_holds_and_first_acceptable_step_is_kept(seed, step0):
    _, _, vg = quadratic(seed)
    x = np.random.default_rng(seed + 1).standard_normal(5)
    f0, g0 = vg(x)
    p = -g0
    r = armijo_line_search(vg, x, p, f0, g0, step0=step0, c1=1e-4)
    assert r.success
    assert vg(x + r.step * p)[0] <= f0 + 1e-4 * r.step * (g0 @ p)
    if vg(x + step0 * p)[0] <= f0 + 1e-4 * step0 * (g0 @ p):
        assert r.step == step0 and r.nfev == 1
    else:
        assert r.step < step0


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_exact_search_matches_the_closed_form_on_quadratics(seed):
    a, _, vg = quadratic(seed)
    x = np.random.default_rng(seed + 1).standard_normal(5)
    f0, g0 = vg(x)
    p = -g0 + 0.1 * np.random.default_rng(seed + 2).standard_normal(5)
    if g0 @ p >= 0:
        p = -g0
    r = exact_line_search(vg, x, p, f0, g0)
    assert r.success
    assert r.step == pytest.approx(-(g0 @ p) / (p @ a @ p), rel=1e-6)
    assert r.ngev == 1


@pytest.mark.parametrize("kind", ["armijo", "wolfe", "exact"])
def test_non_descent_direction_is_reported_without_evaluating(kind):
    _, _, vg = quadratic(0)
    x = np.ones(5)
    f0, g0 = vg(x)
    r = line_search(kind, vg, x, g0, f0, g0)
    assert (r.success, r.status, r.step, r.nfev) == (False, "not_descent", 0.0, 0)
    assert "not a descent direction" in r.message
    assert r.x is x and r.f == f0


@pytest.mark.parametrize("kind", ["armijo", "wolfe", "exact"])
def test_non_finite_everywhere_but_the_start_is_reported(kind):
    def vg(x):
        if np.all(x == 1.0):
            return 1.0, np.ones(2)
        return float("nan"), np.full(2, np.nan)

    x = np.ones(2)
    r = line_search(kind, vg, x, -np.ones(2), 1.0, np.ones(2))
    assert not r.success and r.status in ("non_finite", "max_iter")
    assert r.step == 0.0 and r.f == 1.0
    assert r.nfev <= 100


@pytest.mark.parametrize("kind", ["armijo", "wolfe"])
def test_non_finite_far_away_shrinks_the_step(kind):
    # log barrier: f is nan for x >= 1, so a unit step from 0 along +1 overshoots.
    def vg(x):
        with np.errstate(invalid="ignore", divide="ignore"):
            return float(-np.log(1 - x[0]) - 2 * x[0]), np.array([1 / (1 - x[0]) - 2])

    x = np.array([0.0])
    f0, g0 = vg(x)
    r = line_search(kind, vg, x, np.array([4.0]), f0, g0, step0=1.0)
    assert r.success and 0 < r.step < 0.25
    assert np.isfinite(r.f) and r.f < f0


@pytest.mark.parametrize("kind", ["armijo", "wolfe", "exact"])
def test_flat_function_is_reported(kind):
    def vg(x):
        return 3.0, np.zeros_like(x)

    # A (wrong) non-zero gradient claims descent, but the values never change.
    r = line_search(kind, vg, np.zeros(2), np.array([-1.0, 0.0]), 3.0, np.array([1.0, 0.0]))
    assert not r.success and r.status in ("flat", "max_iter")
    assert r.step == 0.0
    if kind != "exact":
        assert r.status == "flat"


@pytest.mark.parametrize("kind", ["armijo", "wolfe"])
def test_wrong_gradient_ends_with_a_bounded_number_of_evaluations(kind):
    def vg(x):
        return float(x @ x), 2 * x

    x = np.ones(1)
    # The claimed slope is far steeper than the real one: no step can satisfy Armijo.
    r = line_search(kind, vg, x, -np.ones(1), 1.0, np.array([1e6]))
    assert not r.success and r.status in ("step_too_small", "max_iter")
    assert r.step == 0.0 and r.nfev <= 60


def test_unknown_line_search_name():
    with pytest.raises(ValueError, match="unknown line search 'backtrack'"):
        line_search("backtrack", rosen_value_and_grad, np.zeros(2), np.ones(2), 1.0, -np.ones(2))
