"""Spec table of complex numbers: real/imag/conj/abs/sign/angle, the complex-aware rules of
the elementwise functions and reductions on complex inputs, plus the leftover ufuncs
(degrees, radians, modf, frexp, divmod).

Complex arguments are checked by ``check_grad`` along the real and the imaginary direction of
every element. Values are drawn in the open first quadrant, 0.3 to 1.2 on both axes: away from
zero (where ``abs``, ``sign`` and ``angle`` have kinks) and from every branch cut of NumPy's
complex functions (the real and imaginary axes).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .specs import Case, Inputs, Spec
from .specs import spec as plain_spec


def spec(name: str, covers: Any, make: Any) -> Spec:
    """A spec whose drawn function returns complex results as real views (`real_views`)."""

    def viewed(d: Inputs) -> Case:
        fun, args = make(d)
        return real_views(fun), args

    return plain_spec(name, covers, viewed)


def real_views(fun: Any) -> Any:
    """``fun`` with a complex result returned as the pair ``(real part, imaginary part)``.

    Every check of the shared harness (forward values, check_grad, forward mode, Jacobians)
    then applies to both parts of a complex result, including the checks written for real
    outputs.
    """

    def split(*args: Any) -> Any:
        out = fun(*args)
        return (np.real(out), np.imag(out)) if np.iscomplexobj(out) else out

    return split


def quadrant(d: Inputs, shape: tuple[int, ...]) -> np.ndarray:
    """Complex values with real and imaginary parts in [0.3, 1.2] (in the precision under
    test): every branch cut of NumPy's complex functions is far away."""
    part = d.rng.uniform(0.3, 1.2, (2, *shape)).astype(d.dtype)
    return part[0] + 1j * part[1]


def _anywhere(d: Inputs, shape: tuple[int, ...]) -> np.ndarray:
    """Complex values in all four quadrants, still at least 0.3 from each axis."""
    z = quadrant(d, shape)
    flip_re = d.rng.choice([-1.0, 1.0], shape).astype(d.dtype)
    flip_im = d.rng.choice([-1.0, 1.0], shape).astype(d.dtype)
    return flip_re * z.real + 1j * (flip_im * z.imag)


def _of_complex(fun: Any, anywhere: bool = True) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape()
        return fun, ((_anywhere if anywhere else quadrant)(d, shape),)

    return make


def _holomorphic(ufunc: np.ufunc) -> Any:
    """A holomorphic ufunc on the quadrant, mixed with a complex constant so that both the
    real and the imaginary parts of its cotangent matter."""

    def make(d: Inputs) -> Case:
        shape = d.shape()
        weight = quadrant(d, shape)
        return (lambda z: ufunc(z) * weight), (quadrant(d, shape),)

    return make


def _binary(ufunc: np.ufunc, real_second: bool = False) -> Any:
    def make(d: Inputs) -> Case:
        a, b = d.shapes(2)
        second = d.array(b, "positive") if real_second else quadrant(d, b)
        return ufunc, (quadrant(d, a), second)

    return make


def _real_part(d: Inputs) -> Case:
    shape = d.shape()
    if d.flag():
        return (lambda x: np.real(x) ** 2), (d.array(shape),)  # real input: the identity
    return (lambda z: np.real(z * z) + z.real), (_anywhere(d, shape),)


def _imag_part(d: Inputs) -> Case:
    shape = d.shape()
    if d.flag():
        return (lambda x: x * np.imag(x)), (d.array(shape),)  # real input: zeros
    return (lambda z: np.imag(z * z) * z.imag), (_anywhere(d, shape),)


def _absolute(d: Inputs) -> Case:
    return (lambda z: np.abs(z) ** 3 + abs(z)), (_anywhere(d, d.shape()),)


def _sign(d: Inputs) -> Case:
    shape = d.shape()
    if d.flag():
        return (lambda x: np.sign(x) * x), (d.array(shape, "nonzero"),)
    return np.sign, (_anywhere(d, shape),)


def _angle(d: Inputs) -> Case:
    shape = d.shape()
    deg = d.flag()
    if d.flag():
        return (lambda x: np.angle(x, deg) + x), (d.array(shape, "nonzero"),)
    return (lambda z: np.angle(z, deg=deg)), (_anywhere(d, shape),)


def _real_if_close(d: Inputs) -> Case:
    shape = d.shape()
    if d.flag():
        # Imaginary parts cancel exactly: the result is real, and its gradient that of Re.
        return (lambda z: np.real_if_close(z - 1j * np.imag(z)) ** 2), (_anywhere(d, shape),)
    return (lambda z: np.real_if_close(z * z)), (_anywhere(d, shape),)


def _sort_complex(d: Inputs) -> Case:
    shape = d.shape(min_dims=1)
    real, imag = d.distinct(shape, shape)
    if d.flag():
        return np.sort_complex, (real,)
    return (lambda z: np.sort_complex(z) * np.arange(1, shape[-1] + 1)), (real + 1j * imag,)


def _astype(d: Inputs) -> Case:
    # The target keeps the argument's precision, so that finite differences (taken in double
    # precision) are not rounded to single precision.
    shape = d.shape()
    if d.flag():
        return (
            lambda x: np.abs(x.astype(np.result_type(x.dtype, np.complex64)) * (1 + 2j)) ** 2
        ), (d.array(shape),)
    return (lambda z: z.astype(np.finfo(z.dtype).dtype) * np.imag(z)), (_anywhere(d, shape),)


def _reduction(fun: Any, min_side: int = 1) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1, min_side=min_side)
        axis = d.axis(len(shape))
        return (lambda z: fun(z, axis=axis)), (_anywhere(d, shape),)

    return make


def _products(d: Inputs) -> Case:
    n = d.integer(1, 4)
    a, b = _anywhere(d, (n,)), _anywhere(d, (n, n))
    return (lambda a, b: np.vdot(a, b @ a) + a @ b @ np.conj(a)), (a, b)


def _modf(d: Inputs) -> Case:
    # Away from integers, where the split jumps.
    shape = d.shape()
    x = d.rng.integers(-3, 4, shape) + d.rng.uniform(0.1, 0.9, shape)
    return (lambda x: np.modf(x)[0] * np.modf(x)[1]), (np.asarray(x, d.dtype),)


def _frexp(d: Inputs) -> Case:
    return (lambda x: np.frexp(x)[0] * np.frexp(x)[1]), (d.array(d.shape(), "nonzero"),)


def _divmod(d: Inputs) -> Case:
    shape = d.shape()
    y = d.array(shape, "factor")
    x = (d.rng.integers(-4, 4, shape) + d.rng.uniform(0.1, 0.9, shape)) * y
    return (lambda x, y: np.divmod(x, y)[1] * np.divmod(x, y)[0]), (np.asarray(x, d.dtype), y)


HOLOMORPHIC = [
    np.exp, np.exp2, np.expm1, np.log, np.log2, np.log10, np.log1p, np.sqrt, np.square,
    np.reciprocal, np.negative, np.positive, np.sin, np.cos, np.tan, np.arcsin, np.arccos,
    np.arctan, np.sinh, np.cosh, np.tanh, np.arcsinh, np.arccosh, np.arctanh,
]  # fmt: skip

COMPLEX = [
    spec("complex real", (np.real, "Tracer.real"), _real_part),
    spec("complex imag", (np.imag, "Tracer.imag"), _imag_part),
    spec("complex conjugate", np.conjugate, _of_complex(lambda z: np.conj(z) * z * (2 - 1j))),
    spec("complex absolute", np.absolute, _absolute),
    spec("complex sign", np.sign, _sign),
    spec("complex angle", np.angle, _angle),
    spec("complex real_if_close", np.real_if_close, _real_if_close),
    spec("complex sort_complex", np.sort_complex, _sort_complex),
    spec("complex astype", (), _astype),
    *(spec(f"complex {u.__name__}", u, _holomorphic(u)) for u in HOLOMORPHIC),
    spec("complex multiply", np.multiply, _binary(np.multiply)),
    spec("complex divide", np.divide, _binary(np.divide)),
    spec("complex add", np.add, _binary(np.add)),
    spec("complex subtract", np.subtract, _binary(np.subtract)),
    spec("complex power", np.power, _binary(np.power)),
    spec("complex power real exponent", np.power, _binary(np.power, real_second=True)),
    spec("complex float_power", np.float_power, _binary(np.float_power)),
    spec("complex sum", np.sum, _reduction(np.sum)),
    spec("complex mean", np.mean, _reduction(np.mean)),
    spec("complex prod", np.prod, _reduction(np.prod)),
    spec("complex cumsum", np.cumsum, _reduction(np.cumsum)),
    spec("complex cumprod", np.cumprod, _reduction(np.cumprod)),
    spec("complex var", np.var, _reduction(np.var, min_side=2)),
    spec("complex std", np.std, _reduction(np.std, min_side=2)),
    spec("complex vdot and matmul", (np.vdot, np.matmul), _products),
    spec("degrees", np.degrees, lambda d: (np.degrees, (d.array(d.shape()),))),
    spec("radians", np.radians, lambda d: (np.radians, (d.array(d.shape()),))),
    spec("modf", np.modf, _modf),
    spec("frexp", np.frexp, _frexp),
    spec("divmod", np.divmod, _divmod),
]
