"""Every optimizer reaches the minimum of a convex quadratic and of Rosenbrock's function,
and converges with every schedule."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from descend import optim
from descend.optim import schedules as S

from .optim_problems import rosenbrock, rosenbrock_gradient

H = np.array([[3.0, 1.0], [1.0, 2.0]])
CENTER = np.array([1.0, -2.0])


def quadratic_gradient(x: np.ndarray) -> np.ndarray:
    return H @ (x - CENTER)


def run(
    opt: optim.GradientTransformation,
    gradient: Callable[[np.ndarray], np.ndarray],
    x0: list[float],
    steps: int,
    loss: Callable[[np.ndarray], float] | None = None,
) -> np.ndarray:
    x = np.array(x0)
    state = opt.init(x)
    for _ in range(steps):
        extra = {} if loss is None else {"loss": loss(x)}
        x, state = opt.step(x, gradient(x), state, **extra)
    return x


# name -> (optimizer factory, steps): settings for which each method reaches both minima.
OPTIMIZERS = {
    "sgd": (lambda: optim.sgd(lr=1e-3, momentum=0.9), 5000),
    "adagrad": (lambda: optim.adagrad(lr=1.0), 8000),
    "rmsprop": (lambda: optim.rmsprop(lr=1e-3, momentum=0.9, centered=True), 8000),
    "adadelta": (lambda: optim.adadelta(lr=S.cosine_decay(1.0, 10000), rho=0.99), 10000),
    "adam": (lambda: optim.adam(lr=0.01), 5000),
    "adamw": (lambda: optim.adamw(lr=0.01, weight_decay=0.0), 5000),
    "adamax": (lambda: optim.adamax(lr=0.02), 8000),
    "nadam": (lambda: optim.nadam(lr=0.01), 8000),
    # RAdam's first steps are un-adapted momentum: clip Rosenbrock's gradient of ~200.
    "radam": (lambda: optim.chain(optim.clip_by_global_norm(1.0), optim.radam(lr=0.02)), 8000),
    "rprop": (lambda: optim.rprop(lr=0.01), 8000),
    # Sign updates never shrink on their own: Lion needs a decaying rate to settle.
    "lion": (lambda: optim.lion(lr=S.cosine_decay(1e-2, 8000)), 8000),
    "lookahead": (lambda: optim.lookahead(optim.adam(lr=0.02)), 5000),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_converges_on_quadratic(name: str) -> None:
    make, steps = OPTIMIZERS[name]
    x = run(make(), quadratic_gradient, [4.0, 3.0], steps)
    np.testing.assert_allclose(x, CENTER, atol=1e-4)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_converges_on_rosenbrock(name: str) -> None:
    make, steps = OPTIMIZERS[name]
    x = run(make(), rosenbrock_gradient, [-1.2, 1.0], steps)
    np.testing.assert_allclose(x, [1.0, 1.0], atol=1e-2)
    assert rosenbrock(x) < 1e-2  # from 24.2 at the start


SCHEDULES = {
    "constant": S.constant(0.05),
    "step_decay": S.step_decay(0.05, step_size=500, gamma=0.5),
    "multistep": S.multistep(0.05, milestones=[500, 1000], gamma=0.3),
    "exponential_decay": S.exponential_decay(0.05, decay_rate=0.999),
    "exponential_staircase": S.exponential_decay(0.05, 0.5, transition_steps=400, staircase=True),
    "inverse_time": S.inverse_time(0.05, power_t=0.25),
    "polynomial": S.polynomial(0.05, 1e-4, power=2.0, transition_steps=2000),
    "cosine_decay": S.cosine_decay(0.05, decay_steps=2000, alpha=0.01),
    "cosine_restarts": S.cosine_restarts(0.05, first_period=200, period_mult=2.0),
    "linear_warmup": S.linear_warmup(0.05, warmup_steps=100),
    "join": S.join([S.linear_warmup(0.05, 100), S.cosine_decay(0.05, 2000)], boundaries=[100]),
    "one_cycle": S.one_cycle(0.05, total_steps=3000),
}


@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
@pytest.mark.parametrize("method", ["sgd", "adam"])
def test_converges_with_schedule(schedule: str, method: str) -> None:
    lr = SCHEDULES[schedule]
    opt = optim.sgd(lr=lr, momentum=0.9) if method == "sgd" else optim.adam(lr=lr)
    x = run(opt, quadratic_gradient, [4.0, 3.0], 3000)
    np.testing.assert_allclose(x, CENTER, atol=1e-4)


def quadratic_loss(x: np.ndarray) -> float:
    return float(0.5 * (x - CENTER) @ H @ (x - CENTER))


@pytest.mark.parametrize("method", ["sgd", "adam"])
def test_converges_with_reduce_on_plateau(method: str) -> None:
    base = optim.sgd(lr=0.05, momentum=0.9) if method == "sgd" else optim.adam(lr=0.05)
    opt = optim.chain(base, optim.reduce_on_plateau(factor=0.5, patience=20, lr=0.05))
    x = np.array([4.0, 3.0])
    state = opt.init(x)
    for _ in range(3000):
        x, state = opt.step(x, quadratic_gradient(x), state, loss=quadratic_loss(x))
    np.testing.assert_allclose(x, CENTER, atol=1e-4)
    if method == "adam":  # Adam hovers at a constant rate, so the plateau rule must have acted.
        assert optim.current_lr(state) < 0.05


def test_coupled_weight_decay_reaches_the_ridge_solution() -> None:
    lam = 0.5
    ridge = np.linalg.solve(H + lam * np.eye(2), H @ CENTER)
    for opt in (
        optim.sgd(lr=0.05, momentum=0.9, weight_decay=lam),
        optim.adam(lr=S.cosine_decay(0.05, 4000), weight_decay=lam),
    ):
        np.testing.assert_allclose(run(opt, quadratic_gradient, [4.0, 3.0], 4000), ridge, atol=1e-6)
