"""Derivative rules of numpy.fft: four one-dimensional primitives, everything else composed.

The primitives are ``fft``, ``ifft``, ``rfft`` and ``irfft`` along one axis, with their ``n``
(zero-padding or truncation of the input) and ``norm``. The n-dimensional transforms apply
them axis by axis, as NumPy itself does; ``hfft``/``ihfft`` are ``irfft``/``rfft`` of a
conjugate, and the shifts are ``np.roll``. So every function of the module has every order.

The vjps follow descend's complex convention (the transpose, without conjugation, of the
R-linear derivative; see docs/complex.md). The DFT matrix is symmetric, so the transpose of
``fft`` is ``fft`` itself with the same ``norm`` (likewise ``ifft``), followed by the transpose
of the padding or truncation. ``rfft`` keeps half the spectrum of a real signal and ``irfft``
rebuilds a real signal from half a spectrum: their transposes weight the bins that stand for
a conjugate pair (all but the zero and, for even ``n``, the Nyquist bin) by 1/2 and 2.
"""

from __future__ import annotations

import operator
import warnings
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
from numpy.lib.array_utils import normalize_axis_index

from descend.autodiff.core import Rule
from descend.autodiff.errors import NotDifferentiableError
from descend.autodiff.registry import implements
from descend.autodiff.tracer import bind

Norm = Literal["backward", "ortho", "forward"] | None

# The norm under which the inverse transform has the forward one's scale factor.
_SWAPPED: dict[Norm, Norm] = {
    None: "forward",
    "backward": "forward",
    "ortho": "ortho",
    "forward": "backward",
}


def _swap(norm: Any) -> Norm:
    try:
        return _SWAPPED[norm]
    except (KeyError, TypeError):
        raise ValueError(
            f'Invalid norm value {norm!r}; should be "backward", "ortho" or "forward".'
        ) from None


def _fit(z: Any, length: int, axis: int) -> Any:
    """``z`` truncated or zero-padded to ``length`` along ``axis``: the transpose of
    the resizing that the transform's ``n`` applies to its input."""
    have = z.shape[axis]
    if have > length:
        return z[(slice(None),) * axis + (slice(0, length),)]
    if have < length:
        widths = [(0, 0)] * z.ndim
        widths[axis] = (0, length - have)
        return np.pad(z, widths)
    return z


def _along(values: np.ndarray, axis: int, ndim: int) -> np.ndarray:
    """A 1-d array of per-bin factors shaped to broadcast along ``axis``."""
    return values.reshape((-1,) + (1,) * (ndim - 1 - axis))


def _real_dtype(x: Any) -> np.dtype:
    return np.finfo(x.dtype).dtype


def _like_input(c: Any, x: Any) -> Any:
    """A real input's cotangent is the real part (a complex one would only carry noise)."""
    return np.real(c) if x.dtype.kind != "c" else c


def _fft_vjp(g: Any, ans: Any, x: Any, n: int, axis: int, norm: Any) -> Any:
    return _like_input(_fit(np.fft.fft(g, axis=axis, norm=norm), x.shape[axis], axis), x)


def _ifft_vjp(g: Any, ans: Any, x: Any, n: int, axis: int, norm: Any) -> Any:
    return _like_input(_fit(np.fft.ifft(g, axis=axis, norm=norm), x.shape[axis], axis), x)


def _rfft_vjp(g: Any, ans: Any, x: Any, n: int, axis: int, norm: Any) -> Any:
    # rfft(x) = R F x (R keeps bins 0..n//2) and x is real, so x̄ = Re(Fᵀ Rᵀ ḡ): a real signal
    # from half a spectrum, which is irfft (unscaled by the swapped norm) of conj(ḡ) with the
    # bins that irfft doubles halved.
    weights = np.full(g.shape[axis], 0.5, dtype=_real_dtype(g))
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    spectrum = np.conj(g) * _along(weights, axis, g.ndim)
    return _fit(np.fft.irfft(spectrum, n, axis=axis, norm=_swap(norm)), x.shape[axis], axis)


def _irfft_vjp(g: Any, ans: Any, c: Any, n: int, axis: int, norm: Any) -> Any:
    # irfft(c)_j = s Re(sum_k a_k c_k e^{+2πi jk/n}) over k = 0..n//2, with a_k = 2 for the bins
    # standing for a conjugate pair and 1 for the zero and Nyquist bins; its transpose is
    # c̄_k = s a_k conj(rfft(ḡ))_k, rfft taking the scale s under the swapped norm.
    half = np.fft.rfft(np.real(g), n, axis=axis, norm=_swap(norm))
    weights = np.full(half.shape[axis], 2.0, dtype=_real_dtype(half))
    weights[0] = 1.0
    if n % 2 == 0:
        weights[-1] = 1.0
    ct = np.conj(half) * _along(weights, axis, half.ndim)
    return _like_input(_fit(ct, c.shape[axis], axis), c)


def _linear(transform: Any, vjp: Any) -> Rule:
    """A transform's rule: being (R-)linear, its forward-mode rule is the transform itself."""
    return Rule(
        lambda x, n, axis, norm: transform(x, n, axis, norm),
        (vjp,),
        name=f"numpy.fft.{transform.__name__}",
        jvp=lambda tangents, ans, x, n, axis, norm: transform(tangents[0], n, axis, norm),
    )


FFT = _linear(np.fft.fft, _fft_vjp)
IFFT = _linear(np.fft.ifft, _ifft_vjp)
RFFT = _linear(np.fft.rfft, _rfft_vjp)
IRFFT = _linear(np.fft.irfft, _irfft_vjp)


def _refuse_out(name: str, out: Any) -> None:
    if out is not None:
        raise NotDifferentiableError(
            f"numpy.fft.{name}(..., out=...) would write a traced value into a plain array; "
            "drop out= and use the returned array."
        )


def _one_d(rule: Rule, a: Any, n: Any, axis: Any, norm: Any, default_n: Any = None) -> Any:
    _swap(norm)  # the error for a bad norm, before anything is recorded
    axis = normalize_axis_index(operator.index(axis), np.ndim(a))
    if n is None:
        n = a.shape[axis] if default_n is None else default_n(a.shape[axis])
    n = operator.index(n)
    if n < 1:
        raise ValueError(f"Invalid number of FFT data points ({n}) specified.")
    return bind(rule, (a, n, axis, norm))


def _half_to_full(length: int) -> int:
    return 2 * (length - 1)


@implements(np.fft.fft)
def fft(a: Any, n: int | None = None, axis: int = -1, norm: Norm = None, out: Any = None) -> Any:
    _refuse_out("fft", out)
    return _one_d(FFT, a, n, axis, norm)


@implements(np.fft.ifft)
def ifft(a: Any, n: int | None = None, axis: int = -1, norm: Norm = None, out: Any = None) -> Any:
    _refuse_out("ifft", out)
    return _one_d(IFFT, a, n, axis, norm)


@implements(np.fft.rfft)
def rfft(a: Any, n: int | None = None, axis: int = -1, norm: Norm = None, out: Any = None) -> Any:
    _refuse_out("rfft", out)
    return _one_d(RFFT, a, n, axis, norm)


@implements(np.fft.irfft)
def irfft(a: Any, n: int | None = None, axis: int = -1, norm: Norm = None, out: Any = None) -> Any:
    _refuse_out("irfft", out)
    return _one_d(IRFFT, a, n, axis, norm, default_n=_half_to_full)


@implements(np.fft.hfft)
def hfft(a: Any, n: int | None = None, axis: int = -1, norm: Norm = None, out: Any = None) -> Any:
    _refuse_out("hfft", out)
    if n is None:
        n = _half_to_full(a.shape[normalize_axis_index(operator.index(axis), np.ndim(a))])
    return np.fft.irfft(np.conj(a), n, axis, norm=_swap(norm))


@implements(np.fft.ihfft)
def ihfft(a: Any, n: int | None = None, axis: int = -1, norm: Norm = None, out: Any = None) -> Any:
    _refuse_out("ihfft", out)
    return np.conj(np.fft.rfft(a, n, axis, norm=_swap(norm)))


# --- n-dimensional transforms: one axis at a time ---------------------------------------------
def _sizes_and_axes(
    shape: tuple[int, ...], s: Any, axes: Any, inverse_real: bool = False
) -> tuple[list[int], list[int]]:
    """NumPy's reading of ``s`` and ``axes``: sizes default to the input's (for the inverse
    real transform, ``2 * (m - 1)`` on the last axis) and ``-1`` means the input's size."""
    sizes = None if s is None else list(s)
    if axes is None:
        if sizes is not None:
            warnings.warn(
                "`axes` should not be `None` if `s` is not `None` (deprecated in NumPy 2.0); "
                "pass axes explicitly.",
                DeprecationWarning,
                stacklevel=4,
            )
        axes = range(-(len(shape) if sizes is None else len(sizes)), 0)
    axes = [operator.index(ax) for ax in axes]
    if sizes is None:
        sizes = [shape[ax] for ax in axes]
        if inverse_real and axes:
            sizes[-1] = _half_to_full(shape[axes[-1]])
    if len(sizes) != len(axes):
        raise ValueError("Shape and axes have different lengths.")
    if None in sizes:
        warnings.warn(
            "Passing None in `s` is deprecated in NumPy 2.0; pass the sizes explicitly.",
            DeprecationWarning,
            stacklevel=4,
        )
    sizes = [shape[ax] if size in (-1, None) else size for size, ax in zip(sizes, axes)]
    return sizes, axes


def _complex_nd(one_d: Any, a: Any, s: Any, axes: Any, norm: Any) -> Any:
    sizes, axes = _sizes_and_axes(np.shape(a), s, axes)
    for size, ax in zip(sizes[::-1], axes[::-1]):
        a = one_d(a, size, ax, norm)
    return a


@implements(np.fft.fftn)
def fftn(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    _refuse_out("fftn", out)
    return _complex_nd(np.fft.fft, a, s, axes, norm)


@implements(np.fft.ifftn)
def ifftn(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    _refuse_out("ifftn", out)
    return _complex_nd(np.fft.ifft, a, s, axes, norm)


@implements(np.fft.fft2)
def fft2(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    _refuse_out("fft2", out)
    return _complex_nd(np.fft.fft, a, s, axes, norm)


@implements(np.fft.ifft2)
def ifft2(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    _refuse_out("ifft2", out)
    return _complex_nd(np.fft.ifft, a, s, axes, norm)


@implements(np.fft.rfftn)
def rfftn(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    _refuse_out("rfftn", out)
    sizes, axes = _sizes_and_axes(np.shape(a), s, axes)
    a = np.fft.rfft(a, sizes[-1], axes[-1], norm)
    for size, ax in zip(sizes[-2::-1], axes[-2::-1]):
        a = np.fft.fft(a, size, ax, norm)
    return a


@implements(np.fft.irfftn)
def irfftn(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] | None = None,
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    _refuse_out("irfftn", out)
    sizes, axes = _sizes_and_axes(np.shape(a), s, axes, inverse_real=True)
    for size, ax in zip(sizes[:-1], axes[:-1]):
        a = np.fft.ifft(a, size, ax, norm)
    return np.fft.irfft(a, sizes[-1], axes[-1], norm)


@implements(np.fft.rfft2)
def rfft2(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    return rfftn(a, s, axes, norm, out)


@implements(np.fft.irfft2)
def irfft2(
    a: Any, s: Sequence[int] | None = None, axes: Sequence[int] = (-2, -1),
    norm: Norm = None, out: Any = None,
) -> Any:  # fmt: skip
    return irfftn(a, s, axes, norm, out)


# --- shifts: rolls by half the length ---------------------------------------------------------
def _shift(x: Any, axes: Any, sign: int) -> Any:
    shape = np.shape(x)
    if axes is None:
        axes = tuple(range(len(shape)))
    elif isinstance(axes, int | np.integer):
        return np.roll(x, sign * (shape[axes] // 2), axes)
    return np.roll(x, [sign * (shape[ax] // 2) for ax in axes], axes)


@implements(np.fft.fftshift)
def fftshift(x: Any, axes: int | Sequence[int] | None = None) -> Any:
    return _shift(x, axes, 1)


@implements(np.fft.ifftshift)
def ifftshift(x: Any, axes: int | Sequence[int] | None = None) -> Any:
    return _shift(x, axes, -1)
