"""Every problem is plain NumPy that descend's engine can trace: its exact gradient matches
central differences, in float64 and float32."""

import numpy as np
import pytest

import descend
from descend import problems

VARIANTS = [
    *problems.all_problems(),
    problems.rosenbrock(dim=10),
    problems.watson(dim=9),
    problems.chebyquad(dim=8),
    problems.brown_almost_linear(dim=5),
    problems.extended_powell_singular(dim=8),
]


def _central_gradient(fun, x):
    steps = 1e-6 * np.maximum(1.0, np.abs(x))
    gradient = np.empty_like(x)
    for i, step in enumerate(steps):
        shift = np.zeros_like(x)
        shift[i] = step
        gradient[i] = (fun(x + shift) - fun(x - shift)) / (2.0 * step)
    return gradient


@pytest.mark.parametrize("problem", VARIANTS, ids=[f"{p.name}-{p.dim}" for p in VARIANTS])
def test_traced_gradient_matches_central_differences(problem):
    rng = np.random.default_rng(0)
    for _ in range(3):
        x = problem.x0 + 0.05 * np.maximum(1.0, np.abs(problem.x0)) * rng.standard_normal(
            problem.dim
        )
        exact = descend.grad(problem.fun)(x)
        reference = _central_gradient(problem.fun, x)
        np.testing.assert_allclose(exact, reference, rtol=1e-5, atol=1e-6 * np.abs(reference).max())
        single = descend.grad(problem.fun)(x.astype(np.float32))
        assert np.all(np.isfinite(single))
        np.testing.assert_allclose(single, exact, rtol=2e-2, atol=2e-3 * np.abs(exact).max())


def test_ackley_gradient_at_its_cone_tip_is_the_zero_subgradient():
    gradient = descend.grad(problems.ackley(dim=3).fun)(np.zeros(3))
    np.testing.assert_array_equal(gradient, np.zeros(3))


def test_quadratic_hessian_from_the_engine_is_the_constructed_matrix():
    problem = problems.ill_conditioned_quadratic(dim=5, cond=1e3, seed=2)
    np.testing.assert_allclose(
        descend.hessian(problem.fun)(problem.x0), problem.hessian, rtol=1e-12, atol=1e-12
    )


def test_a_problem_object_is_itself_differentiable():
    problem = problems.rosenbrock()
    # Rosenbrock's gradient at (-1.2, 1), by hand: (-400 x1 (x2 - x1^2) - 2 (1 - x1), 200 (...)).
    np.testing.assert_allclose(descend.grad(problem)(problem.x0), [-215.6, -88.0], rtol=1e-12)
