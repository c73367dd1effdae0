"""What `compare` and `sweep` accept as a problem, turned into a `descend.problems.Problem`.

A problem is a registry entry (or its name), a user's ``(fun, x0)``, or an estimator with its
training data ``(estimator, X, y)``; all become a `Problem` over a flat float64 vector so that
every method, the ``distance`` column and the trajectory plots treat them alike.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from descend import problems
from descend.problems import Problem
from descend.pytree import tree_flatten, tree_unflatten

__all__ = ["as_problem", "estimator_objective", "estimator_problem", "start_point"]

# Reference solve for an estimator's convex training loss: far tighter than any race target.
_REFERENCE_GTOL = 1e-10


def as_problem(problem: Any) -> Problem:
    """Turn any accepted problem form into a `Problem`.

    Parameters
    ----------
    problem : Problem, str, (fun, x0) or (estimator, X, y)
        A `descend.problems` entry or its name; a user's ``fun(x) -> float`` with a starting
        array ``x0`` (its minimum is unknown: build a `descend.problems.Problem` to give
        ``f_min`` and ``x_min``); or a descend estimator with training data, whose objective
        is the estimator's mean training loss over its flattened parameters.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the registry) or a malformed tuple.

    Examples
    --------
    >>> as_problem("beale").f_min
    0.0
    >>> p = as_problem((lambda x: np.sum((x - 2.0) ** 2), np.zeros(3)))
    >>> p.dim, math.isnan(p.f_min), p.minimizers
    (3, True, ())
    """
    if isinstance(problem, Problem):
        return problem
    if isinstance(problem, str):
        return problems.get(problem)
    if isinstance(problem, tuple) and len(problem) == 2 and callable(problem[0]):
        fun, x0 = problem
        return _function_problem(fun, x0)
    if isinstance(problem, tuple) and len(problem) == 3 and hasattr(problem[0], "fit"):
        return estimator_problem(*problem)
    raise TypeError(
        "problem must be a descend.problems.Problem, a problem name (see "
        "descend.problems.list_problems()), a tuple (fun, x0), or a tuple (estimator, X, y); "
        f"got {type(problem).__name__}"
    )


def _function_problem(fun: Callable[[Any], Any], x0: Any) -> Problem:
    start = np.asarray(x0, dtype=np.float64)
    if start.ndim != 1 or start.size == 0 or not np.all(np.isfinite(start)):
        raise ValueError(
            "x0 must be a non-empty 1-D array of finite numbers (flatten a structured "
            f"parameter first); got shape {start.shape}"
        )
    name = getattr(fun, "__name__", "function")
    return Problem(name=name, fun=fun, x0=start, f_min=math.nan, x_min=None)


def estimator_problem(estimator: Any, X: Any, y: Any) -> Problem:
    """The training loss of a descend estimator on ``(X, y)`` as a `Problem` over flat parameters.

    The start is the estimator's own initialisation (from its ``random_state``). For linear
    models the loss is convex, so the minimum is computed once, tightly, by Newton-CG and becomes
    ``f_min`` and ``x_min``; for other models both stay unknown.

    Examples
    --------
    >>> from descend.models import LogisticRegression
    >>> X = np.array([[-2.0], [-1.0], [1.0], [2.0]]); y = [0, 1, 1, 0]
    >>> p = estimator_problem(LogisticRegression(), X, y)
    >>> p.name, p.dim, round(p.f_min, 6)
    ('LogisticRegression', 2, 0.693147)
    """
    from descend.models.linear import _LinearModel

    objective, params, X, Y = estimator_objective(estimator, X, y)
    leaves, treedef = tree_flatten(params)
    shapes = [np.shape(leaf) for leaf in leaves]
    splits = np.cumsum([math.prod(shape) for shape in shapes])[:-1]

    def training_loss(flat: Any) -> Any:
        parts = np.split(flat, splits)
        tree = tree_unflatten(treedef, [p.reshape(s) for p, s in zip(parts, shapes, strict=True)])
        return objective(tree, X, Y)

    x0 = np.concatenate([np.ravel(leaf) for leaf in leaves]).astype(np.float64)
    name = type(estimator).__name__
    if not isinstance(estimator, _LinearModel):
        return Problem(name=name, fun=training_loss, x0=x0, f_min=math.nan, x_min=None)
    from descend.solvers import minimize

    reference = minimize(training_loss, x0, "newton-cg", options={"gtol": _REFERENCE_GTOL})
    return Problem(
        name=name,
        fun=training_loss,
        x0=x0,
        f_min=float(reference.fun),
        x_min=reference.x,
        tags=frozenset({"convex", "smooth"}),
        reference=f"training loss of {estimator!r}; minimum by Newton-CG, gtol {_REFERENCE_GTOL}",
    )


def estimator_objective(
    estimator: Any, X: Any, y: Any
) -> tuple[Callable[[Any, Any, Any], Any], Any, np.ndarray, np.ndarray]:
    """``(loss(params, X, Y), initial params, X, Y)``: what the estimator's ``fit`` minimises.

    ``X`` and ``Y`` are the validated, encoded arrays (class indices or a 0/1 column for
    classifiers) and ``loss`` their mean training loss with the estimator's penalty.

    Examples
    --------
    >>> from descend.models import LinearRegression
    >>> loss, params, X, Y = estimator_objective(LinearRegression(), [[1.0], [2.0]], [1.0, 3.0])
    >>> sorted(params), float(loss(params, X, Y))
    (['coef', 'intercept'], 2.5)
    """
    from descend.models.base import GradientEstimator, as_generator
    from descend.models.targets import ClassifierOutputs

    if not isinstance(estimator, GradientEstimator):
        raise TypeError(
            "(estimator, X, y) needs a descend.models estimator (LinearRegression, "
            f"LogisticRegression, MLPRegressor, MLPClassifier); got {type(estimator).__name__}"
        )
    # The estimator's private training hooks give exactly the loss that ``fit`` minimises.
    model = copy.deepcopy(estimator)
    X, y = model._validate_xy(X, y, reset=True)
    if isinstance(model, ClassifierOutputs):
        model._set_classes(np.unique(y))
        Y, n_outputs = model._encode(y, X.dtype), model._n_outputs()
    else:
        Y, n_outputs = y, y.shape[1]
    penalty_weights = getattr(model, "_penalty_weights", None)
    if penalty_weights is not None and penalty_weights(X.shape[0])[1] > 0:
        # fit handles an L1 term by its proximal operator, outside the smooth loss
        raise ValueError(
            f"{type(estimator).__name__}(penalty={model.penalty!r}) has an L1 term, which is "
            "not differentiable: compare and lr_find need a smooth loss; use penalty='l2' or None"
        )
    params = model._init_params(X.shape[1], n_outputs, as_generator(model.random_state), X.dtype)
    return model._objective(X.shape[0], None), params, X, Y


def start_point(problem: Problem, seed: int, perturbation: float) -> np.ndarray:
    """The start for ``seed``: the standard ``x0`` for seed 0, else ``x0`` plus Gaussian noise.

    The noise has standard deviation ``perturbation * max(1, rms(x0))`` per coordinate and is
    drawn from ``numpy.random.default_rng(seed)``, so a seed always gives the same start.

    Examples
    --------
    >>> p = problems.get("rosenbrock")
    >>> start_point(p, 0, 0.1).tolist()
    [-1.2, 1.0]
    >>> bool(np.all(start_point(p, 3, 0.1) == start_point(p, 3, 0.1)))
    True
    """
    x0 = np.array(problem.x0, dtype=np.float64)
    if seed == 0 or perturbation == 0:
        return x0
    scale = perturbation * max(1.0, float(np.sqrt(np.mean(x0**2))))
    return x0 + scale * np.random.default_rng(seed).standard_normal(x0.shape)
