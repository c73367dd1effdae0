"""Forward mode: tangents pushed through each primitive as it runs.

A forward `Trace` is an ordinary trace whose tape is a `TangentTape`: instead of keeping the
recorded call for a backward pass, it stores the *tangent* of the new value at once and drops
the call. Everything else (the Tracer, dispatch, handlers, nesting by level) is shared with
reverse mode, so forward mode covers every function reverse mode covers.

The tangent of a primitive comes from its rule, in order of preference:

1. ``rule.jvp`` when the rule has a native one (custom_jvp, multilinear products);
2. for elementwise (ufunc) rules, the vjp itself: an elementwise Jacobian is diagonal, hence its
   own transpose, so ``J t = vjp(t)`` with ``t`` broadcast to the result's shape;
3. otherwise the transpose of the vjp: ``vjp`` is linear in its cotangent ``u``, so tracing
   ``u -> vjp(u)`` on a fresh reverse trace and pulling ``t`` back through it gives ``J t``
   (the "reverse-of-reverse" trick; it costs one small tape per primitive).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule, Trace
from descend.autodiff.tape import (
    backward,
    backward_batched,
    keep_zero_cotangent,
    rule_vjp,
    unbroadcast,
)
from descend.autodiff.tracer import Tracer, is_complex, new_input, unbox_all

__all__ = ["LINEAR_JVPS", "TangentTape", "forward_trace", "tangent_of"]


class TangentTape(list):
    """The tape of a forward trace: entry ``i`` is the tangent of node ``i`` (None for zero).

    `descend.autodiff.tracer.bind` appends ``(rule, parents, args, kwargs, ans)`` as on any
    tape; this list turns the entry into its tangent on the way in. An input's tangent is
    handed over in ``seed`` just before its node is made. With ``batch = B`` every tangent
    carries a leading axis of ``B`` directions, pushed forward together (`jacfwd`).

    Examples
    --------
    >>> trace = forward_trace()
    >>> x = seeded_input(trace, np.array([1.0, 2.0]), np.array([1.0, 0.0]))
    >>> trace.tape[0]  # the input's tangent
    array([1., 0.])
    """

    __slots__ = ("batch", "seed")

    def __init__(self, batch: int | None = None) -> None:
        super().__init__()
        self.seed: Any = None
        self.batch = batch

    def append(self, entry: Any) -> None:
        rule, parents, args, kwargs, ans = entry
        if rule is None:
            tangent, self.seed = self.seed, None
        else:
            tangents = [(argnum, self[pidx]) for argnum, pidx in parents]
            tangents = [(argnum, t) for argnum, t in tangents if t is not None]
            tangent = (
                _push(rule, tangents, args, kwargs or {}, ans, self.batch) if tangents else None
            )
        super().append(tangent)


def forward_trace(batch: int | None = None) -> Trace:
    """A new trace that computes tangents as it goes (see `TangentTape`).

    Examples
    --------
    >>> forward_trace(batch=3).tape.batch
    3
    """
    trace = Trace()
    trace.tape = TangentTape(batch)
    return trace


def seeded_input(trace: Trace, value: Any, tangent: Any) -> Tracer:
    """Start tracing ``value`` on forward ``trace`` with the given ``tangent``.

    Examples
    --------
    >>> trace = forward_trace()
    >>> x = seeded_input(trace, np.array(0.0), np.array(2.0))
    >>> tangent_of(trace, np.sin(x))
    np.float64(2.0)
    """
    tape = trace.tape
    assert isinstance(tape, TangentTape)
    tape.seed = tangent
    return new_input(trace, value)


def tangent_of(trace: Trace, out: Any) -> Any:
    """The tangent of output ``out`` on ``trace`` (zeros if it does not depend on the inputs).

    On a batched trace the tangent has the batch axis in front.

    Examples
    --------
    >>> trace = forward_trace()
    >>> x = seeded_input(trace, np.array([1.0, 3.0]), np.array([1.0, 1.0]))
    >>> tangent_of(trace, x * x), tangent_of(trace, np.ones(2))
    (array([2., 6.]), array([0., 0.]))
    """
    value = unbox_all(out)
    dtype = np.result_type(value)
    tape = trace.tape
    assert isinstance(tape, TangentTape)
    batched = tape.batch is not None
    if type(out) is Tracer and out._trace is trace:
        tangent: Any = tape[out._idx]
        if tangent is not None:
            # Python-float constants inside rules may have promoted a float32 tangent.
            if np.result_type(unbox_all(tangent)) != dtype:
                tangent = tangent.astype(dtype)
            if not batched and isinstance(value, np.generic) and type(tangent) is np.ndarray:
                tangent = tangent[()]  # a NumPy scalar value gets a scalar tangent
            return tangent
    shape = ((tape.batch,) if batched else ()) + np.shape(value)
    zeros = np.zeros(shape, dtype=dtype)
    return zeros[()] if not batched and isinstance(value, np.generic) else zeros


def _push(
    rule: Rule,
    tangents: list[tuple[int, Any]],
    args: Any,
    kwargs: dict,
    ans: Any,
    batch: int | None,
) -> Any:
    """The tangent of ``ans = rule.fun(*args)`` given the tangents of some of its arguments."""
    if rule.jvp is not None:
        if batch is None:
            return _native(rule.jvp, tangents, args, kwargs, ans)
        # Native rules are written for one direction: push each row of the batch.
        return np.stack(
            [
                _native(rule.jvp, [(i, t[b]) for i, t in tangents], args, kwargs, ans)
                for b in range(batch)
            ]
        )
    if batch is None:
        linear = LINEAR_JVPS.get(rule)
        if linear is not None:
            return _native(linear, tangents, args, kwargs, ans)
    total = None
    fun = rule.fun
    real_value = not is_complex(ans)
    # An elementwise Jacobian is its own transpose for real values only: abs or angle of a
    # complex value is not complex-differentiable, so its vjp is not its jvp.
    elementwise = (
        isinstance(fun, np.ufunc)
        and fun.signature is None  # not matmul, vecdot
        and real_value
        and not any(is_complex(args[i]) for i, _ in tangents)
    )
    for argnum, t in tangents:
        if elementwise:
            part = _diagonal(rule, argnum, t, args, kwargs, ans, batch)
        else:
            part = _transposed(rule, argnum, t, args, kwargs, ans, batch)
        if part is not None:
            total = part if total is None else total + part
    if total is not None and real_value and is_complex(total):
        total = np.real(total)  # a real value has a real tangent
    return total


# Native forward rules of primitives that are linear in their traced arguments (reshape, sum,
# indexing, matmul...): pushing a tangent through them is one call, not a transposed tape. They
# serve single directions; a batch of directions goes through the batched transposed path.
LINEAR_JVPS: dict[Rule, Any] = {}


def _native(jvp: Any, tangents: list[tuple[int, Any]], args: Any, kwargs: dict, ans: Any) -> Any:
    per_arg: list[Any] = [None] * len(args)
    for argnum, t in tangents:
        per_arg[argnum] = t
    return jvp(per_arg, ans, *args, **kwargs)


def _diagonal(
    rule: Rule, argnum: int, t: Any, args: Any, kwargs: dict, ans: Any, batch: int | None
) -> Any:
    shape = np.shape(unbox_all(ans))
    lead = () if batch is None else (batch,)
    t_shape = np.shape(unbox_all(t))
    if t_shape != lead + shape:
        if batch is not None:
            # Align the argument's axes with the result's, behind the batch axis.
            t = np.reshape(t, lead + (1,) * (len(shape) + 1 - len(t_shape)) + t_shape[1:])
        t = np.broadcast_to(t, lead + shape)
    part = rule_vjp(rule, argnum)(t, ans, *args, **kwargs)
    if part is None:
        return None
    zero_safe = rule.zero_safe
    if zero_safe and (zero_safe is True or zero_safe(argnum, args)):
        part = keep_zero_cotangent(part, t)
    return part


def _transposed(
    rule: Rule, argnum: int, t: Any, args: Any, kwargs: dict, ans: Any, batch: int | None
) -> Any:
    value = unbox_all(ans)
    trace = Trace()
    try:
        u = new_input(trace, np.ones(np.shape(value), dtype=np.result_type(value)))
        c = rule_vjp(rule, argnum)(u, ans, *args, **kwargs)
        if c is not None and rule.broadcasts and np.shape(c) != np.shape(args[argnum]):
            c = unbroadcast(c, np.shape(args[argnum]))
    finally:
        trace.active = False
    if type(c) is not Tracer or c._trace is not trace:
        return None  # the vjp does not depend on its cotangent: a zero derivative
    if batch is None:
        return backward(trace, {c._idx: t})[u._idx]
    return backward_batched(trace, {c._idx: t})[u._idx]
