"""`sweep`: the best setting is the one theory predicts; grid and random search mechanics."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats

from descend import minimize, optim
from descend.experiments import sweep
from descend.problems import Problem

CURVATURES = np.linspace(1.0, 10.0, 5)
QUADRATIC = Problem(
    "quadratic", lambda x: 0.5 * np.sum(CURVATURES * x**2), np.ones(5), 0.0, np.zeros(5)
)


def test_sgd_sweep_picks_the_lr_with_the_best_contraction() -> None:
    # Gradient descent on a quadratic contracts by max |1 - lr h| per step: best at 2/(1+10).
    lrs = [0.02, 0.05, 0.1, 0.15, 0.18, 0.192, 0.21]
    res = sweep(QUADRATIC, "sgd", {"lr": lrs}, budget=100)
    contraction = [np.max(np.abs(1 - lr * CURVATURES)) for lr in lrs]
    assert res.best_params() == {"lr": lrs[int(np.argmin(contraction))]}
    funs = [row["fun"] for row in res.rows()]
    assert funs[-1] > QUADRATIC.fun(QUADRATIC.x0)  # lr > 2/L diverges
    # same ranking as the contraction factors among the converging ones
    converging = [i for i, c in enumerate(contraction) if c < 1]
    assert (
        np.argsort([funs[i] for i in converging]).tolist()
        == np.argsort([contraction[i] for i in converging]).tolist()
    )


def test_grid_is_the_full_product_with_labelled_methods() -> None:
    res = sweep(
        QUADRATIC, optim.sgd, {"lr": [0.01, 0.1], "momentum": [0.0, 0.5, 0.9]}, budget=10, seeds=2
    )
    df = res.to_pandas()
    assert len(df) == 12
    assert sorted(set(zip(df.lr, df.momentum))) == [
        (lr, m) for lr in (0.01, 0.1) for m in (0.0, 0.5, 0.9)
    ]
    assert res.methods[0] == "sgd(lr=0.01, momentum=0)"
    expected = minimize(QUADRATIC.fun, QUADRATIC.x0, optim.sgd(lr=0.1, momentum=0.5), max_iter=10)
    run = next(r for r in res.runs if r.params == {"lr": 0.1, "momentum": 0.5} and r.seed == 0)
    np.testing.assert_array_equal(run.history.fun, expected.history.fun)


def test_sweeping_a_minimize_method_option_with_fixed_options() -> None:
    res = sweep(QUADRATIC, "momentum", {"lr": [0.05, 0.1]}, options={"beta": 0.5}, budget=15)
    expected = minimize(
        QUADRATIC.fun, QUADRATIC.x0, "momentum", max_iter=15, options={"lr": 0.1, "beta": 0.5}
    )
    np.testing.assert_array_equal(res.runs[1].history.fun, expected.history.fun)
    assert res.settings["sweep"]["options"] == {"beta": 0.5}


def test_random_search_is_reproducible_and_samples_the_given_values() -> None:
    grid = {"lr": scipy.stats.loguniform(1e-3, 1e-1), "momentum": [0.0, 0.9]}
    first = sweep(QUADRATIC, "sgd", grid, search="random", n_samples=6, budget=5, random_state=3)
    again = sweep(QUADRATIC, "sgd", grid, search="random", n_samples=6, budget=5, random_state=3)
    other = sweep(QUADRATIC, "sgd", grid, search="random", n_samples=6, budget=5, random_state=4)
    params = [run.params for run in first.runs]
    assert params == [run.params for run in again.runs]
    assert params != [run.params for run in other.runs]
    assert all(1e-3 <= p["lr"] <= 1e-1 and p["momentum"] in (0.0, 0.9) for p in params)
    assert len(params) == 6


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"grid": {}}, ValueError, "non-empty"),
        ({"grid": {"lr": 0.1}}, ValueError, "list of values"),
        ({"grid": {"lr": []}}, ValueError, "empty"),
        ({"grid": {"lr": [0.1]}, "search": "bayes"}, ValueError, "'grid' or 'random'"),
        ({"grid": {"lr": [0.1]}, "search": "random"}, ValueError, "n_samples"),
        ({"grid": {"lr": [0.1]}, "n_samples": 3}, ValueError, "only used with"),
        ({"grid": {"lr": scipy.stats.uniform()}}, ValueError, "search='random'"),
        ({"grid": {"lr": [0.1]}, "method": optim.sgd(0.1)}, TypeError, "factory"),
        ({"grid": {"lr": [0.1]}, "method": "sgdd"}, ValueError, "valid names"),
    ],
)
def test_bad_sweeps(kwargs: dict, error: type, message: str) -> None:
    arguments = {"method": "sgd", **kwargs}
    with pytest.raises(error, match=message):
        sweep(QUADRATIC, arguments.pop("method"), arguments.pop("grid"), **arguments)
