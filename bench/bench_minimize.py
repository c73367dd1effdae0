"""descend.minimize against SciPy on the test-problem set, and on L2 logistic regression.

Run from the repository root::

    python bench/bench_minimize.py                  # 1 thread, 5 repeats
    python bench/bench_minimize.py --threads 2 --repeats 9 --skip-problems

Part 1, the problem set (``descend.problems.all_problems()``, 41 problems from their standard
starts). Each of our methods runs next to SciPy's closest method with the same gradient
tolerance ``gtol = 1e-8``; SciPy gets the exact gradient (and Hessian or Hessian-vector
products) from descend's engine. Pairs: bfgs/BFGS, lbfgs/L-BFGS-B, cg/CG,
newton-cg/Newton-CG, newton/trust-exact. A problem is *solved* when the final value is within
``1e-6 |f_min| + 1e-10`` of the known minimum. The table gives, per method, problems solved by
each, and the median number of function evaluations (``nfev``) and iterations over the problems
*both* solve, so the medians compare like with like. Counts are deterministic; no timing here.

Part 2, L2-regularised logistic regression on
``make_classification(n_samples=100_000, n_features=100, random_state=0)``. All contenders
minimise the same objective, the one scikit-learn's ``lbfgs`` solver minimises internally::

    F(w, b) = mean_i log(1 + exp(-y_i (x_i . w + b))) + ||w||^2 / (2 C n),   y_i in {-1, +1}

with ``C = 1`` (the intercept is not penalised), all with L-BFGS(-B) to the same tolerance
(``gtol = 1e-6`` on the infinity norm of the gradient of F, ``ftol = 64 eps``, as
scikit-learn passes its ``tol`` to SciPy), from zero:

* ``sklearn``: ``LogisticRegression(solver="lbfgs", C=1.0, tol=1e-6, max_iter=1000).fit``.
* ``scipy``: ``scipy.optimize.minimize(method="L-BFGS-B", jac=True)`` with a hand-written
  NumPy value-and-gradient function.
* ``descend``: ``descend.minimize(F, {"coef": w, "intercept": b}, method="lbfgs")``, the
  gradient from descend's engine (F written in plain NumPy, parameters as a pytree).
* ``descend+jac``: the same with the hand-written gradient (``jac=True``), which separates
  the solver's cost from the engine's.

Every contender runs once per repeat, interleaved; the times are medians over repeats, the
ratios medians of per-repeat ratios against scikit-learn. The final objective of each is
printed and must agree with scikit-learn's to 1e-7 (relative).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.optimize

try:
    import descend
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import descend

from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_info, threadpool_limits

from descend import problems
from descend.solvers import minimize

GTOL = 1e-8
PAIRS: dict[str, tuple[str, dict[str, Any]]] = {
    "bfgs": ("BFGS", {"gtol": GTOL}),
    "lbfgs": ("L-BFGS-B", {"gtol": GTOL, "ftol": 1e-15, "maxiter": 15_000}),
    "cg": ("CG", {"gtol": GTOL}),
    "newton-cg": ("Newton-CG", {"xtol": 1e-7}),  # SciPy's Newton-CG has no gradient test
    "newton": ("trust-exact", {"gtol": GTOL}),
}
OUR_OPTIONS = {"lbfgs": {"gtol": GTOL, "ftol": 1e-15}}


def solved(problem: problems.Problem, value: float) -> bool:
    return bool(np.isfinite(value) and value - problem.f_min <= 1e-6 * abs(problem.f_min) + 1e-10)


def run_scipy(problem: problems.Problem, method: str) -> Any:
    scipy_method, options = PAIRS[method]
    extra: dict[str, Any] = {}
    if scipy_method == "Newton-CG":
        extra["hessp"] = lambda x, v: descend.hvp(problem.fun, x, v)
    if scipy_method == "trust-exact":
        extra["hess"] = descend.hessian(problem.fun)
    return scipy.optimize.minimize(
        descend.value_and_grad(problem.fun),
        problem.x0,
        jac=True,
        method=scipy_method,
        options=options,
        **extra,
    )


def problem_set_table() -> None:
    print("Part 1: problem set, from the standard starts, gtol = 1e-8 on both sides")
    print(
        f"{'method':10s} {'scipy pair':12s} {'solved ours/scipy':>18s} "
        f"{'median nfev ours/scipy':>24s} {'median nit ours/scipy':>23s} {'both':>5s}"
    )
    gaps: list[str] = []
    for method, (scipy_method, _) in PAIRS.items():
        counts: list[tuple[int, int, int, int]] = []
        n_ours = n_scipy = 0
        for problem in problems.all_problems():
            ours = minimize(
                problem.fun,
                problem.x0,
                method=method,
                options=OUR_OPTIONS.get(method, {"gtol": GTOL}),
            )
            theirs = run_scipy(problem, method)
            ok_ours, ok_scipy = solved(problem, ours.fun), solved(problem, theirs.fun)
            n_ours += ok_ours
            n_scipy += ok_scipy
            if ok_ours and ok_scipy:
                counts.append((ours.nfev, theirs.nfev, ours.nit, theirs.nit))
            elif ok_scipy:
                gaps.append(f"{method}: {problem.name} (ours f={ours.fun:.4g}: {ours.message})")
        nfev_o, nfev_s, nit_o, nit_s = (statistics.median(c) for c in zip(*counts, strict=True))
        print(
            f"{method:10s} {scipy_method:12s} {n_ours:>9d} / {n_scipy:<6d} "
            f"{nfev_o:>12.1f} / {nfev_s:<9.1f} {nit_o:>11.1f} / {nit_s:<9.1f} {len(counts):>5d}"
        )
    print("Solved by SciPy's method but not ours:", *(gaps or ["none"]), sep="\n  ")


def logistic_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    X, labels = make_classification(n_samples=100_000, n_features=100, random_state=0)
    return X, labels, np.where(labels == 1, 1.0, -1.0)


def logistic_contenders(
    X: np.ndarray, labels: np.ndarray, signs: np.ndarray, C: float, gtol: float
) -> tuple[dict[str, Callable[[], tuple[np.ndarray, int]]], Callable[..., Any]]:
    """The fits to time (each returns the flat solution and its iteration count) and the
    reference value-and-gradient of F used to check every solution."""
    n, d = X.shape
    ridge = 1.0 / (C * n)
    ftol = 64 * np.finfo(float).eps

    def objective(params: dict[str, Any]) -> Any:
        margins = signs * (X @ params["coef"] + params["intercept"])
        return np.mean(np.logaddexp(0.0, -margins)) + 0.5 * ridge * np.sum(params["coef"] ** 2)

    def value_and_gradient(flat: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = flat[:d], flat[d]
        margins = signs * (X @ w + b)
        # d/dz log(1 + exp(-m)) = -y * sigmoid(-m), computed stably via exp(-logaddexp).
        weights = -signs * np.exp(-np.logaddexp(0.0, margins)) / n
        value = np.mean(np.logaddexp(0.0, -margins)) + 0.5 * ridge * (w @ w)
        return float(value), np.append(X.T @ weights + ridge * w, np.sum(weights))

    def pytree_value_and_gradient(params: dict[str, Any]) -> tuple[float, dict[str, Any]]:
        value, grad = value_and_gradient(np.append(params["coef"], params["intercept"]))
        return value, {"coef": grad[:d], "intercept": grad[d]}

    start = {"coef": np.zeros(d), "intercept": np.zeros(())}

    def sklearn_fit() -> tuple[np.ndarray, int]:
        model = LogisticRegression(solver="lbfgs", C=C, tol=gtol, max_iter=1000).fit(X, labels)
        flat = np.append(model.coef_.ravel(), model.intercept_)
        return flat, int(model.n_iter_[0])

    def scipy_fit() -> tuple[np.ndarray, int]:
        result = scipy.optimize.minimize(
            value_and_gradient,
            np.zeros(d + 1),
            jac=True,
            method="L-BFGS-B",
            options={"gtol": gtol, "ftol": ftol, "maxiter": 1000, "maxls": 50},
        )
        return result.x, result.nit

    def descend_fit(jac: Any) -> tuple[np.ndarray, int]:
        fun = pytree_value_and_gradient if jac else objective
        result = minimize(fun, start, method="lbfgs", jac=jac, options={"gtol": gtol, "ftol": ftol})
        return np.append(result.x["coef"], result.x["intercept"]), result.nit

    return {
        "sklearn": sklearn_fit,
        "scipy": scipy_fit,
        "descend": lambda: descend_fit(None),
        "descend+jac": lambda: descend_fit(True),
    }, value_and_gradient


def logistic_table(repeats: int) -> None:
    C, gtol = 1.0, 1e-6
    X, labels, signs = logistic_data()
    contenders, value_and_gradient = logistic_contenders(X, labels, signs, C, gtol)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    finals: dict[str, tuple[np.ndarray, int]] = {}
    for _ in range(repeats):
        for name, fit in contenders.items():
            start = time.perf_counter()
            finals[name] = fit()
            times[name].append(time.perf_counter() - start)
    print(
        "\nPart 2: L2 logistic regression, make_classification(100000 x 100), C = 1, "
        f"gtol = {gtol:g}, {repeats} repeats"
    )
    reference, _ = value_and_gradient(finals["sklearn"][0])
    print(f"{'contender':12s} {'median s':>9s} {'vs sklearn':>11s} {'iters':>6s} "
          f"{'final F':>22s} {'|grad F|_inf':>13s} {'rel. diff F':>12s}")  # fmt: skip
    for name in contenders:
        value, grad = value_and_gradient(finals[name][0])
        ratio = statistics.median(t / s for t, s in zip(times[name], times["sklearn"], strict=True))
        rel = abs(value - reference) / abs(reference)
        print(
            f"{name:12s} {statistics.median(times[name]):9.3f} {ratio:10.2f}x "
            f"{finals[name][1]:6d} {value:22.15f} {np.max(np.abs(grad)):13.2e} {rel:12.1e}"
        )
        if rel > 1e-7:
            print(f"  WARNING: {name} stopped at a different objective value than sklearn")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    parser.add_argument("--repeats", type=int, default=5, help="logistic repeats (default 5)")
    parser.add_argument("--skip-problems", action="store_true", help="logistic regression only")
    args = parser.parse_args()
    with threadpool_limits(limits=args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy's precision-loss and overflow warnings
        pools = [f"{p['internal_api']}={p['num_threads']}" for p in threadpool_info()]
        print(f"threads pinned to {args.threads} ({', '.join(pools)}); numpy {np.__version__}")
        if not args.skip_problems:
            problem_set_table()
        logistic_table(args.repeats)


if __name__ == "__main__":
    main()
