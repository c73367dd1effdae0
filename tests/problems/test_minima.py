"""Every problem's stated minimum is right: the value at the minimiser, a vanishing gradient,
agreement with the digits printed in the papers, and SciPy finding it independently."""

import warnings

import numpy as np
import pytest
from scipy.optimize import least_squares, minimize

from descend import problems

# Default instances plus the sizes whose minimum the paper tabulates separately.
VARIANTS = [(name, {}) for name in problems.list_problems()] + [
    ("penalty_1", {"dim": 10}),
    ("penalty_2", {"dim": 10}),
    ("watson", {"dim": 9}),
    ("watson", {"dim": 12}),
    ("chebyquad", {"dim": 8}),
    ("chebyquad", {"dim": 10}),
    ("rosenbrock", {"dim": 10}),
    ("styblinski_tang", {"dim": 5}),
    ("rastrigin", {"dim": 6}),
    ("ackley", {"dim": 5}),
    ("brown_almost_linear", {"dim": 5}),
    ("trigonometric", {"dim": 2}),
    ("zakharov", {"dim": 5}),
    ("extended_rosenbrock", {"dim": 10}),
    ("extended_powell_singular", {"dim": 8}),
    ("ill_conditioned_quadratic", {"dim": 20, "cond": 1e6, "seed": 4}),
]


def _id(variant):
    name, params = variant
    return name + "".join(f"-{k}={v}" for k, v in params.items())


def _build(variant):
    name, params = variant
    return problems.get(name, **params)


def _central_gradient(fun, x, rel_step=1e-6):
    steps = rel_step * np.maximum(1.0, np.abs(x))
    gradient = np.empty_like(x)
    for i, step in enumerate(steps):
        shift = np.zeros_like(x)
        shift[i] = step
        gradient[i] = (fun(x + shift) - fun(x - shift)) / (2.0 * step)
    return gradient


def _solve_least_squares(problem):
    def flat(x):
        return np.concatenate([np.atleast_1d(r) for r in problem.fun.residuals(x)])

    solution = least_squares(
        flat, problem.x0, method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20_000
    )
    return float(np.sum(flat(solution.x) ** 2))


# Minimum values as printed in More, Garbow & Hillstrom (1981), keyed like VARIANTS ids.
PAPER_F_MIN = {
    "freudenstein_roth": 0.0,
    "powell_badly_scaled": 0.0,
    "brown_badly_scaled": 0.0,
    "beale": 0.0,
    "jennrich_sampson": 124.362,
    "helical_valley": 0.0,
    "bard": 8.21487e-3,
    "gaussian": 1.12793e-8,
    "meyer": 87.9458,
    "gulf": 0.0,
    "box_3d": 0.0,
    "powell_singular": 0.0,
    "wood": 0.0,
    "kowalik_osborne": 3.07505e-4,
    "brown_dennis": 85822.2,
    "osborne1": 5.46489e-5,
    "biggs_exp6": 0.0,
    "osborne2": 4.01377e-2,
    "watson": 2.28767e-3,
    "watson-dim=9": 1.39976e-6,
    "watson-dim=12": 4.72238e-10,
    "extended_rosenbrock": 0.0,
    "extended_powell_singular": 0.0,
    "penalty_1": 2.24997e-5,
    "penalty_1-dim=10": 7.08765e-5,
    "penalty_2": 9.37629e-6,
    "penalty_2-dim=10": 2.93660e-4,
    "variably_dimensioned": 0.0,
    "trigonometric": 0.0,
    "brown_almost_linear": 0.0,
    "discrete_boundary_value": 0.0,
    "discrete_integral_equation": 0.0,
    "broyden_tridiagonal": 0.0,
    "broyden_banded": 0.0,
    "chebyquad": 0.0,
    "chebyquad-dim=8": 3.51687e-3,
    "chebyquad-dim=10": 6.50395e-3,
}


@pytest.mark.parametrize("key", sorted(PAPER_F_MIN))
def test_f_min_agrees_with_the_digits_printed_in_the_paper(key):
    variant = next(v for v in VARIANTS if _id(v) == key)
    # The paper prints six significant digits, truncated rather than rounded.
    assert _build(variant).f_min == pytest.approx(PAPER_F_MIN[key], rel=1e-5, abs=0.0)


def test_every_mgh_problem_is_checked_against_the_paper():
    assert {name for name, _ in VARIANTS if "mgh" in problems.get(name).tags} <= set(PAPER_F_MIN)


@pytest.mark.parametrize("variant", VARIANTS, ids=_id)
def test_value_at_every_known_minimiser_is_f_min(variant):
    problem = _build(variant)
    for point in problem.minimizers:
        assert float(problem(point)) == pytest.approx(problem.f_min, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("variant", VARIANTS, ids=_id)
def test_gradient_vanishes_at_every_known_smooth_minimiser(variant):
    problem = _build(variant)
    if "nonsmooth-at-min" in problem.tags:
        return
    direction = np.random.default_rng(0).standard_normal(problem.dim)
    for point in problem.minimizers:
        nearby = point + 1e-3 * np.maximum(1.0, np.abs(point)) * direction
        # Relative to the slope a small step away, so badly scaled problems are judged fairly.
        slope_nearby = np.linalg.norm(_central_gradient(problem.fun, nearby))
        slope_at_min = np.linalg.norm(_central_gradient(problem.fun, point))
        assert slope_at_min <= 1e-4 * slope_nearby, (point, slope_at_min, slope_nearby)


# f(x0) worked out by hand from the definitions (all are exact in decimal arithmetic).
HAND_F_X0 = {
    "rosenbrock": 24.2,  # 100 (1 - 1.44)^2 + 2.2^2
    "extended_rosenbrock": 24.2,
    "freudenstein_roth": 400.5,  # 19.5^2 + (-4.5)^2
    "beale": 14.203125,  # 1.5^2 + 2.25^2 + 2.625^2 at x2 = 1
    "brown_badly_scaled": 999998000003.0,  # (1 - 1e6)^2 + (1 - 2e-6)^2 + 1
    "helical_valley": 2500.0,  # theta = 1/2, so r1 = 10 (0 - 5)
    "powell_singular": 215.0,  # 7^2 + 5 + 1 + 10 * 4^2
    "wood": 19192.0,  # 2 (100 * 100 + 16) + 90 * 100 ... see MGH 14
    "booth": 74.0,
    "zakharov": 9.3125,
    "watson": 30.0,  # 29 residuals of -1, then 0 and -1
}


@pytest.mark.parametrize("name", sorted(HAND_F_X0))
def test_value_at_the_standard_start_matches_hand_calculation(name):
    problem = problems.get(name)
    assert float(problem(problem.x0)) == pytest.approx(HAND_F_X0[name], rel=1e-14)


def _gradient_for_scipy(problem):
    """A finite-difference gradient accurate enough to pin down ill-conditioned minima.

    For sums of squares, ``2 J^T r`` with a central-difference Jacobian of the residuals
    loses far less to rounding than differencing ``f`` itself (which is flat near the
    minimum); otherwise SciPy's own 3-point differences are used.
    """
    if not hasattr(problem.fun, "residuals"):
        return "3-point"

    def flat(x):
        return np.concatenate([np.atleast_1d(r) for r in problem.fun.residuals(x)])

    def gradient(x):
        steps = 1e-7 * np.maximum(1.0, np.abs(x))
        jacobian = np.empty((flat(x).size, x.size))
        for i, step in enumerate(steps):
            shift = np.zeros_like(x)
            shift[i] = step
            jacobian[:, i] = (flat(x + shift) - flat(x - shift)) / (2.0 * step)
        return 2.0 * jacobian.T @ flat(x)

    return gradient


def _bfgs(problem, start, scale=None):
    """SciPy BFGS on ``f(scale * z)``: rescaling helps badly scaled problems, where BFGS's
    first step and stopping test (both scale-dependent) otherwise stop it early."""
    scale = np.ones(problem.dim) if scale is None else scale
    gradient = _gradient_for_scipy(problem)
    jac = gradient if gradient == "3-point" else (lambda z: gradient(z * scale) * scale)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # precision-loss warnings at the very end are expected
        result = minimize(
            lambda z: problem.fun(z * scale),
            start / scale,
            method="BFGS",
            jac=jac,
            options={"gtol": 1e-12},
        )
    result.x = result.x * scale
    return result


# From its standard start Freudenstein-Roth leads to its local minimum (tested below).
FROM_X0 = [v for v in VARIANTS if v[0] != "freudenstein_roth" and _id(v) != "watson-dim=12"]


@pytest.mark.parametrize("variant", FROM_X0, ids=_id)
def test_scipy_bfgs_from_the_standard_start_reaches_f_min(variant):
    problem = _build(variant)
    result = _bfgs(problem, problem.x0)
    assert result.fun - problem.f_min <= 1e-5 * abs(problem.f_min) + 1e-9, result.fun


def test_freudenstein_roth_start_leads_to_the_papers_local_minimum():
    problem = problems.freudenstein_roth()
    result = _bfgs(problem, problem.x0)
    assert result.fun == pytest.approx(48.9842, rel=1e-5)
    np.testing.assert_allclose(result.x, [11.41, -0.8968], rtol=1e-3)


@pytest.mark.parametrize("variant", VARIANTS, ids=_id)
def test_scipy_bfgs_started_near_each_minimiser_returns_to_it(variant):
    problem = _build(variant)
    direction = np.random.default_rng(1).standard_normal(problem.dim)
    direction /= np.linalg.norm(direction)
    # Where the Hessian is singular, f grows only quartically and x is found less precisely.
    tolerance = 1e-2 if "singular-hessian" in problem.tags else 1e-6
    for point in problem.minimizers:
        start = point + 1e-2 * np.maximum(1.0, np.abs(point)) * direction
        scale = np.where(np.abs(point) > 0.0, np.abs(point), 1.0)
        result = _bfgs(problem, start, scale if "badly-scaled" in problem.tags else None)
        assert result.fun - problem.f_min <= 1e-8 * abs(problem.f_min) + 1e-12, result.fun
        scale = np.maximum(1.0, np.abs(point))
        assert np.max(np.abs(result.x - point) / scale) <= tolerance, (point, result.x)


# Sizes whose minimiser is unknown: Levenberg-Marquardt from x0 must reach f_min.
@pytest.mark.parametrize(
    "variant",
    [v for v in VARIANTS if _build(v).x_min is None],
    ids=_id,
)
def test_least_squares_from_the_start_reaches_f_min_when_no_minimiser_is_known(variant):
    problem = _build(variant)
    found = _solve_least_squares(problem)
    # Watson with 12 variables is too ill-conditioned for float64 LM to get past 4 digits.
    rel = 1e-3 if _id(variant) == "watson-dim=12" else 1e-7
    assert found == pytest.approx(problem.f_min, rel=rel, abs=1e-20)
    assert found >= problem.f_min * (1.0 - 1e-9) - 1e-20
