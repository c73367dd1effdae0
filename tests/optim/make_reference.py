"""Regenerate ``reference_trajectories.py`` with PyTorch (run by hand, not collected by pytest).

    python -m tests.optim.make_reference      # from the repository root

Runs each ``torch.optim`` optimizer for 200 steps in float64 on the problem of ``optim_problems.py``
(two parameter tensors) and writes the iterates at a few checkpoints, plus the values of
PyTorch's learning-rate schedulers and of ``ReduceLROnPlateau`` on a fixed loss sequence.
Floats are written with ``repr``, which round-trips exactly.
"""

from __future__ import annotations

import pprint
import shutil
import subprocess
from pathlib import Path

import numpy as np
import torch
from tests.optim.optim_problems import X0, join, split, tree_gradient

STEPS = 200
CHECKPOINTS = (1, 2, 5, 10, 50, 100, 200)

# (case name, optimizer name, hyperparameters, scheduler or None)
CASES = [
    ("sgd", "sgd", {"lr": 0.01}, None),
    ("sgd-momentum", "sgd", {"lr": 0.01, "momentum": 0.9}, None),
    (
        "sgd-nesterov-wd",
        "sgd",
        {"lr": 0.01, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
        None,
    ),
    (
        "sgd-dampening",
        "sgd",
        {"lr": 0.01, "momentum": 0.5, "dampening": 0.3, "weight_decay": 0.05},
        None,
    ),
    ("sgd-momentum-steplr", "sgd", {"lr": 0.02, "momentum": 0.9}, ("step", 50, 0.5)),
    ("adagrad", "adagrad", {"lr": 0.1}, None),
    (
        "adagrad-decay",
        "adagrad",
        {"lr": 0.1, "lr_decay": 0.01, "weight_decay": 0.1, "initial_accumulator_value": 0.5},
        None,
    ),
    ("rmsprop", "rmsprop", {"lr": 0.01}, None),
    ("rmsprop-centered", "rmsprop", {"lr": 0.01, "centered": True}, None),
    (
        "rmsprop-centered-momentum-wd",
        "rmsprop",
        {"lr": 0.005, "momentum": 0.9, "centered": True, "weight_decay": 0.1},
        None,
    ),
    (
        "rmsprop-alpha-eps-momentum",
        "rmsprop",
        {"lr": 0.01, "alpha": 0.9, "eps": 0.1, "momentum": 0.5},
        None,
    ),
    ("adadelta", "adadelta", {}, None),
    ("adadelta-wd", "adadelta", {"lr": 0.2, "rho": 0.8, "eps": 1e-4, "weight_decay": 0.1}, None),
    ("adam", "adam", {"lr": 0.01}, None),
    ("adam-amsgrad", "adam", {"lr": 0.01, "amsgrad": True}, None),
    (
        "adam-betas-wd-amsgrad",
        "adam",
        {"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-6, "weight_decay": 0.1, "amsgrad": True},
        None,
    ),
    ("adam-cosine", "adam", {"lr": 0.05}, ("cosine", 200, 0.001)),
    ("adamw", "adamw", {"lr": 0.01}, None),
    ("adamw-wd-amsgrad", "adamw", {"lr": 0.01, "weight_decay": 0.1, "amsgrad": True}, None),
    ("adamax", "adamax", {"lr": 0.01}, None),
    ("adamax-betas-wd", "adamax", {"lr": 0.02, "betas": (0.8, 0.99), "weight_decay": 0.1}, None),
    ("nadam", "nadam", {"lr": 0.01}, None),
    ("nadam-decay-wd", "nadam", {"lr": 0.01, "momentum_decay": 0.01, "weight_decay": 0.1}, None),
    ("radam", "radam", {"lr": 0.01}, None),
    ("radam-betas-wd", "radam", {"lr": 0.01, "betas": (0.9, 0.99), "weight_decay": 0.1}, None),
    ("rprop", "rprop", {"lr": 0.01}, None),
    ("rprop-etas", "rprop", {"lr": 0.05, "etas": (0.3, 1.5), "step_sizes": (1e-4, 1.0)}, None),
]

TORCH_NAMES = {
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "rmsprop": "RMSprop",
    "adadelta": "Adadelta",
    "adam": "Adam",
    "adamw": "AdamW",
    "adamax": "Adamax",
    "nadam": "NAdam",
    "radam": "RAdam",
    "rprop": "Rprop",
}


def torch_scheduler(opt: torch.optim.Optimizer, spec: tuple) -> object:
    kind = spec[0]
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=spec[1], gamma=spec[2])
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec[1], eta_min=spec[2])


def trajectory(name: str, hyper: dict, schedule: tuple | None) -> dict[int, list[float]]:
    tree = split(X0)
    tensors = [torch.tensor(tree[k], dtype=torch.float64, requires_grad=True) for k in "ab"]
    opt = getattr(torch.optim, TORCH_NAMES[name])(tensors, foreach=False, **hyper)
    sched = torch_scheduler(opt, schedule) if schedule else None
    out = {}
    for step in range(1, STEPS + 1):
        current = {k: t.detach().numpy().copy() for k, t in zip("ab", tensors)}
        grads = tree_gradient(current)
        for k, t in zip("ab", tensors):
            t.grad = torch.tensor(grads[k], dtype=torch.float64)
        opt.step()
        if sched is not None:
            sched.step()
        if step in CHECKPOINTS:
            out[step] = [
                float(v) for v in join({k: t.detach().numpy() for k, t in zip("ab", tensors)})
            ]
    return out


def check_well_conditioned(case: str, name: str, hyper: dict, schedule: tuple | None) -> None:
    """Refuse settings whose trajectory is chaotic: a 1e-15 relative change of the start must
    stay below 1e-12 at every checkpoint, or no implementation could match to 1e-10."""
    global X0
    reference = trajectory(name, hyper, schedule)
    original = X0
    X0 = original * (1 + 1e-15)
    try:
        perturbed = trajectory(name, hyper, schedule)
    finally:
        X0 = original
    for step, values in reference.items():
        change = np.max(np.abs(np.subtract(values, perturbed[step])) / np.abs(values))
        if change > 1e-12:
            raise SystemExit(f"{case}: chaotic at step {step} (relative change {change:.1e})")


def scheduler_values(make: object, steps: int = 40) -> list[float]:
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=1.0)
    sched = make(opt)  # type: ignore[operator]
    values = []
    for _ in range(steps):
        values.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step()
    return values


def schedules() -> dict[str, list[float]]:
    S = torch.optim.lr_scheduler
    return {
        "step_decay": scheduler_values(lambda o: S.StepLR(o, step_size=7, gamma=0.3)),
        "multistep": scheduler_values(lambda o: S.MultiStepLR(o, [5, 12, 30], gamma=0.5)),
        "exponential": scheduler_values(lambda o: S.ExponentialLR(o, gamma=0.9)),
        "cosine": scheduler_values(lambda o: S.CosineAnnealingLR(o, T_max=40, eta_min=0.01)),
        "cosine_restarts": scheduler_values(
            lambda o: S.CosineAnnealingWarmRestarts(o, T_0=5, T_mult=2, eta_min=0.05)
        ),
        "polynomial": scheduler_values(lambda o: S.PolynomialLR(o, total_iters=30, power=2.0)),
        "linear": scheduler_values(
            lambda o: S.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=10)
        ),
        "one_cycle": scheduler_values(lambda o: S.OneCycleLR(o, max_lr=2.0, total_steps=40)),
        "one_cycle_three_phase_linear": scheduler_values(
            lambda o: S.OneCycleLR(
                o,
                max_lr=2.0,
                total_steps=40,
                pct_start=0.25,
                anneal_strategy="linear",
                three_phase=True,
            )
        ),
    }


PLATEAU_LOSSES = [
    5.0,
    4.0,
    4.0,
    3.99999,
    4.1,
    4.0,
    3.0,
    3.0,
    3.0,
    3.0,
    2.9999,
    3.5,
    3.5,
    3.5,
    3.5,
    3.5,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
    1.0,
]


def plateau(**kwargs: float) -> list[float]:
    param = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([param], lr=1.0)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
    values = []
    for loss in PLATEAU_LOSSES:
        values.append(float(opt.param_groups[0]["lr"]))
        opt.step()
        sched.step(loss)
    return values


PLATEAU_CASES = [
    {"factor": 0.5, "patience": 2},
    {"factor": 0.5, "patience": 1, "threshold": 0.1, "cooldown": 2, "min_lr": 0.1},
    {"factor": 0.3, "patience": 0, "threshold": 0.5, "threshold_mode": "abs"},
    {"factor": 0.5, "patience": 1, "mode": "max"},
]


def main() -> None:
    torch.set_default_dtype(torch.float64)
    for case, name, hyper, sched in CASES:
        check_well_conditioned(case, name, hyper, sched)
    trajectories = {
        case: {
            "optimizer": name,
            "hyper": hyper,
            "schedule": sched,
            "checkpoints": trajectory(name, hyper, sched),
        }
        for case, name, hyper, sched in CASES
    }
    plateaus = [{"kwargs": kw, "lrs": plateau(**kw)} for kw in PLATEAU_CASES]
    out = Path(__file__).with_name("reference_trajectories.py")
    with open(out, "w") as f:
        f.write(
            '"""Generated by make_reference.py with torch '
            f'{torch.__version__}, numpy {np.__version__}: do not edit."""\n\n'
        )
        f.write(f"STEPS = {STEPS}\n\n")
        f.write(f"TRAJECTORIES = {pprint.pformat(trajectories, width=100, sort_dicts=False)}\n\n")
        f.write(f"SCHEDULES = {pprint.pformat(schedules(), width=100)}\n\n")
        f.write(f"PLATEAU_LOSSES = {PLATEAU_LOSSES!r}\n\n")
        f.write(f"PLATEAUS = {pprint.pformat(plateaus, width=100, sort_dicts=False)}\n")
    if shutil.which("ruff"):  # keep the generated file in the project's format
        subprocess.run(["ruff", "format", str(out)], check=True)


if __name__ == "__main__":
    main()
