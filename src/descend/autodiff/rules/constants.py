"""NumPy functions whose results carry no gradient, and the ``*_like`` creation functions.

These are integer-, boolean- or metadata-valued (``argmax``, ``isclose``, ``shape``), or
build new arrays whose values do not depend on the input's values (``zeros_like``). They run on
the plain values. ``full_like`` is the exception: its fill value may be traced.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.registry import constant_functions, existing, implements
from descend.autodiff.tracer import Tracer

constant_functions(
    existing(
        np,
        [
            "shape", "ndim", "size", "result_type", "can_cast", "min_scalar_type", "imag",
            "zeros_like", "ones_like", "empty_like",
            "argmax", "argmin", "argsort", "argpartition", "argwhere", "nonzero", "flatnonzero",
            "count_nonzero", "searchsorted", "digitize", "lexsort",
            "any", "all", "isclose", "allclose", "array_equal", "array_equiv", "isin",
            "isreal", "iscomplex", "isrealobj", "iscomplexobj", "isfortran",
            "round", "around", "fix", "may_share_memory", "shares_memory",
            "iscomplexobj", "isneginf", "isposinf",
        ],
    )
)  # fmt: skip


@implements(np.full_like)
def full_like(
    a: Any, fill_value: Any, dtype: Any = None, order: str = "K", subok: bool = True,
    shape: Any = None, *, device: Any = None,
) -> Any:  # fmt: skip
    target = np.shape(a) if shape is None else shape
    if type(fill_value) is not Tracer:
        dtype = np.result_type(a) if dtype is None else dtype
        return np.full(target, fill_value, dtype=dtype)
    return np.broadcast_to(fill_value, target).astype(np.result_type(a) if dtype is None else dtype)
