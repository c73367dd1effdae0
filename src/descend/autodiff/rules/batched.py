"""Batched reverse rules: vjps that take a whole batch of cotangents (leading axis) at once.

`descend.autodiff.tape.backward_batched` pulls all rows of a Jacobian back in one walk of the
tape. Elementwise rules handle the batch by broadcasting; the rules here are the commonest
others (matmul, sum/mean, reshape, transpose, broadcast_to, concatenate, basic indexing),
written so the batch axis rides along in front. Any other rule is applied row by row.
Each is ``batched(argnum, G, ans, *args)`` with ``G.shape == (B, *ans.shape)`` and returns
the cotangents of argument ``argnum`` with shape ``(B, *arg.shape)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.rules.indexing import GETITEM, scatter_add
from descend.autodiff.rules.products import MATMUL
from descend.autodiff.rules.reductions import MEAN, SUM, expand_cotangent
from descend.autodiff.rules.shape import BROADCAST_TO, CONCATENATE, RESHAPE, TRANSPOSE
from descend.autodiff.tape import unbroadcast_rows


def _matmul(argnum: int, G: Any, ans: Any, a: Any, b: Any) -> Any:
    # Promote vector operands to matrices as matmul does, and give G the matching unit axes.
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    if a.ndim == 1 and b.ndim == 1:
        G = G[:, None, None]
    elif a.ndim == 1:
        G = G[..., None, :]
    elif b.ndim == 1:
        G = G[..., None]
    if argnum == 0:
        c = unbroadcast_rows(np.matmul(G, np.swapaxes(b2, -1, -2)), a2.shape)
        return np.reshape(c, (-1, *a.shape))
    c = unbroadcast_rows(np.matmul(np.swapaxes(a2, -1, -2), G), b2.shape)
    return np.reshape(c, (-1, *b.shape))


def _shifted(axis: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(a + 1 for a in axis)


def _sum(argnum: int, G: Any, ans: Any, x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    return expand_cotangent(G, (np.shape(G)[0], *x.shape), _shifted(axis), keepdims)


def _mean(argnum: int, G: Any, ans: Any, x: Any, axis: tuple[int, ...], keepdims: bool) -> Any:
    count = int(np.prod([x.shape[a] for a in axis], dtype=np.int64))
    return expand_cotangent(G / count, (np.shape(G)[0], *x.shape), _shifted(axis), keepdims)


def _reshape(argnum: int, G: Any, ans: Any, x: Any, shape: Any, order: Any) -> Any:
    return np.reshape(G, (np.shape(G)[0], *x.shape), order=order)


def _transpose(argnum: int, G: Any, ans: Any, x: Any, axes: Any) -> Any:
    return np.transpose(G, (0, *(int(a) + 1 for a in np.argsort(axes))))


def _broadcast_to(argnum: int, G: Any, ans: Any, x: Any, shape: Any) -> Any:
    return unbroadcast_rows(G, x.shape)


def _concatenate(argnum: int, G: Any, ans: Any, *arrays_and_axis: Any) -> Any:
    *arrays, axis = arrays_and_axis
    start = sum(np.shape(a)[axis] for a in arrays[:argnum])
    stop = start + np.shape(arrays[argnum])[axis]
    return G[(slice(None),) * (axis + 1) + (slice(start, stop),)]


def _batch_safe(index: Any) -> bool:
    """Does ``y[(slice(None),) + index]`` put the batch axis first, as ``y[index]`` per row?

    True unless advanced indices are split by a slice: NumPy then moves the advanced axes to
    the front, ahead of the batch axis.
    """
    parts = index if type(index) is tuple else (index,)
    arrays = [i for i, p in enumerate(parts) if isinstance(p, np.ndarray)]
    if not arrays:
        return True
    advanced = [i for i, p in enumerate(parts) if isinstance(p, np.ndarray | int | np.integer)]
    return advanced == list(range(advanced[0], advanced[0] + len(advanced)))


def _getitem(argnum: int, G: Any, ans: Any, x: Any, index: Any) -> Any:
    batch = np.shape(G)[0]
    if not _batch_safe(index):
        return np.stack([scatter_add(G[b], index, x.shape) for b in range(batch)])
    parts = index if type(index) is tuple else (index,)
    return scatter_add(G, (slice(None), *parts), (batch, *x.shape))


batched_rules: list[tuple[Rule, Callable[..., Any]]] = [
    (MATMUL, _matmul),
    (SUM, _sum),
    (MEAN, _mean),
    (RESHAPE, _reshape),
    (TRANSPOSE, _transpose),
    (BROADCAST_TO, _broadcast_to),
    (CONCATENATE, _concatenate),
    (GETITEM, _getitem),
]
for rule, batched in batched_rules:
    rule.batched = batched
