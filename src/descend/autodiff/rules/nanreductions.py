"""NaN-ignoring reductions and scans: nanmax, nanmin, nanprod, nanvar, nanstd, nancumsum,
nancumprod.

Each replaces the NaNs by the reduction's neutral value with ``np.where(isnan(a), neutral, a)``
and applies the ordinary reduction: ``where`` passes no cotangent to the replaced positions,
so NaN positions get an exact zero gradient and no NaN reaches the gradient. Where NumPy
returns NaN (an all-NaN slice, or no degrees of freedom left), so does descend, through
another ``where``, with zero gradient. (``nansum`` and ``nanmean`` live with the other sums in
`descend.autodiff.rules.reductions`.)

Examples
--------
>>> import numpy as np
>>> from descend import grad
>>> grad(np.nanmax)(np.array([1.0, np.nan, 3.0]))
array([0., 0., 1.])
>>> grad(lambda x: np.nanvar(x, ddof=1))(np.array([1.0, np.nan, 3.0]))
array([-2.,  0.,  2.])
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.tracer import unbox_all

_NO_VALUE = np._NoValue


def _reject(name: str, out: Any, where: Any = _NO_VALUE) -> None:
    if out is not None:
        raise NotDifferentiableError(
            f"numpy.{name}(..., out=...) would write a traced value into a plain array; drop "
            "out= and use the returned value."
        )
    if where is not _NO_VALUE and where is not True:
        raise NotDifferentiableError(
            f"descend does not differentiate numpy.{name}(..., where=mask); pass "
            f"np.where(mask, x, np.nan) to numpy.{name} instead."
        )


def _missing(a: Any) -> np.ndarray:
    return np.isnan(unbox_all(a))


# --- extremes and product -------------------------------------------------------------------------
def _nan_extremum(reduce: Any, fill: float, name: str) -> Any:
    def handler(
        a: Any,
        axis: Any = None,
        out: Any = None,
        keepdims: Any = _NO_VALUE,
        initial: Any = _NO_VALUE,
        where: Any = _NO_VALUE,
    ) -> Any:
        _reject(name, out, where)
        missing = _missing(a)
        # Ties among the remaining values share the gradient, as in np.max.
        result = reduce(np.where(missing, fill, a), axis=axis, keepdims=keepdims, initial=initial)
        if initial is not _NO_VALUE:
            return result
        empty = np.all(missing, axis=axis, keepdims=keepdims is not _NO_VALUE and bool(keepdims))
        if np.any(empty):
            warnings.warn("All-NaN slice encountered", RuntimeWarning, stacklevel=3)
            result = np.where(empty, np.nan, result)
        return result

    return handler


implements(np.nanmax)(_nan_extremum(np.max, -np.inf, "nanmax"))
implements(np.nanmin)(_nan_extremum(np.min, np.inf, "nanmin"))


@implements(np.nanprod)
def nanprod(
    a: Any,
    axis: Any = None,
    dtype: Any = None,
    out: Any = None,
    keepdims: Any = _NO_VALUE,
    initial: Any = _NO_VALUE,
    where: Any = _NO_VALUE,
) -> Any:
    _reject("nanprod", out, where)
    return np.prod(np.where(_missing(a), 1.0, a), axis=axis, dtype=dtype, keepdims=keepdims,
                   initial=initial)  # fmt: skip


# --- variance and standard deviation ------------------------------------------------------------
def _nanvar(
    name: str,
    a: Any,
    axis: Any,
    dtype: Any,
    out: Any,
    ddof: float,
    keepdims: Any,
    where: Any,
    mean: Any,
    correction: Any,
) -> Any:
    _reject(name, out, where)
    if mean is not _NO_VALUE:
        raise NotDifferentiableError(
            f"descend does not differentiate numpy.{name}(..., mean=...); drop mean=."
        )
    if correction is not _NO_VALUE:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    keep = keepdims is not _NO_VALUE and bool(keepdims)
    present = ~_missing(a)
    count = np.sum(present, axis=axis, keepdims=True)
    zeroed = np.where(present, a, 0.0)
    # An empty slice divides by 1 instead of 0: its variance is replaced by NaN below.
    total = np.sum(zeroed, axis=axis, keepdims=True, dtype=dtype)
    centred = np.where(present, zeroed - total / np.maximum(count, 1).astype(total.dtype), 0.0)
    if np.iscomplexobj(unbox_all(centred)):
        squares = np.real(centred * np.conj(centred))
    else:
        squares = centred * centred
    total_squares = np.sum(squares, axis=axis, keepdims=keep, dtype=dtype)
    dof = np.sum(present, axis=axis, keepdims=keep) - ddof
    bad = dof <= 0
    result = total_squares / np.where(bad, 1, dof).astype(total_squares.dtype)
    if np.any(bad):
        warnings.warn("Degrees of freedom <= 0 for slice.", RuntimeWarning, stacklevel=3)
        result = np.where(bad, np.nan, result)
    return result


def _spread(name: str, root: bool) -> Any:
    def handler(
        a: Any,
        axis: Any = None,
        dtype: Any = None,
        out: Any = None,
        ddof: float = 0,
        keepdims: Any = _NO_VALUE,
        *,
        where: Any = _NO_VALUE,
        mean: Any = _NO_VALUE,
        correction: Any = _NO_VALUE,
    ) -> Any:
        var = _nanvar(name, a, axis, dtype, out, ddof, keepdims, where, mean, correction)
        return np.sqrt(var) if root else var

    return handler


implements(np.nanvar)(_spread("nanvar", root=False))
implements(np.nanstd)(_spread("nanstd", root=True))


# --- scans ----------------------------------------------------------------------------------------
@implements(np.nancumsum)
def nancumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    _reject("nancumsum", out)
    return np.cumsum(np.where(_missing(a), 0.0, a), axis=axis, dtype=dtype)


@implements(np.nancumprod)
def nancumprod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Any:
    _reject("nancumprod", out)
    return np.cumprod(np.where(_missing(a), 1.0, a), axis=axis, dtype=dtype)
