"""Speed of descend's reverse-mode engine against HIPS autograd, PyTorch eager and plain NumPy.

Run from the repository root::

    python bench/bench_engine.py            # full run, 20-60 s
    python bench/bench_engine.py --quick    # smoke run, seconds
    python bench/bench_engine.py --json results.json

Three benchmarks, each run in this one process with the contenders interleaved in every repeat
(so a burst of load from elsewhere hits all of them alike); every figure is a median over the
repeats, every ratio the median of the per-repeat ratios:

1. ``chain``: the gradient of a chain of 100 ops (99 elementwise + a final sum) on a length-10
   float64 vector, reported per op. This is the engine's per-operation overhead.
2. ``rosenbrock``: the gradient of the 2-D Rosenbrock function, microseconds per call.
3. ``mlp``: one training step (forward + backward, no update) of an MLP 784-512-256-10 with
   ReLU and softmax cross-entropy, at batch 64 and 1024, in float32 by default.

Comparators (autograd, torch, threadpoolctl) are optional: a missing one is reported as "not
installed" and its rows are left out. See bench/README.md for what each number means.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import numpy as np

try:
    import descend
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
    import descend

try:
    import autograd
    import autograd.numpy as anp
except ImportError:
    autograd = None
    anp = None
try:
    import torch
except ImportError:
    torch = None  # type: ignore[assignment]
try:
    from threadpoolctl import threadpool_info, threadpool_limits
except ImportError:
    threadpool_info = threadpool_limits = None

NOT_INSTALLED = "not installed (pip install -e '.[bench]')"


# --- timing ---------------------------------------------------------------------------------
def _calibrate(fn: Callable[[], Any], target: float) -> int:
    """Calls per sample so that one sample lasts about ``target`` seconds (also warms up)."""
    fn()
    n = 1
    while True:
        start = time.perf_counter()
        for _ in range(n):
            fn()
        elapsed = time.perf_counter() - start
        if elapsed >= target / 4 or n >= 1 << 20:
            return max(1, round(n * target / max(elapsed, 1e-9)))
        n *= 4


def interleaved(
    contenders: dict[str, Callable[[], Any]], repeats: int, target: float
) -> dict[str, list[float]]:
    """Seconds per call of each contender, one sample per repeat, contenders interleaved.

    The order of the contenders rotates from one repeat to the next so that none always runs
    right after another (cache state, CPU frequency, a neighbour's load).
    """
    numbers = {name: _calibrate(fn, target) for name, fn in contenders.items()}
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    names = list(contenders)
    for r in range(repeats):
        k = r % len(names)
        for name in names[k:] + names[:k]:
            fn, n = contenders[name], numbers[name]
            start = time.perf_counter()
            for _ in range(n):
                fn()
            samples[name].append((time.perf_counter() - start) / n)
    return samples


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def ratio(samples: dict[str, list[float]], a: str, b: str) -> float | None:
    """Median over repeats of time(a) / time(b), or None when either is missing."""
    if a not in samples or b not in samples:
        return None
    return median([x / y for x, y in zip(samples[a], samples[b])])


def ratio_cell(samples: dict[str, list[float]], a: str, b: str) -> str:
    """``median [q1-q3]`` of the per-repeat ratios time(a) / time(b): the spread shows noise."""
    if a == b:
        return "-"
    if a not in samples or b not in samples:
        return "n/a"
    return quartile_cell([x / y for x, y in zip(samples[a], samples[b])])


def quartile_cell(ratios: list[float]) -> str:
    if len(ratios) < 2:
        return f"{median(ratios):.2f}"
    q1, _, q3 = statistics.quantiles(ratios, n=4)
    return f"{median(ratios):.2f} [{q1:.2f}-{q3:.2f}]"


def _fmt(x: float | None, spec: str = ".2f") -> str:
    return "n/a" if x is None else format(x, spec)


def _table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    print(f"\n{title}")
    print("  " + "  ".join(h.ljust(w) for h, w in zip(header, widths)))
    print("  " + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)))


# --- 1. per-op overhead: a chain of 100 ops on a length-10 vector ---------------------------
CHAIN_OPS = 100  # 11 blocks of 9 elementwise ops, then one sum


def chain(ops: Any, x: Any, w: Any) -> Any:
    """The same 99 elementwise ops + sum for every library; ``ops`` is its numpy namespace."""
    for _ in range(11):
        x = ops.sin(x)
        x = x * w
        x = x + 0.5
        x = ops.tanh(x)
        x = ops.exp(x)
        x = x * 0.5
        x = ops.cos(x)
        x = x - 0.25
        x = ops.square(x)
    return ops.sum(x)


def bench_chain(repeats: int, target: float) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    x0 = rng.standard_normal(10)
    w = rng.uniform(0.5, 1.5, 10)
    contenders: dict[str, Callable[[], Any]] = {}
    grads: dict[str, np.ndarray] = {}

    d_grad = descend.grad(lambda x: chain(np, x, w))
    contenders["descend"] = lambda: d_grad(x0)
    grads["descend"] = d_grad(x0)
    contenders["numpy forward"] = lambda: chain(np, x0, w)
    if autograd is not None:
        a_grad = autograd.grad(lambda x: chain(anp, x, w))
        contenders["autograd"] = lambda: a_grad(x0)
        grads["autograd"] = a_grad(x0)
    if torch is not None:
        w_t = torch.from_numpy(w)

        def t_grad() -> np.ndarray:
            x = torch.from_numpy(x0).requires_grad_()
            (g,) = torch.autograd.grad(chain(torch, x, w_t), x)
            return g.numpy()

        contenders["torch"] = t_grad
        grads["torch"] = t_grad()
    for name, g in grads.items():
        np.testing.assert_allclose(g, grads["descend"], rtol=1e-10, err_msg=f"chain: {name}")

    samples = interleaved(contenders, repeats, target)
    fwd = median(samples["numpy forward"])
    rows: list[list[str]] = []
    result: dict[str, Any] = {}
    for name, s in samples.items():
        per_call = median(s)
        per_op = per_call / CHAIN_OPS * 1e6
        over = None if name == "numpy forward" else (per_call - fwd) / CHAIN_OPS * 1e6
        result[name] = {
            "us_per_call": per_call * 1e6,
            "us_per_op": per_op,
            "overhead_us_per_op": over,
        }
        rows.append([name, _fmt(per_call * 1e6, ".1f"), _fmt(per_op), _fmt(over)])
    _table(
        f"1. grad of a chain of {CHAIN_OPS} ops on a length-10 float64 vector",
        ["contender", "us/call", "us/op", "us/op minus numpy forward"],
        rows,
    )
    # The overhead ratio subtracts the forward time per repeat, so it stays a same-repeat ratio.
    for other in ("autograd", "torch"):
        if other not in samples:
            print(f"  descend/{other}: n/a ({other} {NOT_INSTALLED})")
            continue
        raw = [d / o for d, o in zip(samples["descend"], samples[other])]
        minus_fwd = [
            (d - f) / (o - f)
            for d, o, f in zip(samples["descend"], samples[other], samples["numpy forward"])
        ]
        result[f"descend/{other}"] = median(raw)
        result[f"descend/{other} (minus forward)"] = median(minus_fwd)
        print(
            f"  descend/{other}: {quartile_cell(raw)} per op, "
            f"{quartile_cell(minus_fwd)} minus numpy forward"
        )
    print("  target: descend/autograd <= 0.33 (a third of autograd's per-op overhead)")
    return result


# --- 2. Rosenbrock --------------------------------------------------------------------------
def rosenbrock(x: Any) -> Any:
    return (1.0 - x[0]) ** 2 + 100.0 * (x[1] - x[0] ** 2) ** 2


def rosenbrock_grad(x: np.ndarray) -> np.ndarray:
    a, b = float(x[0]), float(x[1])
    t = b - a * a
    return np.array([-2.0 * (1.0 - a) - 400.0 * a * t, 200.0 * t])


def bench_rosenbrock(repeats: int, target: float) -> dict[str, Any]:
    x0 = np.array([-1.2, 1.0])
    contenders: dict[str, Callable[[], Any]] = {"hand-written": lambda: rosenbrock_grad(x0)}
    d_grad = descend.grad(rosenbrock)
    contenders["descend"] = lambda: d_grad(x0)
    if autograd is not None:
        a_grad = autograd.grad(rosenbrock)
        contenders["autograd"] = lambda: a_grad(x0)
    if torch is not None:

        def t_grad() -> np.ndarray:
            x = torch.from_numpy(x0).requires_grad_()
            (g,) = torch.autograd.grad(rosenbrock(x), x)
            return g.numpy()

        contenders["torch"] = t_grad
    expected = rosenbrock_grad(x0)
    for name, fn in contenders.items():
        np.testing.assert_allclose(fn(), expected, rtol=1e-12, err_msg=f"rosenbrock: {name}")

    samples = interleaved(contenders, repeats, target)
    result: dict[str, Any] = {}
    rows = []
    for name, s in samples.items():
        result[name] = {"us_per_call": median(s) * 1e6}
        rows.append([name, _fmt(median(s) * 1e6, ".1f"), ratio_cell(samples, "descend", name)])
    for other in ("hand-written", "autograd", "torch"):
        result[f"descend/{other}"] = ratio(samples, "descend", other)
    _table(
        "2. grad of the 2-D Rosenbrock function",
        ["contender", "us/call", "descend/this [IQR]"],
        rows,
    )
    return result


# --- 3. MLP training step -------------------------------------------------------------------
LAYERS = (784, 512, 256, 10)


def mlp_loss(params: dict[str, Any], X: Any, Y: Any) -> Any:
    """Softmax cross-entropy of an MLP with ReLU, in plain NumPy (``Y`` is one-hot)."""
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    h = np.maximum(h @ params["W2"] + params["b2"], 0)
    z = h @ params["W3"] + params["b3"]
    z = z - np.max(z, axis=1, keepdims=True)
    log_p = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return -np.mean(np.sum(log_p * Y, axis=1))


def mlp_value_and_grad_numpy(
    params: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """The same loss and its gradient by hand: fused, in-place where it saves a pass."""
    W1, b1, W2, b2, W3, b3 = (params[k] for k in ("W1", "b1", "W2", "b2", "W3", "b3"))
    n = X.shape[0]
    h1 = X @ W1
    h1 += b1
    np.maximum(h1, 0, out=h1)
    h2 = h1 @ W2
    h2 += b2
    np.maximum(h2, 0, out=h2)
    z = h2 @ W3
    z += b3
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = np.mean(np.log(s[:, 0]) - np.sum(z * Y, axis=1))
    dz = e
    dz /= s
    dz -= Y
    dz *= 1 / n
    dh2 = dz @ W3.T
    dh2 *= h2 > 0
    dh1 = dh2 @ W2.T
    dh1 *= h1 > 0
    grads = {
        "W1": X.T @ dh1,
        "b1": dh1.sum(axis=0),
        "W2": h1.T @ dh2,
        "b2": dh2.sum(axis=0),
        "W3": h2.T @ dz,
        "b3": dz.sum(axis=0),
    }
    return loss, grads


def mlp_loss_torch(params: dict[str, Any], X: Any, Y: Any) -> Any:
    """`mlp_loss` with torch ops: the same math, op for op."""
    h = torch.relu(X @ params["W1"] + params["b1"])
    h = torch.relu(h @ params["W2"] + params["b2"])
    z = h @ params["W3"] + params["b3"]
    z = z - torch.amax(z, dim=1, keepdim=True)
    log_p = z - torch.log(torch.sum(torch.exp(z), dim=1, keepdim=True))
    return -torch.mean(torch.sum(log_p * Y, dim=1))


def mlp_problem(
    batch: int, dtype: np.dtype
) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    params = {}
    for i, (n_in, n_out) in enumerate(itertools.pairwise(LAYERS), start=1):
        params[f"W{i}"] = (rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(dtype)
        params[f"b{i}"] = (rng.standard_normal(n_out) * 0.01).astype(dtype)
    X = rng.random((batch, LAYERS[0])).astype(dtype)
    Y = np.eye(LAYERS[-1], dtype=dtype)[rng.integers(0, LAYERS[-1], batch)]
    return params, X, Y


def bench_mlp(batch: int, dtype: np.dtype, repeats: int, target: float) -> dict[str, Any]:
    params, X, Y = mlp_problem(batch, dtype)
    d_vg = descend.value_and_grad(mlp_loss)
    contenders: dict[str, Callable[[], Any]] = {
        "hand-written numpy": lambda: mlp_value_and_grad_numpy(params, X, Y),
        "descend": lambda: d_vg(params, X, Y),
    }
    if torch is not None:
        t_params = {k: torch.from_numpy(v.copy()).requires_grad_() for k, v in params.items()}
        t_X, t_Y = torch.from_numpy(X), torch.from_numpy(Y)
        names = list(t_params)

        def t_step() -> tuple[Any, dict[str, Any]]:
            loss = mlp_loss_torch(t_params, t_X, t_Y)
            grads = torch.autograd.grad(loss, [t_params[k] for k in names])
            return loss.detach().numpy(), {k: g.numpy() for k, g in zip(names, grads)}

        contenders["torch"] = t_step
    rtol, atol = (2e-3, 1e-5) if dtype == np.float32 else (1e-9, 1e-12)
    ref_loss, ref_grads = mlp_value_and_grad_numpy(params, X, Y)
    for name, fn in contenders.items():
        loss, grads = fn()
        assert np.asarray(loss).dtype == dtype, (
            f"mlp: {name} loss has dtype {np.asarray(loss).dtype}"
        )
        np.testing.assert_allclose(
            loss, ref_loss, rtol=rtol, atol=atol, err_msg=f"mlp loss: {name}"
        )
        for k, g in ref_grads.items():
            assert grads[k].dtype == dtype, f"mlp: {name} grad {k} has dtype {grads[k].dtype}"
            np.testing.assert_allclose(
                grads[k], g, rtol=rtol, atol=atol, err_msg=f"mlp grad {k}: {name}"
            )

    samples = interleaved(contenders, repeats, target)
    result: dict[str, Any] = {}
    rows = []
    for name, s in samples.items():
        result[name] = {"ms_per_step": median(s) * 1e3}
        rows.append([name, _fmt(median(s) * 1e3, ".2f"), ratio_cell(samples, "descend", name)])
    for other in ("hand-written numpy", "torch"):
        result[f"descend/{other}"] = ratio(samples, "descend", other)
    _table(
        f"3. MLP {'-'.join(map(str, LAYERS))} training step (forward + backward), "
        f"batch {batch}, {np.dtype(dtype).name}",
        ["contender", "ms/step", "descend/this [IQR]"],
        rows,
    )
    if batch == 1024:
        print("  target: descend/hand-written numpy <= 1.15")
    return result


# --- environment ----------------------------------------------------------------------------
def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def environment(threads: int) -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    blas = [
        f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
        for i in (threadpool_info() if threadpool_info is not None else [])
    ]
    return {
        "date_utc": time.strftime("%Y-%m-%d %H:%M", time.gmtime()),
        "machine": f"{cpu}, {os.cpu_count()} logical cores",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "descend": descend.__version__,
        "autograd": _version("autograd") if autograd is not None else NOT_INSTALLED,
        "torch": torch.__version__ if torch is not None else NOT_INSTALLED,
        "torch threads": torch.get_num_threads() if torch is not None else None,
        "threads requested": threads,
        "blas": blas or ["threadpoolctl not installed: BLAS threads not pinned"],
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke run")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (1)")
    parser.add_argument("--repeats", type=int, help="samples per contender (default 61; quick 3)")
    parser.add_argument(
        "--mlp-dtype", choices=["float32", "float64"], default="float32", help="MLP dtype"
    )
    parser.add_argument("--only", choices=["chain", "rosenbrock", "mlp"], action="append")
    parser.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    args = parser.parse_args(argv)
    repeats = args.repeats or (3 if args.quick else 61)
    target = 0.002 if args.quick else 0.02  # seconds per sample
    only = set(args.only or ["chain", "rosenbrock", "mlp"])

    results: dict[str, Any] = {}
    with ExitStack() as stack:
        if threadpool_limits is not None:
            stack.enter_context(threadpool_limits(limits=args.threads))
        if torch is not None:
            torch.set_num_threads(args.threads)
        results["environment"] = env = environment(args.threads)
        for key, value in env.items():
            print(f"{key:>18}: {value}")
        print(f"{'repeats':>18}: {repeats} (medians; ratios are medians of per-repeat ratios)")
        if "chain" in only:
            results["chain"] = bench_chain(repeats, target)
        if "rosenbrock" in only:
            results["rosenbrock"] = bench_rosenbrock(repeats, target)
        if "mlp" in only:
            dtype = np.dtype(args.mlp_dtype)
            mlp_repeats = max(3, repeats * 2 // 3)
            for batch in (64, 1024):
                results[f"mlp_batch{batch}"] = bench_mlp(batch, dtype, mlp_repeats, target)

    if args.json:
        directory = os.path.dirname(os.path.abspath(args.json))
        with tempfile.NamedTemporaryFile("w", dir=directory, delete=False, suffix=".tmp") as f:
            json.dump(results, f, indent=2)
        os.replace(f.name, args.json)
        print(f"\nwrote {args.json}")
    return results


if __name__ == "__main__":
    main()
