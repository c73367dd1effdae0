"""Objectives of the Moré-Garbow-Hillstrom form ``f(x) = sum_i r_i(x)**2``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["sum_of_squares"]

Residuals = Callable[[Any], tuple[Any, ...]]


def sum_of_squares(residuals: Residuals) -> Callable[[Any], Any]:
    """Turn ``residuals(x) -> (r_a, r_b, ...)`` into ``f(x) = sum of all r**2``.

    Each piece may be a scalar or an array, so a problem can mix hand-written residuals with
    vectorised ones over a data table, without stacking (which would copy traced values).

    Examples
    --------
    >>> import numpy as np
    >>> f = sum_of_squares(lambda x: (x[0] - 1.0, 2.0 * x[1:]))
    >>> float(f(np.array([3.0, 1.0, 1.0])))
    12.0
    """

    def objective(x: Any) -> Any:
        pieces = residuals(x)
        total = np.sum(pieces[0] ** 2)
        for piece in pieces[1:]:
            total = total + np.sum(piece**2)
        return total

    objective.residuals = residuals  # type: ignore[attr-defined]
    return objective
