"""Loss functions as plain NumPy: differentiable by descend, numerically stable, mean by default.

Every loss takes ``(y_true, y_pred)`` in scikit-learn's and Keras's order (PyTorch's
``F.*_loss`` take ``(input, target)``), an optional ``sample_weight``, and ``reduction`` =
``"mean"`` (default; weighted mean with ``sample_weight``), ``"sum"`` or ``"none"`` (one loss
per sample). The classification losses take *logits* (unbounded scores), never probabilities:
the log-sum-exp and ``log(1 + e^z)`` forms below never overflow and keep full precision for
confident predictions, where ``log(sigmoid(z))`` would return ``-inf``.

Examples
--------
>>> import numpy as np
>>> from descend import grad, losses
>>> w, X, y = np.zeros(2), np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([1.0, 0.0])
>>> grad(lambda w: losses.binary_cross_entropy(y, X @ w))(w)
array([0.5, 0.5])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend.autodiff import stop_gradient

__all__ = [
    "binary_cross_entropy",
    "categorical_cross_entropy",
    "hinge",
    "huber",
    "log_softmax",
    "mae",
    "mse",
]

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(per_sample: Any, sample_weight: Any, reduction: str) -> Any:
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}; got {reduction!r}")
    if sample_weight is not None:
        weights = np.asarray(sample_weight)
        if weights.shape != (per_sample.shape[0],):
            raise ValueError(
                f"sample_weight must have shape ({per_sample.shape[0]},), one weight per "
                f"sample; got shape {weights.shape}"
            )
        weighted = per_sample * weights
        if reduction == "mean":
            return np.sum(weighted) / np.sum(weights)
        per_sample = weighted
    if reduction == "mean":
        return np.mean(per_sample)
    if reduction == "sum":
        return np.sum(per_sample)
    return per_sample


def _per_sample(elementwise: Any) -> Any:
    """Average the output columns of a ``(n, k)`` elementwise loss (Keras's convention)."""
    return np.mean(elementwise, axis=1) if elementwise.ndim == 2 else elementwise


def mse(y_true: Any, y_pred: Any, *, sample_weight: Any = None, reduction: str = "mean") -> Any:
    """Mean squared error ``mean((y_true - y_pred)**2)``.

    For 2-D targets the per-sample loss averages the outputs, as
    ``sklearn.metrics.mean_squared_error`` with ``multioutput="uniform_average"``.

    Examples
    --------
    >>> mse(np.array([1.0, 2.0]), np.array([1.0, 4.0]))
    np.float64(2.0)
    """
    return _reduce(_per_sample((y_pred - y_true) ** 2), sample_weight, reduction)


def mae(y_true: Any, y_pred: Any, *, sample_weight: Any = None, reduction: str = "mean") -> Any:
    """Mean absolute error ``mean(|y_true - y_pred|)``; its gradient at a tie is 0.

    Examples
    --------
    >>> mae(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    np.float64(1.5)
    """
    return _reduce(_per_sample(np.abs(y_pred - y_true)), sample_weight, reduction)


def huber(
    y_true: Any,
    y_pred: Any,
    *,
    delta: float = 1.0,
    sample_weight: Any = None,
    reduction: str = "mean",
) -> Any:
    """Huber loss: ``r**2 / 2`` for ``|r| <= delta``, ``delta * (|r| - delta / 2)`` beyond.

    The same as ``torch.nn.HuberLoss(delta=delta)`` and Keras's ``Huber``; quadratic near 0,
    linear (robust to outliers) in the tails, with a continuous gradient.

    Examples
    --------
    >>> huber(np.array([0.0, 0.0]), np.array([0.5, 3.0]))
    np.float64(1.3125)
    """
    if not delta > 0:
        raise ValueError(f"delta must be positive; got {delta!r}")
    abs_r = np.abs(y_pred - y_true)
    # min(|r|, delta) gives both branches in one expression: q**2/2 + delta*(|r| - q).
    q = np.minimum(abs_r, delta)
    return _reduce(_per_sample(0.5 * q**2 + delta * (abs_r - q)), sample_weight, reduction)


def _softplus(z: Any) -> Any:
    """``log(1 + e^z)`` without overflow: ``max(z, 0) + log1p(e^-|z|)``."""
    return np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z)))


def binary_cross_entropy(
    y_true: Any, logits: Any, *, sample_weight: Any = None, reduction: str = "mean"
) -> Any:
    """Log-loss of labels in {0, 1} (or probabilities) given logits ``z``: ``softplus(z) - y z``.

    Equal to ``-y log(sigmoid(z)) - (1 - y) log(1 - sigmoid(z))`` and to
    ``sklearn.metrics.log_loss(y, sigmoid(z))``, PyTorch's
    ``binary_cross_entropy_with_logits``, but finite for any ``z``.

    Examples
    --------
    >>> binary_cross_entropy(np.array([1.0, 0.0]), np.array([800.0, 0.0]))
    np.float64(0.34657359027997264)
    """
    return _reduce(_per_sample(_softplus(logits) - y_true * logits), sample_weight, reduction)


def log_softmax(logits: Any, axis: int = -1) -> Any:
    """``log(softmax(z))`` computed as ``z - max(z) - log(sum(exp(z - max(z))))``.

    Examples
    --------
    >>> np.round(np.exp(log_softmax(np.array([[0.0, 1000.0]]))), 6)
    array([[0., 1.]])
    """
    shifted = logits - _max_shift(logits, axis)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def _max_shift(logits: Any, axis: int) -> Any:
    """The overflow-preventing shift of log-sum-exp; its gradient cancels exactly, so it is
    computed outside the derivative (one traced operation less per call)."""
    return np.max(stop_gradient(logits), axis=axis, keepdims=True)


def categorical_cross_entropy(
    y_true: Any, logits: Any, *, sample_weight: Any = None, reduction: str = "mean"
) -> Any:
    """Softmax cross-entropy of ``(n, k)`` logits against integer labels or one-hot rows.

    ``y_true`` is either ``(n,)`` integer class indices in ``[0, k)`` (PyTorch's
    ``cross_entropy``) or ``(n, k)`` probabilities such as one-hot rows (Keras's
    ``categorical_crossentropy(from_logits=True)``). Equal to ``sklearn.metrics.log_loss``
    of ``softmax(logits)``.

    Examples
    --------
    >>> z = np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> round(float(categorical_cross_entropy(np.array([0, 2]), z)), 6)
    0.669079
    """
    labels = np.asarray(y_true)
    if labels.ndim == 1:
        if not np.issubdtype(labels.dtype, np.integer):
            raise TypeError(
                "1-D y_true must hold integer class indices; encode labels with "
                "sklearn.preprocessing.LabelEncoder or pass one-hot rows"
            )
        k = logits.shape[1]
        if labels.size and not (labels.min() >= 0 and labels.max() < k):
            raise ValueError(f"class indices must be in [0, {k}) for {k} logits per sample")
        # log-sum-exp minus the true logit, picked by a one-hot mask (one per row, in row
        # order): a mask's derivative is a plain assignment, a fancy index's a slow np.add.at.
        shift = _max_shift(logits, 1)
        log_sum_exp = np.log(np.sum(np.exp(logits - shift), axis=1)) + shift[:, 0]
        per_sample = log_sum_exp - logits[labels[:, None] == np.arange(k)]
    else:
        per_sample = -np.sum(y_true * log_softmax(logits, axis=1), axis=1)
    return _reduce(per_sample, sample_weight, reduction)


def hinge(y_true: Any, decision: Any, *, sample_weight: Any = None, reduction: str = "mean") -> Any:
    """Hinge loss ``max(0, 1 - y d)`` of labels in {-1, +1} (0 is read as -1) and scores ``d``.

    Matches ``sklearn.metrics.hinge_loss`` for binary labels; the loss of linear SVMs.

    Examples
    --------
    >>> hinge(np.array([1, -1]), np.array([0.5, -2.0]))
    np.float64(0.25)
    """
    # Selecting d or -d (rather than multiplying by +-1.0) keeps float32 scores float32.
    margin = np.where(np.asarray(y_true) > 0, decision, -decision)
    return _reduce(_per_sample(np.maximum(0.0, 1.0 - margin)), sample_weight, reduction)
