"""Shape operations: reshape, transpose, axis moves, broadcasting, joining, tiling, flipping,
padding.

Most are their own transpose (the cotangent of a reshape is reshaped back); joins slice the
cotangent apart; anything that copies elements around is written as a gather (`getitem`),
whose rule is the matching scatter-add.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import FUNCTION_HANDLERS, defvjp_argnum, existing, implements
from descend.autodiff.rules.reductions import normalize_axis
from descend.autodiff.tape import unbroadcast
from descend.autodiff.tracer import bind

_NO_VALUE = np._NoValue


def ghost(shape: tuple[int, ...]) -> np.ndarray:
    """A zero-byte stand-in array of ``shape``, to ask NumPy what shape an operation gives."""
    return np.broadcast_to(np.empty((), dtype=bool), shape)


# --- reshape family -----------------------------------------------------------------------------
RESHAPE = Rule(
    lambda x, shape, order: np.reshape(x, shape, order=order),
    (lambda g, ans, x, shape, order: np.reshape(g, x.shape, order=order),),
    name="numpy.reshape",
)


@implements(np.reshape)
def reshape(
    a: Any,
    shape: Any = None,
    order: str = "C",
    *,
    newshape: Any = None,
    copy: Any = None,
) -> Any:
    shape = newshape if shape is None else shape
    if order not in ("C", "F"):
        raise NotDifferentiableError("descend differentiates reshape with order 'C' or 'F' only.")
    return bind(RESHAPE, (a, shape, order))


@implements(np.ravel)
def ravel(a: Any, order: str = "C") -> Any:
    return reshape(a, -1, order="F" if order == "F" else "C")


@implements(np.squeeze)
def squeeze(a: Any, axis: Any = None) -> Any:
    return reshape(a, np.squeeze(ghost(np.shape(a)), axis).shape)


@implements(np.expand_dims)
def expand_dims(a: Any, axis: Any) -> Any:
    return reshape(a, np.expand_dims(ghost(np.shape(a)), axis).shape)


def _at_least(ndim: int, *arys: Any) -> Any:
    out = []
    for a in arys:
        shape = np.shape(a)
        if len(shape) < ndim:
            if ndim == 3 and len(shape) == 1:
                shape = (1, *shape, 1)
            elif ndim == 3 and len(shape) == 2:
                shape = (*shape, 1)
            else:
                shape = (1,) * (ndim - len(shape)) + shape
            a = reshape(a, shape)
        out.append(a)
    return out[0] if len(out) == 1 else tuple(out)


implements(np.atleast_1d)(lambda *arys: _at_least(1, *arys))
implements(np.atleast_2d)(lambda *arys: _at_least(2, *arys))
implements(np.atleast_3d)(lambda *arys: _at_least(3, *arys))


# --- axis permutations ----------------------------------------------------------------------------
TRANSPOSE = Rule(
    lambda x, axes: np.transpose(x, axes),
    (lambda g, ans, x, axes: np.transpose(g, np.argsort(axes)),),
    name="numpy.transpose",
)


@implements(np.transpose, *existing(np, ["permute_dims"]))
def transpose(a: Any, axes: Any = None) -> Any:
    ndim = np.ndim(a)
    if axes is None:
        return bind(TRANSPOSE, (a, tuple(range(ndim))[::-1]))
    # Out-of-range axes raise AxisError as in NumPy, rather than wrapping around.
    return bind(TRANSPOSE, (a, tuple(normalize_axis(i, ndim)[0] for i in axes)))


@implements(np.swapaxes)
def swapaxes(a: Any, axis1: int, axis2: int) -> Any:
    ndim = np.ndim(a)
    axes = list(range(ndim))
    i, j = normalize_axis(axis1, ndim)[0], normalize_axis(axis2, ndim)[0]
    axes[i], axes[j] = axes[j], axes[i]
    return transpose(a, axes)


@implements(np.moveaxis)
def moveaxis(a: Any, source: Any, destination: Any) -> Any:
    # Axis i of the ghost has length i + 1, so the moved ghost's shape spells the permutation
    # (and NumPy validates source and destination for us).
    moved = np.moveaxis(ghost(tuple(range(1, np.ndim(a) + 1))), source, destination)
    return transpose(a, [n - 1 for n in moved.shape])


@implements(*existing(np, ["matrix_transpose"]))
def matrix_transpose(x: Any) -> Any:
    if np.ndim(x) < 2:
        raise ValueError(f"matrix transpose with ndim < 2 is undefined (got ndim {np.ndim(x)})")
    return swapaxes(x, -1, -2)


# --- broadcasting ---------------------------------------------------------------------------------
BROADCAST_TO = Rule(
    lambda x, shape: np.broadcast_to(x, shape),
    (lambda g, ans, x, shape: unbroadcast(g, x.shape),),
    name="numpy.broadcast_to",
)


@implements(np.broadcast_to)
def broadcast_to(array: Any, shape: Any, subok: bool = False) -> Any:
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(shape)
    if np.shape(array) == shape:
        return array
    return bind(BROADCAST_TO, (array, shape))


@implements(np.broadcast_arrays)
def broadcast_arrays(*args: Any, subok: bool = False) -> tuple[Any, ...]:
    shape = np.broadcast_shapes(*(np.shape(a) for a in args))
    return tuple(broadcast_to(a, shape) for a in args)


# --- joining and splitting ------------------------------------------------------------------------
def _concatenate_vjp(i: int, g: Any, ans: Any, *arrays_and_axis: Any) -> Any:
    *arrays, axis = arrays_and_axis
    start = sum(np.shape(a)[axis] for a in arrays[:i])
    stop = start + np.shape(arrays[i])[axis]
    return g[(slice(None),) * axis + (slice(start, stop),)]


CONCATENATE = defvjp_argnum(
    lambda *arrays_and_axis: np.concatenate(arrays_and_axis[:-1], axis=arrays_and_axis[-1]),
    _concatenate_vjp,
    name="numpy.concatenate",
)


@implements(np.concatenate, *existing(np, ["concat"]))
def concatenate(
    arrays: Any, axis: Any = 0, out: Any = None, *, dtype: Any = None, casting: str = "same_kind"
) -> Any:
    if out is not None:
        raise NotDifferentiableError(
            "numpy.concatenate(..., out=...) would write traced values into a plain array; "
            "drop out= and use the returned value."
        )
    arrays = list(arrays)
    if axis is None:
        arrays, axis = [ravel(a) for a in arrays], 0
    axis = normalize_axis(axis, np.ndim(arrays[0]))[0]
    result = bind(CONCATENATE, (*arrays, axis))
    return result if dtype is None else result.astype(dtype)


@implements(np.stack)
def stack(
    arrays: Any, axis: int = 0, out: Any = None, *, dtype: Any = None, casting: str = "same_kind"
) -> Any:
    arrays = list(arrays)
    shapes = {np.shape(a) for a in arrays}
    if len(shapes) != 1:
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis(axis, np.ndim(arrays[0]) + 1)[0]
    return concatenate([expand_dims(a, axis) for a in arrays], axis, out, dtype=dtype)


@implements(np.column_stack)
def column_stack(tup: Any) -> Any:
    return concatenate([reshape(a, (-1, 1)) if np.ndim(a) < 2 else a for a in tup], 1)


# Pure-Python NumPy functions built only from functions descend handles: run NumPy's own code.
for _fun in (np.hstack, np.vstack, np.dstack, np.split, np.array_split, np.hsplit, np.vsplit,
             np.dsplit):  # fmt: skip
    implements(_fun)(_fun._implementation)  # type: ignore[union-attr]


# --- tiling, flipping, rolling --------------------------------------------------------------------
def _tile_vjp(g: Any, ans: Any, x: Any, reps: tuple[int, ...]) -> Any:
    shape = (1,) * (len(reps) - x.ndim) + tuple(x.shape)
    split = []
    for r, n in zip(reps, shape):
        split += [r, n]
    summed = np.sum(np.reshape(g, split), axis=tuple(range(0, 2 * len(reps), 2)))
    return np.reshape(summed, x.shape)


TILE = Rule(lambda x, reps: np.tile(x, reps), (_tile_vjp,), name="numpy.tile")


@implements(np.tile)
def tile(A: Any, reps: Any) -> Any:
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    reps = (1,) * (np.ndim(A) - len(reps)) + reps
    return bind(TILE, (A, reps))


@implements(np.repeat)
def repeat(a: Any, repeats: Any, axis: Any = None) -> Any:
    if axis is None:
        a, axis = ravel(a), 0
    axis = normalize_axis(axis, np.ndim(a))[0]
    index = np.repeat(np.arange(np.shape(a)[axis]), repeats)
    return FUNCTION_HANDLERS[np.take](a, index, axis=axis)


FLIP = Rule(
    lambda x, axis: np.flip(x, axis),
    (lambda g, ans, x, axis: np.flip(g, axis),),
    name="numpy.flip",
)


@implements(np.flip)
def flip(m: Any, axis: Any = None) -> Any:
    return bind(FLIP, (m, normalize_axis(axis, np.ndim(m))))


implements(np.fliplr)(lambda m: flip(m, 1))
implements(np.flipud)(lambda m: flip(m, 0))

ROLL = Rule(
    lambda x, shift, axis: np.roll(x, shift, axis),
    (lambda g, ans, x, shift, axis: np.roll(g, tuple(-s for s in shift), axis),),
    name="numpy.roll",
)


@implements(np.roll)
def roll(a: Any, shift: Any, axis: Any = None) -> Any:
    if axis is None:
        return reshape(roll(ravel(a), shift, 0), np.shape(a))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    shifts = (shift,) * len(axes) if np.ndim(shift) == 0 else tuple(shift)
    return bind(ROLL, (a, tuple(int(s) for s in shifts), axes))


# --- padding --------------------------------------------------------------------------------------
def _pad_constant_vjp(g: Any, ans: Any, x: Any, widths: Any, value: Any) -> Any:
    return g[tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))]


PAD_CONSTANT = Rule(
    lambda x, widths, value: np.pad(x, widths, mode="constant", constant_values=value),
    (_pad_constant_vjp,),
    name="numpy.pad",
)
# Modes that only copy existing elements are gathers from the flattened input.
_GATHER_MODES = ("edge", "reflect", "symmetric", "wrap")


@implements(np.pad)
def pad(array: Any, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Any:
    shape = np.shape(array)
    pairs = np.broadcast_to(np.asarray(pad_width, dtype=np.intp), (len(shape), 2))
    widths = tuple((int(lo), int(hi)) for lo, hi in pairs)
    if mode == "constant":
        value = kwargs.get("constant_values", 0)
        if np.ndim(value) != 0 or not isinstance(value, int | float | np.number):
            raise NotDifferentiableError(
                "descend differentiates numpy.pad(mode='constant') with one constant "
                "(non-traced) scalar constant_values."
            )
        return bind(PAD_CONSTANT, (array, widths, value))
    if mode in _GATHER_MODES and not kwargs:
        positions = np.arange(int(np.prod(shape))).reshape(shape)
        index = np.pad(positions, widths, mode=mode)  # type: ignore[call-overload]
        return ravel(array)[index]
    raise NotDifferentiableError(
        f"descend differentiates numpy.pad with mode 'constant' or {', '.join(_GATHER_MODES)} "
        f"(without extra options); got mode={mode!r}."
    )


# --- copies and triangles -------------------------------------------------------------------------
COPY = Rule(lambda x: np.copy(x), (lambda g, ans, x: g,), name="numpy.copy")
implements(np.copy)(lambda a, order="K", subok=False: bind(COPY, (a,)))

TRIU = Rule(lambda x, k: np.triu(x, k), (lambda g, ans, x, k: np.triu(g, k),), name="numpy.triu")
TRIL = Rule(lambda x, k: np.tril(x, k), (lambda g, ans, x, k: np.tril(g, k),), name="numpy.tril")
implements(np.triu)(lambda m, k=0: bind(TRIU, (m, int(k))))
implements(np.tril)(lambda m, k=0: bind(TRIL, (m, int(k))))
