"""The backward walk: from the output's cotangent down the tape to the inputs' gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Trace
from descend.autodiff.tracer import unbox_all

__all__ = ["backward", "keep_zero_cotangent", "unbroadcast"]


def unbroadcast(c: Any, shape: tuple[int, ...]) -> Any:
    """Sum a cotangent of a broadcast result back down to an argument's ``shape``.

    Examples
    --------
    >>> unbroadcast(np.ones((2, 3)), (1, 3))
    array([[2., 2., 2.]])
    """
    cshape = c.shape
    if cshape == shape:
        return c
    lead = len(cshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and cshape[lead + i] != 1
    )
    if axes:
        c = np.sum(c, axis=axes)
    return np.reshape(c, shape)


def keep_zero_cotangent(c: Any, g: Any) -> Any:
    """Keep a zero cotangent exactly zero through a rule whose local derivative is infinite.

    ``np.where(x > 0, f(x), h(x))`` evaluates both branches; the branch not taken gets a zero
    cotangent but may hold an overflow (``exp(1000) == inf``), and ``0 * inf`` is NaN. The
    derivative contribution of a zero cotangent is zero whatever the local derivative is, so
    we restore that here. Only needed where the contribution is not finite.
    """
    if np.isfinite(c if type(c) is np.ndarray else unbox_all(c)).all():
        return c
    return np.where(unbox_all(g) == 0, 0.0, c)


# Small plain cotangents of zero-safe rules are checked once, together, at the end of a pass:
# for a 10-element array the isfinite check costs more than the product it guards.
_DEFER_MAX_SIZE = 4096
_DEFERRABLE = (np.ndarray, np.float64, np.float32)


def backward(trace: Trace, seeds: dict[int, Any]) -> list[Any]:
    """Walk ``trace``'s tape backwards from the seeded nodes; return the cotangent per node.

    ``seeds`` maps node index to the output cotangent. Entries after the last seed cannot
    influence it and are never visited; nodes no cotangent reaches stay ``None``.

    The zero-safety checks of small plain arrays are deferred to one check at the end; in the
    rare case one of them was not finite the pass is walked again with every check made as
    it goes, so the result is always that of the eager checks.
    """
    pending: list[Any] = []
    grads = _walk(trace, seeds, pending)
    if pending and not np.isfinite(np.concatenate(pending, axis=None)).all():
        grads = _walk(trace, seeds, None)
    return grads


def _walk(trace: Trace, seeds: dict[int, Any], pending: list[Any] | None) -> list[Any]:
    tape = trace.tape
    grads: list[Any] = [None] * len(tape)
    for idx, ct in seeds.items():
        grads[idx] = ct if grads[idx] is None else grads[idx] + ct
    for idx in range(max(seeds), -1, -1):
        g = grads[idx]
        if g is None:
            continue
        rule, parents, args, kwargs, ans = tape[idx]
        if rule is None:
            continue
        grads[idx] = None  # an interior cotangent is needed once: free it early
        vjps = rule.vjps
        for argnum, pidx in parents:
            if vjps:
                try:
                    vjp = vjps[argnum]
                except IndexError:
                    vjp = None
                if vjp is None:
                    raise rule.not_differentiable(argnum)
                c = vjp(g, ans, *args, **kwargs) if kwargs else vjp(g, ans, *args)
            elif rule.argnum_vjp is not None:
                c = rule.argnum_vjp(argnum, g, ans, *args, **(kwargs or {}))
            else:
                raise rule.not_differentiable(argnum)
            if c is None:
                continue
            zero_safe = rule.zero_safe
            if zero_safe and (zero_safe is True or zero_safe(argnum, args)):
                if pending is not None and type(c) in _DEFERRABLE and c.size <= _DEFER_MAX_SIZE:
                    pending.append(c)
                else:
                    c = keep_zero_cotangent(c, g)
            if rule.broadcasts:
                shape = args[argnum].shape
                if c.shape != shape:
                    c = unbroadcast(c, shape)
            old = grads[pidx]
            grads[pidx] = c if old is None else old + c
    return grads
