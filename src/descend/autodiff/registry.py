"""The tables that say what descend does with each NumPy callable it meets on a traced value.

Three kinds of entry, looked up by the NumPy object itself:

- a ufunc maps to a `Rule` (``UFUNC_RULES``) or is constant (``CONSTANT_UFUNCS``: comparisons,
  ``floor``, ``sign``... whose derivative is zero wherever it exists);
- a function dispatched through ``__array_function__`` maps to a handler with NumPy's own
  signature (``FUNCTION_HANDLERS``), which validates the call and binds primitives;
- a function whose result carries no gradient (``argmax``, ``shape``, ``zeros_like``...) is in
  ``CONSTANT_FUNCTIONS`` and runs on the plain values;
- a function descend deliberately does not differentiate is in ``UNSUPPORTED`` with the reason,
  which its error message gives.

Anything in none of them is refused with an error that names it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from descend.autodiff.core import Rule, Vjp

__all__ = [
    "CONSTANT_FUNCTIONS",
    "CONSTANT_UFUNCS",
    "FUNCTION_HANDLERS",
    "UFUNC_RULES",
    "constant_functions",
    "defvjp",
    "defvjp_argnum",
    "existing",
    "implements",
    "METHOD_HANDLERS",
    "numpy_name",
    "UFUNC_METHODS",
    "UNSUPPORTED",
    "unsupported",
]

UFUNC_RULES: dict[np.ufunc, Rule] = {}
CONSTANT_UFUNCS: set[np.ufunc] = set()
FUNCTION_HANDLERS: dict[Callable[..., Any], Callable[..., Any]] = {}
CONSTANT_FUNCTIONS: set[Callable[..., Any]] = set()
# ufunc methods other than __call__ ("reduce", "accumulate", "outer", "at", "reduceat"):
# handler(ufunc, *inputs, **kwargs).
UFUNC_METHODS: dict[str, Callable[..., Any]] = {}
# Tracer operations that are not NumPy functions: "__getitem__", "astype".
METHOD_HANDLERS: dict[str, Callable[..., Any]] = {}
# NumPy callables (functions or ufuncs) that are refused on purpose, with the reason why.
UNSUPPORTED: dict[Any, str] = {}


def numpy_name(fun: Any) -> str:
    """The name a user would type: ``numpy.sum``, ``numpy.linalg.inv``, ``numpy.exp``.

    Examples
    --------
    >>> numpy_name(np.exp), numpy_name(np.linalg.inv)
    ('numpy.exp', 'numpy.linalg.inv')
    """
    if isinstance(fun, np.ufunc):
        name = str(fun.__name__)
        # scipy.special's ufuncs are looked up without importing scipy here.
        for namespace in ("numpy", "scipy.special", "scipy.special._ufuncs"):
            if getattr(sys.modules.get(namespace), name, None) is fun:
                return f"{namespace}.{name}"
        return f"ufunc.{name}"
    module = getattr(fun, "__module__", None) or "numpy"
    return f"{module}.{getattr(fun, '__name__', repr(fun))}"


def defvjp(
    fun: Callable[..., Any],
    *vjps: Vjp | None,
    broadcasts: bool = False,
    zero_safe: bool | Callable[..., bool] = False,
    name: str | None = None,
) -> Rule:
    """Make the `Rule` for ``fun`` with one vjp per positional argument.

    A ufunc's rule is registered for dispatch at once; other primitives are bound by the
    handlers that use them.
    """
    rule = Rule(fun, vjps, name=name or numpy_name(fun), broadcasts=broadcasts, zero_safe=zero_safe)
    if isinstance(fun, np.ufunc):
        UFUNC_RULES[fun] = rule
    return rule


def defvjp_argnum(fun: Callable[..., Any], argnum_vjp: Callable[..., Any], name: str) -> Rule:
    """Make the `Rule` of a variadic primitive: ``argnum_vjp(i, g, ans, *args)``."""
    return Rule(fun, (), name=name, argnum_vjp=argnum_vjp)


def implements(*funs: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated handler for the NumPy functions ``funs``."""

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        for fun in funs:
            FUNCTION_HANDLERS[fun] = handler
        return handler

    return register


def constant_functions(funs: Iterable[Callable[..., Any]]) -> None:
    """Declare NumPy functions whose result carries no gradient."""
    for fun in funs:
        if isinstance(fun, np.ufunc):
            CONSTANT_UFUNCS.add(fun)
        else:
            CONSTANT_FUNCTIONS.add(fun)


def unsupported(reason: str, funs: Iterable[Any]) -> None:
    """Declare that descend refuses ``funs`` on traced values, and why (shown in the error).

    The reason completes the sentence "descend does not differentiate numpy.X: ...", so it
    says what is in the way and what to do instead.

    Examples
    --------
    >>> UNSUPPORTED[np.save].startswith("saving a traced value")
    True
    """
    for fun in funs:
        UNSUPPORTED[fun] = reason


def existing(module: Any, names: Sequence[str]) -> list[Any]:
    """The attributes of ``module`` among ``names`` that this NumPy version has."""
    return [getattr(module, n) for n in names if hasattr(module, n)]
