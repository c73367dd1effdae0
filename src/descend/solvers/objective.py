"""A user's objective seen by the solvers: a function of one flat float64 vector.

`Objective` flattens the pytree ``x0`` once, rebuilds the user's structure around each trial
vector, supplies the gradient (user's ``jac`` or descend's engine), Hessians and
Hessian-vector products, validates what the user's functions return, and counts evaluations
the way SciPy does (``nfev``, ``njev``, ``nhev``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from descend.pytree import tree_flatten, tree_unflatten

__all__ = ["Objective"]


class Objective:
    """Wrap ``fun`` (and optionally ``jac``, ``hess``, ``hessp``) around a flat vector.

    Parameters
    ----------
    fun : callable
        ``fun(x, *args) -> float`` with ``x`` shaped like ``x0``; with ``jac=True`` it returns
        ``(value, gradient)``.
    x0 : pytree of float arrays
        Starting point; fixes the structure, shapes and result dtypes. A list or tuple of
        plain numbers is read as a 1-D array, as SciPy does.
    args : tuple
        Extra positional arguments for every user function.
    jac : None, True or callable
        None: exact gradient from descend's engine. True: ``fun`` returns the gradient too.
        Callable: ``jac(x, *args)`` returns the gradient with the structure of ``x``.
    hess : callable or None
        ``hess(x, *args)`` returning the ``(n, n)`` Hessian over the flattened parameters;
        None uses the engine.
    hessp : callable or None
        ``hessp(x, p, *args)`` returning the Hessian times ``p`` (structure of ``x``); None
        uses ``hess`` if given, else the engine.

    Examples
    --------
    >>> obj = Objective(lambda x: np.sum(x**2), np.array([1.0, 2.0]), jac=lambda x: 2 * x)
    >>> obj.value_and_grad(obj.x0)
    (5.0, array([2., 4.]))
    >>> obj.nfev, obj.njev
    (1, 1)
    """

    def __init__(
        self,
        fun: Callable[..., Any],
        x0: Any,
        args: tuple[Any, ...] = (),
        jac: Callable[..., Any] | bool | None = None,
        hess: Callable[..., Any] | None = None,
        hessp: Callable[..., Any] | None = None,
    ) -> None:
        if not callable(fun):
            raise TypeError(f"fun must be callable; got {type(fun).__name__}")
        if not (jac is None or jac is True or callable(jac)):
            raise TypeError(
                "jac must be None (exact gradient from descend's engine), True (fun returns "
                f"(value, gradient)) or a callable; got {jac!r}. Finite differences are not "
                "offered: descend differentiates fun exactly."
            )
        for name, value in (("hess", hess), ("hessp", hessp)):
            if value is not None and not callable(value):
                raise TypeError(f"{name} must be a callable or None; got {type(value).__name__}")
        self._fun, self._args, self._jac, self._hess, self._hessp = fun, args, jac, hess, hessp
        if _is_number_sequence(x0):
            x0 = np.asarray(x0, dtype=np.float64)  # SciPy's reading of minimize(f, [1.0, 2.0])
        leaves, self._treedef = tree_flatten(x0)
        arrays = [_float_leaf(leaf, i) for i, leaf in enumerate(leaves)]
        self._python_floats = [isinstance(leaf, (int, float)) for leaf in leaves]
        if not arrays or sum(a.size for a in arrays) == 0:
            raise ValueError("x0 has no parameters: pass a non-empty array or pytree of arrays")
        self._shapes = [a.shape for a in arrays]
        self._dtypes = [a.dtype for a in arrays]
        self._offsets = np.cumsum([0] + [a.size for a in arrays]).tolist()
        self._single = self._treedef.kind == "leaf"
        self.x0 = np.concatenate([a.astype(np.float64).ravel() for a in arrays])
        if not np.all(np.isfinite(self.x0)):
            bad = np.flatnonzero(~np.isfinite(self.x0))
            raise ValueError(
                f"x0 contains non-finite values (nan or inf) at flat position(s) "
                f"{bad[:5].tolist()}: start from a finite point"
            )
        self.size = self.x0.size
        self.nfev = self.njev = self.nhev = 0
        self._engine: dict[str, Callable[..., Any]] = {}

    # --- structure -------------------------------------------------------------------------
    def to_tree(self, x: Any) -> Any:
        """``x`` (flat) rebuilt in the structure of ``x0``; works on traced vectors too."""
        if self._single:
            return x if self._shapes[0] == (self.size,) else x.reshape(self._shapes[0])
        o = self._offsets
        parts = [x[o[i] : o[i + 1]].reshape(shape) for i, shape in enumerate(self._shapes)]
        return tree_unflatten(self._treedef, parts)

    def to_result(self, x: np.ndarray) -> Any:
        """Like `to_tree` but with copies in the dtypes of ``x0``'s leaves (Python floats stay
        Python floats)."""
        o = self._offsets
        parts: list[Any] = [
            x[o[i] : o[i + 1]].reshape(shape).astype(dtype)
            for i, (shape, dtype) in enumerate(zip(self._shapes, self._dtypes))
        ]
        parts = [float(p) if py else p for p, py in zip(parts, self._python_floats)]
        return parts[0] if self._single else tree_unflatten(self._treedef, parts)

    def flatten(self, tree: Any, what: str) -> np.ndarray:
        """Flatten a pytree shaped like ``x0`` (a gradient, an update) to a float64 vector."""
        leaves, treedef = tree_flatten(tree)
        if self._single or treedef.kind == "leaf":
            # One array: shaped like x0, or already flat.
            arr = np.asarray(tree, dtype=np.float64)
            if arr.shape in (self._shapes[0], (self.size,)):
                return arr.ravel()
            expected = self._shapes[0] if self._single else (self.size,)
            raise ValueError(f"{what} has shape {arr.shape}; expected {expected}")
        if treedef != self._treedef:
            raise ValueError(
                f"{what} does not have the structure of x0 (the same containers and keys, "
                f"{len(self._shapes)} arrays)"
            )
        parts = []
        for i, (leaf, shape) in enumerate(zip(leaves, self._shapes)):
            arr = np.asarray(leaf, dtype=np.float64)
            if arr.shape != shape:
                raise ValueError(f"{what}: leaf {i} has shape {arr.shape}; x0's has {shape}")
            parts.append(arr.ravel())
        return np.concatenate(parts)

    # --- evaluations -----------------------------------------------------------------------
    def fun(self, x: np.ndarray) -> float:
        """The objective value at ``x``."""
        self.nfev += 1
        out = self._fun(self.to_tree(x), *self._args)
        return _scalar(out[0] if self._jac is True else out)

    def value_and_grad(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """The objective value and its gradient (flat) at ``x``."""
        self.nfev += 1
        self.njev += 1
        if self._jac is True:
            value, gradient = self._fun(self.to_tree(x), *self._args)
        elif self._jac is None:
            try:
                value, gradient = self._engine_fn("value_and_grad")(x)
            except TypeError:
                self.fun(x)  # raises the clearer error if fun does not return a scalar
                raise
            return _scalar(value), _as_flat(gradient)
        else:
            tree = self.to_tree(x)
            value, gradient = self._fun(tree, *self._args), self._jac(tree, *self._args)
        return _scalar(value), self.flatten(gradient, "the gradient returned by jac")

    def hess(self, x: np.ndarray) -> np.ndarray:
        """The ``(n, n)`` Hessian at ``x``."""
        self.nhev += 1
        if self._hess is not None:
            matrix = np.asarray(self._hess(self.to_tree(x), *self._args), dtype=np.float64)
        else:
            matrix = np.asarray(self._engine_fn("hessian")(x), dtype=np.float64)
        n = self.size
        if matrix.size != n * n:
            raise ValueError(f"hess must return an ({n}, {n}) array; got shape {matrix.shape}")
        return matrix.reshape(n, n)

    def hvp(self, x: np.ndarray, v: np.ndarray) -> np.ndarray:
        """The Hessian at ``x`` times ``v``."""
        self.nhev += 1
        if self._hessp is not None:
            out = self._hessp(self.to_tree(x), self.to_tree(v), *self._args)
            return self.flatten(out, "the product returned by hessp")
        if self._hess is not None:
            self.nhev -= 1  # counted by hess()
            return self.hess(x) @ v
        from descend.autodiff import hvp

        return _as_flat(hvp(self._scalar_fun, x, v))

    # --- engine ----------------------------------------------------------------------------
    def _scalar_fun(self, z: Any) -> Any:
        out = self._fun(self.to_tree(z), *self._args)
        return out[0] if self._jac is True else out

    def _engine_fn(self, name: str) -> Callable[..., Any]:
        fn = self._engine.get(name)
        if fn is None:
            import descend.autodiff as autodiff

            fn = self._engine[name] = getattr(autodiff, name)(self._scalar_fun)
        return fn


def _is_number_sequence(x0: Any) -> bool:
    return (
        isinstance(x0, (list, tuple))
        and not hasattr(x0, "_fields")
        and len(x0) > 0
        and all(isinstance(v, (int, float, np.integer, np.floating)) for v in x0)
    )


def _float_leaf(leaf: Any, index: int) -> np.ndarray:
    arr = np.asarray(leaf)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.floating) or np.issubdtype(arr.dtype, np.integer)
    ):
        raise TypeError(
            f"x0 leaf {index} has dtype {arr.dtype}; minimize works on real float arrays"
        )
    return arr if np.issubdtype(arr.dtype, np.floating) else arr.astype(np.float64)


def _scalar(value: Any) -> float:
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(
            f"fun must return a scalar; got an array of shape {arr.shape} "
            "(reduce it, e.g. with np.sum or np.mean)"
        )
    return float(arr.reshape(()))


def _as_flat(gradient: Any) -> np.ndarray:
    return np.asarray(gradient, dtype=np.float64).ravel()
