"""``descend compare``, ``descend sweep`` and ``descend lr-find``: runs with a report."""

from __future__ import annotations

import argparse
import shlex
from typing import Any

import numpy as np

from descend.cli._errors import CommandError
from descend.cli._inputs import load_table, resolve_problem
from descend.cli._output import Progress, check_plotting, print_json
from descend.cli._values import parse_assignments, parse_methods, parse_value, parse_vector

__all__ = ["add_common_options", "add_parsers", "budget_of", "estimator_for"]

DEFAULT_OUT = "descend-report"


def add_parsers(commands: Any) -> None:
    """Register the three experiment subcommands on ``commands`` (argparse subparsers)."""
    compare = commands.add_parser(
        "compare",
        help="race methods on problems (no arguments: the standard race)",
        description="Race gradient methods under one budget over several seeds. With no "
        "problem, runs the standard race: gd, momentum, nesterov, adagrad, rmsprop, adam, cg, "
        "bfgs, lbfgs and newton-cg on Rosenbrock, Beale, an ill-conditioned quadratic and "
        "logistic regression on breast_cancer.",
    )
    compare.add_argument(
        "problems",
        nargs="*",
        metavar="PROBLEM",
        help="built-in problem names (see `descend problems`) or module:function with --x0",
    )
    compare.add_argument(
        "--methods", help="comma-separated, e.g. gd,adam(lr=0.1),bfgs (default: the standard ten)"
    )
    add_common_options(compare, seeds=3)
    compare.set_defaults(run=run_compare)

    sweep = commands.add_parser(
        "sweep",
        help="grid or random search over hyperparameters",
        description="Run one method for every setting of a hyperparameter grid (or random "
        "samples of it) and show the results as a table and a heatmap.",
    )
    sweep.add_argument("problem", metavar="PROBLEM", help="problem name or module:function")
    sweep.add_argument("--method", required=True, help="e.g. sgd, adam, gd, momentum")
    sweep.add_argument(
        "--grid",
        action="append",
        required=True,
        metavar="NAME=VALUES",
        help="values to try, e.g. lr=1e-3,1e-2,1e-1 (repeat for each hyperparameter); with "
        "--search random also NAME=loguniform:LOW:HIGH",
    )
    sweep.add_argument(
        "--option",
        action="append",
        metavar="NAME=VALUE",
        help="a fixed setting shared by every run, e.g. nesterov=true",
    )
    sweep.add_argument("--search", choices=("grid", "random"), default="grid")
    sweep.add_argument("--n-samples", type=int, help="settings to draw with --search random")
    add_common_options(sweep, seeds=1)
    sweep.set_defaults(run=run_sweep)

    lr_find = commands.add_parser(
        "lr-find",
        help="learning-rate range test",
        description="Increase the learning rate geometrically each step, record the smoothed "
        "loss, stop when it diverges, and suggest a rate. Works on a problem or on a model "
        "trained on a data file (--data, --target, --model).",
    )
    lr_find.add_argument(
        "problem",
        nargs="?",
        metavar="PROBLEM",
        help="problem name or module:function (or use --data)",
    )
    lr_find.add_argument("--x0", help="start point: comma-separated numbers or a .npy file")
    lr_find.add_argument("--dim", type=int, help="size of a scalable built-in problem")
    lr_find.add_argument("--data", help="CSV or .npy training data for a model")
    lr_find.add_argument("--target", help="target column of --data (name or number)")
    lr_find.add_argument("--model", default="auto", help="as for `descend fit` (default: auto)")
    lr_find.add_argument("--optimizer", default="sgd", help="optimizer name (default: sgd)")
    lr_find.add_argument(
        "--option",
        action="append",
        metavar="NAME=VALUE",
        help="optimizer setting, e.g. momentum=0.9",
    )
    lr_find.add_argument("--min-lr", type=float, default=1e-7)
    lr_find.add_argument("--max-lr", type=float, default=10.0)
    lr_find.add_argument("--num-steps", type=int, default=100)
    lr_find.add_argument("--batch-size", type=int, help="mini-batch size with --data")
    lr_find.add_argument("--suggest", choices=("steepest", "min/10"), default="steepest")
    _add_output_options(lr_find)
    lr_find.set_defaults(run=run_lr_find)


def add_common_options(parser: argparse.ArgumentParser, seeds: int) -> None:
    """Start point, budget, seeds, target tolerance and output options."""
    parser.add_argument(
        "--x0",
        help="start point: comma-separated numbers (write --x0=-1,2 "
        "for a leading minus) or a .npy file; required for module:function",
    )
    parser.add_argument("--dim", type=int, help="size of scalable built-in problems")
    budget = parser.add_argument_group("budget (default: 200 iterations)")
    budget.add_argument("--max-iter", type=int, help="iterations per run")
    budget.add_argument("--max-fev", type=int, help="objective evaluations per run")
    budget.add_argument("--max-time", type=float, help="seconds per run")
    parser.add_argument(
        "--seeds",
        type=int,
        default=seeds,
        help=f"runs per method; seed 0 starts at x0, the others nearby (default: {seeds})",
    )
    parser.add_argument(
        "--tol",
        type=float,
        default=1e-6,
        help="a run succeeds when f <= f_min + tol * max(1, |f_min|)",
    )
    _add_output_options(parser)


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    output = parser.add_argument_group("output")
    output.add_argument(
        "--out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"report directory (default: {DEFAULT_OUT})",
    )
    output.add_argument("--no-report", action="store_true", help="skip the report")
    output.add_argument(
        "--json",
        action="store_true",
        help="print machine-readable JSON on stdout instead of the table",
    )
    output.add_argument("--quiet", action="store_true", help="no progress on stderr")


def budget_of(args: argparse.Namespace) -> dict[str, Any] | int:
    """The ``--max-*`` options as a `descend.compare` budget (200 iterations by default)."""
    budget = {
        key: value
        for key, value in (
            ("max_iter", args.max_iter),
            ("max_fev", args.max_fev),
            ("max_time", args.max_time),
        )
        if value is not None
    }
    return budget or 200


def run_compare(args: argparse.Namespace) -> int:
    from descend.experiments.compare import compare, standard_problems

    methods = parse_methods(args.methods)
    x0 = parse_vector(args.x0) if args.x0 is not None else None
    if args.problems:
        targets = [resolve_problem(spec, x0, args.dim) for spec in args.problems]
    else:
        if x0 is not None or args.dim is not None:
            raise CommandError("--x0 and --dim need a PROBLEM; the standard race has its own")
        targets = standard_problems()
    _before_runs(args)
    progress = Progress(enabled=not args.quiet)
    races = []
    for target in targets:
        progress.start(target.name if hasattr(target, "name") else _function_name(target))
        results = compare(
            target,
            methods,
            budget=budget_of(args),
            seeds=args.seeds,
            tol=args.tol,
            keep_path=True,
            progress=progress,
        )
        progress.finish(len(results.runs))
        races.append(results)
    return _finish(args, races, {"problems": [r.to_json() for r in races]})


def run_sweep(args: argparse.Namespace) -> int:
    from descend.experiments.sweep import sweep

    x0 = parse_vector(args.x0) if args.x0 is not None else None
    target = resolve_problem(args.problem, x0, args.dim)
    grid = {name: _grid_values(values) for name, values in parse_grid(args.grid).items()}
    _before_runs(args)
    progress = Progress(enabled=not args.quiet)
    progress.start(args.problem)
    results = sweep(
        target,
        args.method,
        grid,
        search=args.search,
        n_samples=args.n_samples,
        options=parse_assignments(args.option, "--option"),
        budget=budget_of(args),
        seeds=args.seeds,
        tol=args.tol,
        keep_path=True,
        progress=progress,
    )
    progress.finish(len(results.runs))
    payload = {"problems": [results.to_json()], "best_params": results.best_params()}
    return _finish(args, [results], payload)


def run_lr_find(args: argparse.Namespace) -> int:
    from descend.experiments.lr_find import lr_find

    if (args.problem is None) == (args.data is None):
        raise CommandError("give either a PROBLEM or --data FILE --target COLUMN")
    if args.data is not None:
        if args.target is None:
            raise CommandError("--data needs --target, the column to predict")
        X, y, _, _ = load_table(args.data, args.target)
        estimator, _ = estimator_for(args.model, y, {})
        target: Any = (estimator, X, y)
    else:
        x0 = parse_vector(args.x0) if args.x0 is not None else None
        target = resolve_problem(args.problem, x0, args.dim)
    _before_runs(args)
    result = lr_find(
        target,
        optimizer=args.optimizer,
        options=parse_assignments(args.option, "--option"),
        min_lr=args.min_lr,
        max_lr=args.max_lr,
        num_steps=args.num_steps,
        batch_size=args.batch_size,
        suggest=args.suggest,
    )
    text = (
        f"learning-rate range test ({args.optimizer}, {len(result.lrs)} steps from "
        f"{result.lrs[0]:.3g} to {result.lrs[-1]:.3g})\n"
        f"  suggested lr: {result.suggestion:.4g}\n"
        f"  diverged at:  "
        + ("no divergence" if result.diverged_at is None else f"{result.diverged_at:.4g}")
    )
    return _finish(args, result, result.to_json(), text)


def parse_grid(items: list[str]) -> dict[str, str]:
    """``["lr=1e-3,1e-2"]`` -> ``{"lr": "1e-3,1e-2"}``, values still as text.

    Examples
    --------
    >>> parse_grid(["lr=1e-3,1e-2", "momentum=0,0.9"])
    {'lr': '1e-3,1e-2', 'momentum': '0,0.9'}
    """
    grid = {}
    for item in items:
        name, equals, values = item.partition("=")
        if not equals or not name.strip().isidentifier() or not values.strip():
            raise CommandError(f"--grid expects NAME=VALUES such as lr=1e-3,1e-2; got {item!r}")
        grid[name.strip()] = values
    return grid


def _grid_values(text: str) -> Any:
    if text.startswith("loguniform:"):
        from scipy import stats

        try:
            _, low, high = text.split(":")
            return stats.loguniform(float(low), float(high))
        except ValueError:
            raise CommandError(
                f"write a log-uniform range as loguniform:LOW:HIGH (0 < LOW < HIGH); got {text!r}"
            ) from None
    value = parse_value(text)
    return list(value) if isinstance(value, tuple) else [value]


def estimator_for(model: str, y: Any, params: dict[str, Any]) -> tuple[Any, str]:
    """The estimator named by ``--model`` (``auto`` chooses from the target) and why.

    Examples
    --------
    >>> import numpy as np
    >>> estimator_for("auto", np.array(["a", "b", "a"]), {})[1]
    'LogisticRegression (auto: the target has 2 classes)'
    """
    from descend import models

    names = {
        "linear": "LinearRegression",
        "logistic": "LogisticRegression",
        "mlp-regressor": "MLPRegressor",
        "mlp-classifier": "MLPClassifier",
    }
    names.update({value.lower(): value for value in list(names.values())})
    reason = ""
    key = model.lower()
    if key == "auto":
        classes = np.unique(y)
        categorical = y.dtype.kind not in "fiu" or (
            np.all(np.mod(y.astype(float), 1) == 0) and classes.size <= 20
        )
        key = "logistic" if categorical else "linear"
        reason = (
            f" (auto: the target has {classes.size} classes)"
            if categorical
            else " (auto: the target is continuous)"
        )
    if key not in names:
        raise CommandError(
            f"unknown --model {model!r}; choose auto, linear, logistic, mlp-regressor or "
            "mlp-classifier"
        )
    estimator_class = getattr(models, names[key])
    return estimator_class(**params), names[key] + reason


def _before_runs(args: argparse.Namespace) -> None:
    if not args.no_report:
        check_plotting()


def _function_name(target: Any) -> str:
    return getattr(target[0], "__name__", "function")


def _finish(args: argparse.Namespace, results: Any, payload: dict[str, Any], text: str = "") -> int:
    page = None
    if not args.no_report:
        from descend.report import report

        command = "descend " + " ".join(shlex.quote(arg) for arg in args.argv)
        page = report(results, args.out, command=command)
    if args.json:
        print_json({**payload, "report": None if page is None else str(page)})
        return 0
    print(text or "\n\n".join(item.summary() for item in results))
    if page is not None:
        print(f"\nreport: {page}")
    return 0
