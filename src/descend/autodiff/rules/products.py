"""Products: matmul and ``@``, dot, vdot, inner, outer, tensordot, einsum, kron, and the
vecdot/matvec/vecmat gufuncs.

``matmul``, ``tensordot`` and ``einsum`` are primitives; the rest are written in terms of them,
so each has a single rule to trust.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import defvjp, defvjp_argnum, existing, implements
from descend.autodiff.rules.indexing import scatter_add
from descend.autodiff.rules.shape import ravel, reshape
from descend.autodiff.tape import unbroadcast
from descend.autodiff.tracer import Tracer, bind


def mT(x: Any) -> Any:
    """The transpose of the last two axes (of each matrix in a stack).

    Examples
    --------
    >>> mT(np.ones((2, 3, 4))).shape
    (2, 4, 3)
    """
    return np.swapaxes(x, -1, -2)


# --- matmul ---------------------------------------------------------------------------------------
def _matmul_vjp_a(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1:
        return unbroadcast(g[..., None] * b, a.shape)
    if a.ndim == 1:
        return unbroadcast(np.matmul(b, g[..., None])[..., 0], a.shape)
    return unbroadcast(np.matmul(g, mT(b)), a.shape)


def _matmul_vjp_b(g: Any, ans: Any, a: Any, b: Any) -> Any:
    if a.ndim == 1:
        if b.ndim == 1:
            return g * a
        return unbroadcast(a[:, None] * g[..., None, :], b.shape)
    if b.ndim == 1:
        return unbroadcast(np.matmul(mT(a), g[..., None])[..., 0], b.shape)
    return unbroadcast(np.matmul(mT(a), g), b.shape)


MATMUL = defvjp(np.matmul, _matmul_vjp_a, _matmul_vjp_b)


@implements(np.matmul)
def matmul(x1: Any, x2: Any, /, out: Any = None, **kwargs: Any) -> Any:
    if out is not None or kwargs:
        raise NotDifferentiableError("descend differentiates numpy.matmul(a, b) without options.")
    # The rules read .ndim and .shape: a list operand (x @ [1.0, 2.0]) becomes an array.
    x1 = x1 if type(x1) is Tracer else np.asarray(x1)
    x2 = x2 if type(x2) is Tracer else np.asarray(x2)
    return bind(MATMUL, (x1, x2))


# --- tensordot ------------------------------------------------------------------------------------
def _tensordot_axes(axes: Any, nd_a: int, nd_b: int) -> tuple[list[int], list[int]]:
    if np.ndim(axes) == 0:
        n = int(axes)
        return list(range(nd_a - n, nd_a)), list(range(n))
    ax_a, ax_b = axes
    ax_a = [ax_a] if np.ndim(ax_a) == 0 else list(ax_a)
    ax_b = [ax_b] if np.ndim(ax_b) == 0 else list(ax_b)
    return [int(i) % nd_a for i in ax_a], [int(i) % nd_b for i in ax_b]


def _tensordot_vjp_a(g: Any, ans: Any, a: Any, b: Any, ca: list[int], cb: list[int]) -> Any:
    fa = [i for i in range(a.ndim) if i not in ca]
    fb = [i for i in range(b.ndim) if i not in cb]
    r = np.tensordot(g, b, axes=(list(range(len(fa), len(fa) + len(fb))), fb))
    order = fa + [ca[cb.index(j)] for j in sorted(cb)]
    return np.transpose(r, np.argsort(order))


def _tensordot_vjp_b(g: Any, ans: Any, a: Any, b: Any, ca: list[int], cb: list[int]) -> Any:
    fa = [i for i in range(a.ndim) if i not in ca]
    fb = [i for i in range(b.ndim) if i not in cb]
    r = np.tensordot(a, g, axes=(fa, list(range(len(fa)))))
    order = [cb[ca.index(i)] for i in sorted(ca)] + fb
    return np.transpose(r, np.argsort(order))


TENSORDOT = Rule(
    lambda a, b, ca, cb: np.tensordot(a, b, axes=(ca, cb)),
    (_tensordot_vjp_a, _tensordot_vjp_b),
    name="numpy.tensordot",
)


@implements(np.tensordot)
def tensordot(a: Any, b: Any, axes: Any = 2) -> Any:
    ca, cb = _tensordot_axes(axes, np.ndim(a), np.ndim(b))
    return bind(TENSORDOT, (a, b, ca, cb))


# --- composites -----------------------------------------------------------------------------------
@implements(np.dot)
def dot(a: Any, b: Any, out: Any = None) -> Any:
    if out is not None:
        raise NotDifferentiableError("numpy.dot(..., out=...) is not differentiable; drop out=.")
    nd_a, nd_b = np.ndim(a), np.ndim(b)
    if nd_a == 0 or nd_b == 0:
        return a * b
    if nd_a <= 2 and nd_b <= 2:
        return bind(MATMUL, (a, b))
    return tensordot(a, b, ([nd_a - 1], [max(nd_b - 2, 0)]))


@implements(np.vdot)
def vdot(a: Any, b: Any, /) -> Any:
    if np.iscomplexobj(a):  # vdot conjugates its first argument
        a = np.conj(a)
    return np.sum(ravel(a) * ravel(b))


@implements(np.inner)
def inner(a: Any, b: Any, /) -> Any:
    if np.ndim(a) == 0 or np.ndim(b) == 0:
        return a * b
    return tensordot(a, b, ([-1], [-1]))


@implements(np.outer)
def outer(a: Any, b: Any, out: Any = None) -> Any:
    if out is not None:
        raise NotDifferentiableError("numpy.outer(..., out=...) is not differentiable; drop out=.")
    return reshape(ravel(a), (-1, 1)) * reshape(ravel(b), (1, -1))


@implements(np.kron)
def kron(a: Any, b: Any) -> Any:
    nd = max(np.ndim(a), np.ndim(b))
    sa = (1,) * (nd - np.ndim(a)) + np.shape(a)
    sb = (1,) * (nd - np.ndim(b)) + np.shape(b)
    a_spread = reshape(a, [n for s in sa for n in (s, 1)])
    b_spread = reshape(b, [n for s in sb for n in (1, s)])
    return reshape(a_spread * b_spread, [p * q for p, q in zip(sa, sb)])


# --- einsum --------------------------------------------------------------------------------------
def _parse_einsum(subscripts: str, shapes: list[tuple[int, ...]]) -> tuple[list[str], str]:
    """Explicit input and output subscripts, with ``...`` spelled out as letters."""
    subscripts = subscripts.replace(" ", "")
    lhs, arrow, rhs = subscripts.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(shapes):
        raise ValueError("einsum: the number of subscripts and operands differ")
    used = set(subscripts) - set(".,->")
    spare = [c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in used]
    n_ellipsis = max(
        (len(s) - (len(sub) - 3) for sub, s in zip(inputs, shapes) if "..." in sub), default=0
    )
    ell = "".join(spare[:n_ellipsis])
    spelled = [
        sub.replace("...", ell[n_ellipsis - (len(s) - (len(sub) - 3)) :]) if "..." in sub else sub
        for sub, s in zip(inputs, shapes)
    ]
    if arrow:
        out = rhs.replace("...", ell)
    else:
        letters = "".join(spelled)
        out = ell + "".join(sorted(c for c in set(letters) if letters.count(c) == 1 and
                                   c not in ell))  # fmt: skip
    return spelled, out


def _einsum_vjp(i: int, g: Any, ans: Any, *operands_and_spec: Any) -> Any:
    *operands, (inputs, out) = operands_and_spec
    target, shape = inputs[i], np.shape(operands[i])
    others = [(s, op) for j, (s, op) in enumerate(zip(inputs, operands)) if j != i]
    reachable = set(out).union(*(set(s) for s, _ in others))
    unique = "".join(dict.fromkeys(target))
    kept = "".join(c for c in unique if c in reachable)
    spec = ",".join([out] + [s for s, _ in others]) + "->" + kept
    r = np.einsum(spec, g, *(op for _, op in others), optimize=len(others) > 1)
    size = {c: n for c, n in zip(target, shape)}
    if kept != unique:  # letters summed away inside this operand alone: broadcast back
        r = np.broadcast_to(
            reshape(r, [size[c] if c in kept else 1 for c in unique]),
            [size[c] for c in unique],
        )
    if unique != target:  # repeated letters (a diagonal): put the values back on it
        grids = np.indices([size[c] for c in unique], sparse=True)
        index = tuple(grids[unique.index(c)] for c in target)
        return scatter_add(r, index, shape)
    return unbroadcast(r, shape)


EINSUM = defvjp_argnum(
    lambda *ops_and_spec: np.einsum(
        ",".join(ops_and_spec[-1][0]) + "->" + ops_and_spec[-1][1], *ops_and_spec[:-1]
    ),
    _einsum_vjp,
    name="numpy.einsum",
)


@implements(np.einsum)
def einsum(*operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any) -> Any:
    if not isinstance(operands[0], str):
        raise NotDifferentiableError(
            "descend differentiates numpy.einsum in its subscripts-string form, "
            "e.g. np.einsum('ij,jk->ik', a, b)."
        )
    if out is not None or kwargs:
        raise NotDifferentiableError("descend differentiates numpy.einsum without out=/dtype=.")
    subscripts, *arrays = operands
    spec = _parse_einsum(subscripts, [np.shape(a) for a in arrays])
    return bind(EINSUM, (*arrays, spec))


# --- gufuncs of NumPy 2 ---------------------------------------------------------------------------
# vecdot and vecmat conjugate their vector argument, so its cotangent is conjugated back.
for _name, _vjp_x, _vjp_y in (
    (
        "vecdot",
        lambda g, ans, x, y: np.conj(g[..., None] * y),
        lambda g, ans, x, y: g[..., None] * np.conj(x),
    ),
    (
        "matvec",
        lambda g, ans, a, v: g[..., :, None] * v[..., None, :],
        lambda g, ans, a, v: np.matmul(mT(a), g[..., None])[..., 0],
    ),
    (
        "vecmat",
        lambda g, ans, v, a: np.conj(np.matmul(a, g[..., None])[..., 0]),
        lambda g, ans, v, a: np.conj(v)[..., :, None] * g[..., None, :],
    ),
):
    for _ufunc in existing(np, [_name]):
        defvjp(_ufunc, _vjp_x, _vjp_y, broadcasts=True)
