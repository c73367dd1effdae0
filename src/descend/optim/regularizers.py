"""Regularisation as transformations: weight decay (coupled or decoupled), L1 and elastic net.

Where a regulariser enters the chain decides what it means. Placed *before* an adaptive
scaling (``scale_by_adam``), `add_decayed_weights` is the coupled L2 penalty of PyTorch's
``weight_decay``; placed *after* it (before `scale_by_lr`), it is AdamW's decoupled decay.
The proximal steps (`prox_l1`, `prox_elastic_net`) come last, after `scale_by_lr`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from descend.optim.base import GradientTransformation, Leaves, State, check_range, rate
from descend.optim.transforms import elementwise, finish

__all__ = [
    "add_decayed_weights",
    "add_l1_subgradient",
    "elastic_net",
    "prox_l1",
    "prox_elastic_net",
    "soft_threshold",
]

Schedule = Callable[[int], float]


def add_decayed_weights(weight_decay: float | Schedule = 1e-4) -> GradientTransformation:
    """Add ``weight_decay * params`` to the updates: the gradient of ``weight_decay/2 ||p||^2``.

    ``weight_decay`` may be a schedule (evaluated at steps 0, 1, ...).

    Examples
    --------
    >>> opt = add_decayed_weights(0.5)
    >>> p = np.array([2.0, -4.0])
    >>> opt.update(np.zeros(2), opt.init(p), p)[0]
    array([ 1., -2.])
    """
    decay = rate(weight_decay, "weight_decay")

    def prepare(state: State, extra: dict[str, Any]) -> float:
        value = float(decay(state["count"]))
        state["count"] += 1
        return value

    def kernel(
        value: float,
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: np.ndarray,
        tmp: Leaves,
        scale: float,
    ) -> None:
        np.multiply(p, value, out=tmp[0])
        np.add(g, tmp[0], out=u)
        finish(u, scale)

    return elementwise(
        "add_decayed_weights", lambda leaves: {"count": 0}, (), prepare, kernel, needs_params=True
    )


def add_l1_subgradient(l1: float) -> GradientTransformation:
    """Add ``l1 * sign(params)``, a subgradient of ``l1 * ||p||_1`` (0 at 0).

    Examples
    --------
    >>> opt = add_l1_subgradient(0.1)
    >>> p = np.array([2.0, 0.0, -4.0])
    >>> opt.update(np.zeros(3), opt.init(p), p)[0]
    array([ 0.1,  0. , -0.1])
    """
    return elastic_net(l1, 0.0)


def elastic_net(l1: float, l2: float) -> GradientTransformation:
    """Add ``l1 * sign(p) + l2 * p``: a subgradient of ``l1 ||p||_1 + l2/2 ||p||^2``.

    Examples
    --------
    >>> opt = elastic_net(0.1, 0.5)
    >>> p = np.array([2.0, -4.0])
    >>> opt.update(np.zeros(2), opt.init(p), p)[0]
    array([ 1.1, -2.1])
    """
    l1 = check_range(l1, "l1", 0.0, math.inf)
    l2 = check_range(l2, "l2", 0.0, math.inf)

    def kernel(
        scalars: None,
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: np.ndarray,
        tmp: Leaves,
        scale: float,
    ) -> None:
        t = tmp[0]
        np.sign(p, out=t)
        t *= l1
        np.add(g, t, out=u)
        if l2:
            np.multiply(p, l2, out=t)
            u += t
        finish(u, scale)

    return elementwise("elastic_net", lambda leaves: {}, (), lambda s, e: None, kernel, True)


def soft_threshold(x: np.ndarray, threshold: float, out: np.ndarray | None = None) -> np.ndarray:
    """``sign(x) * max(|x| - threshold, 0)``: the proximal operator of ``threshold * ||x||_1``.

    Examples
    --------
    >>> soft_threshold(np.array([-3.0, 0.5, 2.0]), 1.0)
    array([-2.,  0.,  1.])
    """
    x = np.asarray(x)
    if out is None:
        out = np.empty_like(x)
    magnitude = np.abs(x)
    magnitude -= threshold
    np.maximum(magnitude, 0.0, out=magnitude)
    return np.copysign(magnitude, x, out=out)


def _prox(name: str, l1: float | Schedule, l2: float | Schedule) -> GradientTransformation:
    l1_rate, l2_rate = rate(l1, "l1"), rate(l2, "l2")

    def init(leaves: Leaves) -> State:
        return {"count": 0}

    def prepare(state: State, extra: dict[str, Any]) -> tuple[float, float]:
        step = state["count"]
        state["count"] += 1
        return float(l1_rate(step)), 1.0 / (1.0 + float(l2_rate(step)))

    def kernel(
        scalars: tuple[float, float],
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: np.ndarray,
        tmp: Leaves,
        scale: float,
    ) -> None:
        threshold, shrink = scalars
        # The step lands at x = p + g; the update becomes prox(x) - p.
        np.add(g, p, out=u)
        t = tmp[0]
        np.abs(u, out=t)
        t -= threshold
        np.maximum(t, 0.0, out=t)
        if shrink != 1.0:
            t *= shrink
        np.copysign(t, u, out=u)
        u -= p
        finish(u, scale)

    return elementwise(name, init, (), prepare, kernel, needs_params=True)


def prox_l1(threshold: float | Schedule) -> GradientTransformation:
    """Proximal L1 step: move to ``soft_threshold(p + u, threshold)``.

    Put it after `scale_by_lr`; for proximal gradient descent (ISTA) on
    ``f(p) + lam * ||p||_1`` with step size ``eta`` use ``threshold = eta * lam`` (a schedule
    if ``eta`` is one). Unlike the subgradient, it sets small coordinates exactly to zero.

    Examples
    --------
    >>> from descend.optim import chain, scale_by_lr
    >>> opt = chain(scale_by_lr(0.5), prox_l1(0.5 * 1.0))
    >>> p = np.array([3.0, 0.2])
    >>> p, _ = opt.step(p, np.array([1.0, 0.0]), opt.init(p))
    >>> p
    array([2., 0.])
    """
    return _prox("prox_l1", threshold, 0.0)


def prox_elastic_net(l1: float | Schedule, l2: float | Schedule) -> GradientTransformation:
    """Proximal elastic-net step: ``soft_threshold(p + u, l1) / (1 + l2)``.

    The proximal operator of ``eta * (lam1 ||p||_1 + lam2/2 ||p||^2)`` with ``l1 = eta*lam1``
    and ``l2 = eta*lam2``. Put it after `scale_by_lr`.

    Examples
    --------
    >>> from descend.optim import chain, scale_by_lr
    >>> opt = chain(scale_by_lr(1.0), prox_elastic_net(0.5, 1.0))
    >>> p = np.array([3.0, 0.2])
    >>> p, _ = opt.step(p, np.zeros(2), opt.init(p))
    >>> p
    array([1.25, 0.  ])
    """
    return _prox("prox_elastic_net", l1, l2)
