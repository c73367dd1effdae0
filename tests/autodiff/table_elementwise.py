"""Spec tables of the elementwise functions (ufuncs) and of the reductions and scans."""

from __future__ import annotations

import numpy as np

from .specs import Case, Inputs, elementwise, reduction, spec


def _remainder_inputs(d: Inputs) -> tuple[np.ndarray, np.ndarray]:
    # Divisors in {+-1, +-2} and dividends k + frac with frac in [0.1, 0.9] keep x / y at
    # least 0.05 away from an integer, where remainder and fmod jump.
    sx, sy = d.shapes(2)
    x = (d.rng.integers(-3, 4, sx) + d.rng.uniform(0.1, 0.9, sx)).astype(d.dtype)
    y = (d.rng.choice([-2.0, -1.0, 1.0, 2.0], sy)).astype(d.dtype)
    return x, y


def _ldexp(d: Inputs) -> Case:
    sx, si = d.shapes(2)
    return np.ldexp, (d.array(sx), d.rng.integers(-3, 4, si))


def _power_integer_exponent(d: Inputs) -> Case:
    # A negative base is fine when the exponent is a constant integer.
    n = d.choice([2, 3, -1, -2])
    domain = "nonzero" if n < 0 else "real"
    return (lambda x: x**n), (d.array(d.shape(), domain),)


def _constant_base_power(d: Inputs) -> Case:
    base = d.choice([2.0, 0.5, np.e])
    return (lambda x: base**x), (d.array(d.shape()),)


UFUNCS = [
    elementwise(np.add, "real", "real"),
    elementwise(np.subtract, "real", "real"),
    elementwise(np.multiply, "real", "real"),
    elementwise(np.divide, "real", "nonzero"),
    elementwise(np.negative, "real"),
    elementwise(np.positive, "real"),
    elementwise(np.conjugate, "real"),
    elementwise(np.absolute, "nonzero"),
    elementwise(np.fabs, "nonzero"),
    elementwise(np.square, "real"),
    elementwise(np.reciprocal, "nonzero"),
    elementwise(np.sqrt, "positive"),
    elementwise(np.cbrt, "nonzero"),
    elementwise(np.power, "positive", "real"),
    elementwise(np.float_power, "positive", "real"),
    spec("power with a constant integer exponent", np.power, _power_integer_exponent),
    spec("power with a constant base", np.power, _constant_base_power),
    spec("remainder", np.remainder, lambda d: (np.remainder, _remainder_inputs(d))),
    spec("fmod", np.fmod, lambda d: (np.fmod, _remainder_inputs(d))),
    spec("ldexp", np.ldexp, _ldexp),
    elementwise(np.copysign, "nonzero", "nonzero"),
    elementwise(np.nextafter, "real", "real"),
    elementwise(np.exp, "real"),
    elementwise(np.exp2, "real"),
    elementwise(np.expm1, "real"),
    elementwise(np.log, "positive"),
    elementwise(np.log2, "positive"),
    elementwise(np.log10, "positive"),
    elementwise(np.log1p, "unit"),
    elementwise(np.logaddexp, "real", "real"),
    elementwise(np.logaddexp2, "real", "real"),
    elementwise(np.sin, "real"),
    elementwise(np.cos, "real"),
    elementwise(np.tan, "unit"),
    elementwise(np.arcsin, "unit"),
    elementwise(np.arccos, "unit"),
    elementwise(np.arctan, "real"),
    elementwise(np.sinh, "real"),
    elementwise(np.cosh, "real"),
    elementwise(np.tanh, "real"),
    elementwise(np.arcsinh, "real"),
    elementwise(np.arccosh, "above1"),
    elementwise(np.arctanh, "unit"),
    elementwise(np.deg2rad, "real"),
    elementwise(np.rad2deg, "real"),
    elementwise(np.arctan2, "nonzero", "nonzero"),
    elementwise(np.hypot, "nonzero", "real"),
    elementwise(np.maximum, "distinct", "distinct"),
    elementwise(np.minimum, "distinct", "distinct"),
    elementwise(np.fmax, "distinct", "distinct"),
    elementwise(np.fmin, "distinct", "distinct"),
]


def _cumulative(fun: object, domain: str = "real") -> object:
    def make(d: Inputs) -> Case:
        shape = d.shape()
        axis = None if not shape or d.flag() else d.axis(len(shape))
        return (lambda x: fun(x, axis=axis)), (d.array(shape, domain),)  # type: ignore[operator]

    return make


def _average(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    form = d.choice(["plain", "full weights", "1-d weights"])
    x = d.array(shape)
    if form == "plain":
        axis, keepdims = d.axes(len(shape)), d.flag()
        return (lambda x: np.average(x, axis=axis, keepdims=keepdims)), (x,)
    if form == "full weights":
        axis = d.axes(len(shape))
        return (lambda x, w: np.average(x, axis=axis, weights=w)), (x, d.array(shape, "positive"))
    axis = d.axis(len(shape))
    w = d.array((shape[axis],), "positive")
    return (lambda x, w: np.average(x, axis=axis, weights=w)), (x, w)


def _with_nans(d: Inputs, shape: tuple[int, ...]) -> np.ndarray:
    x = d.array(shape)
    if x.size > 1:
        x.flat[d.integer(0, x.size - 1)] = np.nan
    return x


def _nansum(d: Inputs) -> Case:
    shape = d.shape()
    axis, keepdims = d.axes(len(shape)), d.flag()
    return (lambda x: np.nansum(x, axis=axis, keepdims=keepdims)), (_with_nans(d, shape),)


def _nanmean(d: Inputs) -> Case:
    # One NaN in the whole array, reduced over everything: no slice is all-NaN.
    shape, keepdims = d.shape(), d.flag()
    return (lambda x: np.nanmean(x, keepdims=keepdims)), (_with_nans(d, shape),)


def _nanmean_axis(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    axis, keepdims = d.axes(len(shape)), d.flag()
    return (lambda x: np.nanmean(x, axis=axis, keepdims=keepdims)), (d.array(shape),)


REDUCTIONS = [
    reduction(np.sum),
    reduction(np.mean),
    reduction(np.prod, "factor"),
    reduction(np.max, "distinct"),
    reduction(np.min, "distinct"),
    reduction(np.amax, "distinct"),
    reduction(np.amin, "distinct"),
    reduction(np.ptp, "distinct"),
    reduction(np.var),
    reduction(np.var, name="var ddof=1", min_count=2, ddof=1),
    reduction(np.std, "distinct", min_count=2),
    reduction(np.std, "distinct", name="std ddof=1", min_count=2, ddof=1),
    spec("cumsum", np.cumsum, _cumulative(np.cumsum)),
    spec("cumprod", np.cumprod, _cumulative(np.cumprod, "factor")),
    spec("average", np.average, _average),
    spec("nansum", np.nansum, _nansum),
    spec("nanmean", np.nanmean, _nanmean),
    spec("nanmean over axes", np.nanmean, _nanmean_axis),
]
