"""Jacobians and Hessians: descend against HIPS autograd and PyTorch's torch.func.

Run from the repository root::

    python bench/bench_jacobian.py            # full run, about a minute
    python bench/bench_jacobian.py --quick    # smoke run, seconds
    python bench/bench_jacobian.py --json results.json

Three workloads, contenders interleaved in every repeat, medians over repeats (timing helpers
shared with bench_engine.py):

1. ``jacobian 100->100``: ``f(x) = tanh(W @ sin(x) + b) * x``, float64, ``x`` of length 100.
   descend.jacobian (reverse mode, all 100 rows in one batched walk of the tape) and
   descend.jacfwd (all 100 directions in one batched forward pass) against
   autograd.jacobian (one backward pass per output) and torch.func.jacrev / jacfwd (vmapped).
2. ``hessian 100-d (mlp)``: ``sum(log(1 + exp(W @ x))) + 0.5 * |x|^2``.
3. ``hessian 100-d (rosenbrock)``: the extended Rosenbrock function (slices and squares).
   descend.hessian (reverse over reverse, batched) and descend.jacfwd(descend.grad)
   (forward over reverse) against autograd.hessian and torch.func.hessian (jacfwd over
   jacrev).

Every contender's result is checked against descend's before timing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_engine import (
    NOT_INSTALLED,
    _table,
    autograd,
    descend,
    environment,
    interleaved,
    median,
    ratio,
    ratio_cell,
    threadpool_limits,
    torch,
)

N = 100


def problem() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(0)
    return {
        "W": rng.standard_normal((N, N)) / np.sqrt(N),
        "b": rng.standard_normal(N) * 0.1,
        "x": rng.standard_normal(N) * 0.5,
    }


def vector_fun(ops: Any, W: Any, b: Any) -> Callable[[Any], Any]:
    return lambda x: ops.tanh(W @ ops.sin(x) + b) * x


def mlp_scalar(ops: Any, W: Any) -> Callable[[Any], Any]:
    return lambda x: ops.sum(ops.log(1.0 + ops.exp(W @ x))) + 0.5 * ops.sum(x * x)


def rosenbrock(ops: Any) -> Callable[[Any], Any]:
    return lambda x: ops.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def _contenders_jacobian(p: dict[str, np.ndarray]) -> dict[str, Callable[[], Any]]:
    W, b, x = p["W"], p["b"], p["x"]
    f = vector_fun(np, W, b)
    out: dict[str, Callable[[], Any]] = {
        "descend jacobian": lambda: descend.jacobian(f)(x),
        "descend jacfwd": lambda: descend.jacfwd(f)(x),
    }
    if autograd is not None:
        import autograd.numpy as anp

        fa = vector_fun(anp, W, b)
        out["autograd jacobian"] = lambda: autograd.jacobian(fa)(x)
    if torch is not None:
        Wt, bt, xt = (torch.from_numpy(a) for a in (W, b, x))
        ft = vector_fun(torch, Wt, bt)
        out["torch.func jacrev"] = lambda: torch.func.jacrev(ft)(xt).numpy()
        out["torch.func jacfwd"] = lambda: torch.func.jacfwd(ft)(xt).numpy()
    return out


def _contenders_hessian(p: dict[str, np.ndarray], kind: str) -> dict[str, Callable[[], Any]]:
    W, x = p["W"], p["x"]
    make = (
        (lambda ops, W: mlp_scalar(ops, W)) if kind == "mlp" else (lambda ops, W: rosenbrock(ops))
    )
    f = make(np, W)
    out: dict[str, Callable[[], Any]] = {
        "descend hessian": lambda: descend.hessian(f)(x),
        "descend jacfwd(grad)": lambda: descend.jacfwd(descend.grad(f))(x),
    }
    if autograd is not None:
        import autograd.numpy as anp

        fa = make(anp, W)
        out["autograd hessian"] = lambda: autograd.hessian(fa)(x)
    if torch is not None:
        Wt, xt = torch.from_numpy(W), torch.from_numpy(x)
        ft = make(torch, Wt)
        out["torch.func hessian"] = lambda: torch.func.hessian(ft)(xt).numpy()
    return out


def run(title: str, contenders: dict[str, Callable[[], Any]], repeats: int, target: float,
        baseline: str) -> dict[str, Any]:  # fmt: skip
    reference = contenders[baseline]()
    for name, fn in contenders.items():
        np.testing.assert_allclose(fn(), reference, rtol=1e-9, atol=1e-12, err_msg=name)
    samples = interleaved(contenders, repeats, target)
    rows, result = [], {}
    for name, s in samples.items():
        result[name] = {"ms": median(s) * 1e3, "ratio_to_descend": ratio(samples, name, baseline)}
        rows.append([name, f"{median(s) * 1e3:.3f}", ratio_cell(samples, baseline, name)])
    _table(title, ["contender", "ms per call", f"{baseline} / contender"], rows)
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats, for a smoke test")
    parser.add_argument("--threads", type=int, default=1, help="BLAS / torch threads (1)")
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    repeats, target = (3, 0.02) if args.quick else (15, 0.2)
    with ExitStack() as stack:
        if threadpool_limits is not None:
            stack.enter_context(threadpool_limits(limits=args.threads))
        if torch is not None:
            torch.set_num_threads(args.threads)
        env = environment(args.threads)
        print(json.dumps(env, indent=1))
        for name, lib in (("autograd", autograd), ("torch", torch)):
            if lib is None:
                print(f"{name}: {NOT_INSTALLED}")
        p = problem()
        results = {
            "environment": env,
            "jacobian_100": run("jacobian of a 100 -> 100 function (float64)",
                                _contenders_jacobian(p), repeats, target, "descend jacobian"),
            "hessian_mlp": run("hessian of a 100-d function: log-sum-exp layer + ridge",
                               _contenders_hessian(p, "mlp"), repeats, target, "descend hessian"),
            "hessian_rosenbrock": run("hessian of the 100-d extended Rosenbrock function",
                                      _contenders_hessian(p, "rosenbrock"), repeats, target,
                                      "descend hessian"),
        }  # fmt: skip
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=1)
    return results


if __name__ == "__main__":
    main()
