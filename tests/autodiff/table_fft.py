"""Spec table of numpy.fft: every transform with drawn ``n``/``s``, axes and ``norm``.

Lengths are drawn below, at and above the input's, so zero-padding and truncation are both
exercised, and odd and even lengths both occur (the real transforms treat the Nyquist bin of
an even length specially).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .specs import Case, Inputs
from .table_complex import spec

NORMS = (None, "backward", "ortho", "forward")


def complex_array(d: Inputs, shape: tuple[int, ...]) -> np.ndarray:
    """A complex array in the precision under test (complex64 for float32)."""
    return d.array(shape) + 1j * d.array(shape)


def _signal(d: Inputs, shape: tuple[int, ...], real_only: bool = False) -> np.ndarray:
    return d.array(shape) if real_only or d.flag() else complex_array(d, shape)


def _length(d: Inputs, have: int) -> int | None:
    """``None`` (the default) or a length that pads, truncates or keeps the input's."""
    return d.choice([None, have, max(1, have - 1), have + 1, have + 2, 1])


def _one_d(fun: Any, real_only: bool = False) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis = d.axis(len(shape))
        n = _length(d, shape[axis])
        norm = d.choice(NORMS)
        return (lambda x: fun(x, n, axis, norm)), (_signal(d, shape, real_only),)

    return make


def _inverse_real(fun: Any) -> Any:
    """irfft/hfft: half a spectrum in, a real signal of drawn (odd or even) length out."""

    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axis = d.axis(len(shape))
        half = shape[axis]
        n = d.choice([None, 2 * half - 1, 2 * half, max(1, 2 * half - 3), 1, half])
        if n is None and half == 1:
            n = 1  # the default 2 * (half - 1) would be 0 points
        norm = d.choice(NORMS)
        return (lambda c: fun(c, n, axis, norm)), (_signal(d, shape),)

    return make


def _sizes_and_axes(d: Inputs, shape: tuple[int, ...], default_axes: Any) -> tuple[Any, Any]:
    ndim = len(shape)
    if d.flag():
        return None, default_axes
    k = d.integer(1, ndim)
    axes = tuple(int(a) - ndim * d.flag() for a in d.rng.permutation(ndim)[:k])
    sizes = None if d.flag() else tuple(_length(d, shape[a]) or shape[a] for a in axes)
    return sizes, axes


def _n_d(fun: Any, min_dims: int, default_axes: Any, real_only: bool = False) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=min_dims)
        s, axes = _sizes_and_axes(d, shape, default_axes)
        norm = d.choice(NORMS)
        if axes is default_axes:
            return (lambda x: fun(x, s, norm=norm)), (_signal(d, shape, real_only),)
        return (lambda x: fun(x, s, axes, norm)), (_signal(d, shape, real_only),)

    return make


def _inverse_real_n_d(fun: Any, min_dims: int, default_axes: Any) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=min_dims, min_side=2)
        s, axes = _sizes_and_axes(d, shape, default_axes)
        if s is not None:  # the last axis's length is the real output's: odd or even
            s = (*s[:-1], d.choice([2 * shape[axes[-1]] - 1, 2 * shape[axes[-1]] - 2, 3]))
        norm = d.choice(NORMS)
        if axes is default_axes:
            return (lambda c: fun(c, norm=norm)), (complex_array(d, shape),)
        return (lambda c: fun(c, s, axes, norm)), (complex_array(d, shape),)

    return make


def _shift(fun: Any) -> Any:
    def make(d: Inputs) -> Case:
        shape = d.shape(min_dims=1)
        axes = d.choice([None, d.axis(len(shape)), (d.axis(len(shape)),), tuple(range(len(shape)))])
        return (lambda x: fun(x, axes)), (_signal(d, shape),)

    return make


def _power_spectrum(d: Inputs) -> Case:
    """A real-valued function of a real signal through complex intermediates."""
    shape = d.shape(min_dims=1)
    n = _length(d, shape[-1])
    return (lambda x: np.abs(np.fft.rfft(x, n)) ** 2), (d.array(shape),)


def _fftfreq(d: Inputs) -> Case:
    """fftfreq is no dispatcher: with a traced spacing it is plain traced arithmetic."""
    n = d.integer(1, 6)
    return (lambda spacing: np.fft.fftfreq(n, spacing) + np.fft.rfftfreq(n, spacing)[0]), (
        d.array((), "positive"),
    )


FFT = [
    spec("fft", np.fft.fft, _one_d(np.fft.fft)),
    spec("ifft", np.fft.ifft, _one_d(np.fft.ifft)),
    spec("rfft", np.fft.rfft, _one_d(np.fft.rfft, real_only=True)),
    spec("irfft", np.fft.irfft, _inverse_real(np.fft.irfft)),
    spec("hfft", np.fft.hfft, _inverse_real(np.fft.hfft)),
    spec("ihfft", np.fft.ihfft, _one_d(np.fft.ihfft, real_only=True)),
    spec("fft2", np.fft.fft2, _n_d(np.fft.fft2, 2, (-2, -1))),
    spec("ifft2", np.fft.ifft2, _n_d(np.fft.ifft2, 2, (-2, -1))),
    spec("fftn", np.fft.fftn, _n_d(np.fft.fftn, 1, None)),
    spec("ifftn", np.fft.ifftn, _n_d(np.fft.ifftn, 1, None)),
    spec("rfft2", np.fft.rfft2, _n_d(np.fft.rfft2, 2, (-2, -1), real_only=True)),
    spec("rfftn", np.fft.rfftn, _n_d(np.fft.rfftn, 1, None, real_only=True)),
    spec("irfft2", np.fft.irfft2, _inverse_real_n_d(np.fft.irfft2, 2, (-2, -1))),
    spec("irfftn", np.fft.irfftn, _inverse_real_n_d(np.fft.irfftn, 1, None)),
    spec("fftshift", np.fft.fftshift, _shift(np.fft.fftshift)),
    spec("ifftshift", np.fft.ifftshift, _shift(np.fft.ifftshift)),
    spec("power spectrum", (np.fft.rfft, np.absolute), _power_spectrum),
    spec("fftfreq spacing", (), _fftfreq),
]
