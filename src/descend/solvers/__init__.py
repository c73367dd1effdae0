"""`minimize` and the methods behind it: line searches, Newton, CG, (L-)BFGS, proximal."""

from descend.solvers.line_search import (
    LineSearchResult,
    armijo_line_search,
    exact_line_search,
    line_search,
    wolfe_line_search,
)
from descend.solvers.minimize import METHODS, minimize
from descend.solvers.result import History, OptimizeResult, Status

__all__ = [
    "METHODS",
    "History",
    "LineSearchResult",
    "OptimizeResult",
    "Status",
    "armijo_line_search",
    "exact_line_search",
    "line_search",
    "minimize",
    "wolfe_line_search",
]
