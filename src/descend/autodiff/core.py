"""The two objects of reverse mode: a derivative `Rule` and a `Trace` (a tape being recorded).

Every primitive applied to a traced value appends one entry to its trace's tape, in execution
order; the backward pass (`descend.autodiff.tape`) walks that list from the output down to the
inputs. Nested differentiation (``grad(grad(f))``) gives each trace a level: a primitive is
recorded on the highest-level trace among its arguments, and its rule receives the lower-level
traced values, so the rule's own arithmetic is recorded on the trace below. That is how one set
of rules, written in plain NumPy, gives derivatives of any order.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import Any

from descend.autodiff.errors import NotDifferentiableError

__all__ = ["Rule", "Trace", "Vjp", "zero_vjp"]

_levels = itertools.count(1)

Vjp = Callable[..., Any]


def zero_vjp(g: Any, ans: Any, *args: Any, **kwargs: Any) -> None:
    """The rule of an argument through which no gradient flows (``copysign``'s sign source)."""
    return None


class Rule:
    """How to evaluate one primitive and pull a cotangent back through each of its arguments.

    ``vjps[i](g, ans, *args, **kwargs)`` returns the cotangent of positional argument ``i``
    given the output cotangent ``g`` and the forward result ``ans``. ``argnum_vjp`` serves
    variadic primitives (``concatenate``): it is called as ``argnum_vjp(i, g, ans, *args)``.
    With ``broadcasts`` the engine sums each cotangent back to its argument's shape, so
    elementwise rules can be written as if no broadcasting happened. ``zero_safe`` marks
    rules whose local derivative can be infinite: a zero cotangent then stays exactly zero
    (see `descend.autodiff.tape.keep_zero_cotangent`);
    it may be a predicate ``zero_safe(argnum, args)`` when only some calls need that.
    ``jvp``, if given, is the native forward rule ``jvp(tangents, ans, *args, **kwargs)``
    (``tangents[i]`` is None for an argument without one); without it forward mode derives
    the tangent from the vjps (`descend.autodiff.forward`). ``batched``, if set, pulls a whole
    batch of cotangents back at once (`descend.autodiff.rules.batched`).
    """

    __slots__ = ("argnum_vjp", "batched", "broadcasts", "fun", "jvp", "name", "vjps", "zero_safe")

    def __init__(
        self,
        fun: Callable[..., Any],
        vjps: Sequence[Vjp | None] = (),
        *,
        name: str,
        argnum_vjp: Callable[..., Any] | None = None,
        broadcasts: bool = False,
        zero_safe: bool | Callable[..., bool] = False,
        jvp: Callable[..., Any] | None = None,
    ) -> None:
        self.fun = fun
        self.jvp = jvp
        self.batched: Callable[..., Any] | None = None
        self.vjps = tuple(vjps)
        self.name = name
        self.argnum_vjp = argnum_vjp
        self.broadcasts = broadcasts
        self.zero_safe = zero_safe

    def not_differentiable(self, argnum: int) -> NotDifferentiableError:
        return NotDifferentiableError(
            f"{self.name} is not differentiable with respect to its argument {argnum}; "
            "wrap that argument in descend.stop_gradient(...) if it is meant as a constant."
        )

    def __repr__(self) -> str:
        return f"Rule({self.name})"


class Trace:
    """One differentiation in progress: a level and a tape of recorded primitive calls."""

    __slots__ = ("active", "level", "tape")

    def __init__(self) -> None:
        self.level = next(_levels)
        # Entries: (rule, parents, args, kwargs, ans); rule is None for an input.
        # A node's index in this list is its identity.
        self.tape: list[tuple[Any, ...]] = []
        self.active = True
