"""`reduce_on_plateau`: shrink the step when the loss stops improving."""

from __future__ import annotations

import math
from typing import Any

from descend.optim.base import GradientTransformation, Leaves, State, check_range
from descend.optim.transforms import elementwise, multiply_kernel

__all__ = ["reduce_on_plateau"]

#: Reductions smaller than this are ignored, as in PyTorch's ``ReduceLROnPlateau(eps=1e-8)``.
_MIN_CHANGE = 1e-8


def reduce_on_plateau(
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    cooldown: int = 0,
    min_lr: float = 0.0,
    *,
    threshold_mode: str = "rel",
    mode: str = "min",
    lr: float = 1.0,
) -> GradientTransformation:
    """Multiply the updates by a rate that drops by ``factor`` when the loss plateaus.

    Reads the loss from ``update(grads, state, params, loss=value)`` (``step`` passes it on
    too) and follows ``torch.optim.lr_scheduler.ReduceLROnPlateau`` with one check per update:
    a loss is an improvement if it beats the best by ``threshold`` (relative or absolute);
    after more than ``patience`` updates without one the rate becomes
    ``max(rate * factor, min_lr)``, then ``cooldown`` updates pass before counting again. The
    loss passed with an update is the loss at the parameters *before* it, so a reduction
    applies from the next update on, as when PyTorch's ``scheduler.step(loss)`` follows
    ``optimizer.step()``.

    The rate starts at ``lr`` and the updates are multiplied by ``rate / lr``. Put it after a
    complete optimizer and give it that optimizer's ``lr`` to make ``min_lr`` an absolute floor:
    ``chain(adam(1e-3), reduce_on_plateau(lr=1e-3, min_lr=1e-5))``. With the default
    ``lr=1.0`` it is a plain multiplier and ``min_lr`` its floor. `current_lr` includes it.

    Examples
    --------
    >>> import numpy as np
    >>> from descend.optim import chain, current_lr, sgd
    >>> opt = chain(sgd(lr=1.0), reduce_on_plateau(factor=0.5, patience=1, lr=1.0))
    >>> state = opt.init(np.zeros(1))
    >>> for loss in [3.0, 2.0, 2.0, 2.0]:
    ...     updates, state = opt.update(np.ones(1), state, loss=loss)
    >>> current_lr(state), float(updates[0])
    (0.5, -1.0)
    """
    factor = check_range(factor, "factor", 0.0, 1.0)
    threshold = check_range(threshold, "threshold", 0.0, math.inf)
    min_lr = check_range(min_lr, "min_lr", 0.0, math.inf)
    base = float(lr)
    if base <= 0:
        raise ValueError(f"lr must be > 0; got {lr!r}")
    if mode not in ("min", "max"):
        raise ValueError(f"mode must be 'min' or 'max'; got {mode!r}")
    if threshold_mode not in ("rel", "abs"):
        raise ValueError(f"threshold_mode must be 'rel' or 'abs'; got {threshold_mode!r}")
    sign = 1.0 if mode == "min" else -1.0

    def better(value: float, best: float) -> bool:
        # PyTorch's tests, signs included (a negative best moves a "rel" bar the other way).
        if threshold_mode == "rel":
            bar = best * (1.0 - sign * threshold)
        else:
            bar = best - sign * threshold
        return value < bar if mode == "min" else value > bar

    def init(leaves: Leaves) -> State:
        return {
            "plateau_scale": 1.0,
            "best": sign * math.inf,
            "num_bad": 0,
            "cooldown_counter": 0,
        }

    def prepare(state: State, extra: dict[str, Any]) -> float:
        if extra.get("loss") is None:
            raise ValueError(
                "reduce_on_plateau reads the loss: call update(grads, state, params, loss=value)"
            )
        loss = float(extra["loss"])
        scale = state["plateau_scale"]
        if better(loss, state["best"]):
            state["best"] = loss
            state["num_bad"] = 0
        else:
            state["num_bad"] += 1
        if state["cooldown_counter"] > 0:
            state["cooldown_counter"] -= 1
            state["num_bad"] = 0
        if state["num_bad"] > patience:
            old = base * scale
            new = max(old * factor, min_lr)
            if old - new > _MIN_CHANGE:
                state["plateau_scale"] = new / base
            state["cooldown_counter"] = cooldown
            state["num_bad"] = 0
        return scale

    return elementwise("reduce_on_plateau", init, (), prepare, multiply_kernel, multiplier=True)
