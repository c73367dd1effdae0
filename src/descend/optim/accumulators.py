"""Accumulator-based scalings: RMSProp, Adagrad, Adadelta and Rprop, as in ``torch.optim``."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from descend.optim.base import GradientTransformation, Leaves, State, check_range
from descend.optim.transforms import elementwise, emit, finish, zeros_like_leaves

__all__ = ["scale_by_rms", "scale_by_adagrad", "scale_by_adadelta", "scale_by_rprop"]


def _accumulate_square(g: np.ndarray, acc: np.ndarray, decay: float, t: np.ndarray) -> None:
    """acc <- decay * acc + (1 - decay) * g^2."""
    acc *= decay
    np.multiply(g, g, out=t)
    t *= 1.0 - decay
    acc += t


def scale_by_rms(
    alpha: float = 0.99, eps: float = 1e-8, centered: bool = False, momentum: float = 0.0
) -> GradientTransformation:
    r"""RMSProp's direction (Hinton, 2012) exactly as ``torch.optim.RMSprop``.

    .. math::
        v_t = \alpha v_{t-1} + (1-\alpha) g_t^2,\quad
        D_t = \sqrt{v_t - \bar g_t^2} + \epsilon \text{ (centered) or } \sqrt{v_t} + \epsilon,

    with :math:`\bar g_t = \alpha \bar g_{t-1} + (1-\alpha) g_t`; then :math:`d_t = g_t/D_t`,
    or with momentum :math:`b_t = \mu b_{t-1} + g_t/D_t,\ d_t = b_t`. ``eps`` is added
    *outside* the root, as in PyTorch; Optax's ``scale_by_rms`` adds it inside
    (:math:`\sqrt{v_t + \epsilon}`) and TensorFlow defaults to ``eps = 1e-7``.

    Examples
    --------
    >>> opt = scale_by_rms(alpha=0.75, eps=0.0)
    >>> state = opt.init(np.zeros(1))
    >>> float(opt.update(np.array([3.0]), state)[0][0])  # 3 / sqrt(0.25 * 9)
    2.0
    """
    alpha = check_range(alpha, "alpha", 0.0, 1.0, closed_high=True)
    eps = check_range(eps, "eps", 0.0, math.inf)
    momentum = check_range(momentum, "momentum", 0.0, math.inf)
    names = (
        ("square_avg",)
        + (("grad_avg",) if centered else ())
        + (("momentum_buffer",) if momentum > 0 else ())
    )

    def init(leaves: Leaves) -> State:
        return {name: zeros_like_leaves(leaves) for name in names}

    def kernel(
        scalars: None, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Leaves, scale: float
    ) -> None:
        square_avg, t = bufs[0], tmp[0]
        _accumulate_square(g, square_avg, alpha, t)
        if centered:
            grad_avg = bufs[1]
            np.subtract(g, grad_avg, out=t)
            t *= 1.0 - alpha
            grad_avg += t
            np.multiply(grad_avg, grad_avg, out=t)
            np.subtract(square_avg, t, out=t)
            np.sqrt(t, out=t)
        else:
            np.sqrt(square_avg, out=t)
        t += eps
        if momentum > 0:
            buf = bufs[-1]
            buf *= momentum
            np.divide(g, t, out=t)
            buf += t
            emit(buf, u, scale)
        else:
            np.divide(g, t, out=u)
            finish(u, scale)

    return elementwise("scale_by_rms", init, names, lambda state, extra: None, kernel)


def scale_by_adagrad(
    lr_decay: float = 0.0, initial_accumulator_value: float = 0.0, eps: float = 1e-10
) -> GradientTransformation:
    r"""Adagrad's direction (Duchi et al., 2011) exactly as ``torch.optim.Adagrad``.

    .. math::
        s_t = s_{t-1} + g_t^2,\ s_0 = \text{initial\_accumulator\_value},\quad
        d_t = \frac{1}{1 + (t-1)\,\text{lr\_decay}}\;\frac{g_t}{\sqrt{s_t} + \epsilon}

    PyTorch starts the accumulator at 0 and adds ``eps = 1e-10`` outside the root; Optax
    starts it at 0.1 and uses ``eps = 1e-7``.

    Examples
    --------
    >>> opt = scale_by_adagrad(eps=0.0)
    >>> state = opt.init(np.zeros(1))
    >>> [float(opt.update(np.array([3.0]), state)[0][0]) for _ in range(2)]
    [1.0, 0.7071067811865476]
    """
    lr_decay = check_range(lr_decay, "lr_decay", 0.0, math.inf)
    initial = check_range(initial_accumulator_value, "initial_accumulator_value", 0.0, math.inf)
    eps = check_range(eps, "eps", 0.0, math.inf)

    def init(leaves: Leaves) -> State:
        return {"count": 0, "sum": [np.full(x.shape, initial, x.dtype) for x in leaves]}

    def prepare(state: State, extra: dict[str, Any]) -> float:
        state["count"] += 1
        return 1.0 / (1.0 + (state["count"] - 1) * lr_decay)

    def kernel(
        decay: float, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Leaves, scale: float
    ) -> None:
        acc, t = bufs[0], tmp[0]
        np.multiply(g, g, out=t)
        acc += t
        np.sqrt(acc, out=t)
        t += eps
        np.divide(g, t, out=u)
        finish(u, decay * scale)

    return elementwise("scale_by_adagrad", init, ("sum",), prepare, kernel)


def scale_by_adadelta(rho: float = 0.9, eps: float = 1e-6) -> GradientTransformation:
    r"""Adadelta's direction (Zeiler, 2012) exactly as ``torch.optim.Adadelta``.

    .. math::
        v_t = \rho v_{t-1} + (1-\rho) g_t^2,\quad
        d_t = \frac{\sqrt{a_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}}\, g_t,\quad
        a_t = \rho a_{t-1} + (1-\rho) d_t^2

    Examples
    --------
    >>> opt = scale_by_adadelta(rho=0.0, eps=1.0)
    >>> state = opt.init(np.zeros(1))
    >>> float(opt.update(np.array([1.0]), state)[0][0])  # sqrt(1) / sqrt(1 + 1)
    0.7071067811865475
    """
    rho = check_range(rho, "rho", 0.0, 1.0, closed_high=True)
    eps = check_range(eps, "eps", 0.0, math.inf)
    names = ("square_avg", "acc_delta")

    def init(leaves: Leaves) -> State:
        return {name: zeros_like_leaves(leaves) for name in names}

    def kernel(
        scalars: None, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Leaves, scale: float
    ) -> None:
        square_avg, acc_delta = bufs
        std, delta = tmp
        _accumulate_square(g, square_avg, rho, std)
        np.add(square_avg, eps, out=std)
        np.sqrt(std, out=std)
        np.add(acc_delta, eps, out=delta)
        np.sqrt(delta, out=delta)
        delta /= std
        delta *= g
        _accumulate_square(delta, acc_delta, rho, std)
        emit(delta, u, scale)

    return elementwise("scale_by_adadelta", init, names, lambda state, extra: None, kernel)


def scale_by_rprop(
    lr: float = 1e-2,
    etas: tuple[float, float] = (0.5, 1.2),
    step_sizes: tuple[float, float] = (1e-6, 50.0),
) -> GradientTransformation:
    r"""Rprop's *update* (Riedmiller & Braun, 1993), the iRprop- variant of ``torch.optim.Rprop``.

    Each coordinate has its own step size, started at ``lr``: multiplied by ``etas[1]`` when
    the gradient keeps its sign, by ``etas[0]`` when it flips (and that step is skipped), and
    clipped to ``step_sizes``. The update is ``-sign(g) * step``; it already includes the sign
    and the step length, so no `scale_by_lr` follows it.

    Examples
    --------
    >>> opt = scale_by_rprop(lr=0.1)
    >>> state = opt.init(np.zeros(1))
    >>> [round(float(opt.update(np.array([2.0]), state)[0][0]), 12) for _ in range(3)]
    [-0.1, -0.12, -0.144]
    """
    if callable(lr):
        raise TypeError(
            "rprop's lr is the initial per-coordinate step size, not a rate to schedule; "
            "pass a float"
        )
    lr = check_range(lr, "lr", 0.0, math.inf)
    eta_minus, eta_plus = float(etas[0]), float(etas[1])
    if not 0.0 < eta_minus < 1.0 < eta_plus:
        raise ValueError(f"etas must satisfy 0 < etas[0] < 1 < etas[1]; got {etas!r}")
    low, high = float(step_sizes[0]), float(step_sizes[1])
    if not 0.0 <= low <= high:
        raise ValueError(f"step_sizes must satisfy 0 <= min <= max; got {step_sizes!r}")

    def init(leaves: Leaves) -> State:
        return {
            "prev": zeros_like_leaves(leaves),
            "step_size": [np.full(x.shape, lr, x.dtype) for x in leaves],
        }

    def kernel(
        scalars: None, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Leaves, scale: float
    ) -> None:
        prev, step_size = bufs
        factor, part = tmp
        # prev is free once the sign agreement is known: it holds s = sign(g * g_prev).
        np.multiply(g, prev, out=prev)
        np.sign(prev, out=prev)
        # factor = [s == 0] + eta_plus [s > 0] + eta_minus [s < 0], exactly one term nonzero.
        np.abs(prev, out=factor)
        np.subtract(1.0, factor, out=factor)
        np.maximum(prev, 0.0, out=part)
        part *= eta_plus
        factor += part
        np.minimum(prev, 0.0, out=part)
        part *= -eta_minus
        factor += part
        step_size *= factor
        np.clip(step_size, low, high, out=step_size)
        # Where the sign flipped the gradient is zeroed: no step, and no flip test next time.
        np.minimum(prev, 0.0, out=part)
        part += 1.0
        np.multiply(g, part, out=u)
        np.copyto(prev, u)
        np.sign(u, out=u)
        u *= step_size
        u *= -scale

    return elementwise(
        "scale_by_rprop", init, ("prev", "step_size"), lambda state, extra: None, kernel
    )
