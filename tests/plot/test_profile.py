import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from descend import plot

from .fakes import bowl, make_results, make_run


def race():
    # Problem 1 (target 0.5): a solves at 10 evaluations, b at 20, c never.
    first = make_results(
        [
            make_run("a", [4.0, 0.4], nfev=[1, 10]),
            make_run("b", [4.0, 1.0, 0.1], nfev=[1, 5, 20]),
            make_run("c", [4.0, 3.0], nfev=[1, 50]),
        ],
        target=0.5,
    )
    # Problem 2 (target 0.5): b at 5, c at 20, a at 40.
    second = make_results(
        [
            make_run("a", [4.0, 0.1], nfev=[1, 40]),
            make_run("b", [4.0, 0.1], nfev=[1, 5]),
            make_run("c", [4.0, 0.2], nfev=[1, 20]),
        ],
        target=0.5,
    )
    return [first, second]


def test_ratios_are_costs_over_the_best_cost():
    methods, ratios = plot.performance_ratios(race())
    assert methods == ["a", "b", "c"]
    np.testing.assert_array_equal(ratios, [[1.0, 2.0, np.inf], [8.0, 1.0, 4.0]])
    _, by_iterations = plot.performance_ratios(race(), cost="iterations")
    np.testing.assert_array_equal(by_iterations, [[1.0, 2.0, np.inf], [1.0, 1.0, 1.0]])


def test_unknown_minimum_uses_the_more_wild_test_against_the_best_value_found():
    results = make_results(
        [make_run("a", [10.0, 1.0, 0.0], nfev=[1, 2, 3]), make_run("b", [10.0, 5e-6], nfev=[1, 9])]
    )
    results.target = math.nan
    # f_best = 0, target = 0 + 1e-6 * (10 - 0) = 1e-5: a at 3 evaluations, b at 9.
    _, ratios = plot.performance_ratios(results)
    np.testing.assert_array_equal(ratios, [[1.0, 3.0]])


def test_profile_curves_are_the_fraction_solved_within_tau():
    ax = plot.performance_profile(race(), tau_max=16).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    x, y = lines["a"].get_data()
    np.testing.assert_array_equal(x, [1.0, 1.0, 8.0, 16.0])
    np.testing.assert_array_equal(y, [0.0, 0.5, 1.0, 1.0])
    x, y = lines["c"].get_data()
    np.testing.assert_array_equal(x, [1.0, 4.0, 16.0])
    np.testing.assert_array_equal(y, [0.0, 0.5, 0.5])  # never solves problem 1
    assert ax.get_xscale() == "log"
    assert ax.get_xlim() == (1.0, 16.0)


def test_seeds_are_separate_instances():
    runs = [make_run("a", [1.0, 0.0], nfev=[1, 2], seed=s) for s in (0, 1)]
    runs += [make_run("b", [1.0, 0.0], nfev=[1, 4], seed=0)]  # b has no seed-1 run
    _methods, ratios = plot.performance_ratios(make_results(runs, bowl(), target=0.5))
    np.testing.assert_array_equal(ratios, [[1.0, 2.0], [1.0, np.inf]])


def test_bad_cost():
    with pytest.raises(ValueError, match="cost must be one of"):
        plot.performance_ratios(race(), cost="memory")
