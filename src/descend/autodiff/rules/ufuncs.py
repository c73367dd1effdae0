"""Derivative rules of NumPy's elementwise functions (ufuncs), one line per function and argument.

Each rule is ``vjp(g, ans, x[, y])``: the cotangent ``g`` of the result times the local
derivative, reusing the forward result ``ans`` where that is cheaper (``exp``, ``tanh``,
``sqrt``). Broadcasting is undone by the engine. Rules are plain NumPy, so under an outer
trace they are themselves differentiated.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from descend.autodiff.core import Rule, zero_vjp
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import constant_functions, defvjp, existing, implements
from descend.autodiff.tracer import Tracer, bind, is_complex, unbox_all

LN2 = np.log(2.0)
LN10 = np.log(10.0)


def _unary(ufunc: np.ufunc, vjp: Any, zero_safe: bool = False) -> None:
    defvjp(ufunc, vjp, zero_safe=zero_safe)


def _binary(ufunc: np.ufunc, vjp_x: Any, vjp_y: Any, zero_safe: Any = False) -> None:
    defvjp(ufunc, vjp_x, vjp_y, broadcasts=True, zero_safe=zero_safe)


def _sign_of(x: Any) -> Any:
    """+1 or -1 by sign bit (so ``-0.0`` counts as negative, as ``copysign`` sees it)."""
    return np.where(np.signbit(x), -1.0, 1.0)


def _to_winner(g: Any, x: Any, y: Any, x_wins: Any) -> Any:
    """The cotangent ``g`` where ``x`` is the selected argument of a max/min, else zero.

    Ties share the gradient equally, which keeps ``maximum(x, x) == x`` with derivative 1; the
    split costs one extra comparison, paid only when a tie actually occurs. Masks multiply
    ``g`` directly so the cotangent keeps its dtype (float32 stays float32).
    """
    ties = x == y
    if ties.any():
        return g * x_wins + (0.5 * g) * ties
    return g * x_wins


# --- arithmetic -------------------------------------------------------------------------------
_binary(np.add, lambda g, ans, x, y: g, lambda g, ans, x, y: g)
_binary(np.subtract, lambda g, ans, x, y: g, lambda g, ans, x, y: -g)


def _other_factor_may_be_infinite(argnum: int, args: Any) -> bool:
    """A finite Python scalar factor (``x * 0.5``) cannot turn a zero cotangent into NaN."""
    other = args[1 - argnum]
    return not (type(other) in (float, int) and math.isfinite(other))


_binary(
    np.multiply,
    lambda g, ans, x, y: g * y,
    lambda g, ans, x, y: g * x,
    zero_safe=_other_factor_may_be_infinite,
)
_binary(
    np.true_divide,
    lambda g, ans, x, y: g / y,
    lambda g, ans, x, y: -g * ans / y,
    zero_safe=True,
)
_unary(np.negative, lambda g, ans, x: -g)
_unary(np.positive, lambda g, ans, x: g)
_unary(np.fabs, lambda g, ans, x: g * np.sign(x))
_unary(np.square, lambda g, ans, x: g * (2 * x))
_unary(np.reciprocal, lambda g, ans, x: -g * (ans * ans), zero_safe=True)
_unary(np.sqrt, lambda g, ans, x: g / (2 * ans), zero_safe=True)
_unary(np.cbrt, lambda g, ans, x: g / (3 * ans * ans), zero_safe=True)


def _power_base(g: Any, ans: Any, x: Any, y: Any) -> Any:
    # Where a constant exponent is 0 the derivative is exactly 0; writing it as 0 * x**-1
    # would make the third derivative of x**2 at x == 0 NaN (0 * inf), so use x**0 there.
    if type(y) in (int, float):  # the common x ** 2: no array work to find out
        zero: Any = y == 0
    else:
        zero = type(y) is not Tracer and np.any(y == 0)
    if zero:
        return g * (y * np.power(x, np.where(y == 0, 1, y) - 1))
    return g * y * np.power(x, y - 1)


def _power_exponent(g: Any, ans: Any, x: Any, y: Any) -> Any:
    # d/dy x**y = x**y log x; its limit at x == 0 is 0. For a real result it is undefined (NaN)
    # for x < 0; a complex result takes the principal log, as NumPy's complex power does.
    if is_complex(ans):
        zero = x == 0
        log_x = np.log(np.where(zero, 1.0, x) + 0j)
        return g * np.where(zero, 0.0, ans * log_x)
    positive = x > 0
    log_x = np.log(np.where(positive, x, 1.0))
    return g * np.where(positive, ans * log_x, np.where(x == 0, 0.0, np.nan))


_binary(np.power, _power_base, _power_exponent, zero_safe=True)
_binary(np.float_power, _power_base, _power_exponent, zero_safe=True)
_binary(
    np.remainder,
    lambda g, ans, x, y: g,
    lambda g, ans, x, y: -g * np.floor_divide(x, y),
)
_binary(np.fmod, lambda g, ans, x, y: g, lambda g, ans, x, y: -g * np.trunc(x / y))
_binary(np.ldexp, lambda g, ans, x, i: np.ldexp(g, i), None)
_binary(
    np.copysign,
    lambda g, ans, x, y: g * (_sign_of(x) * _sign_of(y)),
    zero_vjp,
)
_binary(np.nextafter, lambda g, ans, x, y: g, zero_vjp)

# --- exponentials and logarithms ---------------------------------------------------------------
_unary(np.exp, lambda g, ans, x: g * ans, zero_safe=True)
_unary(np.exp2, lambda g, ans, x: g * (ans * LN2), zero_safe=True)
_unary(np.expm1, lambda g, ans, x: g * (ans + 1), zero_safe=True)
_unary(np.log, lambda g, ans, x: g / x, zero_safe=True)
_unary(np.log2, lambda g, ans, x: g / (x * LN2), zero_safe=True)
_unary(np.log10, lambda g, ans, x: g / (x * LN10), zero_safe=True)
_unary(np.log1p, lambda g, ans, x: g / (1 + x), zero_safe=True)


# The weight of x is the softmax weight exp(x - ans): at most 1, so finite for any input. Its
# own derivative, 1 - exp(x - ans), cancels to 0 in the tails, so under an outer trace (when the
# rule is itself differentiated) it is written exp(-logaddexp(0, y - x)), whose derivative by
# this same rule is exact there. The plain form keeps first order at one exp.
def _logistic_weight(a: Any, b: Any, ans: Any) -> Any:
    if type(a) is Tracer or type(b) is Tracer:
        return np.exp(-np.logaddexp(0.0, b - a))
    return np.exp(a - ans)


def _logistic2_weight(a: Any, b: Any, ans: Any) -> Any:
    if type(a) is Tracer or type(b) is Tracer:
        return np.exp2(-np.logaddexp2(0.0, b - a))
    return np.exp2(a - ans)


_binary(
    np.logaddexp,
    lambda g, ans, x, y: g * _logistic_weight(x, y, ans),
    lambda g, ans, x, y: g * _logistic_weight(y, x, ans),
)
_binary(
    np.logaddexp2,
    lambda g, ans, x, y: g * _logistic2_weight(x, y, ans),
    lambda g, ans, x, y: g * _logistic2_weight(y, x, ans),
)

# --- trigonometric and hyperbolic --------------------------------------------------------------
_unary(np.sin, lambda g, ans, x: g * np.cos(x))
_unary(np.cos, lambda g, ans, x: -g * np.sin(x))
_unary(np.tan, lambda g, ans, x: g * (1 + ans * ans), zero_safe=True)
_unary(np.arcsin, lambda g, ans, x: g / np.sqrt(1 - x * x), zero_safe=True)
_unary(np.arccos, lambda g, ans, x: -g / np.sqrt(1 - x * x), zero_safe=True)
_unary(np.arctan, lambda g, ans, x: g / (1 + x * x))
_unary(np.sinh, lambda g, ans, x: g * np.cosh(x), zero_safe=True)
_unary(np.cosh, lambda g, ans, x: g * np.sinh(x), zero_safe=True)
_unary(np.tanh, lambda g, ans, x: g * (1 - ans * ans))
# hypot is real-only; for complex z the principal branches need sqrt(1 + z²) for arcsinh and
# sqrt(z - 1) * sqrt(z + 1) (not sqrt(z² - 1), which flips sign for Re z < 0) for arccosh.
_unary(
    np.arcsinh,
    lambda g, ans, x: g / (np.sqrt(1 + x * x) if is_complex(x) else np.hypot(x, 1.0)),
)
_unary(
    np.arccosh,
    lambda g, ans, x: (
        g / (np.sqrt(x - 1) * np.sqrt(x + 1) if is_complex(x) else np.sqrt((x - 1) * (x + 1)))
    ),
    zero_safe=True,
)
_unary(np.arctanh, lambda g, ans, x: g / (1 - x * x), zero_safe=True)
_unary(np.deg2rad, lambda g, ans, x: g * (np.pi / 180))
_unary(np.rad2deg, lambda g, ans, x: g * (180 / np.pi))
_unary(np.radians, lambda g, ans, x: g * (np.pi / 180))
_unary(np.degrees, lambda g, ans, x: g * (180 / np.pi))
_binary(
    np.arctan2,
    lambda g, ans, y, x: g * x / (x * x + y * y),
    lambda g, ans, y, x: -g * y / (x * x + y * y),
    zero_safe=True,
)
_binary(
    np.hypot,
    lambda g, ans, x, y: g * x / ans,
    lambda g, ans, x, y: g * y / ans,
    zero_safe=True,
)

# --- selection -----------------------------------------------------------------------------
_binary(
    np.maximum,
    lambda g, ans, x, y: _to_winner(g, x, y, x > y),
    lambda g, ans, x, y: _to_winner(g, y, x, y > x),
)
_binary(
    np.minimum,
    lambda g, ans, x, y: _to_winner(g, x, y, x < y),
    lambda g, ans, x, y: _to_winner(g, y, x, y < x),
)
# fmax/fmin ignore a NaN argument, so the gradient goes to the other one.
_binary(
    np.fmax,
    lambda g, ans, x, y: _to_winner(g, x, y, (x > y) | np.isnan(y)),
    lambda g, ans, x, y: _to_winner(g, y, x, (y > x) | np.isnan(x)),
)
_binary(
    np.fmin,
    lambda g, ans, x, y: _to_winner(g, x, y, (x < y) | np.isnan(y)),
    lambda g, ans, x, y: _to_winner(g, y, x, (y < x) | np.isnan(x)),
)

# --- no gradient: piecewise constant, boolean or integer-valued ---------------------------------
constant_functions(
    existing(
        np,
        [
            "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
            "logical_and", "logical_or", "logical_xor", "logical_not",
            "isnan", "isinf", "isfinite", "isnat", "signbit",
            "floor", "ceil", "trunc", "rint", "floor_divide", "heaviside", "spacing",
            "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_count",
            "invert", "left_shift", "right_shift", "gcd", "lcm",
        ],
    )
)  # fmt: skip


# --- two outputs: a differentiable part and a constant part -----------------------------------
# A ufunc with two outputs cannot be one Rule (a rule has one result), so these are handlers
# keyed by the ufunc: each returns the pair, binding a rule for the differentiable output only.
MODF_FRACTION = Rule(lambda x: np.modf(x)[0], (lambda g, ans, x: g,), name="numpy.modf")
FREXP_MANTISSA = Rule(
    lambda x: np.frexp(x)[0],
    # mantissa = x * 2**-exponent, the exponent being piecewise constant.
    (lambda g, ans, x: np.ldexp(g, -np.frexp(unbox_all(x))[1]),),
    name="numpy.frexp",
)


def _plain_call(ufunc: np.ufunc, kwargs: dict[str, Any]) -> None:
    if kwargs:
        raise NotDifferentiableError(
            f"descend differentiates numpy.{ufunc.__name__} without options; got "
            f"{', '.join(k + '=' for k in sorted(kwargs))}."
        )


@implements(np.modf)
def modf(x: Any, /, **kwargs: Any) -> tuple[Any, Any]:
    """Fractional part (derivative 1) and integral part (constant)."""
    _plain_call(np.modf, kwargs)
    return bind(MODF_FRACTION, (x,)), np.modf(unbox_all(x))[1]


@implements(np.frexp)
def frexp(x: Any, /, **kwargs: Any) -> tuple[Any, Any]:
    """Mantissa (derivative ``2**-exponent``) and integer exponent (constant)."""
    _plain_call(np.frexp, kwargs)
    return bind(FREXP_MANTISSA, (x,)), np.frexp(unbox_all(x))[1]


@implements(np.divmod)
def divmod_(x1: Any, x2: Any, /, **kwargs: Any) -> tuple[Any, Any]:
    """Quotient (constant, like floor_divide) and remainder (differentiable, like remainder)."""
    _plain_call(np.divmod, kwargs)
    return np.floor_divide(unbox_all(x1), unbox_all(x2)), np.remainder(x1, x2)
