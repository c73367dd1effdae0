"""Spec tables of indexing and selection (``x[...]``, take, diagonals, where, clip, astype) and
of the products (matmul, dot, tensordot, einsum...)."""

from __future__ import annotations

import numpy as np

from .specs import Case, Inputs, spec


def _basic_index(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    index = []
    for n in shape:
        kind = d.choice(["int", "slice", "step", "full"])
        if kind == "int":
            index.append(d.integer(-n, n - 1))
        elif kind == "slice":
            index.append(slice(d.integer(-n, n - 1), d.choice([None, n, -1])))
        elif kind == "step":
            index.append(slice(None, None, d.choice([2, -1, -2])))
        else:
            index.append(slice(None))
    if d.flag():
        index.insert(d.integer(0, len(index)), None)
    if d.flag() and isinstance(index[0], int | slice):
        index = [Ellipsis, *index[1:]]
    key = tuple(index)
    return (lambda x: x[key]), (d.array(shape),)


def _advanced_index(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    # Repeated indices: the gradient must accumulate.
    rows = d.rng.integers(-shape[0], shape[0], d.integer(1, 5))
    if len(shape) > 1 and d.flag():
        cols = d.rng.integers(0, shape[1], rows.shape)
        return (lambda x: x[rows, cols]), (d.array(shape),)
    if len(shape) > 1 and d.flag():
        cols = (rows % shape[1]).tolist()  # a list index, mixed with a slice
        return (lambda x: x[:, cols]), (d.array(shape),)
    return (lambda x: x[rows]), (d.array(shape),)


def _mask_index(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    if d.flag():
        mask = d.rng.random(shape) < 0.5
        return (lambda x: x[mask]), (d.array(shape),)
    mask = d.rng.random(shape[0]) < 0.5
    return (lambda x: x[mask, ...]), (d.array(shape),)


def _take(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    mode = d.choice(["raise", "wrap", "clip"])
    axis = None if d.flag() else d.axis(len(shape))
    n = int(np.prod(shape)) if axis is None else shape[axis]
    lo, hi = (0, n) if mode == "raise" else (-2 * n, 2 * n)
    indices = d.rng.integers(lo, hi, d.choice([(), (3,), (2, 2)]))
    return (lambda x: np.take(x, indices, axis=axis, mode=mode)), (d.array(shape),)


def _take_along_axis(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    target = list(shape)
    target[axis] = d.integer(1, 4)
    indices = d.rng.integers(0, shape[axis], target)
    return (lambda x: np.take_along_axis(x, indices, axis=axis)), (d.array(shape),)


def _diagonal(d: Inputs) -> Case:
    shape = d.shape(min_dims=2)
    a, b = d.rng.permutation(len(shape))[:2] - len(shape) * d.flag()
    offset = d.integer(-2, 2)
    return (lambda x: np.diagonal(x, offset, int(a), int(b))), (d.array(shape),)


def _trace(d: Inputs) -> Case:
    shape = d.shape(min_dims=2)
    offset = d.integer(-1, 1)
    return (lambda x: np.trace(x, offset)), (d.array(shape),)


def _diag(d: Inputs) -> Case:
    k = d.integer(-2, 2)
    shape = d.shape(min_dims=1, max_dims=2)
    return (lambda v: np.diag(v, k)), (d.array(shape),)


def _where(d: Inputs) -> Case:
    sc, sx, sy = d.shapes(3)
    condition = d.rng.random(sc) < 0.5
    return (lambda x, y: np.where(condition, x, y)), (d.array(sx), d.array(sy))


def _clip(d: Inputs) -> Case:
    sx, slo, shi = d.shapes(3)
    x, lo, hi = d.distinct(sx, slo, shi)
    form = d.choice(["arrays", "lower only", "upper only", "keywords"])
    if form == "lower only":
        return (lambda x, lo: np.clip(x, lo, None)), (x, lo)
    if form == "upper only":
        return (lambda x, hi: np.clip(x, None, hi)), (x, hi)
    if form == "keywords":
        return (lambda x, lo: np.clip(x, min=lo - 1.0, max=lo + 1.0)), (x, lo)
    # Bounds in order (lo < hi) wherever they meet, so every element has one active branch.
    return (lambda x, lo, hi: np.clip(x, np.minimum(lo, hi), np.maximum(lo, hi))), (x, lo, hi)


# Only widening casts here: rounding to float32 inside the function would swamp the finite
# differences (narrowing is tested against a closed form in test_tracer.py).
def _astype(d: Inputs) -> Case:
    return (lambda x: x.astype(np.float64) * x), (d.array(d.shape()),)


def _np_astype(d: Inputs) -> Case:
    return (lambda x: np.astype(x, np.float64) ** 2), (d.array(d.shape()),)


INDEXING = [
    spec("basic indexing", "__getitem__", _basic_index),
    spec("advanced indexing with repeats", "__getitem__", _advanced_index),
    spec("boolean mask indexing", "__getitem__", _mask_index),
    spec("take", np.take, _take),
    spec("take_along_axis", np.take_along_axis, _take_along_axis),
    spec("diagonal", np.diagonal, _diagonal),
    spec("trace", np.trace, _trace),
    spec("diag", np.diag, _diag),
    spec("where", np.where, _where),
    spec("clip", np.clip, _clip),
    spec("astype method", "astype", _astype),
    spec("numpy.astype", np.astype, _np_astype),
]


def _matmul(d: Inputs) -> Case:
    n, k, m = d.integer(1, 3), d.integer(1, 3), d.integer(1, 3)
    batch_a, batch_b = d.shapes(2, max_dims=2)
    a_shape = d.choice([(k,), (*batch_a, n, k)])
    b_shape = d.choice([(k,), (*batch_b, k, m)])
    fun = d.choice([np.matmul, lambda a, b: a @ b])
    return fun, (d.array(a_shape), d.array(b_shape))


def _dot(d: Inputs) -> Case:
    k = d.integer(1, 3)
    a_shape = d.choice([(), (k,), (2, k), (2, 1, k)])
    b_shape = d.choice([(), (k,), (k, 2), (3, k, 2)])
    return np.dot, (d.array(a_shape), d.array(b_shape))


def _vdot(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    return np.vdot, (d.array(shape), d.array(shape[::-1]))


def _inner(d: Inputs) -> Case:
    k = d.integer(1, 3)
    a_shape = d.choice([(), (k,), (2, k)])
    b_shape = d.choice([(), (k,), (3, 2, k)])
    return np.inner, (d.array(a_shape), d.array(b_shape))


def _outer(d: Inputs) -> Case:
    return np.outer, (d.array(d.shape(max_dims=2)), d.array(d.shape(max_dims=2)))


def _tensordot(d: Inputs) -> Case:
    form = d.choice(["int", "pairs"])
    if form == "int":
        n = d.integer(0, 2)
        shared = d.shape(min_dims=n, max_dims=n)
        a = d.array((*d.shape(max_dims=1), *shared))
        b = d.array((*shared, *d.shape(max_dims=1)))
        return (lambda a, b: np.tensordot(a, b, n)), (a, b)
    a_shape = d.shape(min_dims=2)
    ax_a = [int(i) for i in d.rng.permutation(len(a_shape))[:2]]
    b_shape = [a_shape[ax_a[1]], d.integer(1, 3), a_shape[ax_a[0]]]
    ax_b = [2, -3]
    return (lambda a, b: np.tensordot(a, b, (ax_a, ax_b))), (d.array(a_shape), d.array(b_shape))


EINSUM_FORMS = {
    "ij,jk->ik": [(2, 3), (3, 4)],
    "ij,jk": [(2, 3), (3, 2)],
    "ii->i": [(3, 3)],
    "ii": [(3, 3)],
    "ij->": [(2, 3)],
    "ij->ji": [(2, 3)],
    "i,i->": [(3,), (3,)],
    "i,j->ij": [(2,), (3,)],
    "...ij,...jk->...ik": [(2, 2, 3), (2, 3, 1)],
    "bij,bjk->bik": [(2, 2, 3), (2, 3, 2)],
    "ijk,k->ij": [(2, 3, 4), (4,)],
    "ij,ij,ij->i": [(2, 3), (2, 3), (2, 3)],
    "iij->j": [(2, 2, 3)],
    "i...->...": [(2, 3, 1)],
    "ij,j->": [(1, 3), (3,)],
    "...i,i->...": [(2, 3, 4), (4,)],
    "ij,...j->...i": [(2, 3), (4, 3)],
    "...,...->...": [(2, 3), (3,)],
    "iji->j": [(2, 3, 2)],
    "ii,ij->j": [(2, 2), (2, 3)],
    "...ii->...i": [(2, 3, 3)],
    ",i->i": [(), (3,)],
    "->": [()],
    "ij,jk,kl->il": [(2, 3), (3, 2), (2, 2)],
}


def _einsum(d: Inputs) -> Case:
    subscripts = d.choice(sorted(EINSUM_FORMS))
    arrays = tuple(d.array(s) for s in EINSUM_FORMS[subscripts])
    return (lambda *a: np.einsum(subscripts, *a)), arrays


def _kron(d: Inputs) -> Case:
    return np.kron, (d.array(d.shape(max_dims=2)), d.array(d.shape(max_dims=2)))


def _vector_gufunc(fun: np.ufunc, signature: str) -> object:
    def make(d: Inputs) -> Case:
        k, m = d.integer(1, 3), d.integer(1, 3)
        batch_a, batch_b = d.shapes(2, max_dims=2)
        core = {
            "vecdot": ((k,), (k,)),
            "matvec": ((m, k), (k,)),
            "vecmat": ((k,), (k, m)),
        }[signature]
        return fun, (d.array((*batch_a, *core[0])), d.array((*batch_b, *core[1])))

    return make


PRODUCTS = [
    spec("matmul and @", np.matmul, _matmul),
    spec("dot", np.dot, _dot),
    spec("vdot", np.vdot, _vdot),
    spec("inner", np.inner, _inner),
    spec("outer", np.outer, _outer),
    spec("tensordot", np.tensordot, _tensordot),
    spec("einsum", np.einsum, _einsum),
    spec("kron", np.kron, _kron),
    spec("vecdot", np.vecdot, _vector_gufunc(np.vecdot, "vecdot")),
    spec("matvec", np.matvec, _vector_gufunc(np.matvec, "matvec")),
    spec("vecmat", np.vecmat, _vector_gufunc(np.vecmat, "vecmat")),
]
