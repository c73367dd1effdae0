"""The differential operators: grad, value_and_grad, vjp, jacobian, hessian, hvp, stop_gradient.

Each one traces the user's function on fresh `Trace` inputs, then walks the tape backwards.
They compose freely: ``grad(grad(f))``, ``jacobian(grad(f))``, ``grad`` of a function that
calls ``grad``.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from descend.autodiff import rules, updates  # noqa: F401 - register the derivative rules
from descend.autodiff.core import Trace
from descend.autodiff.tape import backward, backward_batched
from descend.autodiff.tracer import Tracer, new_input, unbox_all
from descend.pytree import TreeDef, tree_flatten, tree_map, tree_unflatten, tree_vdot

__all__ = [
    "grad",
    "hessian",
    "hvp",
    "jacobian",
    "jacrev",
    "stop_gradient",
    "value_and_grad",
    "vjp",
]

ArgNums = int | Sequence[int]


class _collector_paused:
    """Pause CPython's cyclic garbage collector while a tape is built and walked.

    A tape makes a few small objects per operation and no reference cycles, so reference
    counting frees all of it; the cyclic collector would only rescan the growing tape (about a
    tenth of the time of a small gradient). It resumes when the outermost call returns.
    """

    __slots__ = ("paused",)

    def __enter__(self) -> None:
        self.paused = gc.isenabled()
        if self.paused:
            gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.paused:
            gc.enable()


def lower(trace: Trace, tree: Any) -> Any:
    """``tree`` with ``trace``'s tracers replaced by the values they wrap (outer ones kept).

    Examples
    --------
    >>> lower(Trace(), {"a": 1.0})
    {'a': 1.0}
    """
    if type(tree) is Tracer:
        return tree._value if tree._trace is trace else tree
    return tree_map(lambda x: x._value if type(x) is Tracer and x._trace is trace else x, tree)


class _Traced:
    """A function call traced on one `Trace`: its output and its differentiated inputs."""

    def __init__(self, fun: Callable[..., Any], args: tuple, kwargs: dict, argnums: tuple):
        self.trace = trace = Trace()
        # Per differentiated argument: its structure, the tape nodes of its leaves, the leaves.
        # Nodes are kept by position, not through the tracers handed to `fun`, because
        # `x[0] = v` inside `fun` re-points those.
        self.inputs: list[tuple[TreeDef, range, list[Any]]] = []
        call_args = list(args)
        try:
            for i in argnums:
                leaves, treedef = tree_flatten(args[i])
                values = [_float_input(leaf, i, fun) for leaf in leaves]
                start = len(trace.tape)
                call_args[i] = tree_unflatten(treedef, [new_input(trace, v) for v in values])
                self.inputs.append((treedef, range(start, len(trace.tape)), leaves))
            self.out = fun(*call_args, **kwargs)
        finally:
            trace.active = False

    def lower(self, tree: Any) -> Any:
        """``tree`` with this trace's tracers replaced by the values they wrap."""
        return lower(self.trace, tree)

    def node(self, x: Any) -> int | None:
        return x._idx if type(x) is Tracer and x._trace is self.trace else None

    def value(self, node: int) -> Any:
        """The plain value of input ``node``."""
        return unbox_all(self.trace.tape[node][4])

    def pull_back(self, seeds: dict[int, Any]) -> list[Any]:
        """Backward from ``seeds``; one pytree of cotangents per differentiated argument."""
        grads = backward(self.trace, seeds) if seeds else None
        handed_out: set[int] = set()
        result = []
        tape = self.trace.tape
        for treedef, nodes, leaves in self.inputs:
            cts = [
                _gradient_leaf(None if grads is None else grads[i], tape[i][4], leaf, handed_out)
                for i, leaf in zip(nodes, leaves)
            ]
            result.append(tree_unflatten(treedef, cts))
        return result

    def pull_back_rows(self, idx: int | None, rows: np.ndarray) -> list[list[Any]]:
        """Pull back a batch of output cotangents (``rows[b]`` each) in one walk of the tape.

        Returns, per differentiated argument, the list of its leaves' cotangents, each with
        the batch axis in front.
        """
        grads = backward_batched(self.trace, {idx: rows}) if idx is not None else None
        batch = rows.shape[0]
        result = []
        for _, nodes, _ in self.inputs:
            cts = []
            for i in nodes:
                value = self.value(i)
                g = None if grads is None else grads[i]
                if g is None:
                    g = np.zeros((batch, *np.shape(value)), dtype=value.dtype)
                cts.append(_in_dtype(g, value.dtype))
            result.append(cts)
        return result


_PY_INEXACT = (float, complex)
_NUMPY_VALUES = (np.ndarray, np.generic)


def _float_input(leaf: Any, argnum: int, fun: Callable[..., Any]) -> Any:
    if type(leaf) is Tracer:
        return leaf
    if type(leaf) is np.ndarray:
        dtype = leaf.dtype
    else:
        dtype = np.result_type(leaf) if not isinstance(leaf, bool | int) else np.dtype(type(leaf))
    if dtype.kind not in "fc":
        raise TypeError(
            f"cannot differentiate {_name(fun)} with respect to argument {argnum}: it holds "
            f"dtype {dtype} values, and descend differentiates with respect to floating-point "
            f"(real or complex) inputs only. Pass a float array (e.g. x.astype(float) or 2.0 "
            f"rather than 2), or leave this argument out of argnums if it is not meant to be "
            f"differentiated."
        )
    return np.asarray(leaf) if isinstance(leaf, _PY_INEXACT) else leaf


def _in_dtype(g: Any, dtype: np.dtype) -> Any:
    """Cotangent ``g`` in the input's dtype; a real input reached through complex
    intermediates gets the real part (JAX's rule)."""
    if g.dtype == dtype:
        return g
    return (np.real(g) if g.dtype.kind == "c" and dtype.kind != "c" else g).astype(dtype)


def _gradient_leaf(g: Any, value: Any, leaf: Any, handed_out: set[int]) -> Any:
    """The cotangent of one input leaf, in the leaf's dtype, never aliasing another result."""
    if g is None:
        g = np.zeros_like(unbox_all(value))
    g = _in_dtype(g, unbox_all(value).dtype)
    if type(g) is np.ndarray and (id(g) in handed_out or not g.flags.writeable or g.base is not
                                  None):  # fmt: skip
        g = g.copy()
    handed_out.add(id(g))
    if isinstance(leaf, _PY_INEXACT) and type(g) is np.ndarray:
        return g[()]
    if isinstance(leaf, np.ndarray) and isinstance(g, np.generic):
        return np.asarray(g)  # a 0-d array in, a 0-d array out
    return g


def _name(fun: Callable[..., Any]) -> str:
    return getattr(fun, "__name__", repr(fun))


def _argnums(argnums: ArgNums, n_args: int, fun: Callable[..., Any]) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for i in nums:
        if not -n_args <= i < n_args:
            raise ValueError(
                f"argnums={argnums!r} but {_name(fun)} was called with {n_args} positional "
                "argument(s)."
            )
    return tuple(i % n_args for i in nums)


def _scalar_seed(
    traced: _Traced, out: Any, fun: Callable[..., Any], op: str, holomorphic: bool = False
) -> dict[int, Any]:
    shape = out.shape if type(out) is Tracer else np.shape(out) if _is_numeric(out) else None
    if shape != ():
        got = f"an array of shape {shape}" if shape is not None else f"a {type(out).__name__}"
        raise TypeError(
            f"{op} needs {_name(fun)} to return a scalar, but it returned {got}. Use "
            "descend.jacobian for vector outputs, or descend.vjp to pull back a cotangent."
        )
    value = unbox_all(out)
    dtype = value.dtype if isinstance(value, _NUMPY_VALUES) else np.result_type(value)
    if holomorphic or dtype.kind == "c":
        _check_complex(traced, dtype, fun, op, holomorphic)
    idx = traced.node(out)
    if idx is None:
        return {}
    return {idx: np.ones((), dtype=dtype)}


def _check_complex(
    traced: _Traced, out_dtype: np.dtype, fun: Callable[..., Any], op: str, holomorphic: bool
) -> None:
    """JAX's rules: complex outputs need ``holomorphic=True``, which needs complex inputs."""
    if holomorphic:
        real = [
            i for i, (_, nodes, _) in enumerate(traced.inputs)
            if any(traced.value(n).dtype.kind != "c" for n in nodes)
        ]  # fmt: skip
        if real:
            raise TypeError(
                f"{op}(..., holomorphic=True) needs complex inputs, but differentiated argument "
                f"{real[0]} of {_name(fun)} is real. Pass it as a complex array "
                "(x.astype(complex)), or drop holomorphic=True for a real-valued function."
            )
    elif out_dtype.kind == "c":
        raise TypeError(
            f"{op} needs {_name(fun)} to return a real value, but it returned a complex one. "
            f"For a holomorphic function pass holomorphic=True (and complex inputs); otherwise "
            "differentiate a real quantity such as np.abs(z) ** 2 or np.real(z)."
        )


def _is_numeric(x: Any) -> bool:
    return type(x) is Tracer or isinstance(x, np.ndarray | np.generic | float | int)


def value_and_grad(
    fun: Callable[..., Any],
    argnums: ArgNums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """Make a function returning both ``fun(*args)`` and its gradient (reverse mode).

    Parameters
    ----------
    fun : callable
        A scalar-valued function written with plain NumPy.
    argnums : int or sequence of int, default 0
        Which positional arguments to differentiate. Each may be a float, an array, or a pytree
        (tuple, list, dict) of them.
    has_aux : bool, default False
        If True, ``fun`` returns ``(value, aux)`` and ``aux`` is passed through undifferentiated.
    holomorphic : bool, default False
        ``fun`` is a complex-differentiable function of complex inputs; the result is its
        complex derivative. Without it a complex input is allowed only for a real-valued
        ``fun``, and the gradient is ``df/dx - 1j * df/dy`` (JAX's convention, see
        docs/complex.md): step along ``np.conj(gradient)`` to ascend.

    Returns
    -------
    callable
        ``(value, gradient)``, or ``((value, aux), gradient)`` with ``has_aux``. The gradient
        has the structure and dtype of the differentiated argument (a tuple of them when
        ``argnums`` is a sequence).

    Examples
    --------
    >>> import numpy as np
    >>> from descend import value_and_grad
    >>> value, g = value_and_grad(lambda x: np.sum(x ** 2))(np.array([1.0, 2.0]))
    >>> float(value), g
    (5.0, array([2., 4.]))
    """

    @functools.wraps(fun)
    def value_and_grad_fun(*args: Any, **kwargs: Any) -> Any:
        with _collector_paused():
            return _value_and_grad(fun, argnums, has_aux, holomorphic, args, kwargs)

    return value_and_grad_fun


def _value_and_grad(
    fun: Callable[..., Any],
    argnums: ArgNums,
    has_aux: bool,
    holomorphic: bool,
    args: tuple,
    kwargs: dict,
) -> Any:
    nums = _argnums(argnums, len(args), fun)
    traced = _Traced(fun, args, kwargs, nums)
    out, aux = traced.out, None
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise TypeError(
                f"has_aux=True needs {_name(fun)} to return a pair (value, aux); it returned "
                f"{type(out).__name__}."
            )
        out, aux = out
    seeds = _scalar_seed(traced, out, fun, "grad", holomorphic)
    grads = traced.pull_back(seeds)
    g = grads[0] if isinstance(argnums, int) else tuple(grads)
    value = traced.lower(out)
    return ((value, traced.lower(aux)), g) if has_aux else (value, g)


def grad(
    fun: Callable[..., Any],
    argnums: ArgNums = 0,
    has_aux: bool = False,
    holomorphic: bool = False,
) -> Callable[..., Any]:
    """Make a function returning the gradient of scalar-valued ``fun`` (reverse mode).

    ``fun`` is plain NumPy code: ``import numpy as np`` and write it as usual. Derivatives of
    any order come from nesting: ``grad(grad(f))``.

    Parameters
    ----------
    fun : callable
        Returns a scalar (shape ``()``) real value.
    argnums : int or sequence of int, default 0
        Which positional arguments to differentiate.
    has_aux : bool, default False
        If True, ``fun`` returns ``(value, aux)``; the result is then ``(gradient, aux)``.
    holomorphic : bool, default False
        Differentiate a complex-differentiable function of complex inputs (see
        `value_and_grad`).

    Returns
    -------
    callable
        The gradient, with the structure and dtype of the differentiated argument(s).

    Examples
    --------
    >>> import numpy as np
    >>> from descend import grad
    >>> grad(lambda x, y: x**2 + 2*x*y + 3*y**2, argnums=(0, 1))(2.0, 3.0)
    (np.float64(10.0), np.float64(22.0))
    >>> bool(grad(grad(np.sin))(0.5) == -np.sin(0.5))
    True
    >>> complex(grad(lambda z: z ** 3, holomorphic=True)(1j))
    (-3+0j)
    """
    vg = value_and_grad(fun, argnums, has_aux, holomorphic)

    @functools.wraps(fun)
    def grad_fun(*args: Any, **kwargs: Any) -> Any:
        if has_aux:
            (_, aux), g = vg(*args, **kwargs)
            return g, aux
        return vg(*args, **kwargs)[1]

    return grad_fun


def vjp(fun: Callable[..., Any], *primals: Any, has_aux: bool = False) -> tuple[Any, ...]:
    """Evaluate ``fun(*primals)`` and return it with its vector-Jacobian product function.

    Returns
    -------
    out, vjp_fn (, aux)
        ``vjp_fn(cotangent)`` takes a cotangent shaped like ``out`` and returns a tuple with
        one cotangent per primal. It may be called many times.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import vjp
    >>> out, pull = vjp(lambda x: x * np.array([1.0, 2.0, 3.0]), np.ones(3))
    >>> pull(np.array([1.0, 1.0, 0.0]))
    (array([1., 2., 0.]),)
    """
    with _collector_paused():
        traced = _Traced(fun, primals, {}, tuple(range(len(primals))))
    out, aux = traced.out if has_aux else (traced.out, None)
    out_leaves, out_def = tree_flatten(out)

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        ct_leaves, ct_def = tree_flatten(cotangent)
        if ct_def != out_def:
            raise ValueError(
                f"the cotangent's structure {ct_def} differs from the output's {out_def}"
            )
        seeds: dict[int, Any] = {}
        for o, ct in zip(out_leaves, ct_leaves):
            if np.shape(ct) != np.shape(o):
                raise ValueError(
                    f"a cotangent of shape {np.shape(ct)} was given for an output of shape "
                    f"{np.shape(o)}."
                )
            idx = traced.node(o)
            if idx is not None:
                ct = np.array(ct, dtype=np.result_type(unbox_all(o))) if type(ct) is not \
                    Tracer else ct  # fmt: skip
                seeds[idx] = ct if idx not in seeds else seeds[idx] + ct
        with _collector_paused():
            return tuple(traced.pull_back(seeds))

    value = traced.lower(out)
    return (value, vjp_fn, traced.lower(aux)) if has_aux else (value, vjp_fn)


def jacobian(
    fun: Callable[..., Any], argnums: ArgNums = 0, holomorphic: bool = False
) -> Callable[..., Any]:
    """Make a function returning the Jacobian of ``fun`` by reverse mode.

    All rows come from one batched walk of the tape (the output cotangents are the rows of
    an identity, pulled back together), split into a few walks only when the batch would
    need more than ~32 MB per intermediate. Elementwise steps process the whole batch in
    one NumPy call; other steps loop over the rows within the walk.

    The Jacobian of an output of shape ``S`` with respect to an input of shape ``T`` has shape
    ``S + T``. With pytree inputs or outputs the result nests output structure outside input
    structure, as in JAX. Complex outputs need ``holomorphic=True`` (and complex inputs).
    `descend.jacfwd` is the forward-mode alternative for functions with few inputs.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import jacobian
    >>> jacobian(lambda x: x ** 2)(np.array([1.0, 2.0]))
    array([[2., 0.],
           [0., 4.]])
    """

    @functools.wraps(fun)
    def jacobian_fun(*args: Any, **kwargs: Any) -> Any:
        with _collector_paused():
            return _jacobian(fun, argnums, args, kwargs, holomorphic)

    return jacobian_fun


def _jacobian(
    fun: Callable[..., Any], argnums: ArgNums, args: tuple, kwargs: dict, holomorphic: bool
) -> Any:
    nums = _argnums(argnums, len(args), fun)
    traced = _Traced(fun, args, kwargs, nums)
    out_leaves, out_def = tree_flatten(traced.out)
    largest = max((np.size(entry[4]) for entry in traced.trace.tape), default=1)
    per_output = []
    for o in out_leaves:
        value = unbox_all(o)
        shape, dtype = np.shape(value), np.result_type(value)
        _check_complex(traced, dtype, fun, "jacobian", holomorphic)
        idx = traced.node(o)
        n = int(np.prod(shape, dtype=np.int64))
        # Rows per walk: all of them, unless the batched intermediates would pass ~32 MB.
        chunk = max(1, min(n, _BATCH_ELEMENTS // max(1, largest)))
        parts = []
        for start in range(0, n, chunk):
            rows = np.zeros((min(chunk, n - start), n), dtype=dtype)
            rows[np.arange(rows.shape[0]), start + np.arange(rows.shape[0])] = 1
            parts.append(traced.pull_back_rows(idx, rows.reshape((rows.shape[0], *shape))))
        blocks = []
        for argpos, (treedef, nodes, _) in enumerate(traced.inputs):
            leaves = []
            for leafpos, node in enumerate(nodes):
                value = traced.value(node)
                leaf_shape = np.shape(value)
                stacked = (np.concatenate([p[argpos][leafpos] for p in parts]) if parts
                           else np.zeros((0, *leaf_shape), value.dtype))  # fmt: skip
                leaves.append(np.reshape(stacked, shape + leaf_shape))
            blocks.append(tree_unflatten(treedef, leaves))
        per_output.append(blocks[0] if isinstance(argnums, int) else tuple(blocks))
    return tree_unflatten(out_def, per_output)


_BATCH_ELEMENTS = 1 << 22


jacrev = jacobian
"""JAX's name for `jacobian` (reverse mode), for code written against JAX."""


def hessian(fun: Callable[..., Any], argnums: ArgNums = 0) -> Callable[..., Any]:
    """Make a function returning the Hessian of scalar-valued ``fun``.

    For an input of shape ``T`` the Hessian has shape ``T + T``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import hessian
    >>> hessian(lambda x: x[0] ** 2 * x[1])(np.array([1.0, 3.0]))
    array([[6., 2.],
           [2., 0.]])
    """
    return jacobian(grad(fun, argnums), argnums)


def hvp(fun: Callable[..., Any], x: Any, v: Any, *, args: tuple = ()) -> Any:
    """The Hessian of scalar-valued ``fun`` at ``x`` times ``v``, without forming the Hessian.

    Costs about two gradient evaluations. ``x`` and ``v`` are pytrees of the same structure;
    ``args`` are extra, undifferentiated arguments: ``fun(x, *args)``.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import hvp
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> hvp(lambda x: 0.5 * x @ A @ x, np.zeros(2), np.array([1.0, 0.0]))
    array([2., 1.])
    """
    gradient = grad(fun)
    return grad(lambda y: tree_vdot(gradient(y, *args), v))(x)


def stop_gradient(x: Any) -> Any:
    """``x`` as a constant: no gradient flows back through the returned value.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import grad, stop_gradient
    >>> float(grad(lambda x: x * stop_gradient(x))(3.0))
    3.0
    """
    return tree_map(unbox_all, x)
