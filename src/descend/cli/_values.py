"""Reading command-line values: numbers, ``key=value`` settings, method lists, start points."""

from __future__ import annotations

import ast
import math
import os
from typing import Any

import numpy as np

from descend.cli._errors import CommandError

__all__ = [
    "parse_assignments",
    "parse_methods",
    "parse_value",
    "parse_vector",
    "split_top_level",
]


def parse_value(text: str) -> Any:
    """A command-line value as a Python one: int, float, bool, None, tuple or string.

    Examples
    --------
    >>> parse_value("0.1"), parse_value("3"), parse_value("true"), parse_value("adam")
    (0.1, 3, True, 'adam')
    >>> parse_value("64,32")
    (64, 32)
    """
    text = text.strip()
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered in ("none", "null"):
        return None
    if "," in text:
        return tuple(parse_value(part) for part in split_top_level(text))
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def split_top_level(text: str) -> list[str]:
    """Split ``text`` on commas that are not inside parentheses.

    Examples
    --------
    >>> split_top_level("adam(lr=0.1,beta1=0.8),bfgs")
    ['adam(lr=0.1,beta1=0.8)', 'bfgs']
    """
    parts, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise CommandError(f"unbalanced parentheses in {text!r}")
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if depth != 0:
        raise CommandError(f"unbalanced parentheses in {text!r}")
    parts.append(current.strip())
    if any(not part for part in parts):
        raise CommandError(f"empty item in the list {text!r} (two commas in a row?)")
    return parts


def parse_assignments(items: list[str] | None, option: str) -> dict[str, Any]:
    """``["lr=0.1", "nesterov=true"]`` -> ``{"lr": 0.1, "nesterov": True}``.

    Examples
    --------
    >>> parse_assignments(["lr=0.1", "sizes=64,32"], "--option")
    {'lr': 0.1, 'sizes': (64, 32)}
    """
    settings: dict[str, Any] = {}
    for item in items or []:
        name, equals, value = item.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier() or not value.strip():
            raise CommandError(f"{option} expects NAME=VALUE (e.g. lr=0.01); got {item!r}")
        settings[name] = parse_value(value)
    return settings


def parse_methods(text: str | None) -> Any:
    """The ``--methods`` list as `descend.compare` takes it.

    Plain names stay a list; a name with settings, ``adam(lr=0.1)``, becomes a dict entry
    ``{"adam(lr=0.1)": {"method": "adam", "lr": 0.1}}`` so that the same method can race
    with several settings.

    Examples
    --------
    >>> parse_methods("gd,bfgs")
    ['gd', 'bfgs']
    >>> parse_methods("adam(lr=0.1),bfgs")
    {'adam(lr=0.1)': {'method': 'adam', 'lr': 0.1}, 'bfgs': None}
    """
    if text is None:
        return None
    entries: dict[str, Any] = {}
    for item in split_top_level(text):
        name, paren, rest = item.partition("(")
        if not paren:
            entries[item] = None
            continue
        if not rest.endswith(")"):
            raise CommandError(f"write a method with settings as name(key=value,...); got {item!r}")
        settings = parse_assignments(split_top_level(rest[:-1]), f"method {name!r}")
        entries[item] = {"method": name.strip(), **settings}
    if all(value is None for value in entries.values()):
        return list(entries)
    return entries


def parse_vector(text: str, what: str = "--x0") -> np.ndarray:
    """A start point from ``"1,-2.5"``, ``"[1, -2.5]"`` or a ``.npy`` / ``.txt`` file.

    Examples
    --------
    >>> parse_vector("-1.2,1").tolist()
    [-1.2, 1.0]
    """
    if os.path.isfile(text):
        try:
            values = (
                np.load(text, allow_pickle=False) if text.endswith(".npy") else np.loadtxt(text)
            )
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {what} from {text!r}: {error}") from None
    else:
        try:
            parsed = ast.literal_eval(text.strip()) if text.strip().startswith("[") else None
            values = (
                np.array(parsed, dtype=np.float64)
                if parsed is not None
                else np.array([float(part) for part in text.split(",")])
            )
        except (ValueError, SyntaxError, TypeError):
            raise CommandError(
                f"{what} must be comma-separated numbers such as 1,-2.5 (write --x0=-1,2 when "
                f"it starts with a minus sign) or a .npy/.txt file; got {text!r}"
            ) from None
    vector = np.asarray(values, dtype=np.float64).reshape(-1)
    if vector.size == 0 or not all(math.isfinite(v) for v in vector):
        raise CommandError(f"{what} must contain finite numbers; got {text!r}")
    return vector
