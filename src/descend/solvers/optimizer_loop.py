"""Run a `descend.optim` optimizer full-batch under `minimize`'s criteria and diagnostics."""

from __future__ import annotations

import inspect
import math
from typing import Any

import numpy as np

from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective

__all__ = ["is_optimizer", "run_optimizer"]


def is_optimizer(method: Any) -> bool:
    """Whether ``method`` follows the optimizer contract (``init`` and ``update`` methods).

    Examples
    --------
    >>> is_optimizer("lbfgs")
    False
    """
    return callable(getattr(method, "init", None)) and callable(getattr(method, "update", None))


def run_optimizer(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    optimizer: Any,
) -> dict[str, Any]:
    """Iterate ``updates, state = optimizer.update(grads, state, params)`` on the full objective.

    Parameters and gradients are passed in the structure of ``x0``; the current loss is passed
    as ``loss=`` when ``update`` accepts it (`descend.optim.reduce_on_plateau` reads it). The
    run is a fixed-step method for the divergence diagnosis.

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> from descend.optim import adam
    >>> r = minimize(lambda x: np.sum((x - 1.0) ** 2), np.zeros(2), method=adam(lr=0.1),
    ...              jac=lambda x: 2 * (x - 1.0), options={"gtol": 1e-4})
    >>> bool(np.allclose(r.x, 1.0, atol=1e-3))
    True
    """
    from descend.optim import apply_updates

    monitor.fixed_lr = _learning_rate(optimizer)
    params = obj.to_tree(x.copy())
    state = optimizer.init(params)
    wants_loss = _accepts_loss(optimizer.update)
    while True:
        extra = {"loss": f} if wants_loss else {}
        updates, state = optimizer.update(obj.to_tree(g), state, params, **extra)
        params = apply_updates(params, updates)
        x = obj.flatten(params, "the parameters returned by apply_updates")
        f, g = obj.value_and_grad(x)
        if monitor.update(x, f, g):
            return {}


def _accepts_loss(update: Any) -> bool:
    try:
        parameters = inspect.signature(update).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.name == "loss" or p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


def _learning_rate(optimizer: Any) -> float:
    lr = getattr(optimizer, "lr", None)
    return float(lr) if isinstance(lr, (int, float)) else math.nan
