"""NumPy functions whose results carry no gradient, and the ``*_like`` creation functions.

The constant functions are integer-, boolean- or metadata-valued (``argmax``, ``isclose``,
``shape``) and run on the plain values. The ``*_like`` functions build arrays whose values do not
depend on the input's values; given a traced prototype they return a traced *constant* of a
floating dtype, so that code may go on to write traced values into it (``buf = np.zeros_like(x);
buf[0] = x[1]``). ``full_like``'s fill value may itself be traced.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.registry import constant_functions, existing, implements
from descend.autodiff.tracer import Tracer, new_input, unbox_all

constant_functions(
    existing(
        np,
        [
            "shape", "ndim", "size", "result_type", "can_cast", "min_scalar_type",
            "argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero", "flatnonzero",
            "count_nonzero", "searchsorted", "digitize", "lexsort",
            "any", "all", "isclose", "allclose", "array_equal", "array_equiv", "isin",
            "isreal", "iscomplex", "isrealobj", "iscomplexobj", "isfortran",
            "round", "around", "fix", "may_share_memory", "shares_memory",
            "iscomplexobj", "isneginf", "isposinf", "is_busday",
        ],
    )
)  # fmt: skip


def _like(a: Any, value: np.ndarray) -> Any:
    """``value`` as a traced constant on ``a``'s trace when it could later receive gradients."""
    if type(a) is Tracer and value.dtype.kind in "fc":
        return new_input(a._trace, value)
    return value


def _filled(a: Any, fill: int, dtype: Any, shape: Any) -> Any:
    dtype = np.result_type(unbox_all(a)) if dtype is None else dtype
    return _like(a, np.full(np.shape(a) if shape is None else shape, fill, dtype=dtype))


@implements(np.zeros_like, np.empty_like)
def zeros_like(
    a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None,
    *, device: Any = None,
) -> Any:  # fmt: skip
    return _filled(a, 0, dtype, shape)


@implements(np.ones_like)
def ones_like(
    a: Any, dtype: Any = None, order: str = "K", subok: bool = True, shape: Any = None,
    *, device: Any = None,
) -> Any:  # fmt: skip
    return _filled(a, 1, dtype, shape)


@implements(np.full_like)
def full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
    shape: Any = None, *, device: Any = None,
) -> Any:  # fmt: skip
    target = np.shape(a) if shape is None else shape
    dtype = np.result_type(unbox_all(a)) if dtype is None else dtype
    if type(fill_value) is not Tracer:
        return _like(a, np.full(target, fill_value, dtype=dtype))
    return np.broadcast_to(fill_value, target).astype(dtype)
