"""Moment-based scalings: Adam, AMSGrad, Adamax, NAdam, RAdam and Lion.

Each computes a descent *direction*; the learning rate and its sign come from `scale_by_lr`.
The arithmetic follows ``torch.optim`` step by step, so trajectories agree to rounding.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from descend.optim.base import GradientTransformation, Leaves, State, check_range
from descend.optim.transforms import elementwise, finish, zeros_like_leaves

__all__ = ["scale_by_adam", "scale_by_adamax", "scale_by_nadam", "scale_by_radam", "scale_by_lion"]


def _check_betas(b1: float, b2: float) -> tuple[float, float]:
    return check_range(b1, "b1 (betas[0])", 0.0, 1.0), check_range(b2, "b2 (betas[1])", 0.0, 1.0)


def _moment_init(*names: str) -> Callable[[Leaves], State]:
    def init(leaves: Leaves) -> State:
        state: State = {"count": 0}
        for name in names:
            state[name] = zeros_like_leaves(leaves)
        return state

    return init


def _update_moments(
    g: np.ndarray, m: np.ndarray, v: np.ndarray | None, b1: float, b2: float, t: np.ndarray
) -> None:
    """m <- m + (1 - b1)(g - m) (PyTorch's lerp); v <- b2 v + (1 - b2) g^2."""
    np.subtract(g, m, out=t)
    t *= 1.0 - b1
    m += t
    if v is not None:
        np.multiply(g, g, out=t)
        t *= 1.0 - b2
        v *= b2
        v += t


def scale_by_adam(
    b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, amsgrad: bool = False
) -> GradientTransformation:
    r"""Adam's direction (Kingma & Ba, 2015), with AMSGrad as an option.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad v_t = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,
        \quad d_t = \frac{m_t / (1-\beta_1^t)}{\sqrt{\hat v_t}/\sqrt{1-\beta_2^t} + \epsilon}

    with :math:`\hat v_t = v_t`, or :math:`\max(\hat v_{t-1}, v_t)` for AMSGrad (PyTorch's
    variant: the maximum of the raw second moments). ``eps`` is added outside the root, after
    bias correction, as in PyTorch and Optax.

    Examples
    --------
    >>> opt = scale_by_adam()
    >>> state = opt.init(np.zeros(2))
    >>> np.round(opt.update(np.array([0.5, -3.0]), state)[0], 6)
    array([ 1., -1.])
    """
    b1, b2 = _check_betas(b1, b2)
    eps = check_range(eps, "eps", 0.0, math.inf)
    names = ("mu", "nu", "nu_max") if amsgrad else ("mu", "nu")

    def prepare(state: State, extra: dict[str, Any]) -> tuple[float, float]:
        state["count"] += 1
        step = state["count"]
        sqrt_bc2 = math.sqrt(1.0 - b2**step)
        # (m/bc1) / (sqrt(v)/sqrt(bc2) + eps) = (sqrt(bc2)/bc1) m / (sqrt(v) + eps sqrt(bc2)):
        # the bias corrections become two scalars and the loop saves a pass.
        return sqrt_bc2 / (1.0 - b1**step), eps * sqrt_bc2

    def kernel(
        scalars: tuple[float, float],
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: Any,
        tmp: Leaves,
        scale: float,
    ) -> None:
        step_factor, shifted_eps = scalars
        m, v, t = bufs[0], bufs[1], tmp[0]
        _update_moments(g, m, v, b1, b2, t)
        if amsgrad:
            np.maximum(bufs[2], v, out=bufs[2])
            v = bufs[2]
        np.sqrt(v, out=t)
        t += shifted_eps
        np.divide(m, t, out=u)
        u *= step_factor * scale

    return elementwise("scale_by_adam", _moment_init(*names), names, prepare, kernel)


def scale_by_adamax(
    b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8
) -> GradientTransformation:
    r"""Adamax's direction: Adam with an infinity-norm second moment.

    .. math::
        m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t,\quad
        u_t = \max(\beta_2 u_{t-1}, |g_t| + \epsilon),\quad d_t = \frac{m_t}{(1-\beta_1^t)\,u_t}

    ``eps`` inside the maximum as in PyTorch and Optax; the paper has no ``eps``, Keras adds
    it to the denominator (``u_t + eps``).

    Examples
    --------
    >>> opt = scale_by_adamax(eps=0.0)
    >>> state = opt.init(np.zeros(2))
    >>> np.round(opt.update(np.array([0.5, -3.0]), state)[0], 6)
    array([ 1., -1.])
    """
    b1, b2 = _check_betas(b1, b2)
    eps = check_range(eps, "eps", 0.0, math.inf)

    def prepare(state: State, extra: dict[str, Any]) -> float:
        state["count"] += 1
        return 1.0 / (1.0 - b1 ** state["count"])

    def kernel(
        inv_bc1: float,
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: Any,
        tmp: Leaves,
        scale: float,
    ) -> None:
        m, norm, t = bufs[0], bufs[1], tmp[0]
        _update_moments(g, m, None, b1, b2, t)
        norm *= b2
        np.abs(g, out=t)
        t += eps
        np.maximum(norm, t, out=norm)
        np.divide(m, norm, out=u)
        u *= inv_bc1 * scale

    names = ("mu", "inf_norm")
    return elementwise("scale_by_adamax", _moment_init(*names), names, prepare, kernel)


def scale_by_nadam(
    b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, momentum_decay: float = 4e-3
) -> GradientTransformation:
    r"""NAdam's direction (Dozat, 2016) with PyTorch's momentum schedule.

    .. math::
        \mu_t = \beta_1 (1 - \tfrac12 \cdot 0.96^{t\psi}),\quad
        d_t = \frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g_t}{D_t}
            + \frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{D_t},\quad
        D_t = \sqrt{v_t/(1-\beta_2^t)} + \epsilon

    with ``psi = momentum_decay``. Optax's ``nadam`` has no momentum schedule (constant
    ``mu = b1``).

    Examples
    --------
    >>> opt = scale_by_nadam(eps=0.0)
    >>> state = opt.init(np.zeros(1))
    >>> float(np.round(opt.update(np.array([2.0]), state)[0][0], 6))
    1.056452
    """
    b1, b2 = _check_betas(b1, b2)
    eps = check_range(eps, "eps", 0.0, math.inf)
    momentum_decay = check_range(momentum_decay, "momentum_decay", 0.0, math.inf)

    def init(leaves: Leaves) -> State:
        return {
            "count": 0,
            "mu_product": 1.0,
            "mu": zeros_like_leaves(leaves),
            "nu": zeros_like_leaves(leaves),
        }

    def prepare(state: State, extra: dict[str, Any]) -> tuple[float, float, float]:
        state["count"] += 1
        step = state["count"]
        mu = b1 * (1.0 - 0.5 * 0.96 ** (step * momentum_decay))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * momentum_decay))
        state["mu_product"] *= mu
        product = state["mu_product"]
        return 1.0 - b2**step, (1.0 - mu) / (1.0 - product), mu_next / (1.0 - product * mu_next)

    def kernel(
        scalars: tuple[float, float, float],
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: Any,
        tmp: Leaves,
        scale: float,
    ) -> None:
        bc2, grad_coef, mom_coef = scalars
        m, v, t, t2 = bufs[0], bufs[1], tmp[0], tmp[1]
        _update_moments(g, m, v, b1, b2, t)
        np.divide(v, bc2, out=t)
        np.sqrt(t, out=t)
        t += eps
        np.multiply(g, grad_coef * scale, out=t2)  # before u is written: u may be g
        np.multiply(m, mom_coef * scale, out=u)
        u += t2
        u /= t

    return elementwise("scale_by_nadam", init, ("mu", "nu"), prepare, kernel)


def scale_by_radam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    r"""Rectified Adam's direction (Liu et al., 2020), as in PyTorch.

    With :math:`\rho_\infty = 2/(1-\beta_2) - 1` and
    :math:`\rho_t = \rho_\infty - 2t\beta_2^t/(1-\beta_2^t)`: if :math:`\rho_t > 5`,
    :math:`d_t = r_t \hat m_t \sqrt{1-\beta_2^t}/(\sqrt{v_t}+\epsilon)` with the variance
    rectification :math:`r_t`; otherwise :math:`d_t = \hat m_t` (un-adapted momentum).
    Optax uses the threshold 5 too but puts ``eps`` after bias correction.

    Examples
    --------
    >>> opt = scale_by_radam()
    >>> state = opt.init(np.zeros(1))
    >>> float(opt.update(np.array([2.0]), state)[0][0])  # rho_1 <= 5: bias-corrected momentum
    2.0
    """
    b1, b2 = _check_betas(b1, b2)
    eps = check_range(eps, "eps", 0.0, math.inf)
    rho_inf = 2.0 / (1.0 - b2) - 1.0

    def prepare(state: State, extra: dict[str, Any]) -> tuple[float, float]:
        state["count"] += 1
        step = state["count"]
        bc1, bc2 = 1.0 - b1**step, 1.0 - b2**step
        rho_t = rho_inf - 2.0 * step * b2**step / bc2
        if rho_t <= 5.0:
            return 1.0 / bc1, 0.0
        rect = math.sqrt(
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        )
        return 1.0 / bc1, math.sqrt(bc2) * rect

    def kernel(
        scalars: tuple[float, float],
        g: np.ndarray,
        u: np.ndarray,
        bufs: Leaves,
        p: Any,
        tmp: Leaves,
        scale: float,
    ) -> None:
        inv_bc1, adapt = scalars
        m, v, t = bufs[0], bufs[1], tmp[0]
        _update_moments(g, m, v, b1, b2, t)
        if adapt == 0.0:
            np.multiply(m, inv_bc1 * scale, out=u)
            return
        np.sqrt(v, out=t)
        t += eps
        np.divide(m, t, out=u)
        u *= inv_bc1 * adapt * scale

    names = ("mu", "nu")
    return elementwise("scale_by_radam", _moment_init(*names), names, prepare, kernel)


def scale_by_lion(b1: float = 0.9, b2: float = 0.99) -> GradientTransformation:
    r"""Lion's direction (Chen et al., 2023): the sign of an interpolated momentum.

    .. math::
        d_t = \operatorname{sign}(\beta_1 m_{t-1} + (1-\beta_1) g_t),\quad
        m_t = \beta_2 m_{t-1} + (1-\beta_2) g_t

    Examples
    --------
    >>> opt = scale_by_lion()
    >>> state = opt.init(np.zeros(3))
    >>> opt.update(np.array([0.1, -5.0, 0.0]), state)[0]
    array([ 1., -1.,  0.])
    """
    b1, b2 = _check_betas(b1, b2)

    def kernel(
        scalars: None, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Leaves, scale: float
    ) -> None:
        m, t, t2 = bufs[0], tmp[0], tmp[1]
        np.multiply(m, b1, out=t)
        np.multiply(g, 1.0 - b1, out=t2)
        t += t2
        m *= b2
        np.multiply(g, 1.0 - b2, out=t2)
        m += t2
        np.sign(t, out=u)
        finish(u, scale)

    def prepare(state: State, extra: dict[str, Any]) -> None:
        state["count"] += 1

    return elementwise("scale_by_lion", _moment_init("mu"), ("mu",), prepare, kernel)
