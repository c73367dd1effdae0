"""Validation of method options, shared by the solvers: clear errors before any iteration."""

from __future__ import annotations

import math
from typing import Any

from descend.solvers.line_search import LINE_SEARCHES

__all__ = ["check_line_search", "fraction", "positive"]


def positive(value: Any, name: str) -> float:
    """``value`` as a float, or a ValueError if it is not a positive finite number.

    Examples
    --------
    >>> positive(0.5, "lr")
    0.5
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not (number > 0 and math.isfinite(number)):
        raise ValueError(f"{name} must be a positive finite number; got {value!r}")
    return number


def fraction(value: Any, name: str, low: float = 0.0, high: float = 1.0) -> float:
    """``value`` as a float in the open interval ``(low, high)``, else a ValueError.

    Examples
    --------
    >>> fraction(0.9, "c2")
    0.9
    """
    number = float(value)
    if not low < number < high:
        raise ValueError(f"{name} must be in ({low:g}, {high:g}); got {value!r}")
    return number


def check_line_search(kind: Any, allowed: frozenset[str] = LINE_SEARCHES) -> str:
    """``kind`` if it names a line search in ``allowed``, else a ValueError listing them.

    Examples
    --------
    >>> check_line_search("wolfe")
    'wolfe'
    """
    if kind not in allowed:
        raise ValueError(f"unknown line_search {kind!r}; choose one of {sorted(allowed)}")
    return str(kind)
