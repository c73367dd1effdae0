"""descend.minimize against scipy.optimize.minimize on the whole problem set.

Each of our methods runs next to SciPy's closest method, SciPy being given the exact gradient
(and Hessian or Hessian-vector products) from descend's engine, both with the same tight
gradient tolerance, from the problem's standard start. A problem counts as *solved* when the
final value is within ``1e-6 |f_min| + 1e-10`` of the known minimum. The tests check that
where both solve a problem they found the same minimiser, and that we solve every problem
SciPy's same method solves (apart from the gaps listed below, each explained). Iteration and
evaluation counts are printed (``pytest -s``) and recorded as test properties; the
benchmark (bench/bench_minimize.py) summarises them.
"""

import functools
import warnings

import numpy as np
import pytest
import scipy.optimize

import descend
from descend import problems
from descend.solvers import minimize

GTOL = 1e-8

# Our method -> SciPy's method and its options for the same gradient tolerance. Newton with
# an exact Hessian is paired with SciPy's trust-exact (also exact-Hessian Newton, but with a
# trust region instead of a line search, so from a non-convex start the two may differ).
PAIRS = {
    "bfgs": ("BFGS", {"gtol": GTOL}),
    "lbfgs": ("L-BFGS-B", {"gtol": GTOL, "ftol": 1e-15, "maxiter": 15_000}),
    "cg": ("CG", {"gtol": GTOL}),
    # SciPy's Newton-CG has no gradient test; it stops on the mean relative step size.
    "newton-cg": ("Newton-CG", {"xtol": 1e-7}),
    "newton": ("trust-exact", {"gtol": GTOL}),
}
OUR_OPTIONS = {"lbfgs": {"gtol": GTOL, "ftol": 1e-15}}

PROBLEMS = {p.name: p for p in problems.all_problems()}

# Problems with minimisers that are not isolated: reaching any of them is the same answer.
NON_ISOLATED = {"box_3d", "chebyquad"}


def solved(problem, value):
    return bool(np.isfinite(value) and value - problem.f_min <= 1e-6 * abs(problem.f_min) + 1e-10)


@functools.cache
def run_ours(name, method):
    problem = PROBLEMS[name]
    options = OUR_OPTIONS.get(method, {"gtol": GTOL})
    return minimize(problem.fun, problem.x0, method=method, options=options)


@functools.cache
def run_scipy(name, method):
    problem = PROBLEMS[name]
    scipy_method, options = PAIRS[method]
    extra = {}
    if scipy_method == "Newton-CG":
        extra["hessp"] = lambda x, v: descend.hvp(problem.fun, x, v)
    if scipy_method == "trust-exact":
        extra["hess"] = descend.hessian(problem.fun)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy warns when it stops on precision loss
        return scipy.optimize.minimize(
            descend.value_and_grad(problem.fun),
            problem.x0,
            jac=True,
            method=scipy_method,
            options=options,
            **extra,
        )


def _same_minimiser(problem, ours, theirs):
    """Whether two solutions that both reach f_min are the same minimiser.

    With several known global minimisers, each run may legitimately find a different one:
    both must then sit at a known minimiser. Otherwise the points must agree to 1e-3
    (relative), or, in a flat ill-conditioned valley where x is determined only to about
    sqrt(tolerance / smallest curvature), f must stay at the minimum level all along the
    segment between them (no ridge between two distinct minima).
    """
    if problem.name in NON_ISOLATED:
        return True  # both solved, i.e. both reached the minimum value
    if len(problem.minimizers) > 1:
        return max(problem.distance_to_min(ours), problem.distance_to_min(theirs)) <= 1e-3 * (
            1.0 + max(np.max(np.abs(m)) for m in problem.minimizers)
        )
    scale = max(1.0, float(np.max(np.abs(theirs))))
    if float(np.max(np.abs(ours - theirs))) <= 1e-3 * scale:
        return True
    segment = [ours + t * (theirs - ours) for t in np.linspace(0.0, 1.0, 11)]
    return all(solved(problem, float(problem(point))) for point in segment)


CASES = [(name, method) for name in PROBLEMS for method in PAIRS]


@pytest.mark.parametrize(("name", "method"), CASES, ids=[f"{n}-{m}" for n, m in CASES])
def test_same_minimiser_as_scipy_where_both_solve(name, method, record_property):
    problem = PROBLEMS[name]
    ours, theirs = run_ours(name, method), run_scipy(name, method)
    for key in ("nit", "nfev", "njev"):
        record_property(f"ours_{key}", int(getattr(ours, key)))
        record_property(f"scipy_{key}", int(getattr(theirs, key, 0)))
    print(
        f"{name:27s} {method:9s} ours: f={ours.fun:.4e} nit={ours.nit:4d} nfev={ours.nfev:4d} | "
        f"scipy {PAIRS[method][0]}: f={theirs.fun:.4e} nit={theirs.nit:4d} nfev={theirs.nfev:4d}"
    )
    if solved(problem, ours.fun) and solved(problem, theirs.fun):
        assert _same_minimiser(problem, np.asarray(ours.x), theirs.x), (ours.x, theirs.x)


# Problems SciPy's method solves from x0 and ours does not, with the reason. These are
# reported to the solver's authors; a new gap fails the test.
KNOWN_GAPS: dict[str, dict[str, str]] = {
    "bfgs": {},
    "lbfgs": {},
    "cg": {},
    "newton-cg": {},
    # Both are genuine local minima (gradient ~1e-10) that line-search Newton reaches from
    # x0, while trust-exact's radius-limited first steps lead it to the global one.
    "newton": {
        "biggs_exp6": "ends at the local minimum f = 5.65565e-3 reported by MGH",
        "three_hump_camel": "ends at the local minimum f = 0.29864 at (1.7476, -0.8738)",
    },
}


@pytest.mark.parametrize("method", list(PAIRS))
def test_solves_every_problem_scipys_same_method_solves(method):
    ours = {name for name in PROBLEMS if solved(PROBLEMS[name], run_ours(name, method).fun)}
    theirs = {name for name in PROBLEMS if solved(PROBLEMS[name], run_scipy(name, method).fun)}
    print(f"{method}: ours solved {len(ours)}, scipy {PAIRS[method][0]} solved {len(theirs)}")
    assert theirs - ours <= set(KNOWN_GAPS[method])
