"""Native forward rules of the primitives that are linear in their traced arguments.

Forward mode obtains a tangent by transposing a rule's vjp (`descend.autodiff.forward`); for a
linear primitive the tangent is simply the primitive applied to the tangent, one NumPy call
instead of a small tape. ``matmul`` is bilinear: one call per traced operand.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.forward import LINEAR_JVPS
from descend.autodiff.rules.indexing import GETITEM
from descend.autodiff.rules.products import MATMUL
from descend.autodiff.rules.reductions import MEAN, SUM
from descend.autodiff.rules.shape import BROADCAST_TO, CONCATENATE, RESHAPE, TRANSPOSE


def _of_first(rule: Rule) -> Any:
    """The jvp of a rule linear in its first argument, the others being static parameters."""
    fun = rule.fun
    return lambda tangents, ans, x, *params: fun(tangents[0], *params)


def _concatenate(tangents: list[Any], ans: Any, *arrays_and_axis: Any) -> Any:
    *arrays, axis = arrays_and_axis
    parts = [np.zeros_like(a) if t is None else t for t, a in zip(tangents, arrays)]
    return CONCATENATE.fun(*parts, axis)


def _matmul(tangents: list[Any], ans: Any, a: Any, b: Any) -> Any:
    ta, tb = tangents
    if ta is None:
        return np.matmul(a, tb)
    if tb is None:
        return np.matmul(ta, b)
    return np.matmul(ta, b) + np.matmul(a, tb)


for _rule in (GETITEM, SUM, MEAN, RESHAPE, TRANSPOSE, BROADCAST_TO):
    LINEAR_JVPS[_rule] = _of_first(_rule)
LINEAR_JVPS[CONCATENATE] = _concatenate
LINEAR_JVPS[MATMUL] = _matmul
