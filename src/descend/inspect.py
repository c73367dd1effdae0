"""Sensitivity analysis: exact gradients of a model's predictions with respect to its inputs.

``input_gradients(model, X)[i, j]`` is ``d prediction(x_i) / d x_ij``: how much the
prediction for sample ``i`` moves per unit change of its feature ``j``, computed by descend's
reverse mode in one backward pass for all samples (each prediction depends on its own row
only). `gradient_importance` averages their magnitudes into one score per feature.

Examples
--------
>>> import numpy as np
>>> from descend.inspect import input_gradients
>>> input_gradients(lambda X: X[:, 0] ** 2 + 3 * X[:, 1], np.array([[1.0, 5.0], [2.0, 0.0]]))
array([[2., 3.],
       [4., 3.]])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.autodiff import vjp
from descend.losses import log_softmax

__all__ = ["gradient_importance", "input_gradients"]


def _prediction_function(model: Any, output: str) -> Callable[[Any], Any]:
    """The model's prediction as a plain-NumPy function of the inputs."""
    if callable(model) and not hasattr(model, "_raw"):
        return model
    if not hasattr(model, "_state"):
        raise ValueError(
            f"input_gradients needs a fitted descend estimator or a function of X; got "
            f"{type(model).__name__}" + (" (not fitted)" if hasattr(model, "_raw") else "")
        )
    params = model._state.params
    classifier = hasattr(model, "classes_")
    if output not in ("auto", "proba", "decision"):
        raise ValueError(f"output must be 'auto', 'proba' or 'decision'; got {output!r}")
    if not classifier or output == "decision":
        return lambda X: model._raw(params, X)

    def probabilities(X: Any) -> Any:
        logits = model._raw(params, X)
        if logits.shape[1] == 1:  # logistic output: P(classes_[1]) = softmax([0, z])[1]
            logits = np.concatenate([np.zeros_like(logits), logits], axis=1)
        return np.exp(log_softmax(logits, axis=1))

    return probabilities


def input_gradients(
    model: Any, X: Any, *, target: int | str | None = None, output: str = "auto"
) -> np.ndarray:
    """Gradient of each sample's prediction with respect to its features.

    Parameters
    ----------
    model : fitted descend estimator or callable
        A `descend.models` estimator, or a plain-NumPy function ``f(X)`` returning one
        prediction per row (``(n,)``) or one row of outputs per row (``(n, k)``).
    X : array of shape (n_samples, n_features)
        Points at which to differentiate.
    target : int or "predicted", optional
        Which output column to differentiate when there are several: an index (for a
        classifier, the position of the class in ``classes_``), or ``"predicted"`` (each
        row's largest output, e.g. its predicted class). Default: the only column; for a
        binary classifier the probability of ``classes_[1]``; otherwise ``"predicted"``.
    output : {"auto", "proba", "decision"}, default "auto"
        For classifiers: differentiate probabilities (``"auto"``, ``"proba"``) or logits
        (``"decision"``).

    Returns
    -------
    ndarray of shape (n_samples, n_features)

    Examples
    --------
    >>> from descend.models import LinearRegression
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [2.0, 3.0]])
    >>> model = LinearRegression().fit(X, X @ np.array([2.0, -1.0]))
    >>> np.round(input_gradients(model, X[:2]), 6)
    array([[ 2., -1.],
           [ 2., -1.]])
    """
    X = np.asarray(X, dtype=np.result_type(np.asarray(X).dtype, np.float32))
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (n_samples, n_features); got shape {X.shape}")
    predict = _prediction_function(model, output)
    out, pull_back = vjp(predict, X)
    out = np.asarray(out)
    if out.ndim not in (1, 2) or out.shape[0] != X.shape[0]:
        raise ValueError(
            f"the model must return one prediction (or one row of outputs) per sample; got "
            f"shape {out.shape} for {X.shape[0]} samples"
        )
    seed = np.zeros_like(out)
    if out.ndim == 1:
        seed[:] = 1.0
    else:
        column = _column(target, out, model)
        if isinstance(column, np.ndarray):
            seed[np.arange(out.shape[0]), column] = 1.0
        else:
            seed[:, column] = 1.0
    (gradients,) = pull_back(seed)
    return np.asarray(gradients)


def _column(target: Any, out: np.ndarray, model: Any) -> int | np.ndarray:
    k = out.shape[1]
    if target is None:
        if k == 1:
            return 0
        if k == 2 and hasattr(model, "classes_"):
            return 1  # binary classifier: the probability of the positive class
        target = "predicted"
    if isinstance(target, str):
        if target != "predicted":
            raise ValueError(f"target must be an output index or 'predicted'; got {target!r}")
        return np.argmax(out, axis=1)
    if not (isinstance(target, (int, np.integer)) and -k <= target < k):
        raise ValueError(f"target must be an output index in [0, {k}); got {target!r}")
    return int(target)


def gradient_importance(
    model: Any,
    X: Any,
    *,
    target: int | str | None = None,
    output: str = "auto",
    times_input: bool = False,
) -> np.ndarray:
    """Gradient-based feature importance: the mean absolute input gradient of each feature.

    ``mean_i |d prediction(x_i) / d x_ij|`` (saliency), or with ``times_input=True`` the
    mean of ``|x_ij * gradient_ij|`` (gradient x input, which accounts for the scale of
    each feature). Local sensitivities averaged over ``X``: unlike
    ``sklearn.inspection.permutation_importance`` it needs no labels and one backward pass,
    but it measures how fast the prediction moves, not how much accuracy depends on a
    feature. Standardise the features to compare saliencies across them.

    Parameters
    ----------
    model, X, target, output
        As in `input_gradients`.
    times_input : bool, default False

    Returns
    -------
    ndarray of shape (n_features,)

    Examples
    --------
    >>> X = np.array([[1.0, 2.0], [3.0, -1.0]])
    >>> gradient_importance(lambda X: 4 * X[:, 0] - 0.5 * X[:, 1], X)
    array([4. , 0.5])
    """
    gradients = input_gradients(model, X, target=target, output=output)
    if times_input:
        gradients = gradients * np.asarray(X, dtype=gradients.dtype)
    return np.mean(np.abs(gradients), axis=0)
