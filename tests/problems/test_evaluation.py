"""Evaluating the problems: finite in float32 and float64 around the start and over the plot
window, the helical valley's angle branch, Ackley at its cone tip, and the quadratic's
construction."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import problems

PROBLEMS = problems.all_problems()
IDS = [p.name for p in PROBLEMS]


def _random_point(problem, seed, in_window):
    rng = np.random.default_rng(seed)
    if in_window:
        (x_low, x_high), (y_low, y_high) = problem.window
        return rng.uniform([x_low, y_low], [x_high, y_high])
    # Within 10% of the start in each coordinate (at least 0.1 absolute).
    spread = 0.1 * np.maximum(1.0, np.abs(problem.x0))
    return problem.x0 + rng.uniform(-1.0, 1.0, problem.dim) * spread


@pytest.mark.parametrize("problem", PROBLEMS, ids=IDS)
@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), in_window=st.booleans())
def test_values_are_finite_and_float32_agrees_with_float64(problem, seed, in_window):
    point = _random_point(problem, seed, in_window and problem.window is not None)
    single = point.astype(np.float32)
    value_32 = problem(single)
    value_64 = float(problem(single.astype(np.float64)))
    assert np.ndim(value_32) == 0 and np.isfinite(value_32) and np.isfinite(value_64)
    # Same point, only the arithmetic differs: float32 rounding, amplified by cancellation
    # between terms at most as large as the sum of their magnitudes.
    assert float(value_32) == pytest.approx(value_64, rel=1e-3, abs=1e-4)


def test_problems_without_data_tables_keep_float32():
    for name in ["rosenbrock", "himmelblau", "rastrigin", "ackley", "wood", "powell_singular"]:
        problem = problems.get(name)
        assert problem(problem.x0.astype(np.float32)).dtype == np.float32, name


def test_helical_valley_angle_follows_the_papers_branch():
    residuals = problems.helical_valley().fun.residuals
    # r1 = 10 (x3 - 10 theta) with x3 = 0, so theta = -r1 / 100.
    expected_theta = {(1.0, 1.0): 1 / 8, (-1.0, 1.0): 3 / 8, (-1.0, 0.0): 1 / 2,
                      (-1.0, -1.0): 5 / 8, (1.0, -1.0): -1 / 8, (0.0, 1.0): 1 / 4}  # fmt: skip
    for (x1, x2), theta in expected_theta.items():
        r1 = residuals(np.array([x1, x2, 0.0]))[0]
        assert -float(r1) / 100.0 == pytest.approx(theta, abs=1e-15), (x1, x2)


def test_helical_valley_is_continuous_across_the_negative_x1_axis():
    fun = problems.helical_valley().fun
    above = float(fun(np.array([-1.0, 1e-9, 5.0])))
    below = float(fun(np.array([-1.0, -1e-9, 5.0])))
    assert above == pytest.approx(below, rel=1e-6)


def test_ackley_is_zero_at_the_origin_and_matches_its_closed_form_elsewhere():
    problem = problems.ackley(dim=2)
    assert 0.0 <= float(problem(np.zeros(2))) < 1e-15
    point = np.array([1.0, 0.0])  # r = sqrt(1/2), mean cos = 1
    expected = -20.0 * np.exp(-0.2 * np.sqrt(0.5)) - np.e + 20.0 + np.e
    assert float(problem(point)) == pytest.approx(expected, rel=1e-14)


def test_quadratic_is_reproducible_from_its_seed_and_has_the_stated_form():
    first = problems.ill_conditioned_quadratic(dim=6, cond=1e4, seed=7)
    again = problems.ill_conditioned_quadratic(dim=6, cond=1e4, seed=7)
    other = problems.ill_conditioned_quadratic(dim=6, cond=1e4, seed=8)
    np.testing.assert_array_equal(first.hessian, again.hessian)
    np.testing.assert_array_equal(first.x0, again.x0)
    assert not np.allclose(first.x_min, other.x_min)
    eigenvalues = np.linalg.eigvalsh(first.hessian)
    np.testing.assert_allclose(eigenvalues, np.logspace(0, 4, 6), rtol=1e-10)
    offset = first.x0 - first.x_min
    assert float(first(first.x0)) == pytest.approx(0.5 * offset @ first.hessian @ offset)
    assert "ill-conditioned" in first.tags
    assert "ill-conditioned" not in problems.ill_conditioned_quadratic(cond=10.0).tags


def test_brown_almost_linear_lists_every_real_zero():
    # Real roots of n a^n - (n+1) a^(n-1) + 1: a = 1, one in (0, 1), one negative if n is odd.
    assert len(problems.brown_almost_linear(dim=4).minimizers) == 2
    assert len(problems.brown_almost_linear(dim=7).minimizers) == 3
