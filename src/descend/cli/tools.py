"""``descend minimize``, ``descend fit`` and ``descend problems``."""

from __future__ import annotations

import argparse
import json
import math
import os
import time
from typing import Any

import numpy as np

from descend.cli._errors import CommandError
from descend.cli._inputs import load_table, resolve_problem
from descend.cli._output import check_plotting, print_json, table
from descend.cli._values import parse_assignments, parse_vector
from descend.cli.experiments import add_common_options, budget_of, estimator_for

__all__ = ["add_parsers"]


def add_parsers(commands: Any) -> None:
    """Register ``minimize``, ``fit`` and ``problems`` on ``commands`` (argparse subparsers)."""
    minimize = commands.add_parser(
        "minimize",
        help="minimise one problem or your own function",
        description="Minimise a built-in problem, or FUNCTION in module:function or "
        "file.py:function form (a plain NumPy function of a 1-D array) from --x0.",
    )
    minimize.add_argument("problem", metavar="PROBLEM", help="problem name or module:function")
    minimize.add_argument(
        "--method",
        default="lbfgs",
        help="a descend.minimize method "
        "(lbfgs, bfgs, cg, newton-cg, gd, ...) or optimizer (adam, ...)",
    )
    minimize.add_argument(
        "--option",
        action="append",
        metavar="NAME=VALUE",
        help="method option, e.g. gtol=1e-8 or lr=0.01",
    )
    add_common_options(minimize, seeds=1)
    minimize.set_defaults(run=run_minimize, out=None)

    fit = commands.add_parser(
        "fit",
        help="train a model on a CSV or .npy file",
        description="Train a descend estimator on a data file; write the model checkpoint "
        "(model.npz, load it with descend.load) and the metrics (metrics.json) to --out.",
    )
    fit.add_argument("data", metavar="FILE", help="CSV (with a header row) or .npy file")
    fit.add_argument("--target", required=True, help="column to predict (name or number)")
    fit.add_argument(
        "--model",
        default="auto",
        help="auto (default), linear, logistic, mlp-regressor or mlp-classifier",
    )
    fit.add_argument(
        "--optimizer",
        default="auto",
        help="lbfgs, newton-cg, sgd, adam, ... (default: the model's own choice)",
    )
    fit.add_argument("--lr", type=float, help="learning rate of a mini-batch optimizer")
    fit.add_argument("--max-iter", type=int, help="iterations or epochs")
    fit.add_argument("--batch-size", type=int, help="mini-batch size")
    fit.add_argument(
        "--param",
        action="append",
        metavar="NAME=VALUE",
        help="other estimator parameters, e.g. C=0.5 or hidden_layer_sizes=64,32",
    )
    fit.add_argument(
        "--test-size",
        type=float,
        default=0.2,
        help="fraction held out for the test metrics (0: none; default 0.2)",
    )
    fit.add_argument("--random-state", type=int, default=0, help="seed of the split and model")
    fit.add_argument(
        "--out",
        default="descend-fit",
        metavar="DIR",
        help="where model.npz and metrics.json go (default: descend-fit)",
    )
    fit.add_argument("--json", action="store_true", help="print the metrics as JSON")
    fit.set_defaults(run=run_fit)

    listing = commands.add_parser("problems", help="list the built-in problems")
    listing.add_argument("--tag", help="only problems with this tag (e.g. convex, mgh)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(run=run_problems)


def run_minimize(args: argparse.Namespace) -> int:
    from descend.experiments import Results, Run
    from descend.solvers import minimize

    if args.seeds != 1:
        raise CommandError("minimize makes one run; use `descend compare` for several seeds")
    x0 = parse_vector(args.x0) if args.x0 is not None else None
    target = resolve_problem(args.problem, x0, args.dim)
    fun, start = (target.fun, target.x0) if hasattr(target, "fun") else target
    if args.out is not None and not args.no_report:
        check_plotting()
    options = parse_assignments(args.option, "--option")
    budget = budget_of(args)
    limits = budget if isinstance(budget, dict) else {"max_iter": budget}
    keep_path = np.size(start) == 2 and args.out is not None
    method = _minimize_method(args.method, options)
    result = minimize(
        fun, start, method[0], options={**method[1], "keep_path": keep_path}, tol=None, **limits
    )
    distance = target.distance_to_min(result.x) if getattr(target, "minimizers", ()) else math.nan
    summary = {
        "problem": args.problem,
        "method": args.method,
        "fun": float(result.fun),
        "x": np.ravel(result.x).tolist(),
        "distance": None if math.isnan(distance) else distance,
        "nit": int(result.nit),
        "nfev": int(result.nfev),
        "time": float(result.history.elapsed[-1]),
        "success": bool(result.success),
        "status": getattr(result.status, "name", str(result.status)),
        "message": result.message,
    }
    page = None
    if args.out is not None and not args.no_report:
        from descend.report import report

        problem = target if hasattr(target, "fun") else None
        settings = {
            "method": args.method,
            "options": options,
            "budget": limits,
            "x0": np.ravel(start).tolist(),
        }
        results = Results(
            args.problem, problem, [Run(args.method, 0, result.history, result)], settings
        )
        page = report(results, args.out, command="descend " + " ".join(args.argv))
    if args.json:
        print_json({**summary, "report": None if page is None else str(page)})
        return 0
    rows = [
        [name, _show(summary[name])]
        for name in ("method", "fun", "distance", "nit", "nfev", "time", "success", "message")
    ]
    x = np.ravel(result.x)
    shown = ", ".join(f"{v:.6g}" for v in x[:8]) + (", ..." if x.size > 8 else "")
    rows.insert(2, ["x", f"[{shown}]"])
    print(f"{args.problem}:")
    print(table(["", ""], rows).split("\n", 1)[1])
    if page is not None:
        print(f"\nreport: {page}")
    return 0


def _minimize_method(name: str, options: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A minimize method name as is; an optimizer name built with ``options``."""
    from descend.experiments.runners import Method, resolve_methods

    method: Method = resolve_methods([name])[0].with_options(**options)
    return method.build()


def run_fit(args: argparse.Namespace) -> int:
    from descend.checkpoint import load

    if not 0 <= args.test_size < 1:
        raise CommandError(f"--test-size must be in [0, 1); got {args.test_size}")
    X, y, features, target_name = load_table(args.data, args.target)
    params = parse_assignments(args.param, "--param")
    for name in ("optimizer", "lr", "max_iter", "batch_size"):
        value = getattr(args, name)
        if value is not None and not (name == "optimizer" and value == "auto"):
            params[name] = value
    estimator, description = estimator_for(args.model, y, params)
    if "random_state" in estimator.get_params() and "random_state" not in params:
        estimator.set_params(random_state=args.random_state)
    split = _split(X, y, args.test_size, args.random_state, estimator)
    started = time.perf_counter()
    estimator.fit(split[0], split[2])
    seconds = time.perf_counter() - started
    metrics = {"train": _metrics(estimator, split[0], split[2])}
    if args.test_size > 0:
        metrics["test"] = _metrics(estimator, split[1], split[3])
    os.makedirs(args.out, exist_ok=True)
    model_path = os.path.join(args.out, "model.npz")
    estimator.save(model_path)
    load(model_path)  # a checkpoint that cannot be read back must fail here, not later
    record = {
        "data": args.data,
        "target": target_name,
        "features": features,
        "model": description,
        "params": {k: _plain(v) for k, v in estimator.get_params().items()},
        "n_samples": {"train": len(split[2]), "test": len(split[3])},
        "fit_time": seconds,
        "n_iter": _plain(getattr(estimator, "n_iter_", None)),
        "metrics": metrics,
        "model_path": model_path,
    }
    from descend.report import write_atomic

    metrics_path = os.path.join(args.out, "metrics.json")
    write_atomic(metrics_path, json.dumps(record, indent=2).encode())
    if args.json:
        print_json({**record, "metrics_path": metrics_path})
        return 0
    names = list(metrics["train"])
    rows = [[name, *(f"{metrics[part][name]:.4g}" for part in metrics)] for name in names]
    print(
        f"{description} on {args.data} ({len(y)} rows, {len(features)} features, "
        f"target {target_name!r}), fitted in {seconds:.2f} s"
    )
    print(table(["metric", *metrics], rows))
    print(f"\nmodel:   {model_path}\nmetrics: {metrics_path}")
    return 0


def _split(X: np.ndarray, y: np.ndarray, test_size: float, seed: int, estimator: Any) -> Any:
    if test_size == 0:
        return X, X[:0], y, y[:0]
    from sklearn.base import is_classifier
    from sklearn.model_selection import train_test_split

    stratify = y if is_classifier(estimator) and np.unique(y).size < len(y) * test_size else None
    try:
        return train_test_split(X, y, test_size=test_size, random_state=seed, stratify=stratify)
    except ValueError as error:
        raise CommandError(f"cannot hold out --test-size {test_size}: {error}") from None


def _metrics(estimator: Any, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    from sklearn import metrics
    from sklearn.base import is_classifier

    predicted = estimator.predict(X)
    if not is_classifier(estimator):
        return {
            "r2": float(metrics.r2_score(y, predicted)),
            "mse": float(metrics.mean_squared_error(y, predicted)),
            "mae": float(metrics.mean_absolute_error(y, predicted)),
        }
    scores = {
        "accuracy": float(metrics.accuracy_score(y, predicted)),
        "f1_macro": float(metrics.f1_score(y, predicted, average="macro")),
        "log_loss": float(
            metrics.log_loss(y, estimator.predict_proba(X), labels=estimator.classes_)
        ),
    }
    return scores


def run_problems(args: argparse.Namespace) -> int:
    from descend import problems

    try:
        listed = problems.all_problems(args.tag)
    except ValueError as error:
        raise CommandError(str(error)) from None
    records: list[dict[str, Any]] = [
        {
            "name": p.name,
            "dim": p.dim,
            "f_min": p.f_min,
            "tags": sorted(p.tags),
            "reference": p.reference,
        }
        for p in listed
    ]
    if args.json:
        print_json(records)
        return 0
    print(
        table(
            ["name", "dim", "f_min", "tags"],
            [
                [r["name"], str(r["dim"]), f"{r['f_min']:.6g}", ", ".join(r["tags"])]
                for r in records
            ],
            align="lrrl",
        )
    )
    return 0


def _show(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _plain(value: Any) -> Any:
    """A JSON-safe version of an estimator parameter or attribute."""
    if isinstance(value, (np.integer, np.floating)):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return repr(value)
