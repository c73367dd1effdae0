import numpy as np
import pytest

pytest.importorskip("matplotlib")

import descend
from descend import plot, problems
from descend.experiments import Results, Run
from descend.problems import Problem

from .fakes import bowl, make_results, make_run


def test_paths_start_and_minimum_are_drawn_where_they_are():
    path_gd = [[2.0, 1.0], [1.0, 0.2], [0.1, 0.0]]
    path_cg = [[2.0, 1.0], [0.0, 0.0]]
    runs = [
        make_run("gd", [8.0, 1.2, 0.01], path=path_gd, seed=1),
        make_run("gd", [8.0, 1.0, 0.0], path=[[1.0, 1.0], [0.5, 0.5], [0.0, 0.0]], seed=0),
        make_run("cg", [8.0, 0.0], path=path_cg),
    ]
    fig = plot.contour(make_results(runs), resolution=30)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    # The lowest seed's path is the one drawn.
    np.testing.assert_array_equal(
        np.column_stack(lines["gd"].get_data()), [[1.0, 1.0], [0.5, 0.5], [0.0, 0.0]]
    )
    np.testing.assert_array_equal(np.column_stack(lines["cg"].get_data()), path_cg)
    np.testing.assert_array_equal(np.ravel(lines["minimum"].get_data()), [0.0, 0.0])
    np.testing.assert_array_equal(np.ravel(lines["start"].get_data()), [1.0, 1.0])
    assert ax.get_xlim() == (-3.0, 3.0) and ax.get_ylim() == (-2.0, 2.0)  # problem.window
    assert ax.get_title() == "bowl"


def test_contour_levels_follow_the_function():
    fig = plot.contour(bowl(), resolution=41, levels=10)
    ax = fig.axes[0]
    _filled, lines = ax.collections[:2]
    levels = 10.0**lines.levels  # contours of log10(f - f_min)
    assert levels.size == 10
    np.testing.assert_allclose(levels[1:] / levels[:-1], levels[1] / levels[0])  # geometric
    assert levels[-1] == pytest.approx(3.0**2 + 4 * 2.0**2)  # the corner of the window


def test_real_compare_results_on_rosenbrock():
    p = problems.get("rosenbrock")
    runs = []
    for method in ("bfgs", "cg"):
        r = descend.minimize(p.fun, p.x0, method, options={"keep_path": True})
        runs.append(Run(method, 0, r.history, r))
    fig = plot.contour(Results("rosenbrock", p, runs, {}), resolution=30)
    bfgs = next(line for line in fig.axes[0].get_lines() if line.get_label() == "bfgs")
    x, y = bfgs.get_data()
    assert (x[0], y[0]) == (-1.2, 1.0)
    assert abs(x[-1] - 1.0) < 1e-4 and abs(y[-1] - 1.0) < 1e-4


def test_a_function_that_overflows_in_part_of_the_window_still_plots():
    p = Problem(
        name="steep",
        fun=lambda x: np.exp(50.0 * x[0] ** 2) + x[1] ** 2,
        x0=np.array([0.5, 1.0]),
        f_min=1.0,
        x_min=np.zeros(2),
        window=((-5.0, 5.0), (-2.0, 2.0)),
    )
    lines = plot.contour(p, resolution=40).axes[0].collections[1]
    assert np.all(np.isfinite(lines.levels))


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="keep_path=True"):
        plot.contour(make_results([make_run("gd", [1.0, 0.5])]))
    with pytest.raises(ValueError, match="2-D problem; 'wood' has 4 variables"):
        plot.contour(problems.get("wood"))
    with pytest.raises(TypeError, match="Problem"):
        plot.contour("rosenbrock")
    results = make_results([make_run("gd", [1.0], path=[[0.0, 0.0]])])
    results.problem = None
    with pytest.raises(ValueError, match="carry no problem"):
        plot.contour(results)
    with pytest.raises(ValueError, match="low < high"):
        plot.contour(bowl(), window=((1.0, 0.0), (0.0, 1.0)))
