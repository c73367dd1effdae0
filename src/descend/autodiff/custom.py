"""User-defined derivatives (`custom_vjp`, `custom_jvp`) and rematerialisation (`checkpoint`).

Each wraps a user's function so that, on traced arguments, the whole call is recorded as one
primitive whose rule the user (or the recomputation) supplies. The function's inputs may be
pytrees of arrays; its output is one array (or scalar).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from descend.autodiff.api import vjp
from descend.autodiff.core import Rule
from descend.autodiff.tracer import Tracer, bind, unbox_all
from descend.pytree import tree_flatten, tree_map, tree_unflatten

__all__ = ["checkpoint", "custom_jvp", "custom_vjp"]


def _is_traced(leaves: Sequence[Any]) -> bool:
    return any(type(leaf) is Tracer for leaf in leaves)


class _Split:
    """A call's arguments split into static ones (``nondiff_argnums``) and flat array leaves."""

    def __init__(self, args: tuple, nondiff_argnums: tuple[int, ...]) -> None:
        self.args = args
        self.nondiff = nondiff_argnums
        self.diff = [i for i in range(len(args)) if i not in nondiff_argnums]
        self.leaves, self.treedef = tree_flatten(tuple(args[i] for i in self.diff))
        for i in nondiff_argnums:
            if _is_traced(tree_flatten(args[i])[0]):
                raise TypeError(
                    f"argument {i} is in nondiff_argnums but holds a traced value; descend "
                    "cannot treat a value being differentiated as static. Remove it from "
                    "nondiff_argnums, or pass descend.stop_gradient(value)."
                )

    def rebuild(self, leaves: Sequence[Any]) -> tuple:
        """The full positional arguments, with ``leaves`` in place of the array leaves."""
        diff_args = tree_unflatten(self.treedef, list(leaves))
        full = list(self.args)
        for i, value in zip(self.diff, diff_args):
            full[i] = value
        return tuple(full)

    def static(self) -> tuple:
        return tuple(self.args[i] for i in self.nondiff)

    def flatten_cotangents(self, cts: Any, who: str) -> list[Any]:
        """Leaves of the per-argument cotangent tuple a user's rule returned."""
        if not isinstance(cts, tuple | list) or len(cts) != len(self.diff):
            raise TypeError(
                f"{who} must return a tuple with one cotangent per differentiable argument "
                f"({len(self.diff)}), got {type(cts).__name__}"
                + (f" of length {len(cts)}" if isinstance(cts, tuple | list) else "")
                + "."
            )
        leaves: list[Any] = []
        for i, c in zip(self.diff, cts):
            ref_def = tree_flatten(self.args[i])[1]
            flat, c_def = tree_flatten(_zeros_for_none(c, self.args[i]))
            if c_def != ref_def:
                raise TypeError(
                    f"{who} returned a cotangent for argument {i} with structure {c_def}; "
                    f"the argument has {ref_def}."
                )
            leaves.extend(flat)
        return leaves


def _zeros_for_none(ct: Any, ref: Any) -> Any:
    """``ct`` with each None (a zero cotangent, as in JAX) replaced by zeros shaped like ``ref``."""
    if ct is None:
        return tree_map(_zeros, ref)
    if isinstance(ct, dict) and isinstance(ref, dict):
        return {k: _zeros_for_none(ct.get(k), ref[k]) for k in ref}
    if isinstance(ct, tuple | list) and isinstance(ref, tuple | list) and len(ct) == len(ref):
        return type(ct)(_zeros_for_none(c, r) for c, r in zip(ct, ref))
    return ct


def _single_output(out: Any, name: str) -> None:
    if not (type(out) is Tracer or isinstance(out, np.ndarray | np.generic | float | int)):
        raise TypeError(
            f"{name} returned a {type(out).__name__}; a function with a custom rule or "
            "checkpoint must return one array. Wrap each output in its own function."
        )


class _PerCotangent:
    """The ``argnum_vjp`` of a whole-call rule: ``pull(leaves, g)`` gives every argument's
    cotangent at once; it runs once per cotangent and hands the leaves out one by one."""

    def __init__(self, pull: Callable[[tuple, Any], list[Any]]) -> None:
        self.pull = pull
        self.key: Any = None
        self.leaves: list[Any] = []

    def __call__(self, argnum: int, g: Any, ans: Any, *leaves: Any) -> Any:
        if self.key is not g:
            self.key, self.leaves = g, self.pull(leaves, g)
        return self.leaves[argnum]


def _zeros(like: Any) -> np.ndarray:
    value = unbox_all(like)
    return np.zeros(np.shape(value), np.result_type(value))


class custom_vjp:
    """A function with a user-supplied reverse-mode rule, set with `defvjp`.

    ``fwd(*args)`` returns ``(out, residuals)``; ``bwd(residuals, g)`` returns one cotangent
    per argument (None for zero). With ``nondiff_argnums`` those arguments are static: they
    are passed first to ``bwd`` and get no cotangent. ``bwd`` written in NumPy is itself
    differentiated, so second derivatives and forward mode work through it.

    Examples
    --------
    >>> import numpy as np
    >>> import descend
    >>> @descend.custom_vjp
    ... def clip_gradient(x):
    ...     return x
    >>> def fwd(x):
    ...     return x, None
    >>> def bwd(res, g):
    ...     return (np.clip(g, -1.0, 1.0),)
    >>> clip_gradient.defvjp(fwd, bwd)
    >>> descend.grad(lambda x: np.sum(5.0 * clip_gradient(x)))(np.ones(2))
    array([1., 1.])
    """

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.__name__: str = getattr(fun, "__name__", "custom_vjp function")
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.fwd: Callable[..., Any] | None = None
        self.bwd: Callable[..., Any] | None = None

    def defvjp(self, fwd: Callable[..., Any], bwd: Callable[..., Any]) -> None:
        """Set the forward function ``fwd(*args) -> (out, residuals)`` and ``bwd``."""
        self.fwd, self.bwd = fwd, bwd

    def __call__(self, *args: Any) -> Any:
        split = _Split(args, self.nondiff_argnums)
        if not _is_traced(split.leaves):
            return self.fun(*args)
        if self.fwd is None or self.bwd is None:
            raise TypeError(
                f"{self.__name__} is a custom_vjp function without a rule: call "
                f"{self.__name__}.defvjp(fwd, bwd) before differentiating it."
            )
        fwd, bwd, name = self.fwd, self.bwd, self.__name__
        residuals: list[Any] = []

        def run(*leaves: Any) -> Any:
            out, res = fwd(*split.rebuild(leaves))
            _single_output(out, f"{name}'s fwd")
            residuals.append(res)
            return out

        def pull(leaves: tuple, g: Any) -> list[Any]:
            cts = bwd(*split.static(), residuals[0], g)
            return split.flatten_cotangents(cts, f"{name}'s bwd")

        rule = Rule(run, (), name=name, argnum_vjp=_PerCotangent(pull))
        return bind(rule, split.leaves)


class custom_jvp:
    """A function with a user-supplied forward-mode rule, set with `defjvp`.

    ``jvp(primals, tangents)`` returns ``(out, tangent_out)``, linear in ``tangents``.
    Reverse mode transposes it (by tracing it as a function of the tangents), so one rule
    serves `grad`, `jvp` and every order.

    Examples
    --------
    >>> import numpy as np
    >>> import descend
    >>> @descend.custom_jvp
    ... def softplus(x):
    ...     return np.logaddexp(0.0, x)
    >>> @softplus.defjvp
    ... def softplus_jvp(primals, tangents):
    ...     (x,), (t,) = primals, tangents
    ...     return softplus(x), t * 0.5 * (1.0 + np.tanh(0.5 * x))  # the logistic function
    >>> float(descend.grad(softplus)(1000.0)), float(descend.jvp(softplus, (0.0,), (2.0,))[1])
    (1.0, 1.0)
    """

    def __init__(self, fun: Callable[..., Any], nondiff_argnums: Sequence[int] = ()) -> None:
        functools.update_wrapper(self, fun)
        self.fun = fun
        self.__name__: str = getattr(fun, "__name__", "custom_jvp function")
        self.nondiff_argnums = tuple(nondiff_argnums)
        self.jvp: Callable[..., Any] | None = None

    def defjvp(self, jvp: Callable[..., Any]) -> Callable[..., Any]:
        """Set the rule ``jvp(primals, tangents) -> (out, tangent_out)``; usable as a decorator."""
        self.jvp = jvp
        return jvp

    def __call__(self, *args: Any) -> Any:
        split = _Split(args, self.nondiff_argnums)
        if not _is_traced(split.leaves):
            return self.fun(*args)
        if self.jvp is None:
            raise TypeError(
                f"{self.__name__} is a custom_jvp function without a rule: decorate its "
                f"rule with @{self.__name__}.defjvp before differentiating it."
            )
        rule_fn, name = self.jvp, self.__name__

        def tangent_out(leaves: Sequence[Any], tangents: Sequence[Any]) -> Any:
            primals = split.rebuild(leaves)
            t_args = split.rebuild(tangents)
            _, t_out = rule_fn(
                tuple(primals[i] for i in split.diff), tuple(t_args[i] for i in split.diff)
            ) if not split.nondiff else rule_fn(primals, t_args)  # fmt: skip
            return t_out

        def jvp(tangents: list[Any], ans: Any, *leaves: Any) -> Any:
            full = [_zeros(v) if t is None else t for t, v in zip(tangents, leaves)]
            return tangent_out(leaves, full)

        def pull(leaves: tuple, g: Any) -> list[Any]:
            # The rule is linear in the tangents: its vjp in them is the transpose.
            _, back = vjp(lambda *ts: tangent_out(leaves, ts), *(_zeros(v) for v in leaves))
            return list(back(g))

        def run(*leaves: Any) -> Any:
            out = self.fun(*split.rebuild(leaves))
            _single_output(out, name)
            return out

        rule = Rule(run, (), name=name, argnum_vjp=_PerCotangent(pull), jvp=jvp)
        return bind(rule, split.leaves)


def checkpoint(fun: Callable[..., Any]) -> Callable[..., Any]:
    """Differentiate ``fun`` without storing its intermediate values: recompute them instead.

    Reverse mode keeps every intermediate result of the forward pass until the backward pass
    needs it. A checkpointed call keeps only its inputs and output, and re-runs ``fun`` (under
    its own trace) when the gradient reaches it: about one more forward evaluation of ``fun``
    for memory that no longer grows with its length. Known as ``jax.checkpoint`` /
    ``torch.utils.checkpoint``.

    Examples
    --------
    >>> import numpy as np
    >>> import descend
    >>> @descend.checkpoint
    ... def block(x):
    ...     for _ in range(10):
    ...         x = np.tanh(x)
    ...     return x
    >>> g = descend.grad(lambda x: np.sum(block(x)))(np.array([0.5]))
    >>> bool(np.allclose(g, descend.grad(lambda x: np.sum(block.__wrapped__(x)))(np.array([0.5]))))
    True
    """

    @functools.wraps(fun)
    def checkpointed(*args: Any) -> Any:
        split = _Split(args, ())
        if not _is_traced(split.leaves):
            return fun(*args)

        def run(*leaves: Any) -> Any:
            out = fun(*split.rebuild(leaves))
            _single_output(out, getattr(fun, "__name__", "the checkpointed function"))
            return out

        def pull(leaves: tuple, g: Any) -> list[Any]:
            _, back = vjp(run, *leaves)  # recompute the call, on its own tape
            return list(back(g))

        rule = Rule(run, (), name=f"checkpoint({getattr(fun, '__name__', 'fun')})",
                    argnum_vjp=_PerCotangent(pull))  # fmt: skip
        return bind(rule, split.leaves)

    return checkpointed
