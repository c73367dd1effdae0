"""`lr_find`: the learning-rate range test (Smith 2017; the fastai / PyTorch lr finder).

Train for ``num_steps`` steps while the learning rate grows geometrically from ``min_lr`` to
``max_lr``; smooth the loss with a bias-corrected exponential moving average; stop once it
exceeds ``divergence_factor`` times its best value; suggest the rate where it falls fastest.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from descend.autodiff import value_and_grad
from descend.experiments.objectives import as_problem, estimator_objective
from descend.experiments.results import LRFindResult
from descend.experiments.runners import OPTIMIZERS
from descend.optim import apply_updates

__all__ = ["lr_find"]

_SUGGESTIONS = ("steepest", "min/10")


def lr_find(
    problem: Any,
    params: Any = None,
    data: tuple[Any, ...] | None = None,
    *,
    optimizer: str | Callable[..., Any] = "sgd",
    options: Mapping[str, Any] | None = None,
    min_lr: float = 1e-7,
    max_lr: float = 10.0,
    num_steps: int = 100,
    batch_size: int | None = None,
    beta: float = 0.98,
    divergence_factor: float = 4.0,
    suggest: str = "steepest",
    random_state: int = 0,
) -> LRFindResult:
    """Run the learning-rate range test and suggest a learning rate.

    Parameters
    ----------
    problem : callable, Problem, str, (fun, x0) or (estimator, X, y)
        Either a loss ``loss_fn(params, *batch)`` (plain NumPy; ``params`` any pytree), used
        with ``params`` and ``data``; or anything `compare` accepts. An estimator is trained
        on mini-batches of its data when ``batch_size`` is given; the other problems have no
        data and take full steps.
    params : pytree, optional
        Starting parameters for a ``loss_fn`` (required with one, not used otherwise).
    data : tuple of arrays, optional
        ``(X, y)`` (any number of arrays with the same first dimension) for a ``loss_fn``;
        each step uses the next mini-batch of a reshuffled pass over them.
    optimizer : str or callable
        A `descend.optim` optimizer name (``"sgd"``, ``"adam"``, ...) or a factory taking
        ``lr`` (``descend.optim.sgd``); its ``lr`` is replaced by the test's schedule.
    options : dict, optional
        Other arguments for the optimizer factory (``{"momentum": 0.9}``).
    min_lr, max_lr : float
        The range, covered geometrically: step ``k`` uses
        ``min_lr * (max_lr / min_lr) ** (k / (num_steps - 1))``.
    num_steps : int
        Steps (mini-batches) over the range (fastai's default 100).
    batch_size : int, optional
        Mini-batch size; default the whole data set.
    beta : float
        Smoothing factor of the moving average ``avg = beta avg + (1 - beta) loss``, reported
        bias-corrected as ``avg / (1 - beta ** (k + 1))`` (fastai's 0.98).
    divergence_factor : float
        Stop when the smoothed loss exceeds this multiple of its best value (or is not
        finite); that learning rate is ``diverged_at``. Losses must be positive for the test
        to be meaningful (as training losses are).
    suggest : {"steepest", "min/10"}
        ``"steepest"`` (default): the rate where the smoothed loss falls fastest against
        ``log(lr)``, among the steps before the minimum of the smoothed loss. ``"min/10"``:
        a tenth of the rate at that minimum (fastai's older rule: it errs on the safe side).
    random_state : int
        Seed for the mini-batch order.

    Returns
    -------
    LRFindResult
        ``lrs``, raw ``losses`` and ``smoothed`` losses per step, ``suggestion``,
        ``diverged_at`` and the ``settings``.

    Examples
    --------
    On ``0.5 * sum(h * w**2)`` with curvatures ``h`` up to ``L = 10``, gradient descent
    diverges beyond ``2 / L``; the test stops there and suggests a safe rate below it:

    >>> h = np.array([1.0, 4.0, 10.0])
    >>> found = lr_find(lambda w: 0.5 * np.sum(h * w**2), np.ones(3), min_lr=1e-4, max_lr=10)
    >>> bool(found.suggestion < 2 / 10 < found.diverged_at < 10), len(found.lrs) < 100
    (True, True)
    """
    _check_settings(min_lr, max_lr, num_steps, beta, divergence_factor, suggest)
    loss_fn, start, batches = _loss_and_batches(problem, params, data, batch_size, random_state)
    ratio = max_lr / min_lr

    def rate(k: int) -> float:
        return float(min_lr * ratio ** (k / (num_steps - 1)))

    schedule = [rate(k) for k in range(num_steps)]
    transform = _optimizer(optimizer, dict(options or {}), rate)
    state = transform.init(start)
    current = start
    gradient = value_and_grad(loss_fn)
    lrs: list[float] = []
    losses: list[float] = []
    smoothed: list[float] = []
    average, best, diverged_at = 0.0, math.inf, None
    for k in range(num_steps):
        loss, grads = gradient(current, *next(batches))
        loss = float(loss)
        average = beta * average + (1.0 - beta) * loss
        value = average / (1.0 - beta ** (k + 1))
        lrs.append(schedule[k])
        losses.append(loss)
        smoothed.append(value)
        if not math.isfinite(value) or (k > 0 and value > divergence_factor * best):
            diverged_at = schedule[k]
            break
        best = min(best, value)
        updates, state = transform.update(grads, state, current)
        current = apply_updates(current, updates)
    result_lrs, result_smoothed = np.array(lrs), np.array(smoothed)
    return LRFindResult(
        lrs=result_lrs,
        losses=np.array(losses),
        smoothed=result_smoothed,
        suggestion=_suggestion(result_lrs, result_smoothed, diverged_at is not None, suggest),
        diverged_at=diverged_at,
        settings={
            "optimizer": getattr(optimizer, "__name__", optimizer),
            "options": dict(options or {}),
            "min_lr": min_lr,
            "max_lr": max_lr,
            "num_steps": num_steps,
            "batch_size": batch_size,
            "beta": beta,
            "divergence_factor": divergence_factor,
            "suggest": suggest,
            "random_state": random_state,
        },
    )


def _check_settings(
    min_lr: float,
    max_lr: float,
    num_steps: int,
    beta: float,
    divergence_factor: float,
    suggest: str,
) -> None:
    if not (0 < min_lr < max_lr and math.isfinite(max_lr)):
        raise ValueError(f"need 0 < min_lr < max_lr < inf; got min_lr={min_lr}, max_lr={max_lr}")
    if isinstance(num_steps, bool) or int(num_steps) != num_steps or num_steps < 2:
        raise ValueError(f"num_steps must be an integer >= 2; got {num_steps!r}")
    if not 0 <= beta < 1:
        raise ValueError(f"beta must be in [0, 1); got {beta!r}")
    if not divergence_factor > 1:
        raise ValueError(f"divergence_factor must be > 1; got {divergence_factor!r}")
    if suggest not in _SUGGESTIONS:
        raise ValueError(f"suggest must be one of {_SUGGESTIONS}; got {suggest!r}")


def _loss_and_batches(
    problem: Any,
    params: Any,
    data: tuple[Any, ...] | None,
    batch_size: int | None,
    random_state: int,
) -> tuple[Callable[..., Any], Any, Iterator[tuple[Any, ...]]]:
    """``(loss(params, *batch), start, endless batches)`` for each accepted problem form."""
    if isinstance(problem, tuple) and len(problem) == 3 and hasattr(problem[0], "fit"):
        loss_fn, start, X, Y = estimator_objective(*problem)
        return loss_fn, start, _minibatches((X, Y), batch_size, random_state)
    if callable(problem) and not hasattr(problem, "x0"):
        if params is None:
            raise ValueError("lr_find(loss_fn, params, data): a loss function needs params")
        if data is None:
            return problem, params, _minibatches((), None, random_state)
        if not isinstance(data, tuple) or not data:
            raise ValueError("data must be a tuple of arrays such as (X, y)")
        return problem, params, _minibatches(data, batch_size, random_state)
    if params is not None or data is not None:
        raise ValueError(
            "params and data are only for a loss function; a problem brings its own start"
        )
    resolved = as_problem(problem)
    return (
        lambda x: resolved.fun(x),
        np.array(resolved.x0, dtype=np.float64),
        _minibatches((), None, random_state),
    )


def _minibatches(
    data: tuple[Any, ...], batch_size: int | None, random_state: int
) -> Iterator[tuple[Any, ...]]:
    """Endless mini-batches: consecutive slices of a fresh permutation each pass."""
    if not data:
        while True:
            yield ()
    arrays = tuple(np.asarray(a) for a in data)
    n = arrays[0].shape[0]
    if any(a.shape[0] != n for a in arrays):
        raise ValueError(f"data arrays differ in length: {[a.shape[0] for a in arrays]}")
    size = n if batch_size is None else int(batch_size)
    if not 1 <= size <= n:
        raise ValueError(f"batch_size must be between 1 and the {n} samples; got {batch_size}")
    if size == n:
        while True:
            yield arrays
    rng = np.random.default_rng(random_state)
    while True:
        order = rng.permutation(n)
        for begin in range(0, n - size + 1, size):
            rows = order[begin : begin + size]
            yield tuple(a[rows] for a in arrays)


def _optimizer(optimizer: Any, options: dict[str, Any], schedule: Callable[[int], float]) -> Any:
    if "lr" in options:
        raise ValueError("lr_find sets lr itself; give min_lr and max_lr instead of options['lr']")
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(
                f"unknown optimizer {optimizer!r}; lr_find takes one of {sorted(OPTIMIZERS)} or "
                "a factory such as descend.optim.sgd"
            )
        factory = OPTIMIZERS[optimizer]
    elif callable(optimizer) and not hasattr(optimizer, "init"):
        factory = optimizer
    else:
        raise TypeError(
            "optimizer must be a descend.optim name or factory taking lr (descend.optim.sgd), "
            "not a built optimizer: lr_find must control its learning rate"
        )
    return factory(lr=schedule, **options)


def _suggestion(lrs: np.ndarray, smoothed: np.ndarray, diverged: bool, rule: str) -> float:
    # The diverging step itself says nothing about a usable rate.
    usable = smoothed[:-1] if diverged and smoothed.size > 1 else smoothed
    lowest = int(np.argmin(usable))
    if rule == "min/10":
        return float(lrs[lowest] / 10.0)
    if lowest < 2:
        return float(lrs[lowest])
    slopes = np.gradient(usable[: lowest + 1], np.log(lrs[: lowest + 1]))
    return float(lrs[int(np.argmin(slopes))])
