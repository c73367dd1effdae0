"""The scikit-learn names descend's estimators build on, with one clear error if it is missing.

scikit-learn is an optional dependency of `descend.models` only (``pip install
'descend[models]'``); ``import descend`` never needs it.
"""

try:
    from sklearn.base import (
        BaseEstimator,
        ClassifierMixin,
        RegressorMixin,
        is_classifier,
    )
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.model_selection import train_test_split
    from sklearn.utils.metaestimators import available_if
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as error:  # pragma: no cover - exercised only without scikit-learn
    raise ImportError(
        "descend.models needs scikit-learn >= 1.6 for the estimator API: "
        "pip install 'descend[models]' (or pip install scikit-learn)"
    ) from error

__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "ConvergenceWarning",
    "RegressorMixin",
    "accuracy_score",
    "available_if",
    "check_classification_targets",
    "check_is_fitted",
    "column_or_1d",
    "is_classifier",
    "r2_score",
    "train_test_split",
    "validate_data",
]
