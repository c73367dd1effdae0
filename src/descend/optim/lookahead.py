"""Lookahead (Zhang et al., 2019): a slow copy of the weights pulled towards the fast ones."""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.optim.base import (
    GradientTransformation,
    Leaves,
    State,
    WholeTree,
    check_range,
    run_parts,
)

__all__ = ["lookahead"]


def lookahead(
    optimizer: GradientTransformation, sync_period: int = 5, alpha: float = 0.5
) -> GradientTransformation:
    r"""Wrap ``optimizer`` in Lookahead: every ``sync_period`` steps, pull back to slow weights.

    The inner optimizer moves the fast weights ``p`` as usual; after each ``sync_period``-th
    step the slow weights move ``phi <- phi + alpha (p - phi)`` and ``p`` is reset to ``phi``.
    ``phi`` starts at the parameters given to ``init``. The paper's defaults are ``k = 5``,
    ``alpha = 0.5``. (Optax's ``lookahead`` carries both weight sets in the params instead.)

    Examples
    --------
    >>> from descend.optim import sgd
    >>> opt = lookahead(sgd(lr=0.5), sync_period=2, alpha=0.5)
    >>> x = np.array([4.0])
    >>> state = opt.init(x)
    >>> for _ in range(2):
    ...     x, state = opt.step(x, np.ones(1), state)  # fast: 4 -> 3.5 -> 3
    >>> x  # slow: 4 + 0.5 * (3 - 4)
    array([3.5])
    """
    if not isinstance(optimizer, GradientTransformation):
        raise TypeError(f"lookahead wraps a GradientTransformation; got {type(optimizer).__name__}")
    if int(sync_period) != sync_period or sync_period < 1:
        raise ValueError(f"sync_period must be a positive integer; got {sync_period!r}")
    alpha = check_range(alpha, "alpha", 0.0, 1.0, closed_high=True)
    inner = optimizer.parts

    def init(leaves: Leaves) -> State:
        return {
            "count": 0,
            "slow": [np.array(x, order="C", copy=True) for x in leaves],
            "inner": {"parts": tuple(part.init(leaves) for part in inner)},
        }

    def apply(updates: Leaves, state: State, params: Leaves | None, extra: dict[str, Any]) -> None:
        assert params is not None  # needs_params: checked by update
        dtypes = [u.dtype for u in updates]
        run_parts(inner, state["inner"]["parts"], None, updates, params, extra, dtypes)
        state["count"] += 1
        if state["count"] % sync_period:
            return
        for u, p, slow in zip(updates, params, state["slow"]):
            u += p  # the fast weights after this step
            u -= slow
            u *= alpha
            slow += u
            np.subtract(slow, p, out=u)

    return GradientTransformation((WholeTree("lookahead", init, apply, needs_params=True),))
