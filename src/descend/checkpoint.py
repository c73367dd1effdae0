"""Checkpoints of trainer states and estimators: one ``.npz`` file, arrays plus JSON, no pickle.

Format (version 1): a NumPy ``.npz`` archive written by `descend.optim.save_state`. Every
array (parameters, optimizer buffers) is stored under its own key with its exact dtype and
shape; everything else (the kind of checkpoint, epoch, history, hyperparameters, the state of
the ``np.random.Generator`` as its ``bit_generator.state`` dict, step counts) is JSON in the
0-d string entry ``__structure__``. The top-level JSON object has ``"format":
"descend-checkpoint"``, ``"version": 1`` and ``"kind"`` (``"train_state"`` or
``"estimator"``). Any NumPy can read the arrays; nothing is unpickled, so loading a file from
an untrusted source cannot run code.

Writes go to a temporary file in the same directory, then ``os.replace`` renames it over the
target: a save interrupted at any point (crash, kill, full disk) leaves the previous
checkpoint complete. The zip CRCs detect truncated or corrupted files on load.

Examples
--------
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.npz")
>>> save_checkpoint(path, "notes", {"w": np.arange(3.0), "epoch": 2})
>>> read_checkpoint(path)["epoch"]
2
"""

from __future__ import annotations

import os
import zipfile
from typing import Any

import numpy as np

from descend.optim import load_state, save_state

__all__ = [
    "CheckpointError",
    "generator_from_state",
    "generator_state",
    "load",
    "read_checkpoint",
    "save_checkpoint",
]

FORMAT = "descend-checkpoint"
VERSION = 1
_BIT_GENERATORS = ("PCG64", "PCG64DXSM", "MT19937", "Philox", "SFC64")


class CheckpointError(ValueError):
    """A checkpoint file is truncated, corrupted, or not a descend checkpoint.

    Examples
    --------
    >>> issubclass(CheckpointError, ValueError)
    True
    """


def save_checkpoint(path: str | os.PathLike[str], kind: str, payload: dict[str, Any]) -> None:
    """Write ``payload`` (a dict of arrays, numbers, strings, lists, dicts) atomically.

    Parameters
    ----------
    path : str or path-like
        Target file; conventionally ending in ``.npz``.
    kind : str
        What the checkpoint holds; `load` dispatches on it.
    payload : dict
        The content; keys ``format``, ``version`` and ``kind`` are reserved.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.npz")
    >>> save_checkpoint(path, "notes", {"lr": 0.1})
    >>> sorted(read_checkpoint(path))
    ['format', 'kind', 'lr', 'version']
    """
    reserved = {"format", "version", "kind"} & set(payload)
    if reserved:
        raise ValueError(f"payload keys {sorted(reserved)} are reserved by the checkpoint format")
    save_state(path, {"format": FORMAT, "version": VERSION, "kind": kind, **payload})


def read_checkpoint(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a checkpoint written by `save_checkpoint` (no pickle) and check its header.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    CheckpointError
        If the file is truncated, corrupted or not a descend checkpoint.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.npz")
    >>> with open(path, "wb") as f:
    ...     _ = f.write(b"not a zip")
    >>> read_checkpoint(path)
    Traceback (most recent call last):
    ...
    descend.checkpoint.CheckpointError: cannot read checkpoint ...
    """
    name = os.fspath(path)
    if not os.path.exists(name):
        raise FileNotFoundError(f"no checkpoint at {name!r}")
    try:
        content = load_state(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, KeyError) as error:
        raise CheckpointError(
            f"cannot read checkpoint {name!r}: the file is truncated or corrupted ({error}). "
            "descend writes checkpoints atomically, so this file was damaged after it was "
            "written; load an earlier checkpoint"
        ) from error
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise CheckpointError(f"{name!r} is an .npz file but not a descend checkpoint")
    if content.get("version") != VERSION:
        raise CheckpointError(
            f"{name!r} is a version {content.get('version')} checkpoint; this descend reads "
            f"version {VERSION}"
        )
    return content


def generator_state(rng: np.random.Generator) -> dict[str, Any]:
    """The state of ``rng`` as plain data (``rng.bit_generator.state``), for a checkpoint.

    Examples
    --------
    >>> generator_state(np.random.default_rng(0))["bit_generator"]
    'PCG64'
    """
    return dict(rng.bit_generator.state)


def generator_from_state(state: dict[str, Any]) -> np.random.Generator:
    """A ``np.random.Generator`` that continues exactly where the saved one stopped.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> saved = generator_state(rng)
    >>> first = rng.random()
    >>> generator_from_state(saved).random() == first
    True
    """
    name = state.get("bit_generator")
    if name not in _BIT_GENERATORS:
        raise CheckpointError(
            f"unknown bit generator {name!r} in checkpoint; expected one of {_BIT_GENERATORS}"
        )
    bit_generator = getattr(np.random, name)()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def load(path: str | os.PathLike[str], **params: Any) -> Any:
    """Load a checkpoint: a `descend.training.TrainState` or a fitted descend estimator.

    Parameters
    ----------
    path : str or path-like
        A file written by ``TrainState.save`` or an estimator's ``save``.
    **params
        Estimator parameters to set on load. Parameters that are not plain data (an optimizer
        object, callbacks) are not stored in the file and must be given here again.

    Examples
    --------
    >>> import os, tempfile
    >>> from descend.training import TrainState
    >>> state = TrainState(params={"w": np.ones(2)}, opt_state=None, epoch=3)
    >>> path = os.path.join(tempfile.mkdtemp(), "run.npz")
    >>> state.save(path)
    >>> load(path).epoch
    3
    """
    content = read_checkpoint(path)
    kind = content["kind"]
    # Imported here: descend.models needs scikit-learn, which plain `import descend` must not.
    if kind == "train_state":
        from descend.training.state import TrainState

        if params:
            raise TypeError("keyword arguments are for estimator checkpoints only")
        return TrainState.from_checkpoint(content)
    if kind == "estimator":
        from descend.models.persistence import estimator_from_checkpoint

        return estimator_from_checkpoint(content, params)
    raise CheckpointError(f"{os.fspath(path)!r} holds a {kind!r} checkpoint, not a loadable one")
