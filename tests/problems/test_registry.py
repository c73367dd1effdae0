"""The Problem record and the name/tag registry: lookup, listing and clear errors."""

import numpy as np
import pytest

from descend import problems
from descend.problems import Problem

ALL_NAMES = problems.list_problems()


def test_every_listed_name_builds_a_problem_of_that_name():
    assert len(ALL_NAMES) == 41
    for name in ALL_NAMES:
        problem = problems.get(name)
        assert isinstance(problem, Problem)
        assert problem.name == name
        assert problem.dim == problem.x0.size
        assert problem.tags <= set(problems.TAGS)
        assert problem.reference


def test_issue_problems_are_all_registered():
    required = {
        "rosenbrock", "beale", "booth", "himmelblau", "matyas", "three_hump_camel",
        "styblinski_tang", "rastrigin", "ackley", "zakharov", "powell_singular", "wood",
        "helical_valley", "brown_badly_scaled", "freudenstein_roth", "jennrich_sampson",
        "box_3d", "extended_rosenbrock", "trigonometric", "ill_conditioned_quadratic",
    }  # fmt: skip
    assert required <= set(ALL_NAMES)


def test_get_passes_parameters_to_the_constructor():
    problem = problems.get("rosenbrock", dim=7)
    assert problem.dim == 7
    np.testing.assert_array_equal(problem.x_min, np.ones(7))
    quadratic = problems.get("ill_conditioned_quadratic", dim=4, cond=1e6, seed=3)
    eigenvalues = np.linalg.eigvalsh(quadratic.hessian)
    assert eigenvalues.max() / eigenvalues.min() == pytest.approx(1e6, rel=1e-6)


def test_unknown_name_lists_the_valid_names_and_suggests_the_closest():
    with pytest.raises(ValueError, match="unknown problem 'rosenbrok'") as info:
        problems.get("rosenbrok")
    message = str(info.value)
    assert "Did you mean 'rosenbrock'?" in message
    assert all(name in message for name in ALL_NAMES)


def test_unknown_parameter_names_the_accepted_ones():
    with pytest.raises(TypeError, match=r"'beale' got unexpected parameter\(s\) dim; .*no param"):
        problems.get("beale", dim=3)
    with pytest.raises(TypeError, match="it accepts: dim"):
        problems.get("rastrigin", n=3)


@pytest.mark.parametrize(
    ("name", "params", "message"),
    [
        ("rosenbrock", {"dim": 1}, r"rosenbrock\(dim=...\) must be an integer >= 2; got dim=1"),
        ("extended_rosenbrock", {"dim": 3}, "multiple of 2"),
        ("extended_powell_singular", {"dim": 6}, "multiple of 4"),
        ("ackley", {"dim": 2.0}, "must be an integer; got 2.0"),
        ("watson", {"dim": 7}, "must be one of 6, 9, 12"),
        ("penalty_1", {"dim": 5}, "must be one of 4, 10"),
        ("ill_conditioned_quadratic", {"cond": 0.5}, "finite number >= 1"),
    ],
)
def test_bad_dimensions_are_rejected_with_the_rule(name, params, message):
    with pytest.raises((ValueError, TypeError), match=message):
        problems.get(name, **params)


def test_list_problems_filters_by_tag():
    convex = problems.list_problems("convex")
    assert convex == ["booth", "ill_conditioned_quadratic", "matyas", "zakharov"]
    mgh = problems.list_problems("mgh")
    assert len(mgh) == 31
    assert "rosenbrock" not in mgh and "extended_rosenbrock" in mgh
    assert problems.list_problems("nonsmooth-at-min") == ["ackley"]
    assert sorted(ALL_NAMES) == ALL_NAMES


def test_unknown_tag_lists_the_valid_tags():
    with pytest.raises(ValueError, match=r"unknown tag 'convx'; valid tags: .*convex"):
        problems.list_problems("convx")


def test_windows_are_given_exactly_for_two_dimensional_problems():
    for problem in problems.all_problems():
        if problem.window is not None:
            assert problem.dim == 2, problem.name
            (x_low, x_high), (y_low, y_high) = problem.window
            assert x_low < x_high and y_low < y_high
            for point in problem.minimizers:
                assert x_low <= point[0] <= x_high and y_low <= point[1] <= y_high
    assert problems.rosenbrock(dim=3).window is None


def test_problem_arrays_are_read_only_float64_copies():
    start = [1.0, 2.0]
    problem = Problem("demo", lambda x: np.sum(x**2), x0=start, f_min=0.0, x_min=[0, 0])
    start[0] = 5.0
    assert problem.x0.dtype == np.float64 and problem.x0.tolist() == [1.0, 2.0]
    with pytest.raises(ValueError, match="read-only"):
        problem.x0[0] = 3.0
    with pytest.raises(ValueError, match="read-only"):
        problem.x_min[0] = 3.0


def test_x_min_is_always_among_the_minimizers_once():
    himmelblau = problems.himmelblau()
    assert len(himmelblau.minimizers) == 4
    np.testing.assert_array_equal(himmelblau.minimizers[0], himmelblau.x_min)
    duplicate = Problem("demo", np.sum, [0.0], 0.0, [1.0], minimizers=(np.array([1.0]),))
    assert len(duplicate.minimizers) == 1


def test_minimiser_of_the_wrong_length_is_rejected():
    with pytest.raises(ValueError, match="a minimiser has 3 entries but x0 has 2"):
        Problem("demo", np.sum, x0=[0.0, 0.0], f_min=0.0, x_min=[1.0, 2.0, 3.0])


def test_call_checks_the_shape_and_accepts_lists():
    problem = problems.booth()
    assert float(problem([1.0, 3.0])) == 0.0
    with pytest.raises(ValueError, match=r"takes a 1-D array of length 2; got .* shape \(3,\)"):
        problem(np.zeros(3))
    with pytest.raises(ValueError, match=r"shape \(1, 2\)"):
        problem(np.zeros((1, 2)))


def test_distance_to_min_uses_the_nearest_minimiser():
    himmelblau = problems.himmelblau()
    near_third = himmelblau.minimizers[2] + np.array([0.3, -0.4])
    assert himmelblau.distance_to_min(near_third) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="'watson' has no known minimiser"):
        problems.watson().distance_to_min(np.zeros(6))


def test_least_squares_problems_expose_their_residuals():
    for problem in problems.all_problems("least-squares"):
        pieces = problem.fun.residuals(problem.x0)
        total = sum(float(np.sum(np.asarray(piece) ** 2)) for piece in pieces)
        assert total == pytest.approx(float(problem(problem.x0)), rel=1e-12), problem.name
