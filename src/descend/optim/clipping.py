"""Gradient clipping and normalisation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from descend.optim.base import GradientTransformation, Leaves, State, WholeTree, check_range
from descend.optim.transforms import elementwise, finish

__all__ = ["clip_by_value", "clip_by_norm", "clip_by_global_norm", "normalize_by_global_norm"]


def _squared_norm(x: np.ndarray) -> float:
    flat = x.reshape(-1)
    return float(np.dot(flat, flat))


def _whole(name: str, apply: Any) -> GradientTransformation:
    return GradientTransformation((WholeTree(name, lambda leaves: {}, apply),))


def clip_by_value(clip_value: float) -> GradientTransformation:
    """Clip every coordinate to ``[-clip_value, clip_value]`` (``torch.nn.utils.clip_grad_value_``;
    Optax's ``clip``).

    Examples
    --------
    >>> opt = clip_by_value(1.0)
    >>> opt.update(np.array([-3.0, 0.5, 2.0]), opt.init(np.zeros(3)))[0]
    array([-1. ,  0.5,  1. ])
    """
    limit = check_range(clip_value, "clip_value", 0.0, math.inf)

    def kernel(
        scalars: None, g: np.ndarray, u: np.ndarray, bufs: Leaves, p: Any, tmp: Any, scale: float
    ) -> None:
        np.clip(g, -limit, limit, out=u)
        finish(u, scale)

    return elementwise("clip_by_value", lambda leaves: {}, (), lambda s, e: None, kernel)


def clip_by_norm(max_norm: float) -> GradientTransformation:
    """Rescale each array (leaf) separately so that its 2-norm is at most ``max_norm``.

    Arrays with a smaller norm are left unchanged (Optax's ``clip_by_block_rms`` idea with the
    plain norm; no epsilon).

    Examples
    --------
    >>> opt = clip_by_norm(1.0)
    >>> opt.update([np.array([3.0, 4.0]), np.array([0.1])], opt.init([np.zeros(2), np.zeros(1)]))[0]
    [array([0.6, 0.8]), array([0.1])]
    """
    limit = check_range(max_norm, "max_norm", 0.0, math.inf)

    def apply(updates: Leaves, state: State, params: Any, extra: Any) -> None:
        for u in updates:
            norm = math.sqrt(_squared_norm(u))
            if norm > limit:
                u *= limit / norm

    return _whole("clip_by_norm", apply)


def clip_by_global_norm(max_norm: float) -> GradientTransformation:
    """Rescale all updates together so that their joint 2-norm is at most ``max_norm``.

    Like ``torch.nn.utils.clip_grad_norm_`` and Optax's ``clip_by_global_norm``; PyTorch divides
    by ``norm + 1e-6``, we divide by the exact norm.

    Examples
    --------
    >>> opt = clip_by_global_norm(5.0)
    >>> opt.update([np.array([6.0]), np.array([8.0])], opt.init([np.zeros(1), np.zeros(1)]))[0]
    [array([3.]), array([4.])]
    """
    limit = check_range(max_norm, "max_norm", 0.0, math.inf)

    def apply(updates: Leaves, state: State, params: Any, extra: Any) -> None:
        norm = math.sqrt(sum(_squared_norm(u) for u in updates))
        if norm > limit:
            for u in updates:
                u *= limit / norm

    return _whole("clip_by_global_norm", apply)


def normalize_by_global_norm(eps: float = 1e-12) -> GradientTransformation:
    """Divide all updates by their joint 2-norm plus ``eps``: normalised gradient descent.

    Examples
    --------
    >>> opt = normalize_by_global_norm(eps=0.0)
    >>> opt.update([np.array([6.0]), np.array([8.0])], opt.init([np.zeros(1), np.zeros(1)]))[0]
    [array([0.6]), array([0.8])]
    """
    eps = check_range(eps, "eps", 0.0, math.inf)

    def apply(updates: Leaves, state: State, params: Any, extra: Any) -> None:
        norm = math.sqrt(sum(_squared_norm(u) for u in updates))
        if norm + eps > 0:
            for u in updates:
                u *= 1.0 / (norm + eps)

    return _whole("normalize_by_global_norm", apply)
