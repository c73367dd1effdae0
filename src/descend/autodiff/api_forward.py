"""The forward-mode operators: jvp and jacfwd (see `descend.autodiff.forward` for how)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

from descend.autodiff.api import (
    ArgNums,
    _argnums,
    _collector_paused,
    _float_input,
    _name,
    lower,
)
from descend.autodiff.core import Trace
from descend.autodiff.forward import forward_trace, seeded_input, tangent_of
from descend.autodiff.tracer import Tracer, unbox_all
from descend.pytree import tree_flatten, tree_map, tree_unflatten

__all__ = ["jacfwd", "jvp"]


def jvp(
    fun: Callable[..., Any], primals: Any, tangents: Any, has_aux: bool = False
) -> tuple[Any, ...]:
    """Evaluate ``fun(*primals)`` and its Jacobian times ``tangents`` in one forward pass.

    Parameters
    ----------
    fun : callable
        Plain-NumPy function of ``len(primals)`` positional arguments; any output pytree.
    primals : tuple or list
        The point: one entry (array, float or pytree) per positional argument.
    tangents : tuple or list
        The direction: same structure, shapes and dtypes as ``primals``.
    has_aux : bool, default False
        ``fun`` returns ``(out, aux)``; ``aux`` is returned undifferentiated as a third value.

    Returns
    -------
    primals_out, tangents_out (, aux)
        ``fun(*primals)`` and the directional derivative ``J @ tangents``, shaped like it.

    Notes
    -----
    Costs about one to three evaluations of ``fun``: elementwise functions push tangents
    directly; other primitives transpose their reverse-mode rule (see
    `descend.autodiff.forward`), so every function reverse mode supports is supported.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import jvp
    >>> jvp(np.sin, (0.0,), (2.0,))
    (np.float64(0.0), np.float64(2.0))
    >>> out, tangent = jvp(lambda x: x @ x, (np.array([1.0, 2.0]),), (np.array([1.0, 0.0]),))
    >>> float(out), float(tangent)
    (5.0, 2.0)
    """
    if not isinstance(primals, tuple | list) or not isinstance(tangents, tuple | list):
        raise TypeError(
            "jvp(fun, primals, tangents) takes primals and tangents as tuples (or lists) with "
            "one entry per positional argument of fun, e.g. jvp(f, (x,), (v,))."
        )
    if len(primals) != len(tangents):
        raise ValueError(
            f"jvp got {len(primals)} primal(s) but {len(tangents)} tangent(s); give one "
            "tangent per primal."
        )
    with _collector_paused():
        nums = tuple(range(len(primals)))
        trace, out = _trace_forward(fun, tuple(primals), nums, tuple(tangents), {})
    aux = None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(
                f"has_aux=True needs {_name(fun)} to return a pair (out, aux); it returned "
                f"{type(out).__name__}."
            )
        out, aux = out
    value = lower(trace, out)
    tangent = tree_map(lambda o: tangent_of(trace, o), out)
    return (value, tangent, lower(trace, aux)) if has_aux else (value, tangent)


def _trace_forward(
    fun: Callable[..., Any],
    args: tuple,
    nums: tuple,
    tangents: tuple,
    kwargs: dict,
    batch: int | None = None,
) -> tuple[Trace, Any]:
    """Run ``fun(*args)`` on a forward trace, arguments ``nums`` traced with ``tangents``
    (each with a leading axis of ``batch`` directions if given)."""
    trace = forward_trace(batch)
    call_args = list(args)
    try:
        for i, tangent in zip(nums, tangents):
            leaves, treedef = tree_flatten(args[i])
            t_leaves, t_def = tree_flatten(tangent)
            if t_def != treedef:
                raise ValueError(
                    f"the tangent of argument {i} has structure {t_def}, but the primal has "
                    f"{treedef}; they must match."
                )
            inputs = []
            for leaf, t in zip(leaves, t_leaves):
                value = _float_input(leaf, i, fun)
                t = t if batch is not None else _tangent_like(t, value, i)
                inputs.append(seeded_input(trace, value, t))
            call_args[i] = tree_unflatten(treedef, inputs)
        out = fun(*call_args, **kwargs)
    finally:
        trace.active = False
    return trace, out


def _tangent_like(t: Any, value: Any, argnum: int) -> Any:
    plain = unbox_all(value)
    if np.shape(unbox_all(t)) != np.shape(plain):
        raise ValueError(
            f"a tangent of shape {np.shape(unbox_all(t))} was given for argument {argnum} of "
            f"shape {np.shape(plain)}; a tangent has its primal's shape."
        )
    if type(t) is Tracer:
        return t
    return np.asarray(t, dtype=np.result_type(plain))


def jacfwd(
    fun: Callable[..., Any], argnums: ArgNums = 0, has_aux: bool = False
) -> Callable[..., Any]:
    """Make a function returning the Jacobian of ``fun`` by forward mode.

    All the columns come from one forward pass that pushes every input direction at once
    (a batch of tangents; elementwise steps take the whole batch in one NumPy call). Prefer
    it to `descend.jacobian` when ``fun`` has fewer inputs than outputs. The layout is the
    same: output shape ``S`` and input shape ``T`` give a block of shape ``S + T``.

    Parameters
    ----------
    fun : callable
        Plain-NumPy function; any output pytree.
    argnums : int or sequence of int, default 0
        Which positional arguments to differentiate.
    has_aux : bool, default False
        ``fun`` returns ``(out, aux)``; the result is then ``(jacobian, aux)``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import jacfwd
    >>> jacfwd(lambda x: np.array([1.0, 2.0, 3.0]) * x[0] + x[1])(np.array([2.0, 5.0]))
    array([[1., 1.],
           [2., 1.],
           [3., 1.]])
    """

    @functools.wraps(fun)
    def jacfwd_fun(*args: Any, **kwargs: Any) -> Any:
        with _collector_paused():
            return _jacfwd(fun, argnums, has_aux, args, kwargs)

    return jacfwd_fun


def _jacfwd(
    fun: Callable[..., Any], argnums: ArgNums, has_aux: bool, args: tuple, kwargs: dict
) -> Any:
    nums = _argnums(argnums, len(args), fun)
    flat = [tree_flatten(args[i]) for i in nums]
    values = [[unbox_all(_float_input(leaf, i, fun)) for leaf in leaves]
              for i, (leaves, _) in zip(nums, flat)]  # fmt: skip
    # Direction e of the batch is a one at element e of the concatenated input leaves.
    sizes = [v.size for vs in values for v in vs]
    total = sum(sizes)
    chunk = max(1, min(total, _BATCH_ELEMENTS // max(1, total)))
    chunks: list[list[Any]] = []  # per chunk: the output tangent leaves, batch axis first
    trace: Trace | None = None
    raw: Any = None
    for start in range(0, max(total, 1), chunk):
        rows = min(chunk, total - start) if total else 0
        tangents, offset = [], 0
        for (_, treedef), vs in zip(flat, values):
            leaves = []
            for v in vs:
                t = np.zeros((rows, *v.shape), dtype=v.dtype)
                for e in range(max(start, offset), min(start + rows, offset + v.size)):
                    t.reshape(rows, -1)[e - start, e - offset] = 1
                leaves.append(t)
                offset += v.size
            tangents.append(tree_unflatten(treedef, leaves))
        trace, raw = _trace_forward(fun, args, nums, tuple(tangents), kwargs, batch=rows)
        out = raw[0] if has_aux else raw
        chunks.append([tangent_of(trace, o) for o in tree_flatten(out)[0]])
    assert trace is not None
    out, aux = raw if has_aux else (raw, None)
    out_leaves, out_def = tree_flatten(lower(trace, out))
    per_output = []
    for o_pos, o in enumerate(out_leaves):
        o_shape = np.shape(o)
        columns = np.concatenate([c[o_pos] for c in chunks])  # (total, *o_shape)
        blocks, offset = [], 0
        for (_, treedef), vs in zip(flat, values):
            parts = []
            for v in vs:
                part = np.moveaxis(columns[offset : offset + v.size], 0, -1)
                parts.append(np.reshape(part, o_shape + v.shape))
                offset += v.size
            blocks.append(tree_unflatten(treedef, parts))
        per_output.append(blocks[0] if isinstance(argnums, int) else tuple(blocks))
    jac = tree_unflatten(out_def, per_output)
    return (jac, lower(trace, aux)) if has_aux else jac


# Directions pushed per forward pass: all of them, unless the tangents would pass ~32 MB.
_BATCH_ELEMENTS = 1 << 22
