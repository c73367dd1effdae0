"""The backward walk: from the output's cotangent down the tape to the inputs' gradients."""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Trace
from descend.autodiff.tracer import unbox_all

__all__ = [
    "backward",
    "backward_batched",
    "keep_zero_cotangent",
    "rule_vjp",
    "unbroadcast",
    "unbroadcast_rows",
]


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


def unbroadcast_rows(c: Any, shape: tuple[int, ...]) -> Any:
    """`unbroadcast` for a batch of cotangents ``(B, ...)``: sum down to ``(B, *shape)``.

    Examples
    --------
    >>> unbroadcast_rows(np.ones((2, 3, 4)), (1, 4)).shape
    (2, 1, 4)
    """
    batch = np.shape(c)[0]
    padded = (batch,) + (1,) * (np.ndim(c) - 1 - len(shape)) + tuple(shape)
    return np.reshape(unbroadcast(c, padded), (batch, *shape))


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
                arg = args[argnum]
                if c.shape != arg.shape:
                    c = unbroadcast(c, arg.shape)
                if c.dtype.kind == "c" and arg.dtype.kind != "c":
                    c = np.real(c)  # a real operand of a complex product: JAX's convention
            old = grads[pidx]
            grads[pidx] = c if old is None else old + c
    return grads


def backward_batched(trace: Trace, seeds: dict[int, Any]) -> list[Any]:
    """`backward` for a batch of cotangents at once: every seed has a leading batch axis.

    One walk of the tape pulls back all the rows of a Jacobian. Elementwise rules take the
    whole batch in one call (their cotangent arithmetic broadcasts over the extra axis); other
    rules are applied row by row and their results stacked, which is still one walk of the
    tape rather than one per row. Zero-safety checks are made eagerly.

    Examples
    --------
    >>> from descend.autodiff.core import Trace
    >>> from descend.autodiff.tracer import new_input
    >>> trace = Trace()
    >>> x = new_input(trace, np.array([1.0, 2.0]))
    >>> y = x * x
    >>> backward_batched(trace, {y._idx: np.eye(2)})[x._idx]  # the Jacobian's rows
    array([[2., 0.],
           [0., 4.]])
    """
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
        grads[idx] = None
        fun = rule.fun
        whole = isinstance(fun, np.ufunc) and fun.signature is None
        batched = rule.batched
        for argnum, pidx in parents:
            if batched is not None:
                c = batched(argnum, g, ans, *args, **kwargs) if kwargs else \
                    batched(argnum, g, ans, *args)  # fmt: skip
            elif whole:
                c = _pull_whole(rule, argnum, g, args, kwargs, ans)
            else:
                c = _pull_rows(rule, argnum, g, args, kwargs, ans)
            if c is None:
                continue
            old = grads[pidx]
            grads[pidx] = c if old is None else old + c
    return grads


def rule_vjp(rule: Any, argnum: int) -> Any:
    """``rule``'s vjp of argument ``argnum`` as ``vjp(g, ans, *args, **kwargs)``, or raise.

    Examples
    --------
    >>> from descend.autodiff.registry import UFUNC_RULES
    >>> rule_vjp(UFUNC_RULES[np.multiply], 0)(np.ones(2), None, np.ones(2), np.array([3.0, 4.0]))
    array([3., 4.])
    """
    if rule.vjps:
        vjp = rule.vjps[argnum] if argnum < len(rule.vjps) else None
        if vjp is None:
            raise rule.not_differentiable(argnum)
        return vjp
    if rule.argnum_vjp is None:
        raise rule.not_differentiable(argnum)
    argnum_vjp = rule.argnum_vjp
    return lambda g, ans, *args, **kwargs: argnum_vjp(argnum, g, ans, *args, **kwargs)


def _cotangent(rule: Any, argnum: int, g: Any, args: Any, kwargs: Any, ans: Any) -> Any:
    """The vjp of argument ``argnum``, with the zero-safety check made at once."""
    vjp = rule_vjp(rule, argnum)
    c = vjp(g, ans, *args, **kwargs) if kwargs else vjp(g, ans, *args)
    if c is None:
        return None
    zero_safe = rule.zero_safe
    if zero_safe and (zero_safe is True or zero_safe(argnum, args)):
        c = keep_zero_cotangent(c, g)
    kind = (c.dtype if hasattr(c, "dtype") else np.result_type(c)).kind
    if kind == "c" and np.result_type(args[argnum]).kind != "c":
        c = np.real(c)  # a real operand of a complex operation: JAX's convention
    return c


def _pull_one(rule: Any, argnum: int, g: Any, args: Any, kwargs: Any, ans: Any) -> Any:
    """The cotangent of one argument for one (unbatched) output cotangent ``g``."""
    c = _cotangent(rule, argnum, g, args, kwargs, ans)
    if c is not None and rule.broadcasts and c.shape != args[argnum].shape:
        c = unbroadcast(c, args[argnum].shape)
    return c


def _pull_whole(rule: Any, argnum: int, g: Any, args: Any, kwargs: Any, ans: Any) -> Any:
    """The cotangents of one argument for the whole batch ``g`` (elementwise rules)."""
    c = _cotangent(rule, argnum, g, args, kwargs, ans)
    shape = np.shape(args[argnum])
    if c is not None and np.shape(c) != (np.shape(g)[0], *shape):
        c = unbroadcast_rows(c, shape)
    return c


def _pull_rows(rule: Any, argnum: int, g: Any, args: Any, kwargs: Any, ans: Any) -> Any:
    rows = [_pull_one(rule, argnum, g[b], args, kwargs, ans) for b in range(np.shape(g)[0])]
    if all(r is None for r in rows):
        return None
    if any(r is None for r in rows):
        ref = unbox_all(args[argnum])
        zero = np.zeros(np.shape(ref), dtype=np.result_type(ref))
        rows = [zero if r is None else r for r in rows]
    return np.stack(rows)
