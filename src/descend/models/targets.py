"""Targets in, predictions out: the regression and classification halves of an estimator.

Both mixins work on a model's raw output ``self._raw(params, X)``, a ``(n_samples,
n_outputs)`` array: regression values, or logits (one column for two classes, one per class
otherwise).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from descend import losses
from descend.models._sklearn import (
    ClassifierMixin,
    RegressorMixin,
    accuracy_score,
    available_if,
    check_classification_targets,
    check_is_fitted,
    column_or_1d,
    r2_score,
    validate_data,
)
from descend.models.base import GradientEstimator

__all__ = ["ClassifierOutputs", "RegressorOutputs"]

_FLOATS = [np.float64, np.float32]


def _partial_fit_available(estimator: Any) -> bool:
    try:
        return bool(estimator._uses_minibatches())
    except (TypeError, ValueError):
        return True  # invalid settings: let partial_fit itself raise the clear error


class _Outputs(GradientEstimator):
    def _raw_fitted(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=_FLOATS)
        return np.asarray(self._raw(self._state.params, X))

    def _refitting(self) -> bool:
        return bool(self.warm_start) and hasattr(self, "_state")


class RegressorOutputs(RegressorMixin, _Outputs):
    """Regression targets (1-D or 2-D), squared-error data loss, R² validation score."""

    def fit(self, X: Any, y: Any) -> Any:
        """Fit the model to data ``X`` of shape ``(n_samples, n_features)`` and targets ``y``.

        Returns
        -------
        self
        """
        X, Y = self._validate_xy(X, y, reset=not self._refitting())
        return self._train(X, Y, Y.shape[1], incremental=False)

    @available_if(_partial_fit_available)
    def partial_fit(self, X: Any, y: Any) -> Any:
        """One epoch of mini-batch updates on ``(X, y)`` (only with a mini-batch optimizer).

        Returns
        -------
        self
        """
        X, Y = self._validate_xy(X, y, reset=not hasattr(self, "_state"))
        return self._train(X, Y, Y.shape[1], incremental=True)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, shaped like the ``y`` given to ``fit``."""
        out = self._raw_fitted(X)
        return out[:, 0] if self._y_1d else out

    def _validate_xy(self, X: Any, y: Any, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(
            self, X, y, reset=reset, dtype=_FLOATS, multi_output=True, y_numeric=True
        )
        y = np.asarray(y, dtype=X.dtype)
        if reset:
            self._y_1d = y.ndim == 1
        return X, y.reshape(y.shape[0], -1)

    @staticmethod
    def _data_loss(out: Any, Y: Any) -> Any:
        """Half the mean squared error, scikit-learn's regression objective."""
        return 0.5 * losses.mse(Y, out)

    def _validation_score(self, params: Any, X: Any, Y: Any) -> float:
        return float(r2_score(Y, np.asarray(self._raw(params, X))))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


class ClassifierOutputs(ClassifierMixin, _Outputs):
    """Class labels of any type, logistic / softmax outputs, cross-entropy, accuracy."""

    def fit(self, X: Any, y: Any) -> Any:
        """Fit the classifier to data ``X`` of shape ``(n_samples, n_features)`` and labels ``y``.

        Returns
        -------
        self
        """
        refit = self._refitting()
        X, y = self._validate_xy(X, y, reset=not refit)
        if not refit:
            self._set_classes(np.unique(y))
        return self._train(X, self._encode(y, X.dtype), self._n_outputs(), incremental=False)

    @available_if(_partial_fit_available)
    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> Any:
        """One epoch of mini-batch updates on ``(X, y)`` (only with a mini-batch optimizer).

        ``classes`` (every label that can occur) is required on the first call, as in
        scikit-learn, since a batch may not show every class.

        Returns
        -------
        self
        """
        first = not hasattr(self, "_state")
        X, y = self._validate_xy(X, y, reset=first)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit")
            self._set_classes(np.unique(classes))
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={classes!r} differs from the classes of the first call {self.classes_}"
            )
        return self._train(X, self._encode(y, X.dtype), self._n_outputs(), incremental=True)

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits: ``(n_samples,)`` for two classes (of ``classes_[1]``), else one per class."""
        out = self._raw_fitted(X)
        return out[:, 0] if out.shape[1] == 1 else out

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``."""
        return np.exp(self.predict_log_proba(X))

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Logarithms of the class probabilities, computed stably from the logits."""
        out = self._raw_fitted(X)
        if out.shape[1] == 1:
            out = np.hstack([np.zeros_like(out), out])  # sigmoid(z) = softmax([0, z])[1]
        return losses.log_softmax(out, axis=1)

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each row."""
        out = self._raw_fitted(X)
        best = (out[:, 0] > 0).astype(int) if out.shape[1] == 1 else np.argmax(out, axis=1)
        return self.classes_[best]

    def _validate_xy(self, X: Any, y: Any, reset: bool) -> tuple[np.ndarray, np.ndarray]:
        X, y = validate_data(self, X, y, reset=reset, dtype=_FLOATS)
        check_classification_targets(y)
        return X, column_or_1d(y, warn=True)

    def _set_classes(self, classes: np.ndarray) -> None:
        if classes.shape[0] < 2:
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes; the data hold only "
                f"one class: {classes[0]}"
            )
        self.classes_ = classes

    def _n_outputs(self) -> int:
        return 1 if self.classes_.shape[0] == 2 else int(self.classes_.shape[0])

    def _encode(self, y: np.ndarray, dtype: Any) -> np.ndarray:
        """Class indices for softmax, or a ``(n, 1)`` 0/1 column for the logistic output."""
        indices = np.searchsorted(self.classes_, y)
        unknown = (indices >= self.classes_.shape[0]) | (
            self.classes_[np.minimum(indices, self.classes_.shape[0] - 1)] != y
        )
        if np.any(unknown):
            raise ValueError(
                f"labels {np.unique(y[unknown])} were not among the classes {self.classes_} "
                "seen by the first fit"
            )
        if self.classes_.shape[0] == 2:
            return indices.astype(dtype)[:, None]
        return indices

    @staticmethod
    def _data_loss(out: Any, Y: Any) -> Any:
        """Mean cross-entropy of the logits (logistic for one column, softmax otherwise)."""
        if Y.ndim == 2:
            return losses.binary_cross_entropy(Y, out)
        return losses.categorical_cross_entropy(Y, out)

    def _validation_score(self, params: Any, X: Any, Y: Any) -> float:
        out = np.asarray(self._raw(params, X))
        predicted = (out[:, 0] > 0) if out.shape[1] == 1 else np.argmax(out, axis=1)
        truth = Y[:, 0] if Y.ndim == 2 else Y
        return float(accuracy_score(truth, predicted.astype(truth.dtype)))
