"""Specs of the array-API scans ``numpy.cumulative_sum`` and ``numpy.cumulative_prod``."""

from __future__ import annotations

from typing import Any

import numpy as np

from .specs import Case, Inputs, Spec, spec


def _scan(fun: Any, domain: str) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape()
        # NumPy needs axis= beyond one dimension; a 0-d input is scanned as a 1-vector.
        axis = d.axis(len(shape)) if len(shape) > 1 or (shape and d.flag()) else None
        include_initial = d.flag()
        x = d.array(shape, domain)
        return (lambda x: fun(x, axis=axis, include_initial=include_initial)), (x,)

    return make


CUMULATIVE: list[Spec] = (
    [
        spec("cumulative_sum", np.cumulative_sum, _scan(np.cumulative_sum, "real")),
        spec("cumulative_prod", np.cumulative_prod, _scan(np.cumulative_prod, "factor")),
    ]
    if hasattr(np, "cumulative_sum")
    else []
)
