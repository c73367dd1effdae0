"""One Adam step on 10 million float32 parameters: descend vs torch.optim.Adam vs memory bandwidth.

Run from the repository root::

    python bench/bench_optim.py              # 1 thread, 10M params, 30 repeats
    python bench/bench_optim.py --threads 2 --size 1000000 --repeats 50

Contenders, interleaved in every repeat (a burst of load from elsewhere hits all alike):

* ``descend step``: ``adam().step(params, grads, state)``, the fused in-place path.
* ``descend update+apply``: ``update`` into the state's buffer, then ``params += updates``.
* ``torch default``: ``torch.optim.Adam(params)`` with its defaults (on CPU PyTorch picks the
  single-tensor for-loop implementation; the line says which it picked).
* ``torch foreach``: ``torch.optim.Adam(params, foreach=True)``.
* ``torch fused``: ``torch.optim.Adam(params, fused=True)`` (a single C++ kernel).
* ``copy``: ``np.copyto`` of one 10M float32 array into another: the memory bandwidth.

The bandwidth bound of one Adam step is the time to move the bytes it must touch once: read
params, grad, m, v and write params, m, v, i.e. 7 arrays of ``4 * size`` bytes. A copy moves 2
(read source, write destination), so ``bound = 3.5 * copy time``. (Write-allocate traffic is
ignored on both sides alike.) Every figure is a median over the repeats, every ratio the median
of the per-repeat ratios.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

try:
    from descend import optim
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    from descend import optim

import torch
from threadpoolctl import threadpool_limits

ARRAYS_TOUCHED = 7  # read p, g, m, v; write p, m, v


def descend_contenders(size: int) -> dict[str, Callable[[], object]]:
    rng = np.random.default_rng(0)
    opt = optim.adam(lr=1e-3)
    x_step = rng.standard_normal(size, dtype=np.float32)
    x_pure = x_step.copy()
    grad = rng.standard_normal(size, dtype=np.float32)
    s_step, s_pure = opt.init(x_step), opt.init(x_pure)

    def step() -> object:
        return opt.step(x_step, grad, s_step)

    def update_apply() -> object:
        updates, _ = opt.update(grad, s_pure, x_pure)
        return np.add(x_pure, updates, out=x_pure)

    return {"descend step": step, "descend update+apply": update_apply}


def default_implementation(param: torch.Tensor) -> str:
    """Which implementation ``torch.optim.Adam`` runs when neither foreach nor fused is given."""
    try:
        from torch.optim.optimizer import _default_to_fused_or_foreach
    except ImportError:  # a private helper: say so rather than guess
        return "unknown (torch.optim.optimizer._default_to_fused_or_foreach is gone)"
    fused, foreach = _default_to_fused_or_foreach([param], differentiable=False, use_fused=False)
    return "fused" if fused else "foreach" if foreach else "single-tensor for-loop"


def torch_contenders(size: int) -> tuple[dict[str, Callable[[], object]], str]:
    contenders = {}
    picked = ""
    for label, kwargs in [
        ("torch default", {}),
        ("torch foreach", {"foreach": True}),
        ("torch fused", {"fused": True}),
    ]:
        p = torch.randn(size, dtype=torch.float32, requires_grad=True)
        p.grad = torch.randn(size, dtype=torch.float32)
        try:
            opt = torch.optim.Adam([p], lr=1e-3, **kwargs)
            opt.step()
        except (RuntimeError, ValueError) as err:
            print(f"{label}: unavailable ({err})")
            continue
        if not kwargs:
            picked = default_implementation(p)
        contenders[label] = opt.step
    return contenders, picked


def copy_contender(size: int) -> Callable[[], object]:
    src = np.random.default_rng(1).standard_normal(size, dtype=np.float32)
    dst = np.empty_like(src)
    return lambda: np.copyto(dst, src)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    with threadpool_limits(args.threads):
        contenders = descend_contenders(args.size)
        torch_ones, picked = torch_contenders(args.size)
        contenders.update(torch_ones)
        contenders["copy"] = copy_contender(args.size)
        for run in contenders.values():  # warm up: scratch space, page faults, caches
            for _ in range(3):
                run()
        times: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(args.repeats):
            for name, run in contenders.items():
                start = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - start)

    print(
        f"numpy {np.__version__}, torch {torch.__version__}, threads: numpy/BLAS "
        f"{args.threads} (threadpoolctl), torch {torch.get_num_threads()}"
    )
    print(f"one Adam step on {args.size:,} float32 params, median of {args.repeats} repeats")
    print(f"torch.optim.Adam default on these tensors: {picked}")
    megabytes = 4 * args.size / 1e6
    copies = times["copy"]
    bandwidth = 2 * megabytes / statistics.median(copies) / 1e3
    bounds = [t * ARRAYS_TOUCHED / 2 for t in copies]
    print(
        f"copy bandwidth {bandwidth:.1f} GB/s (read + write); bandwidth bound of one step "
        f"({ARRAYS_TOUCHED} x {megabytes:.0f} MB): {statistics.median(bounds) * 1e3:.2f} ms"
    )
    baseline = times.get("torch default")
    print(f"{'contender':24s} {'ms':>8s} {'x bound':>8s} {'x torch default':>16s}")
    for name, ts in times.items():
        if name == "copy":
            continue
        vs_bound = statistics.median(t / b for t, b in zip(ts, bounds))
        vs_torch = (
            statistics.median(t / b for t, b in zip(ts, baseline)) if baseline else float("nan")
        )
        print(f"{name:24s} {statistics.median(ts) * 1e3:8.2f} {vs_bound:8.2f} {vs_torch:16.2f}")


if __name__ == "__main__":
    main()
