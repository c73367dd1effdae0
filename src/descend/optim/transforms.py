"""Basic elementwise transformations: fixed scaling, learning rates and momentum."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.optim.base import (
    Elementwise,
    GradientTransformation,
    Leaves,
    State,
    check_range,
    rate,
)

__all__ = ["scale", "scale_by_lr", "trace"]

Schedule = Callable[[int], float]


def zeros_like_leaves(leaves: Leaves) -> Leaves:
    """One zero buffer per leaf, with the leaf's shape and dtype (C order)."""
    return [np.zeros(x.shape, x.dtype) for x in leaves]


def elementwise(
    name: str,
    init: Callable[[Leaves], State],
    buffers: tuple[str, ...],
    prepare: Callable[[State, dict[str, Any]], Any],
    kernel: Callable[..., Any],
    needs_params: bool = False,
    multiplier: bool = False,
) -> GradientTransformation:
    """Wrap one `Elementwise` part as a transformation."""
    part = Elementwise(name, init, buffers, prepare, kernel, needs_params, multiplier)
    return GradientTransformation((part,))


def emit(result: np.ndarray, u: np.ndarray, scale: float) -> None:
    """Write ``scale * result`` into ``u`` in one pass."""
    if scale == 1.0:
        np.copyto(u, result)
    else:
        np.multiply(result, scale, out=u)


def finish(u: np.ndarray, scale: float) -> None:
    """Apply a folded-in ``scale`` to ``u`` in place (no pass when it is 1)."""
    if scale != 1.0:
        u *= scale


def multiply_kernel(
    factor: float, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Any, scale: float
) -> None:
    """The kernel of every pure multiplier: ``u = factor * scale * g``."""
    np.multiply(g, factor * scale, out=u)


def scale(factor: float) -> GradientTransformation:
    """Multiply the updates by a constant ``factor``.

    Examples
    --------
    >>> opt = scale(-2.0)
    >>> opt.update(np.array([1.0, 3.0]), opt.init(np.zeros(2)))[0]
    array([-2., -6.])
    """
    factor = float(factor)
    return elementwise(
        "scale",
        lambda leaves: {},
        (),
        lambda state, extra: factor,
        multiply_kernel,
        multiplier=True,
    )


def scale_by_lr(lr: float | Schedule) -> GradientTransformation:
    """Multiply the updates by ``-lr`` (the descent sign lives here, as in Optax).

    ``lr`` is a float or a schedule ``step -> value`` evaluated at steps 0, 1, 2, ...
    ``state["lr"]`` holds the rate the next update will use (see `current_lr`).

    Examples
    --------
    >>> from descend.optim import schedules
    >>> opt = scale_by_lr(schedules.exponential_decay(1.0, decay_rate=0.5))
    >>> state = opt.init(np.zeros(1))
    >>> [float(opt.update(np.ones(1), state)[0][0]) for _ in range(3)]
    [-1.0, -0.5, -0.25]
    """
    schedule = rate(lr, "lr")

    def init(leaves: Leaves) -> State:
        return {"count": 0, "lr": float(schedule(0))}

    def prepare(state: State, extra: dict[str, Any]) -> float:
        value = float(schedule(state["count"]))
        state["count"] += 1
        state["lr"] = float(schedule(state["count"]))
        return -value

    return elementwise("scale_by_lr", init, (), prepare, multiply_kernel, multiplier=True)


def trace(
    momentum: float = 0.9, dampening: float = 0.0, nesterov: bool = False
) -> GradientTransformation:
    """Heavy-ball or Nesterov momentum exactly as ``torch.optim.SGD`` computes it.

    ``b <- momentum * b + (1 - dampening) * g`` (``b <- g`` on the first step, as in PyTorch),
    then the update is ``g + momentum * b`` (Nesterov) or ``b``. Optax's ``trace`` starts
    from ``b = 0`` and has no dampening; the two agree from the second step on when
    ``dampening = 0``.

    Examples
    --------
    >>> opt = trace(momentum=0.5)
    >>> state = opt.init(np.zeros(1))
    >>> [float(opt.update(np.ones(1), state)[0][0]) for _ in range(3)]
    [1.0, 1.5, 1.75]
    """
    momentum = check_range(momentum, "momentum", 0.0, 1.0, closed_high=True)
    dampening = check_range(dampening, "dampening", 0.0, 1.0, closed_high=True)
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
    keep = 1.0 - dampening

    def init(leaves: Leaves) -> State:
        return {"count": 0, "momentum_buffer": zeros_like_leaves(leaves)}

    def prepare(state: State, extra: dict[str, Any]) -> bool:
        first = state["count"] == 0
        state["count"] += 1
        return first

    def kernel(
        first: bool, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Leaves, scale: float
    ) -> None:
        buf, t = bufs[0], tmp[0]
        if first:
            np.copyto(buf, g)
        else:
            buf *= momentum
            np.multiply(g, keep, out=t)
            buf += t
        if nesterov:
            np.multiply(buf, momentum, out=t)
            np.add(g, t, out=u)
            finish(u, scale)
        else:
            emit(buf, u, scale)

    return elementwise("trace", init, ("momentum_buffer",), prepare, kernel)
