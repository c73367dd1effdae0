"""Derivative rules of the complex-number functions: real, imag, conj, abs, sign, angle.

descend follows JAX's convention (docs/complex.md): a rule returns the *transpose*, without
conjugation, of the R-linear derivative, pairing a cotangent ``g`` with a tangent ``dz`` as
``Re(g * dz)``. So a holomorphic function with derivative ``h'(z)`` pulls back ``g * h'(z)``,
``conj`` pulls back ``conj(g)``, and the gradient of a real-valued ``f`` is
``df/dx - 1j * df/dy``.

A real-valued result (``real``, ``imag``, ``abs``, ``angle``) has a real tangent, so only the
real part of its cotangent pairs with anything: the rules below take ``np.real(g)`` first.
For real inputs these functions keep their real meaning (``abs`` has derivative ``sign(x)``,
``real`` is the identity, ``imag`` and ``angle`` are constant).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff.core import Rule
from descend.autodiff.registry import defvjp, implements
from descend.autodiff.tracer import bind, is_complex, unbox_all


def _reciprocal_or_zero(r: Any) -> Any:
    """``1 / r``, and 0 where ``r == 0``: the derivative of ``|z|`` and ``z / |z|`` at 0 is
    taken as 0 (their subgradient of least norm), never ``inf`` or NaN."""
    zero = r == 0
    return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, r))


# d Re z = Re(1 * dz) and d Im z = Re(-1j * dz). These functions are R-linear but not
# C-linear, so forward mode gets their tangent rules here (a vjp is not its own transpose).
REAL = Rule(
    np.real,
    (lambda g, ans, z: np.real(g),),
    name="numpy.real",
    jvp=lambda tangents, ans, z: np.real(tangents[0]),
)
IMAG = Rule(
    np.imag,
    (lambda g, ans, z: np.real(g) * -1j,),
    name="numpy.imag",
    jvp=lambda tangents, ans, z: np.imag(tangents[0]),
)


@implements(np.real)
def real(val: Any) -> Any:
    return bind(REAL, (val,)) if is_complex(val) else val


@implements(np.imag)
def imag(val: Any) -> Any:
    if is_complex(val):
        return bind(IMAG, (val,))
    return np.imag(unbox_all(val))  # zeros: no gradient flows


defvjp(np.conjugate, lambda g, ans, z: np.conj(g))


def _abs_vjp(g: Any, ans: Any, z: Any) -> Any:
    # d|z| = Re(conj(z) dz) / |z|.
    if is_complex(z):
        return np.real(g) * (np.conj(z) * _reciprocal_or_zero(ans))
    return g * np.sign(z)


def _sign_vjp(g: Any, ans: Any, z: Any) -> Any:
    # Real sign is piecewise constant. Complex sign s = z / |z| has
    # ds = (dz - s Re(conj(s) dz)) / |z|, whose transpose is (g - Re(g s) conj(s)) / |z|.
    if not is_complex(z):
        return None
    return (g - np.real(g * ans) * np.conj(ans)) * _reciprocal_or_zero(np.abs(z))


def _abs_jvp(tangents: list[Any], ans: Any, z: Any) -> Any:
    if is_complex(z):
        return np.real(np.conj(z) * tangents[0]) * _reciprocal_or_zero(ans)
    return tangents[0] * np.sign(z)


def _sign_jvp(tangents: list[Any], ans: Any, z: Any) -> Any:
    if not is_complex(z):
        return None
    t = tangents[0]
    return (t - ans * np.real(np.conj(ans) * t)) * _reciprocal_or_zero(np.abs(z))


# Elementwise, but not holomorphic for complex z: their forward rules are given explicitly.
defvjp(np.absolute, _abs_vjp).jvp = _abs_jvp
defvjp(np.sign, _sign_vjp).jvp = _sign_jvp


@implements(np.angle)
def angle(z: Any, deg: bool = False) -> Any:
    if not is_complex(z):
        return np.angle(unbox_all(z), deg)  # 0 or pi: no gradient flows
    a = np.arctan2(np.imag(z), np.real(z))
    return a * (180 / np.pi) if deg else a


@implements(np.real_if_close)
def real_if_close(a: Any, tol: float = 100) -> Any:
    if is_complex(a) and not is_complex(np.real_if_close(unbox_all(a), tol)):
        return np.real(a)
    return a


@implements(np.sort_complex)
def sort_complex(a: Any) -> Any:
    # NumPy sorts complex values by real part, then imaginary part: the result is a
    # permutation of the input, and its gradient goes back through that permutation.
    order = np.argsort(unbox_all(a), axis=-1)
    result = np.take_along_axis(a, order, axis=-1)
    if is_complex(a):
        return result
    return result.astype(np.sort_complex(np.zeros(1, np.result_type(unbox_all(a)))).dtype)
