"""What the subcommands work on: problems by name or ``module:function``, and data files."""

from __future__ import annotations

import csv
import dataclasses
import importlib
import importlib.util
import os
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

from descend import problems
from descend.cli._errors import CommandError

__all__ = ["load_function", "load_table", "resolve_problem"]


def resolve_problem(spec: str, x0: np.ndarray | None, dim: int | None) -> Any:
    """A registry problem (``"rosenbrock"``) or a user's ``module:function`` with its ``x0``.

    Returns a `descend.problems.Problem` for a registry name, or ``(fun, x0)`` for a user's
    function, as `descend.compare` accepts them.

    Examples
    --------
    >>> resolve_problem("rosenbrock", None, 3).dim
    3
    >>> fun, x0 = resolve_problem("numpy:sum", np.ones(2), None)
    >>> float(fun(x0))
    2.0
    """
    if ":" in spec:
        fun = load_function(spec)
        if x0 is None:
            raise CommandError(f"{spec} is your own function: give its start point with --x0")
        if dim is not None:
            raise CommandError("--dim applies to built-in problems; for your function use --x0")
        return fun, x0
    try:
        problem = problems.get(spec, **({} if dim is None else {"dim": dim}))
    except (ValueError, TypeError) as error:
        raise CommandError(f"{error} (run `descend problems` to list them)") from None
    if x0 is not None:
        if x0.size != problem.dim:
            raise CommandError(
                f"--x0 has {x0.size} numbers but problem {spec!r} has {problem.dim} variables"
            )
        problem = dataclasses.replace(problem, x0=x0)
    return problem


def load_function(spec: str) -> Callable[..., Any]:
    """Import ``function`` from ``module:function`` or ``path/to/file.py:function``.

    The current directory is searched first, as ``python -m`` does.

    Examples
    --------
    >>> load_function("math:sqrt")(9.0)
    3.0
    """
    module_name, _, attribute = spec.rpartition(":")
    if not module_name or not attribute:
        raise CommandError(
            f"write your function as module:function or file.py:function; got {spec!r}"
        )
    try:
        if module_name.endswith(".py"):
            if not os.path.isfile(module_name):
                raise CommandError(f"no such file: {module_name}")
            name = os.path.splitext(os.path.basename(module_name))[0]
            location = importlib.util.spec_from_file_location(name, module_name)
            module = importlib.util.module_from_spec(location)  # type: ignore[arg-type]
            location.loader.exec_module(module)  # type: ignore[union-attr]
        else:
            if os.getcwd() not in sys.path:
                sys.path.insert(0, os.getcwd())
            module = importlib.import_module(module_name)
    except CommandError:
        raise
    except Exception as error:  # any failure inside the user's module is an input error here
        raise CommandError(
            f"cannot import {module_name!r}: {type(error).__name__}: {error}"
        ) from None
    function = getattr(module, attribute, None)
    if not callable(function):
        raise CommandError(f"{module_name!r} has no function {attribute!r}")
    return function


def load_table(path: str, target: str) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    """Features, target, feature names and target name from a CSV or ``.npy`` file.

    CSV: a header row names the columns (without one, columns are numbered from 0) and
    ``target`` is a column name or number; every other column must be numeric. NPY: a 2-D
    numeric array and ``target`` a column number (``-1`` is the last). The target is kept as
    text when it is not numeric (class labels).

    Examples
    --------
    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
    >>> _ = open(path, "w").write("a,b,label\\n1,2,yes\\n3,4,no\\n")
    >>> X, y, names, target = load_table(path, "label")
    >>> X.tolist(), y.tolist(), names, target
    ([[1.0, 2.0], [3.0, 4.0]], ['yes', 'no'], ['a', 'b'], 'label')
    """
    if not os.path.isfile(path):
        raise CommandError(f"no such file: {path}")
    if path.endswith(".npy"):
        return _load_npy(path, target)
    return _load_csv(path, target)


def _load_npy(path: str, target: str) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    try:
        data = np.load(path, allow_pickle=False)
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot read {path} as a .npy array: {error}") from None
    if data.ndim != 2 or data.shape[1] < 2 or not np.issubdtype(data.dtype, np.number):
        raise CommandError(
            f"{path} must hold a 2-D numeric array with the target as one column; got "
            f"dtype {data.dtype} and shape {data.shape}"
        )
    names = [str(i) for i in range(data.shape[1])]
    column = _column_index(target, names, path)
    features = np.delete(data, column, axis=1).astype(np.float64)
    return features, data[:, column], [n for i, n in enumerate(names) if i != column], names[column]


def _load_csv(path: str, target: str) -> tuple[np.ndarray, np.ndarray, list[str], str]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            delimiter = "\t" if path.endswith(".tsv") else ","
            table = [row for row in csv.reader(handle, delimiter=delimiter) if row]
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {path}: {error}") from None
    if len(table) < 2:
        raise CommandError(f"{path} has fewer than two rows: nothing to fit")
    header_present = not all(_is_number(cell) for cell in table[0])
    names = table[0] if header_present else [str(i) for i in range(len(table[0]))]
    rows = table[1:] if header_present else table
    for number, row in enumerate(rows, start=2 if header_present else 1):
        if len(row) != len(names):
            raise CommandError(
                f"{path} line {number} has {len(row)} fields but the first row has {len(names)}"
            )
    column = _column_index(target, names, path)
    features = []
    for number, row in enumerate(rows, start=2 if header_present else 1):
        values = []
        for i, cell in enumerate(row):
            if i == column:
                continue
            if not _is_number(cell):
                raise CommandError(
                    f"{path} line {number}, column {names[i]!r}: {cell!r} is not a number "
                    "(features must be numeric, with no missing values)"
                )
            values.append(float(cell))
        features.append(values)
    labels = [row[column].strip() for row in rows]
    y = np.array([float(v) for v in labels]) if all(map(_is_number, labels)) else np.array(labels)
    feature_names = [name for i, name in enumerate(names) if i != column]
    return np.array(features, dtype=np.float64), y, feature_names, names[column]


def _column_index(target: str, names: list[str], path: str) -> int:
    if target in names:
        return names.index(target)
    try:
        index = int(target)
    except ValueError:
        raise CommandError(
            f"no column {target!r} in {path}; the columns are {', '.join(names)}"
        ) from None
    if not -len(names) <= index < len(names):
        raise CommandError(f"--target {index} is out of range: {path} has {len(names)} columns")
    return index % len(names)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
