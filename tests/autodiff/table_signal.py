"""Spec tables of differences, integration, interpolation, convolution, statistics, polynomials
and the piecewise/apply helpers."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from hypothesis import assume

from .specs import Case, Inputs, spec


def _diff(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    n = d.integer(0, 3)
    edge = list(shape)
    edge[axis] = d.integer(1, 2)
    kind = d.choice(["none", "scalar", "traced"])
    x = d.array(shape)
    if kind == "none":
        return (lambda x: np.diff(x, n, axis)), (x,)
    if kind == "scalar":
        return (lambda x: np.diff(x, n, axis, prepend=0.5, append=-1.0)), (x,)
    return (lambda x, pre, app: np.diff(x, n, axis, prepend=pre, append=app)), (
        x, d.array(edge), d.array(edge)
    )  # fmt: skip


def _ediff1d(d: Inputs) -> Case:
    x = d.array(d.shape(min_dims=1))
    if d.flag():
        return (lambda x: np.ediff1d(x, to_end=[1.0, 2.0], to_begin=-3.0)), (x,)
    return (lambda x, b, e: np.ediff1d(x, to_end=e, to_begin=b)), (
        x, d.array(d.shape(max_dims=1)), d.array(d.shape(max_dims=1))
    )  # fmt: skip


def _coordinates(d: Inputs, n: int) -> np.ndarray:
    """Increasing, unevenly spaced coordinates."""
    return np.cumsum(d.array((n,), "positive")) - 1.0


def _gradient(d: Inputs) -> Case:
    edge_order = d.integer(1, 2)
    shape = tuple(d.integer(edge_order + 1, 4) for _ in range(d.integer(1, 3)))
    nd = len(shape)
    axis: Any = d.choice([None, "int", "tuple"])
    if axis == "int":
        axis = d.axis(nd)
        axes = [axis % nd]
    elif axis == "tuple":
        axis = tuple(int(a) for a in d.rng.permutation(nd)[: d.integer(1, nd)])
        axes = list(axis)
    else:
        axes = list(range(nd))
    f = d.array(shape)
    spacing = d.choice(["none", "scalar", "each"])
    if spacing == "none":
        return (lambda f: np.gradient(f, axis=axis, edge_order=edge_order)), (f,)
    if spacing == "scalar":
        return (lambda f, h: np.gradient(f, h, axis=axis, edge_order=edge_order)), (
            f, d.array((), "positive")
        )  # fmt: skip
    # Per axis: a constant even step, a traced scalar step or traced coordinates.
    kinds = [d.choice(["even", "step", "coords"]) for _ in axes]
    traced = [
        d.array((), "positive") if k == "step" else _coordinates(d, shape[a])
        for k, a in zip(kinds, axes)
        if k != "even"
    ]
    even = [np.arange(shape[a], dtype=f.dtype) * 0.5 for a in axes]

    def fun(f: Any, *spacings: Any) -> Any:
        pool = iter(spacings)
        steps = [even[i] if k == "even" else next(pool) for i, k in enumerate(kinds)]
        return np.gradient(f, *steps, axis=axis, edge_order=edge_order)

    return fun, (f, *traced)


def _trapezoid(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    y = d.array(shape)
    kind = d.choice(["dx", "x1d", "xfull"])
    if kind == "dx":
        return (lambda y, h: np.trapezoid(y, dx=h, axis=axis)), (y, d.array((), "positive"))
    if kind == "x1d":
        return (lambda y, x: np.trapezoid(y, x, axis=axis)), (y, _coordinates(d, shape[axis]))
    return (lambda y, x: np.trapezoid(y, x, axis=axis)), (y, d.array(shape))


def _interp(d: Inputs) -> Case:
    n = d.integer(1, 5)
    query_shape = d.shape(max_dims=2)
    # Queries and knots all at least 0.06 apart: no query sits on a kink.
    knots, queries = d.distinct((n,), query_shape)
    xp = np.sort(knots)
    fp = d.array((n,))
    option = d.choice(["plain", "edges", "traced_edges", "period"])
    if option == "plain":
        return np.interp, (queries, xp, fp)
    if option == "edges":
        return (lambda x, xp, fp: np.interp(x, xp, fp, left=-5.0, right=7.0)), (queries, xp, fp)
    if option == "traced_edges":
        return (lambda x, xp, fp, lo, hi: np.interp(x, xp, fp, lo, hi)), (
            queries, xp, fp, d.array(()), d.array(())
        )  # fmt: skip
    # All values lie within +-span, so mod period keeps every gap and no knot crosses over.
    span = float(np.max(np.abs(np.concatenate([knots, queries.ravel()]))))
    period = 2 * span + 1.0
    return (lambda x, xp, fp: np.interp(x, xp, fp, period=period)), (queries, xp, fp)


def _cross(d: Inputs) -> Case:
    lead_a, lead_b = d.shapes(2, max_dims=2)
    na, nb = d.choice([3, 3, 2]), d.choice([3, 3, 2])
    pos_a, pos_b = d.integer(0, len(lead_a)), d.integer(0, len(lead_b))
    a = d.array((*lead_a[:pos_a], na, *lead_a[pos_a:]))
    b = d.array((*lead_b[:pos_b], nb, *lead_b[pos_b:]))
    out_nd = len(np.broadcast_shapes(lead_a, lead_b)) + 1
    axisc = d.axis(out_nd)

    def fun(a: Any, b: Any) -> Any:
        with warnings.catch_warnings():  # NumPy deprecates 2-vectors; they still work
            warnings.simplefilter("ignore", DeprecationWarning)
            return np.cross(a, b, axisa=pos_a, axisb=pos_b, axisc=axisc)

    return fun, (a, b)


def _convolution(fun: Any) -> Any:
    def make(d: Inputs) -> Case:
        mode = d.choice(["full", "same", "valid"])
        a = d.array((d.integer(1, 5),))
        v = d.array((d.integer(1, 5),))
        return (lambda a, v: fun(a, v, mode)), (a, v)

    return make


def _variables(d: Inputs, k: int, n: int, rowvar: bool) -> np.ndarray:
    x = d.array((k, n) if rowvar else (n, k))
    return x.ravel() if k == 1 and d.flag() else x


def _cov(d: Inputs) -> Case:
    k, n = d.integer(1, 3), d.integer(3, 4)
    rowvar, bias = d.flag(), d.flag()
    ddof = d.choice([None, 0, 1])
    m = _variables(d, k, n, rowvar)
    weights = d.choice(["none", "f", "a", "fa"])
    fw = d.rng.integers(1, 4, n) if "f" in weights else None
    if "a" in weights:
        return (lambda m, aw: np.cov(m, None, rowvar, bias, ddof, fw, aw)), (
            m, d.array((n,), "positive")
        )  # fmt: skip
    if d.flag():
        return (lambda m, y: np.cov(m, y, rowvar, bias, ddof, fw)), (
            m, _variables(d, d.integer(1, 2), n, rowvar)
        )  # fmt: skip
    return (lambda m: np.cov(m, None, rowvar, bias, ddof, fw)), (m,)


def _corrcoef(d: Inputs) -> Case:
    k, n = d.integer(1, 3), d.integer(3, 4)
    rowvar = d.flag()
    m = _variables(d, k, n, rowvar)
    if d.flag():
        return (lambda m, y: np.corrcoef(m, y, rowvar)), (m, _variables(d, 1, n, rowvar))
    return (lambda m: np.corrcoef(m, rowvar=rowvar)), (m,)


def _sinc(d: Inputs) -> Case:
    shape = d.shape()
    # Half the values near 0, where sinc switches to its series.
    scale = d.rng.choice([1e-3, 1.0], shape)
    return np.sinc, (np.asarray(d.array(shape) * scale).astype(d.dtype),)


def _unwrap(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    period = d.choice([2 * np.pi, 5.0])
    # Steps a random number of periods plus a remainder kept away from +-period / 2.
    step = d.rng.uniform(-0.4, 0.4, shape) * period + d.rng.integers(-2, 3, shape) * period
    p = np.cumsum(step, axis=axis).astype(d.dtype)
    if d.flag():
        return (lambda p, t: np.unwrap(p, axis=axis, period=t)), (p, np.asarray(period, d.dtype))
    return (lambda p: np.unwrap(p, axis=axis, period=period)), (p,)


def _nan_to_num(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    # The non-finite values come from a constant inside, so finite differences stay finite.
    holes = d.rng.choice(np.array([np.nan, np.inf, -np.inf, 0.0, 0.0]), shape).astype(d.dtype)
    return (lambda x: np.nan_to_num(x + holes, nan=1.5, posinf=4.0, neginf=-4.0)), (d.array(shape),)


def _vander(d: Inputs) -> Case:
    x = d.array((d.integer(1, 4),))
    n = d.choice([None, 1, 2, 4])
    increasing = d.flag()
    return (lambda x: np.vander(x, n, increasing)), (x,)


def _polyval(d: Inputs) -> Case:
    p = d.array((d.integer(1, 4),))
    x = d.array(d.shape())
    if d.flag():
        return (lambda p: np.polyval(p, x)), (p,)
    return np.polyval, (p, x)


def _binary_poly(fun: Any) -> Any:
    def make(d: Inputs) -> Case:
        return fun, (d.array((d.integer(1, 4),)), d.array((d.integer(1, 4),)))

    return make


def _polyder(d: Inputs) -> Case:
    m = d.integer(0, 3)
    return (lambda p: np.polyder(p, m)), (d.array((d.integer(1, 5),)),)


def _polyint(d: Inputs) -> Case:
    m = d.integer(0, 2)
    p = d.array((d.integer(1, 4),))
    if m and d.flag():
        return (lambda p, k: np.polyint(p, m, k)), (p, d.array((m,)))
    return (lambda p: np.polyint(p, m)), (p,)


def _polydiv(d: Inputs) -> Case:
    u = d.array((d.integer(1, 5),))
    # A monic divisor zeroes the leading remainder terms exactly, so float32 and the float64
    # finite differences trim the same number of them (NumPy trims entries below 1e-8).
    lead = d.array((1,), "factor") if d.dtype == np.float64 and d.flag() else np.ones(1, d.dtype)
    return np.polydiv, (u, np.concatenate([lead, d.array((d.integer(0, 2),))]))


def _poly(d: Inputs) -> Case:
    return np.poly, (d.array((d.integer(1, 4),)),)


def _polyfit(d: Inputs) -> Case:
    n = d.integer(2, 5)
    deg = d.integer(0, n - 1)
    x = np.sort(d.distinct((n,))[0]) * 4  # at least 0.24 apart: a well-conditioned fit
    y = d.array((n,) if d.flag() else (n, d.integer(1, 2)))
    w = d.array((n,), "positive")
    kind = d.choice(["y", "y_weighted", "x", "all", "full", "cov"])
    if kind == "y":
        return (lambda y: np.polyfit(x, y, deg)), (y,)
    if kind == "y_weighted":
        return (lambda y: np.polyfit(x, y, deg, w=w)), (y,)
    if kind == "x":
        return (lambda x: np.polyfit(x, y, deg)), (x,)
    if kind == "all":
        # An interpolating fit (deg = n - 1) ignores the weights: its derivative in w is 0 up
        # to rounding noise, which finite differences of the gradient would amplify.
        assume(deg < n - 1)
        return (lambda x, y, w: np.polyfit(x, y, deg, w=w)), (x, y, w)
    if kind == "full":  # coefficients and residuals (rank, singular values, rcond follow)
        return (lambda x, y: np.polyfit(x, y, deg, full=True)[:2]), (x, y)
    scaled = n > deg + 1
    return (lambda x, y: np.polyfit(x, y, deg, cov=True if scaled else "unscaled")), (x, y)


def _roots(d: Inputs) -> Case:
    zeros = d.distinct((d.integer(1, 3),))[0] * 10  # at least 0.6 apart
    p = np.poly(zeros.astype(np.float64)) * d.choice([1.0, -2.0])
    return np.roots, (p.astype(d.dtype),)


def _select(d: Inputs) -> Case:
    shapes = d.shapes(3)
    conditions = [d.rng.random(shapes[0]) < 0.5, d.rng.random(shapes[1]) < 0.5]
    a, b = d.array(shapes[1]), d.array(shapes[2])
    if d.flag():
        return (lambda a, b, c: np.select(conditions, [a, b], c)), (a, b, d.array(()))
    return (lambda a, b: np.select(conditions, [a, b], default=-1.0)), (a, b)


def _piecewise(d: Inputs) -> Case:
    x = d.distinct(d.shape())[0]
    cut = float(d.rng.uniform(-0.5, 0.5))
    # With one function fewer than conditions, the last one applies where none holds.
    count = d.choice([2, 3])

    def fun(x: Any, c: Any) -> Any:
        funcs = [lambda v: v**2, c, lambda v: np.sin(v) * c]
        return np.piecewise(x, [x < cut, x > cut + 0.3], funcs[:count])

    return fun, (x, d.array(()))


def _apply_along_axis(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis = d.axis(len(shape))
    kind = d.choice(["scalar", "vector", "matrix"])
    funcs = {
        "scalar": lambda r: np.sum(r**2),
        "vector": lambda r: np.cumsum(r) * r[0],
        "matrix": lambda r: np.outer(r, np.sin(r)),
    }
    return (lambda x: np.apply_along_axis(funcs[kind], axis, x)), (d.array(shape),)


def _apply_over_axes(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axes = d.axes(len(shape))
    assume(axes is not None)
    reduce = d.choice([np.sum, np.mean, np.max])
    return (lambda x: np.apply_over_axes(reduce, x, axes)), (d.distinct(shape)[0],)


SIGNAL = [
    spec("diff", np.diff, _diff),
    spec("ediff1d", np.ediff1d, _ediff1d),
    spec("gradient", np.gradient, _gradient),
    spec("trapezoid", np.trapezoid, _trapezoid),
    spec("interp", np.interp, _interp),
    spec("cross", np.cross, _cross),
    spec("convolve", np.convolve, _convolution(np.convolve)),
    spec("correlate", np.correlate, _convolution(np.correlate)),
    spec("cov", np.cov, _cov),
    spec("corrcoef", np.corrcoef, _corrcoef),
    spec("sinc", np.sinc, _sinc),
    spec("i0", np.i0, lambda d: (np.i0, (d.array(d.shape()),))),
    spec("unwrap", np.unwrap, _unwrap),
    spec("nan_to_num", np.nan_to_num, _nan_to_num),
    spec("vander", np.vander, _vander),
    spec("polyval", np.polyval, _polyval),
    spec("polyadd", np.polyadd, _binary_poly(np.polyadd)),
    spec("polysub", np.polysub, _binary_poly(np.polysub)),
    spec("polymul", np.polymul, _binary_poly(np.polymul)),
    spec("polyder", np.polyder, _polyder),
    spec("polyint", np.polyint, _polyint),
    spec("polydiv", np.polydiv, _polydiv),
    spec("poly", np.poly, _poly),
    spec("polyfit", np.polyfit, _polyfit),
    spec("roots", np.roots, _roots),
    spec("select", np.select, _select),
    spec("piecewise", np.piecewise, _piecewise),
    spec("apply_along_axis", np.apply_along_axis, _apply_along_axis),
    spec("apply_over_axes", np.apply_over_axes, _apply_over_axes),
]
