import numpy as np
import pytest

pytest.importorskip("matplotlib")

from descend import plot
from descend.experiments import LRFindResult


def result(diverged_at=None):
    lrs = np.geomspace(1e-4, 1.0, 30)
    losses = 2.0 / (1.0 + 100 * lrs) + 5 * lrs**2
    return LRFindResult(
        lrs,
        losses,
        losses * 1.01,
        suggestion=0.02,
        diverged_at=diverged_at,
        settings={"optimizer": "sgd"},
    )


def test_curves_suggestion_and_divergence_markers():
    r = result(diverged_at=0.9)
    ax = plot.lr_find(r).axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["loss"].get_ydata(), r.losses)
    np.testing.assert_array_equal(lines["smoothed loss"].get_xdata(), r.lrs)
    assert lines["suggested lr = 0.02"].get_xdata()[0] == 0.02
    assert lines["diverged at lr = 0.9"].get_xdata()[0] == 0.9
    assert ax.get_xscale() == "log"
    # The axis stops above the starting loss, not at the blow-up.
    assert ax.get_ylim()[1] < r.smoothed.max() * 1.5


def test_no_divergence_line_when_the_test_ran_to_max_lr():
    labels = [line.get_label() for line in plot.lr_find(result()).axes[0].get_lines()]
    assert not any(label.startswith("diverged") for label in labels)


def test_wrong_input():
    with pytest.raises(TypeError, match="LRFindResult"):
        plot.lr_find({"lrs": [1.0]})
    empty = LRFindResult(np.array([]), np.array([]), np.array([]), 0.1, None, {})
    with pytest.raises(ValueError, match="no steps"):
        plot.lr_find(empty)
