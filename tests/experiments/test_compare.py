"""`compare`: real outcomes of real races, budgets, seeds, method and problem forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import minimize, optim, problems
from descend.experiments import DEFAULT_LR, STANDARD_METHODS, Budget, compare, standard_race
from descend.experiments.objectives import estimator_problem

TIMING = {"time", "time_to_target"}


def _untimed(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if k not in TIMING} for row in rows]


def test_bfgs_solves_rosenbrock_from_every_seed() -> None:
    res = compare("rosenbrock", ["bfgs"], budget={"max_iter": 200}, seeds=3)
    for row in res.rows():
        assert row["distance"] < 1e-5
        assert row["fun"] < 1e-10
        assert row["success"] and row["nit"] <= 200
        assert row["status"] == "GTOL"


def test_time_to_target_is_nan_exactly_when_the_target_is_never_reached() -> None:
    res = compare("beale", ["gd", "adam", "lbfgs"], budget=60, seeds=2)
    reached = []
    for run, row in zip(res.runs, res.rows(), strict=True):
        hits = np.flatnonzero(run.history.fun <= res.target)
        reached.append(hits.size > 0)
        assert math.isnan(row["time_to_target"]) == (hits.size == 0)
        assert row["success"] == (hits.size > 0)
        if hits.size:
            assert row["time_to_target"] == run.history.elapsed[hits[0]]
            assert row["nfev_to_target"] == run.history.nfev[hits[0]]
    assert any(reached) and not all(reached)  # both cases were exercised
    assert res.target == 1e-6  # beale's f_min 0 + tol


@pytest.mark.parametrize(
    "methods",
    [
        [
            "gd",
            "momentum",
            "nesterov",
            "cg",
            "bfgs",
            "lbfgs",
            "newton-cg",
            "adam",
            "rmsprop",
            "adagrad",
        ]
    ],
)
def test_no_run_exceeds_an_iteration_or_evaluation_budget(methods: list[str]) -> None:
    by_iter = compare("rosenbrock", methods, budget={"max_iter": 15}, seeds=1)
    assert all(
        row["nit"] <= 15 and len(run.history) <= 16
        for row, run in zip(by_iter.rows(), by_iter.runs, strict=True)
    )
    by_fev = compare("rosenbrock", methods, budget=Budget(max_fev=25), seeds=1)
    for row, run in zip(by_fev.rows(), by_fev.runs, strict=True):
        assert row["nfev"] <= 25 and run.history.nfev.max() <= 25
        assert run.result.nfev <= 25
        # the reported point is the iterate the reported objective belongs to
        assert run.result.fun == pytest.approx(float(problems.get("rosenbrock").fun(run.result.x)))
    # line-search methods would overshoot without the cut: at least one was cut back
    assert "MAX_FEV" in {row["status"] for row in by_fev.rows()}


def test_time_budget_stops_a_long_run() -> None:
    res = compare("rosenbrock", ["gd"], budget={"max_time": 0.05, "max_iter": 10**7}, seeds=1)
    row = res.rows()[0]
    assert row["status"] == "MAX_TIME"
    assert 0.05 <= row["time"] < 1.0


def test_same_seeds_give_the_same_table_and_different_seeds_differ() -> None:
    methods = ["gd", "adam", "bfgs"]
    first = compare("beale", methods, budget=40, seeds=[0, 1, 2])
    again = compare("beale", methods, budget=40, seeds=[0, 1, 2])
    assert _untimed(first.rows()) == _untimed(again.rows())
    funs = {row["seed"]: row["fun"] for row in first.rows() if row["method"] == "gd"}
    assert len(set(funs.values())) == 3
    starts = [run.history.path[0] for run in first.runs if run.method == "gd"]
    np.testing.assert_array_equal(starts[0], problems.get("beale").x0)  # seed 0 = standard x0
    assert not np.allclose(starts[1], starts[2])
    # every method starts from the same point for a given seed
    for seed in (0, 1, 2):
        seed_starts = [run.history.path[0] for run in first.runs if run.seed == seed]
        assert all(np.array_equal(s, seed_starts[0]) for s in seed_starts)


def test_perturbation_scale() -> None:
    res = compare("rosenbrock", ["gd"], budget=1, seeds=[7], perturbation=0.1)
    x0 = problems.get("rosenbrock").x0
    rms = np.sqrt(np.mean(x0**2))
    noise = np.random.default_rng(7).standard_normal(2) * 0.1 * rms
    np.testing.assert_allclose(res.runs[0].history.path[0], x0 + noise)


def test_named_optimizer_uses_the_default_or_the_given_learning_rate() -> None:
    p = problems.get("beale")
    res = compare(p, {"adam": None, "sgd": {"lr": 1e-4, "momentum": 0.9}}, budget=30, seeds=1)
    expected_adam = minimize(p.fun, p.x0, optim.adam(lr=DEFAULT_LR["adam"]), max_iter=30)
    expected_sgd = minimize(p.fun, p.x0, optim.sgd(lr=1e-4, momentum=0.9), max_iter=30)
    np.testing.assert_array_equal(res.histories("adam")[0].fun, expected_adam.history.fun)
    np.testing.assert_array_equal(res.histories("sgd")[0].fun, expected_sgd.history.fun)
    assert res.settings["methods"][1] == {
        "name": "sgd",
        "method": "sgd",
        "options": {"lr": 1e-4, "momentum": 0.9},
    }


def test_minimize_method_options_and_optimizer_objects() -> None:
    p = problems.get("beale")
    res = compare(
        p,
        {"gd": {"lr": 0.01}, "fast sgd": {"method": "sgd", "lr": 0.01}, "mine": optim.adam(0.01)},
        budget=25,
        seeds=1,
    )
    assert res.methods == ["gd", "fast sgd", "mine"]
    gd = minimize(p.fun, p.x0, "gd", max_iter=25, options={"lr": 0.01})
    np.testing.assert_array_equal(res.histories("gd")[0].fun, gd.history.fun)
    # fixed-step gd and sgd without momentum are the same iteration
    np.testing.assert_allclose(res.histories("fast sgd")[0].fun, gd.history.fun, rtol=1e-12)
    unnamed = [
        optim.adam(0.01),
        optim.sgd(0.01),
        optim.chain(optim.clip_by_global_norm(1.0), optim.rmsprop(0.01)),
        "bfgs",
    ]
    listed = compare(p, unnamed, budget=5, seeds=1)
    assert listed.methods == ["adam", "sgd", "clip_by_global_norm+rms", "bfgs"]


def test_bad_method_names_list_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"unknown method 'bfsg' \(did you mean 'bfgs'\?\)") as err:
        compare("beale", ["bfsg"])
    for name in STANDARD_METHODS:
        assert repr(name) in str(err.value)
    with pytest.raises(ValueError, match="valid names"):
        compare("beale", {"slow": {"lr": 0.1}})  # display name without "method"
    with pytest.raises(ValueError, match="more than once"):
        compare("beale", ["adam", "adam"])
    with pytest.raises(TypeError, match=r"method 'adam'.*betaz"):
        compare("beale", {"adam": {"betaz": 0.9}}, budget=2)


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ({}, "at least one"),
        ({"max_iters": 5}, "unknown budget keys"),
        (0, "positive integer"),
        ({"max_time": -1.0}, "positive number"),
        ("200", "budget must be"),
    ],
)
def test_bad_budgets(budget: object, message: str) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        compare("beale", ["bfgs"], budget=budget)


@pytest.mark.parametrize(
    ("seeds", "message"), [(0, "positive"), ([1, 1], "distinct"), ([-1], "non-negative")]
)
def test_bad_seeds(seeds: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compare("beale", ["bfgs"], seeds=seeds)


def test_user_function_with_x0_has_no_known_minimum() -> None:
    def shifted_bowl(x: np.ndarray) -> np.ndarray:
        return np.sum((x - 3.0) ** 2)

    res = compare((shifted_bowl, np.zeros(4)), ["lbfgs", "gd"], budget=50, seeds=2)
    assert res.problem_name == "shifted_bowl" and math.isnan(res.target)
    for run, row in zip(res.runs, res.rows(), strict=True):
        assert math.isnan(row["distance"]) and math.isnan(row["time_to_target"])
        assert row["success"] == bool(run.result.success)
    lbfgs = [run for run in res.runs if run.method == "lbfgs"]
    np.testing.assert_allclose(lbfgs[0].result.x, 3.0, atol=1e-6)
    with pytest.raises(ValueError, match="1-D array"):
        compare((shifted_bowl, np.zeros((2, 2))), ["gd"])
    with pytest.raises(TypeError, match="problem must be"):
        compare(42, ["gd"])
    with pytest.raises(ValueError, match="unknown"):
        compare("rosenbrok", ["gd"])


def test_estimator_problem_matches_scikit_learn(breast_cancer: tuple) -> None:
    from sklearn.linear_model import LogisticRegression as SkLogistic

    from descend.models import LogisticRegression

    X, y = breast_cancer
    problem = estimator_problem(LogisticRegression(C=0.5), X, y)
    reference = SkLogistic(C=0.5, tol=1e-12, max_iter=10_000).fit(X, y)
    # descend's objective is scikit-learn's divided by C * n_samples: same minimiser
    np.testing.assert_allclose(problem.x_min[:-1], reference.coef_[0], atol=2e-5)
    np.testing.assert_allclose(problem.x_min[-1], reference.intercept_[0], atol=2e-5)
    p = reference.predict_proba(X)[:, 1]
    w = reference.coef_[0]
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)) + w @ w / (2 * 0.5 * len(y))
    assert problem.f_min == pytest.approx(loss, rel=1e-9)

    res = compare((LogisticRegression(C=0.5), X, y), ["newton-cg", "gd"], budget=100, seeds=1)
    rows = {row["method"]: row for row in res.rows()}
    assert rows["newton-cg"]["success"] and rows["newton-cg"]["distance"] < 1e-2
    assert not rows["gd"]["success"] and rows["gd"]["fun"] > problem.f_min
    with pytest.raises(ValueError, match="L1 term"):
        compare((LogisticRegression(penalty="l1"), X, y), ["gd"])
    with pytest.raises(TypeError, match=r"descend\.models estimator"):
        compare((SkLogistic(), X, y), ["gd"])


def test_standard_race_is_the_readme_job() -> None:
    races = standard_race(budget=200, seeds=1)
    assert [r.problem_name for r in races] == [
        "rosenbrock",
        "beale",
        "ill_conditioned_quadratic",
        "logistic_breast_cancer",
    ]
    for race in races:
        assert race.methods == list(STANDARD_METHODS)
        rows = {row["method"]: row for row in race.rows()}
        for name in ("bfgs", "lbfgs", "newton-cg", "cg"):
            assert rows[name]["success"], (race.problem_name, name)
        # every first-order method makes progress from the start within the budget
        start = float(race.problem.fun(race.problem.x0))
        for name in ("gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"):
            assert rows[name]["fun"] < start, (race.problem_name, name)
        assert race.settings["budget"] == {"max_iter": 200}


def test_progress_is_reported_after_every_run() -> None:
    calls: list[tuple[int, int, str, int]] = []
    compare("beale", ["gd", "bfgs"], budget=3, seeds=2, progress=lambda *a: calls.append(a))
    assert calls == [(1, 4, "gd", 0), (2, 4, "gd", 1), (3, 4, "bfgs", 0), (4, 4, "bfgs", 1)]


def test_paths_are_kept_for_plots_unless_declined() -> None:
    kept = compare("beale", ["bfgs"], budget=50, seeds=1)
    run = kept.runs[0]
    assert run.history.path.shape == (len(run.history), 2)
    np.testing.assert_allclose(run.history.path[-1], run.result.x)
    dropped = compare("beale", ["bfgs"], budget={"max_fev": 10}, seeds=1, keep_path=False)
    assert dropped.runs[0].history.path is None


@settings(max_examples=15, deadline=None)
@given(
    problem=st.sampled_from(["rosenbrock", "beale", "wood", "helical_valley"]),
    max_fev=st.integers(min_value=2, max_value=60),
    max_iter=st.integers(min_value=1, max_value=40),
)
def test_any_budget_is_respected_by_every_method(problem: str, max_fev: int, max_iter: int) -> None:
    res = compare(
        problem,
        ["gd", "nesterov", "cg", "lbfgs", "newton-cg", "adam"],
        budget={"max_fev": max_fev, "max_iter": max_iter},
        seeds=1,
    )
    for run, row in zip(res.runs, res.rows(), strict=True):
        assert row["nfev"] <= max_fev and row["nit"] <= max_iter
        assert np.all(np.diff(run.history.nfev) >= 0) and run.history.nfev[-1] == row["nfev"]
