"""`Results`: the tidy table, its pandas and JSON forms and the terminal summary."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from descend import minimize, problems
from descend.experiments import COLUMNS, LRFindResult, Results, Run, compare, sweep
from descend.solvers import History, OptimizeResult, Status


def _run(funs: list[float], method: str = "m", seed: int = 0, **params: float) -> Run:
    n = len(funs)
    history = History(
        fun=np.array(funs),
        grad_norm=np.zeros(n),
        step=np.zeros(n),
        nfev=np.arange(1, n + 1) * 2,
        elapsed=np.arange(n) * 0.5,
    )
    result = OptimizeResult(
        x=np.array([1.0, 4.0]), fun=funs[-1], success=False, status=Status.MAX_ITER, history=history
    )
    return Run(method, seed, history, result, dict(params))


def test_rows_are_computed_from_the_histories() -> None:
    booth = problems.get("booth")  # minimiser (1, 3)
    res = Results("booth", booth, [_run([5.0, 0.5, 0.05, 0.01])], {}, target=0.1)
    assert res.rows() == [
        {
            "method": "m",
            "seed": 0,
            "fun": 0.01,
            "distance": 1.0,
            "nit": 3,
            "nfev": 8,
            "time": 1.5,
            "time_to_target": 1.0,
            "nfev_to_target": 6.0,
            "success": True,
            "status": "MAX_ITER",
        }
    ]
    never = Results("booth", booth, [_run([5.0, 0.5])], {}, target=0.1).rows()[0]
    assert math.isnan(never["time_to_target"]) and math.isnan(never["nfev_to_target"])
    assert never["success"] is False
    unknown = Results("f", None, [_run([5.0, 0.5])], {}).rows()[0]
    assert math.isnan(unknown["distance"]) and unknown["success"] is False


def test_to_pandas_columns_and_dtypes() -> None:
    res = compare("beale", ["bfgs", "gd"], budget=20, seeds=2)
    df = res.to_pandas()
    assert df.columns.tolist() == list(COLUMNS)
    assert len(df) == 4 and df["success"].dtype == bool
    assert df.loc[df.method == "bfgs", "distance"].max() < 1e-5
    swept = sweep("beale", "sgd", {"lr": [1e-3, 1e-2], "momentum": [0.0, 0.9]}, budget=5)
    assert swept.to_pandas().columns.tolist() == [*COLUMNS, "lr", "momentum"]
    assert swept.param_names == ["lr", "momentum"]


def test_to_json_round_trips_through_json() -> None:
    res = compare((lambda x: np.sum(x**4), np.ones(2)), ["gd"], budget=3, seeds=1)
    text = json.dumps(res.to_json(), allow_nan=False)
    loaded = json.loads(text)
    assert loaded["target"] is None and loaded["rows"][0]["distance"] is None
    assert loaded["settings"]["budget"] == {"max_iter": 3}
    assert loaded["settings"]["versions"]["numpy"] == np.__version__
    assert loaded["rows"][0]["nit"] == 3
    found = LRFindResult(
        np.array([0.1, 1.0]),
        np.array([1.0, np.inf]),
        np.array([1.0, 2.0]),
        0.1,
        1.0,
        {"beta": 0.98},
    )
    assert json.loads(json.dumps(found.to_json(), allow_nan=False))["losses"] == [1.0, None]


def test_summary_reports_medians_over_seeds() -> None:
    runs = [_run([4.0, f], "a", seed) for seed, f in enumerate([1.0, 3.0, 2.0])]
    runs.append(_run([4.0, 0.0], "b"))
    text = Results("booth", problems.get("booth"), runs, {}, target=0.5).summary()
    lines = text.splitlines()
    assert lines[0] == "booth: 4 runs, target fun <= 0.5"
    assert lines[1].split() == [
        "method",
        "f",
        "-",
        "f*",
        "distance",
        "nit",
        "nfev",
        "time",
        "to",
        "target",
        "ok",
    ]
    assert lines[2].split()[:2] == ["a", "2"] and lines[2].split()[-1] == "0/3"
    assert lines[3].split()[-1] == "1/1"


def test_lookups_and_their_errors() -> None:
    p = problems.get("booth")
    r = minimize(p.fun, p.x0, "bfgs")
    res = Results("booth", p, [Run("bfgs", 0, r.history, r)], {})
    assert res.methods == ["bfgs"] and len(res) == 1
    assert res.histories("bfgs")[0] is r.history
    with pytest.raises(KeyError, match="the methods are"):
        res.histories("adam")
    with pytest.raises(ValueError, match="sweep"):
        res.best_params()
