import math

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from descend import plot

from .fakes import bowl, make_results, make_run


def lines_by_label(ax):
    return {
        line.get_label(): line for line in ax.get_lines() if not line.get_label().startswith("_")
    }


def test_median_over_seeds_of_the_gap_with_stopped_runs_held_at_their_final_value():
    problem = bowl(f_min=1.0)
    runs = [
        make_run("gd", [9.0, 5.0, 3.0], seed=0),
        make_run("gd", [17.0, 9.0, 2.0, 1.5], seed=1),
        make_run("gd", [5.0, 2.0], seed=2),
        make_run("bfgs", [9.0, 1.0], seed=0),
    ]
    fig = plot.convergence(make_results(runs, problem))
    ax = fig.axes[0]
    gd = lines_by_label(ax)["gd"]
    # gaps: [8,4,2,2], [16,8,1,0.5], [4,1,1,1] -> median per iteration
    np.testing.assert_array_equal(gd.get_xdata(), [0, 1, 2, 3])
    np.testing.assert_allclose(gd.get_ydata(), [8.0, 4.0, 1.0, 1.0])
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == r"$f(x) - f^*$"
    # The min-max band spans the best and worst seed at every iteration.
    (band,) = ax.collections
    vertices = band.get_paths()[0].vertices
    assert vertices[:, 1].min() == pytest.approx(0.5)
    assert vertices[:, 1].max() == pytest.approx(16.0)


def test_an_exact_zero_gap_is_drawn_at_a_floor_below_the_smallest_positive_gap():
    fig = plot.convergence(make_results([make_run("newton", [4.0, 1e-6, 0.0])]))
    y = lines_by_label(fig.axes[0])["newton"].get_ydata()
    np.testing.assert_allclose(y, [4.0, 1e-6, 1e-7])


def test_evaluations_axis_is_a_step_function_of_each_runs_evaluation_count():
    runs = [
        make_run("cg", [8.0, 4.0, 1.0], nfev=[1, 3, 6], seed=0),
        make_run("cg", [8.0, 2.0], nfev=[1, 4], seed=1),
    ]
    fig = plot.convergence(make_results(runs), x="evaluations", band=False)
    ax = fig.axes[0]
    line = lines_by_label(ax)["cg"]
    np.testing.assert_array_equal(line.get_xdata(), [1, 3, 4, 6])
    # seed 0 at evals 1,3,4,6 -> 8,4,4,1; seed 1 -> 8,8,2,2
    np.testing.assert_allclose(line.get_ydata(), [8.0, 6.0, 3.0, 1.5])
    assert ax.get_xlabel() == "objective evaluations"
    assert not ax.collections  # band=False


def test_target_line_and_one_panel_per_problem_with_consistent_colours():
    first = make_results([make_run("adam", [4.0, 1.0]), make_run("bfgs", [4.0, 0.1])], target=0.5)
    second = make_results([make_run("bfgs", [2.0, 0.01]), make_run("adam", [2.0, 1.0])])
    fig = plot.convergence([first, second], x="time")
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 2
    colours = [{k: v.get_color() for k, v in lines_by_label(ax).items()} for ax in visible]
    assert colours[0] == colours[1]
    assert colours[0]["adam"] != colours[0]["bfgs"]
    target_lines = [line for line in visible[0].get_lines() if line.get_linestyle() == ":"]
    assert [line.get_ydata()[0] for line in target_lines] == [0.5]
    assert visible[1].get_xlabel() == "time [s]"


def test_unknown_minimum_plots_the_objective_itself():
    results = make_results([make_run("gd", [-1.0, -2.0])])
    results.problem = None
    fig = plot.convergence(results)
    ax = fig.axes[0]
    assert ax.get_ylabel() == r"$f(x)$"
    assert ax.get_yscale() == "linear"  # negative values cannot go on a log axis
    np.testing.assert_allclose(lines_by_label(ax)["gd"].get_ydata(), [-1.0, -2.0])


def test_bad_arguments_are_explained():
    results = make_results([make_run("gd", [1.0])])
    with pytest.raises(ValueError, match="x must be one of"):
        plot.convergence(results, x="epochs")
    with pytest.raises(TypeError, match="Results"):
        plot.convergence({"gd": [1.0]})
    with pytest.raises(TypeError, match="Results"):
        plot.convergence([])


def test_figure_is_built_without_pyplot_and_saves_a_png(tmp_path):
    import matplotlib

    pyplot_figures_before = _pyplot_figure_count()
    fig = plot.convergence(make_results([make_run("gd", [4.0, 2.0, math.pi])]))
    path = tmp_path / "c.png"
    fig.savefig(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert _pyplot_figure_count() == pyplot_figures_before
    assert isinstance(fig, matplotlib.figure.Figure)


def _pyplot_figure_count():
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    return 0 if pyplot is None else len(pyplot.get_fignums())
