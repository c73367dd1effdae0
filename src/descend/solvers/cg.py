"""Nonlinear conjugate gradients: Fletcher-Reeves, Polak-Ribiere+, Hestenes-Stiefel, Dai-Yuan.

Reference: Nocedal & Wright, *Numerical Optimization* (2006), section 5.2; Y. H. Dai and
Y. Yuan, SIAM J. Optim. 10 (1999) 177-182.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from descend.solvers.checks import check_line_search
from descend.solvers.line_search import interpolated_step0
from descend.solvers.line_search import line_search as search_line
from descend.solvers.monitor import Monitor
from descend.solvers.objective import Objective

__all__ = ["VARIANTS", "conjugate_gradient"]

VARIANTS = ("pr+", "fr", "hs", "dy")

# Powell's restart test (N&W eq. 5.52): consecutive gradients far from orthogonal.
_POWELL_RATIO = 0.2


def conjugate_gradient(
    obj: Objective,
    monitor: Monitor,
    x: np.ndarray,
    f: float,
    g: np.ndarray,
    *,
    variant: str = "pr+",
    line_search: str = "wolfe",
    c1: float = 1e-4,
    c2: float = 0.2,
    restart_every: int | None = None,
) -> dict[str, Any]:
    """Nonlinear CG ``p <- -g + beta p`` with a line search along ``p``.

    The direction restarts at ``-g`` when it is not a descent direction, for Fletcher-Reeves
    when consecutive gradients are far from orthogonal (Powell's test
    ``|g_k @ g_{k-1}| >= 0.2 ||g_k||^2``), and every ``restart_every`` iterations. Polak-Ribiere+
    restarts by itself whenever its ``beta`` is clipped to 0.

    Options
    -------
    variant : {"pr+", "fr", "hs", "dy"}
        Formula for ``beta``; ``"pr+"`` (Polak-Ribiere clipped at 0, SciPy's choice) by default.
    line_search : {"wolfe", "armijo", "exact"}
        Default ``"wolfe"``.
    c1, c2 : float
        Line-search constants (1e-4, 0.2). Fletcher-Reeves needs ``c2 < 1/2``; N&W use 0.1,
        SciPy 0.4. On the MGH set 0.2 takes the fewest evaluations (median below SciPy's),
        0.1 more, and 0.4 needs twice the iterations on some problems (Penalty II).
    restart_every : int, optional
        Restart period. Default: ``n`` (the number of parameters) for Dai-Yuan, none for the
        others, as SciPy's CG (on the MGH set periodic restarts cost PR+, FR and HS 10-30%
        more evaluations, while Dai-Yuan needs them).

    Examples
    --------
    >>> from descend.solvers import minimize
    >>> A = np.diag([1.0, 10.0, 100.0])
    >>> r = minimize(lambda x: 0.5 * x @ A @ x, np.ones(3), method="cg",
    ...              jac=lambda x: A @ x, options={"line_search": "exact"})
    >>> r.nit <= 4, r.success
    (True, True)
    """
    if variant not in VARIANTS:
        raise ValueError(f"unknown CG variant {variant!r}; choose one of {list(VARIANTS)}")
    check_line_search(line_search)
    if restart_every is None:
        period = x.size if variant == "dy" else math.inf
    else:
        period = int(restart_every)
    if period < 1:
        raise ValueError(f"restart_every must be a positive integer; got {restart_every!r}")
    p = -g
    f_prev: float | None = None
    since_restart = 0
    while True:
        d0 = float(g @ p)
        step0 = interpolated_step0(f, f_prev, d0, p)
        search = search_line(
            line_search, obj.value_and_grad, x, p, f, g, step0=step0, c1=c1, c2=c2, fun=obj.fun
        )
        if search.step == 0 and since_restart > 0:
            p, since_restart = -g, 0
            search = search_line(
                line_search, obj.value_and_grad, x, p, f, g, c1=c1, c2=c2, fun=obj.fun
            )
        if search.step == 0:
            monitor.search_failed(search)
            return {}
        f_prev = f
        g_prev = g
        x, f, g = search.x, search.f, search.g
        if monitor.update(x, f, g):
            return {}
        since_restart += 1
        beta = _beta(variant, g, g_prev, p)
        p = -g + beta * p
        restart = since_restart >= period or not float(g @ p) < 0
        if variant == "fr" and abs(float(g @ g_prev)) >= _POWELL_RATIO * float(g @ g):
            restart = True
        if restart:
            p, since_restart = -g, 0


def _beta(variant: str, g: np.ndarray, g_prev: np.ndarray, p: np.ndarray) -> float:
    gg_prev = float(g_prev @ g_prev)
    if variant == "fr":
        return float(g @ g) / gg_prev
    y = g - g_prev
    if variant == "pr+":
        return max(0.0, float(g @ y) / gg_prev)
    py = float(p @ y)
    if py == 0:
        return 0.0
    if variant == "hs":
        return float(g @ y) / py
    return float(g @ g) / py
