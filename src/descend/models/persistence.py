"""Estimators to and from checkpoints: hyperparameters and fitted attributes, without pickle.

An ``"estimator"`` checkpoint (see `descend.checkpoint`) holds ``class`` (the estimator's
name in `descend.models`), ``params`` (``get_params()``, those that are plain data),
``unsaved`` (names of parameters that are objects, such as an optimizer object or callbacks,
which are not stored), ``attributes`` (the fitted attributes ending in ``_`` plus private
encodings) and ``train_state`` (`descend.training.TrainState` content: parameters, optimizer
state, generator, epoch, history).
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

from descend.checkpoint import CheckpointError, save_checkpoint
from descend.training import TrainState

__all__ = ["estimator_from_checkpoint", "save_estimator"]

# Private attributes that define how a fitted estimator reads its data.
_PRIVATE_ATTRIBUTES = ("_y_1d",)


def _is_plain(value: Any) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    return False


def _encode_attribute(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, np.ndarray) and value.dtype.hasobject:
        # feature_names_in_ and string labels: object arrays of str, stored as a list.
        if not all(isinstance(v, str) for v in value.ravel()):
            raise TypeError(f"cannot save attribute {name!r}: an object array of non-strings")
        return {"object_strings": value.tolist()}
    return {"value": value}


def _decode_attribute(spec: dict[str, Any]) -> Any:
    if "object_strings" in spec:
        return np.array(spec["object_strings"], dtype=object)
    return spec["value"]


def save_estimator(estimator: Any, path: str | os.PathLike[str]) -> None:
    """Write a fitted estimator to ``path`` (what its ``save`` method does).

    Examples
    --------
    >>> import os, tempfile
    >>> from descend.checkpoint import load
    >>> from descend.models import LinearRegression
    >>> model = LinearRegression().fit([[0.0], [1.0]], [1.0, 3.0])
    >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
    >>> save_estimator(model, path)
    >>> load(path).predict([[2.0]]).round(6)
    array([5.])
    """
    state: TrainState | None = getattr(estimator, "_state", None)
    if state is None:
        raise ValueError(f"this {type(estimator).__name__} is not fitted yet: fit it before save")
    params = estimator.get_params(deep=False)
    plain = {k: list(v) if isinstance(v, tuple) else v for k, v in params.items() if _is_plain(v)}
    tuples = [k for k, v in params.items() if isinstance(v, tuple) and _is_plain(v)]
    attributes = {
        name: _encode_attribute(name, value)
        for name, value in vars(estimator).items()
        if (name.endswith("_") and not name.startswith("_")) or name in _PRIVATE_ATTRIBUTES
    }
    save_checkpoint(
        path,
        "estimator",
        {
            "class": type(estimator).__name__,
            "params": plain,
            "tuple_params": tuples,
            "unsaved": sorted(set(params) - set(plain)),
            "attributes": attributes,
            "train_state": state.as_payload(),
        },
    )


def estimator_from_checkpoint(content: dict[str, Any], overrides: dict[str, Any]) -> Any:
    """Rebuild the estimator saved in ``content``; ``overrides`` set parameters on the way."""
    from descend import models

    name = content["class"]
    if name not in models.__all__:
        raise CheckpointError(f"the checkpoint holds an unknown estimator class {name!r}")
    cls = getattr(models, name)
    params = dict(content["params"])
    for key in content["tuple_params"]:
        params[key] = tuple(params[key])
    missing = [key for key in content["unsaved"] if key not in overrides]
    if missing:
        warnings.warn(
            f"parameters {missing} held objects that are not stored in checkpoints and are "
            f"reset to their defaults; pass them to descend.load ({missing[0]}=...) to "
            "continue training with them",
            UserWarning,
            stacklevel=3,
        )
    estimator = cls(**{**params, **overrides})
    for attribute, spec in content["attributes"].items():
        setattr(estimator, attribute, _decode_attribute(spec))
    estimator._state = TrainState.from_checkpoint(content["train_state"])
    estimator.history_ = estimator._state.history
    return estimator
