import numpy as np
import pytest

pytest.importorskip("matplotlib")

from descend import plot

from .fakes import bowl, make_results, make_run


def sweep_results():
    runs = []
    final = {
        (0.1, 0.0): [4.0, 6.0],
        (0.1, 0.9): [0.5, 1.5],
        (1.0, 0.0): [0.02, 0.04],
        (1.0, 0.9): [float("nan"), 0.1],
    }
    for (lr, momentum), values in final.items():
        for seed, value in enumerate(values):
            name = f"sgd(lr={lr:g}, momentum={momentum:g})"
            fun = [10.0, value] if value == value else [10.0, 1e300]
            run = make_run(name, fun, seed=seed, params={"lr": lr, "momentum": momentum})
            if value != value:
                run.history.fun[-1] = np.nan
            runs.append(run)
    return make_results(runs, bowl(f_min=0.0))


def cell_texts(ax):
    return {
        (round(t.get_position()[0]), round(t.get_position()[1])): t.get_text() for t in ax.texts
    }


def test_cells_hold_the_median_over_seeds_and_the_best_is_outlined():
    fig = plot.sweep_heatmap(sweep_results(), x="lr", y="momentum")
    ax = fig.axes[0]
    image = ax.get_images()[0].get_array()
    # rows: momentum 0, 0.9; columns: lr 0.1, 1.0
    np.testing.assert_allclose(image.data[0], [5.0, 0.03])
    assert image.mask[1, 1]  # one seed failed -> no value
    assert image.data[1, 0] == pytest.approx(1.0)
    texts = cell_texts(ax)
    assert texts[(0, 0)] == "5" and texts[(1, 0)] == "0.03" and texts[(1, 1)] == "failed"
    outlined = [p for p in ax.patches if p.get_edgecolor()[3] > 0 and not p.get_hatch()]
    assert [p.get_xy() for p in outlined] == [(0.5, -0.5)]  # column 1, row 0: lr=1, momentum=0
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.1", "1"]
    assert ax.get_title() == "bowl: sgd sweep"


def test_one_swept_parameter_gives_one_row_and_other_columns_can_be_shown():
    runs = [make_run(f"gd(lr={lr})", [9.0, lr * 10], params={"lr": lr}) for lr in (0.1, 0.2, 0.3)]
    fig = plot.sweep_heatmap(make_results(runs), value="nfev")
    image = fig.axes[0].get_images()[0].get_array()
    assert image.shape == (1, 3)
    np.testing.assert_allclose(image.data[0], [2.0, 2.0, 2.0])


def test_errors():
    plain = make_results([make_run("gd", [1.0, 0.5])])
    with pytest.raises(ValueError, match="vary no hyperparameters"):
        plot.sweep_heatmap(plain)
    with pytest.raises(ValueError, match="'beta' was not swept"):
        plot.sweep_heatmap(sweep_results(), x="beta")
    with pytest.raises(ValueError, match="value must be one of"):
        plot.sweep_heatmap(sweep_results(), value="speed")
    with pytest.raises(TypeError, match=r"descend\.sweep"):
        plot.sweep_heatmap([sweep_results()])
