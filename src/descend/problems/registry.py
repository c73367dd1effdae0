"""Look problems up by name, and list them by tag."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from typing import Any

from descend.problems import classic, mgh_data, mgh_scalable, mgh_small, quadratic
from descend.problems.problem import Problem

__all__ = ["TAGS", "all_problems", "get", "list_problems"]

TAGS: dict[str, str] = {
    "smooth": "twice continuously differentiable everywhere",
    "convex": "convex, so every local minimum is global",
    "quadratic": "a quadratic function (constant Hessian)",
    "multimodal": "has local minima that are not global, or several global minima",
    "mgh": "from More, Garbow & Hillstrom (1981)",
    "least-squares": "a sum of squared residuals; fun.residuals(x) returns them",
    "ill-conditioned": "Hessian at the minimiser has a large condition number",
    "badly-scaled": "variables differ by many orders of magnitude at the minimiser",
    "singular-hessian": "Hessian is singular at the minimiser (Newton converges linearly)",
    "nonsmooth-at-min": "not differentiable at the minimiser",
    "scalable": "takes a dim argument",
}

_CONSTRUCTORS: dict[str, Callable[..., Problem]] = {
    name: getattr(module, name)
    for module in (classic, mgh_small, mgh_data, mgh_scalable)
    for name in module.__all__
}
_CONSTRUCTORS["ill_conditioned_quadratic"] = quadratic.ill_conditioned_quadratic


def get(name: str, **params: Any) -> Problem:
    """Build the problem called ``name``, passing ``params`` to its constructor.

    Parameters
    ----------
    name : str
        A name from :func:`list_problems`.
    **params
        Constructor arguments, e.g. ``dim=10`` for the scalable problems or
        ``cond=1e6`` for ``"ill_conditioned_quadratic"``.

    Raises
    ------
    ValueError
        For an unknown name (the message lists the valid ones).
    TypeError
        For a parameter the problem does not take.

    Examples
    --------
    >>> from descend import problems
    >>> p = problems.get("rosenbrock", dim=10)
    >>> p.name, p.dim, p.f_min
    ('rosenbrock', 10, 0.0)
    """
    if not isinstance(name, str) or name not in _CONSTRUCTORS:
        close = difflib.get_close_matches(str(name), _CONSTRUCTORS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"unknown problem {name!r}.{hint} Valid names: {', '.join(sorted(_CONSTRUCTORS))}"
        )
    constructor = _CONSTRUCTORS[name]
    signature = inspect.signature(constructor)
    unknown = sorted(set(params) - set(signature.parameters))
    if unknown:
        accepted = ", ".join(signature.parameters) or "no parameters"
        raise TypeError(
            f"problem {name!r} got unexpected parameter(s) {', '.join(unknown)}; "
            f"it accepts: {accepted}"
        )
    return constructor(**params)


def list_problems(tag: str | None = None) -> list[str]:
    """Sorted names of all problems, or of those whose default instance has ``tag``.

    Examples
    --------
    >>> from descend import problems
    >>> problems.list_problems("convex")
    ['booth', 'ill_conditioned_quadratic', 'matyas', 'zakharov']
    """
    return [problem.name for problem in all_problems(tag)]


def all_problems(tag: str | None = None) -> list[Problem]:
    """Every problem built with its default parameters (optionally only those with ``tag``).

    This is the problem set that the solver tests and benchmarks run over.

    Examples
    --------
    >>> from descend import problems
    >>> [p.name for p in problems.all_problems("singular-hessian")]
    ['extended_powell_singular', 'powell_singular']
    """
    if tag is not None and tag not in TAGS:
        raise ValueError(f"unknown tag {tag!r}; valid tags: {', '.join(sorted(TAGS))}")
    built = [_CONSTRUCTORS[name]() for name in sorted(_CONSTRUCTORS)]
    return [problem for problem in built if tag is None or tag in problem.tags]
