"""Save and load optimizer states as ``.npz`` files, exactly and without pickle."""

from __future__ import annotations

import json
import os
from typing import Any

import numpy as np

from descend.atomic import atomic_file

__all__ = ["save_state", "load_state"]

_STRUCTURE_KEY = "__structure__"


def _encode(node: Any, arrays: dict[str, np.ndarray]) -> Any:
    """JSON description of ``node``; arrays go to ``arrays`` under keys ``a0, a1, ...``."""
    if isinstance(node, np.ndarray):
        if node.dtype.hasobject:
            raise TypeError("cannot save an object array: it would need pickle")
        key = f"a{len(arrays)}"
        arrays[key] = node
        return {"array": key}
    if isinstance(node, dict):
        for key in node:
            if not isinstance(key, str):
                raise TypeError(f"state dict keys must be strings to be saved; got {key!r}")
        return {"dict": {k: _encode(v, arrays) for k, v in node.items()}}
    if isinstance(node, (list, tuple)):
        kind = "list" if isinstance(node, list) else "tuple"
        return {kind: [_encode(v, arrays) for v in node]}
    if node is None:
        return {"none": None}
    # bool before int: bool is a subclass of int.
    for kind, types in (
        ("bool", (bool, np.bool_)),
        ("int", (int, np.integer)),
        ("float", (float, np.floating)),
        ("str", (str,)),
    ):
        if isinstance(node, types):
            return {kind: node.item() if isinstance(node, np.generic) else node}
    raise TypeError(
        f"cannot save a state leaf of type {type(node).__name__}: states hold dicts, lists, "
        "tuples, arrays, numbers and strings"
    )


def _decode(spec: dict[str, Any], arrays: Any) -> Any:
    ((kind, value),) = spec.items()
    if kind == "array":
        return arrays[value]
    if kind == "dict":
        return {k: _decode(v, arrays) for k, v in value.items()}
    if kind == "list":
        return [_decode(v, arrays) for v in value]
    if kind == "tuple":
        return tuple(_decode(v, arrays) for v in value)
    if kind == "none":
        return None
    if kind in ("bool", "int", "float", "str"):
        return {"bool": bool, "int": int, "float": float, "str": str}[kind](value)
    raise ValueError(f"unknown entry {kind!r} in a saved state: the file is not a descend state")


def save_state(path: str | os.PathLike[str], state: Any) -> None:
    """Write ``state`` to ``path`` (``.npz``) atomically: arrays as arrays, structure as JSON.

    Python scalars (step counts, the current rate) are kept in the JSON with their exact
    value (``float`` reprs round-trip), arrays keep their dtype and shape. No pickle.

    Examples
    --------
    >>> import os, tempfile
    >>> from descend.optim import adam
    >>> opt = adam()
    >>> state = opt.init({"w": np.ones(3, np.float32)})
    >>> path = os.path.join(tempfile.mkdtemp(), "adam.npz")
    >>> save_state(path, state)
    >>> load_state(path)["parts"][0]["mu"][0].dtype
    dtype('float32')
    """
    arrays: dict[str, np.ndarray] = {}
    structure = json.dumps(_encode(state, arrays))
    arrays[_STRUCTURE_KEY] = np.array(structure)
    with atomic_file(path) as f:
        np.savez(f, allow_pickle=False, **arrays)


def load_state(path: str | os.PathLike[str]) -> Any:
    """Read a state written by `save_state` (``allow_pickle=False``).

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "s.npz")
    >>> save_state(path, {"count": 3, "lr": 0.1, "mu": [np.arange(2.0)]})
    >>> load_state(path)
    {'count': 3, 'lr': 0.1, 'mu': [array([0., 1.])]}
    """
    with np.load(path, allow_pickle=False) as data:
        if _STRUCTURE_KEY not in data.files:
            raise ValueError(
                f"{os.fspath(path)!r} is not a state saved by descend.optim.save_state"
            )
        structure = json.loads(str(data[_STRUCTURE_KEY]))
        arrays = {key: data[key] for key in data.files if key != _STRUCTURE_KEY}
    return _decode(structure, arrays)
