"""Trajectories and schedules against PyTorch 2.13 (float64 values in reference_trajectories.py)."""

from __future__ import annotations

import numpy as np
import pytest

from descend import optim
from descend.optim import schedules

from .optim_problems import X0, join, split, tree_gradient
from .reference_trajectories import PLATEAU_LOSSES, PLATEAUS, SCHEDULES, STEPS, TRAJECTORIES


def _schedule(spec: tuple, lr: float) -> schedules.Schedule:
    kind, period, value = spec
    if kind == "step":
        return schedules.step_decay(lr, step_size=period, gamma=value)
    return schedules.cosine_decay(lr, decay_steps=period, alpha=value / lr)


def _build(case: dict) -> optim.GradientTransformation:
    hyper = dict(case["hyper"])
    if case["schedule"] is not None:
        hyper["lr"] = _schedule(case["schedule"], hyper["lr"])
    return getattr(optim, case["optimizer"])(**hyper)


@pytest.mark.parametrize("name", sorted(TRAJECTORIES))
@pytest.mark.parametrize("mode", ["step", "update"])
def test_trajectory_matches_torch(name: str, mode: str) -> None:
    case = TRAJECTORIES[name]
    opt = _build(case)
    params = split(X0)
    state = opt.init(params)
    for k in range(1, STEPS + 1):
        grads = tree_gradient(params)
        if mode == "step":
            params, state = opt.step(params, grads, state)
        else:
            updates, state = opt.update(grads, state, params)
            params = optim.apply_updates(params, updates)
        if k in case["checkpoints"]:
            np.testing.assert_allclose(
                join(params),
                case["checkpoints"][k],
                rtol=1e-10,
                atol=1e-12,
                err_msg=f"{name} at step {k}",
            )


OUR_SCHEDULES = {
    "step_decay": schedules.step_decay(1.0, step_size=7, gamma=0.3),
    "multistep": schedules.multistep(1.0, [5, 12, 30], gamma=0.5),
    "exponential": schedules.exponential_decay(1.0, decay_rate=0.9),
    "cosine": schedules.cosine_decay(1.0, decay_steps=40, alpha=0.01),
    "cosine_restarts": schedules.cosine_restarts(1.0, 5, period_mult=2, min_value=0.05),
    "polynomial": schedules.polynomial(1.0, 0.0, power=2.0, transition_steps=30),
    "linear": schedules.linear_warmup(1.0, warmup_steps=10, init_value=0.1),
    "one_cycle": schedules.one_cycle(2.0, total_steps=40),
    "one_cycle_three_phase_linear": schedules.one_cycle(
        2.0, total_steps=40, pct_start=0.25, anneal_strategy="linear", three_phase=True
    ),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_matches_torch_scheduler(name: str) -> None:
    ours = [OUR_SCHEDULES[name](k) for k in range(len(SCHEDULES[name]))]
    np.testing.assert_allclose(ours, SCHEDULES[name], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", PLATEAUS, ids=lambda c: str(c["kwargs"]))
def test_reduce_on_plateau_matches_torch(case: dict) -> None:
    opt = optim.chain(optim.sgd(lr=1.0), optim.reduce_on_plateau(**case["kwargs"]))
    state = opt.init(np.zeros(1))
    rates, steps = [], []
    for loss in PLATEAU_LOSSES:
        rates.append(optim.current_lr(state))
        updates, state = opt.update(np.ones(1), state, loss=loss)
        steps.append(-float(updates[0]))
    np.testing.assert_allclose(rates, case["lrs"], rtol=1e-12)
    np.testing.assert_allclose(steps, case["lrs"], rtol=1e-12)
