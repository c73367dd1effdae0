"""ufunc methods on traced values: ``reduce``, ``accumulate`` and ``outer`` are differentiated by
mapping them to the functions they equal; ``at`` and ``reduceat`` are refused by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import FUNCTION_HANDLERS, UFUNC_METHODS, numpy_name
from descend.autodiff.rules.shape import reshape

_REDUCTIONS: dict[np.ufunc, Callable[..., Any]] = {
    np.add: np.sum,
    np.multiply: np.prod,
    np.maximum: np.max,
    np.minimum: np.min,
}
_SCANS: dict[np.ufunc, Callable[..., Any]] = {np.add: np.cumsum, np.multiply: np.cumprod}


def _refuse(ufunc: np.ufunc, method: str, advice: str) -> NotDifferentiableError:
    return NotDifferentiableError(
        f"descend cannot differentiate {numpy_name(ufunc)}.{method}; {advice}"
    )


def reduce(ufunc: np.ufunc, array: Any, axis: Any = 0, **kwargs: Any) -> Any:
    if ufunc not in _REDUCTIONS:
        raise _refuse(ufunc, "reduce", "write the reduction with np.sum/np.prod/np.max/np.min.")
    return FUNCTION_HANDLERS[_REDUCTIONS[ufunc]](array, axis=axis, **kwargs)


def accumulate(ufunc: np.ufunc, array: Any, axis: int = 0, **kwargs: Any) -> Any:
    if ufunc not in _SCANS:
        raise _refuse(ufunc, "accumulate", "write it with np.cumsum or np.cumprod.")
    return FUNCTION_HANDLERS[_SCANS[ufunc]](array, axis=axis, **kwargs)


def outer(ufunc: np.ufunc, a: Any, b: Any, **kwargs: Any) -> Any:
    return ufunc(reshape(a, np.shape(a) + (1,) * np.ndim(b)), b, **kwargs)


def at(ufunc: np.ufunc, *args: Any, **kwargs: Any) -> Any:
    raise _refuse(
        ufunc,
        "at",
        "it updates an array in place. Build the result functionally instead: for "
        "np.add.at(out, idx, values) use a one-hot matrix product, "
        "(idx[:, None] == np.arange(n)).T @ values.",
    )


def reduceat(ufunc: np.ufunc, *args: Any, **kwargs: Any) -> Any:
    raise _refuse(ufunc, "reduceat", "use np.sum over slices or np.cumsum differences.")


UFUNC_METHODS.update(reduce=reduce, accumulate=accumulate, outer=outer, at=at, reduceat=reduceat)
