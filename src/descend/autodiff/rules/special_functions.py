"""Differentiable versions of the scipy.special functions that are not ufuncs.

``scipy.special.logsumexp``, ``softmax``, ``log_softmax``, ``polygamma`` and
``spherical_jn``/``yn``/``in``/``kn`` are Python functions that convert their input with
``np.asarray`` (for the first three through scipy's array-API layer, which returns plain
NumPy unless ``SCIPY_ARRAY_API=1`` is set), so on a traced value they raise
`TracerConversionError`. These functions take the same arguments and, on plain arrays,
return exactly what scipy returns (they call it); on traced values they compute the same
expressions from differentiable operations (max-shifted for the exponential sums).
``scipy.special.zeta``, ``lambertw``, ``softplus``, ``jvp``/``yvp``/``ivp``/``kvp``/``h1vp``/
``h2vp`` need no replacement: they call ufuncs on their input directly.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sp
from scipy.special import _ufuncs

from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.tracer import Tracer, unbox_all

__all__ = [
    "log_softmax",
    "logsumexp",
    "polygamma",
    "softmax",
    "spherical_in",
    "spherical_jn",
    "spherical_kn",
    "spherical_yn",
]


def _traced(*values: Any) -> bool:
    return any(type(v) is Tracer for v in values)


def _shift(a: Any, axis: Any) -> Any:
    """The constant max-shift of a stable exp-sum: the max of the plain values, 0 where it is
    not finite. A constant shift cancels exactly, so it needs no gradient."""
    plain = np.asarray(unbox_all(a))
    top = np.max(plain, axis=axis, keepdims=True) if plain.size else np.zeros((1,) * plain.ndim)
    return np.where(np.isfinite(top), top, 0.0).astype(np.result_type(plain, np.float32))


def logsumexp(
    a: Any, axis: Any = None, b: Any = None, keepdims: bool = False, return_sign: bool = False
) -> Any:
    """``log(sum(b * exp(a), axis))``, computed stably; ``scipy.special.logsumexp`` that
    accepts traced values.

    Parameters
    ----------
    a : array_like
        Input.
    axis : None or int or tuple of ints, optional
        Axes to sum over (all by default).
    b : array_like, optional
        Weights broadcast against ``a``; may be negative when ``return_sign`` is true.
    keepdims : bool, default False
        Keep the reduced axes with length one.
    return_sign : bool, default False
        Also return the sign of the sum; the result is then ``log(abs(sum))``.

    Returns
    -------
    res : array or (res, sign)
        As `scipy.special.logsumexp`.

    Examples
    --------
    >>> import numpy as np, descend
    >>> round(float(logsumexp(np.array([0.0, np.log(3.0)]))), 12)  # log(1 + 3)
    1.38629436112
    >>> descend.grad(lambda a: logsumexp(a))(np.zeros(2))  # the softmax weights
    array([0.5, 0.5])
    """
    if not _traced(a, b):
        return sp.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)
    if isinstance(axis, list):
        axis = tuple(axis)
    shift = _shift(a, axis)
    terms = np.exp(a - shift)
    if b is not None:
        terms = b * terms
    total = np.sum(terms, axis=axis, keepdims=True)
    sign = np.sign(total) if return_sign else None
    out = np.log(np.abs(total) if return_sign else total) + shift
    if not keepdims:
        out = np.squeeze(out, axis=axis)
        sign = None if sign is None else np.squeeze(sign, axis=axis)
    return (out, sign) if return_sign else out


def softmax(x: Any, axis: Any = None) -> Any:
    """``exp(x) / sum(exp(x), axis)``; ``scipy.special.softmax`` that accepts traced values.

    Examples
    --------
    >>> import numpy as np
    >>> softmax(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    if not _traced(x):
        return sp.softmax(x, axis=axis)
    e = np.exp(x - _shift(x, axis))
    return e / np.sum(e, axis=axis, keepdims=True)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """``x - logsumexp(x, axis)``; ``scipy.special.log_softmax`` that accepts traced values.

    Examples
    --------
    >>> import numpy as np
    >>> np.exp(log_softmax(np.array([0.0, np.log(3.0)])))
    array([0.25, 0.75])
    """
    if not _traced(x):
        return sp.log_softmax(x, axis=axis)
    shifted = x - _shift(x, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def polygamma(n: Any, x: Any) -> Any:
    """The ``n``-th derivative of the digamma function; ``scipy.special.polygamma`` that
    accepts a traced ``x`` (``n`` is an integer and cannot be differentiated).

    Examples
    --------
    >>> import numpy as np, descend
    >>> round(float(polygamma(1, 1.0)), 12), round(np.pi**2 / 6, 12)
    (1.644934066848, 1.644934066848)
    >>> round(float(descend.grad(lambda x: polygamma(1, x))(1.0)), 12)  # -2 zeta(3)
    -2.404113806319
    """
    if type(n) is Tracer:
        raise NotDifferentiableError(
            "descend does not differentiate polygamma with respect to its integer order n; "
            "pass n as a plain integer."
        )
    if not _traced(x):
        return sp.polygamma(n, x)
    n = np.asarray(n)
    # polygamma(n, x) = (-1)^(n+1) n! zeta(n + 1, x) for n >= 1 (DLMF 5.15.2).
    # The same expression as scipy's, so that values and dtypes agree with it.
    higher = (-1.0) ** (n + 1) * sp.gamma(n + 1.0) * _ufuncs._zeta(np.maximum(n, 1) + 1.0, x)
    return np.where(n == 0, sp.digamma(x), higher)


def _spherical(
    n: Any, z: Any, derivative: bool, value: np.ufunc, slope: np.ufunc, even_sign: float | None
) -> Any:
    """A spherical Bessel function of real or complex ``z`` from its private ufunc, which is
    NaN for real z < 0: there scipy reflects, f(-z) = +-f(z) (DLMF 10.47(v)), or, for k_n
    (``even_sign`` None), takes the real part at z + 0j."""
    if type(n) is Tracer:
        raise NotDifferentiableError(
            "descend does not differentiate spherical Bessel functions with respect to their "
            "integer order n; pass n as a plain integer."
        )
    n = np.asarray(n, dtype=np.dtype("long"))
    fun = slope if derivative else value
    if np.iscomplexobj(z):
        return fun(n, z)
    right = z >= 0
    if even_sign is None:
        return np.where(right, fun(n, np.where(right, z, 1.0)), np.real(fun(n, z + 0j)))
    sign = np.where(n % 2 == 0, even_sign, -even_sign) * (-1.0 if derivative else 1.0)
    # where(right, z, -z) rather than abs(z): its derivative at z == 0 is 1, not 0.
    return fun(n, np.where(right, z, -z)) * np.where(right, 1.0, sign)


def spherical_jn(n: Any, z: Any, derivative: bool = False) -> Any:
    """``scipy.special.spherical_jn`` that accepts a traced ``z`` (``n`` is an integer).

    Examples
    --------
    >>> import numpy as np, descend
    >>> round(float(descend.grad(lambda z: spherical_jn(1, z))(0.0)), 12)  # j_1'(0) = 1/3
    0.333333333333
    >>> bool(np.isclose(spherical_jn(2, -1.3), sp.spherical_jn(2, -1.3)))
    True
    """
    if type(z) is not Tracer and type(n) is not Tracer:
        return sp.spherical_jn(n, z, derivative)
    return _spherical(n, z, derivative, _ufuncs._spherical_jn, _ufuncs._spherical_jn_d, 1.0)


def spherical_yn(n: Any, z: Any, derivative: bool = False) -> Any:
    """``scipy.special.spherical_yn`` that accepts a traced ``z`` (``n`` is an integer).

    Examples
    --------
    >>> import descend
    >>> round(float(descend.grad(lambda z: spherical_yn(0, z))(1.0)), 12)  # sin 1 + cos 1
    1.381773290676
    """
    if type(z) is not Tracer and type(n) is not Tracer:
        return sp.spherical_yn(n, z, derivative)
    return _spherical(n, z, derivative, _ufuncs._spherical_yn, _ufuncs._spherical_yn_d, -1.0)


def spherical_in(n: Any, z: Any, derivative: bool = False) -> Any:
    """``scipy.special.spherical_in`` that accepts a traced ``z`` (``n`` is an integer).

    Examples
    --------
    >>> import descend
    >>> round(float(descend.grad(lambda z: spherical_in(0, z))(0.0)), 12)  # sinh(z)/z
    0.0
    """
    if type(z) is not Tracer and type(n) is not Tracer:
        return sp.spherical_in(n, z, derivative)
    return _spherical(n, z, derivative, _ufuncs._spherical_in, _ufuncs._spherical_in_d, 1.0)


def spherical_kn(n: Any, z: Any, derivative: bool = False) -> Any:
    """``scipy.special.spherical_kn`` that accepts a traced ``z`` (``n`` is an integer).

    Examples
    --------
    >>> import numpy as np, descend
    >>> bool(np.isclose(descend.grad(lambda z: spherical_kn(1, z))(1.3),
    ...                 sp.spherical_kn(1, 1.3, derivative=True)))
    True
    """
    if type(z) is not Tracer and type(n) is not Tracer:
        return sp.spherical_kn(n, z, derivative)
    return _spherical(n, z, derivative, _ufuncs._spherical_kn, _ufuncs._spherical_kn_d, None)
