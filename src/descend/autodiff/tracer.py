"""The traced value: what a differentiated function sees in place of its NumPy arguments.

`Tracer` wraps an array and answers NumPy's two protocols (``__array_ufunc__``,
``__array_function__``), the operators and the common ndarray methods, so a user's
``import numpy as np`` code runs on it unchanged. Each operation is looked up in the tables of
`descend.autodiff.registry` and recorded with `bind`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from descend.autodiff.core import Rule, Trace
from descend.autodiff.errors import NotDifferentiableError, TracerEscapedError, conversion_error
from descend.autodiff.registry import (
    CONSTANT_FUNCTIONS,
    CONSTANT_UFUNCS,
    FUNCTION_HANDLERS,
    METHOD_HANDLERS,
    UFUNC_METHODS,
    UFUNC_RULES,
    UNSUPPORTED,
    numpy_name,
)

__all__ = ["Primitive", "Tracer", "bind", "is_complex", "new_input", "unbox_all"]


def bind(rule: Rule, args: Sequence[Any], kwargs: dict | None = None) -> Any:
    """Apply ``rule.fun`` to ``args``, recording it on the highest trace among them.

    Only positional arguments are looked at: handlers move array-valued keywords into
    position before calling this. This is the hot path of every traced operation, so the
    unary and binary cases are spelled out.
    """
    n = len(args)
    vals: Sequence[Any]
    parents: Sequence[tuple[int, int]]
    if n == 1:
        a = args[0]
        if type(a) is not Tracer:
            return rule.fun(a, **kwargs) if kwargs else rule.fun(a)
        trace = a._trace
        vals, parents = (a._value,), ((0, a._idx),)
    elif n == 2:
        a, b = args
        if type(a) is Tracer:
            trace = a._trace
            if type(b) is not Tracer:
                vals, parents = (a._value, b), ((0, a._idx),)
            elif b._trace is trace:
                vals, parents = (a._value, b._value), ((0, a._idx), (1, b._idx))
            elif b._trace.level > trace.level:
                trace = b._trace
                vals, parents = (a, b._value), ((1, b._idx),)
            else:
                vals, parents = (a._value, b), ((0, a._idx),)
        elif type(b) is Tracer:
            trace = b._trace
            vals, parents = (a, b._value), ((1, b._idx),)
        else:
            return rule.fun(a, b, **kwargs) if kwargs else rule.fun(a, b)
    else:
        top = None
        for a in args:
            if type(a) is Tracer and (top is None or a._trace.level > top.level):
                top = a._trace
        if top is None:
            return rule.fun(*args, **kwargs) if kwargs else rule.fun(*args)
        trace = top
        vals = list(args)
        parents = []
        for i, a in enumerate(args):
            if type(a) is Tracer and a._trace is trace:
                vals[i] = a._value
                parents.append((i, a._idx))
    if not trace.active:
        raise TracerEscapedError(rule.name)
    ans = rule.fun(*vals, **kwargs) if kwargs else rule.fun(*vals)
    tape = trace.tape
    tape.append((rule, parents, vals, kwargs, ans))
    return Tracer(ans, trace, len(tape) - 1)


class Primitive:
    """A descend-defined operation (not a NumPy function) that can itself be differentiated.

    NumPy functions re-dispatch to descend when handed traced values; a function of ours must
    do the same, so that a rule which calls it (``getitem``'s rule calls ``scatter_add``) is
    recorded when it runs under an outer trace. ``rule`` is attached by `defvjp`-style setup
    in the rules modules.

    Examples
    --------
    >>> import descend
    >>> from descend.autodiff.updates import set_item
    >>> set_item(np.zeros(3), 1, 5.0)  # plain values: the implementation runs directly
    array([0., 5., 0.])
    >>> descend.grad(lambda v: np.sum(set_item(np.zeros(3), 1, v) ** 2))(2.0)
    np.float64(4.0)
    """

    __slots__ = ("impl", "name", "rule")

    def __init__(self, impl: Any, name: str) -> None:
        self.impl = impl
        self.name = name
        self.rule: Rule | None = None

    def __call__(self, *args: Any) -> Any:
        for a in args:
            if type(a) is Tracer:
                assert self.rule is not None, f"{self.name} has no derivative rule"
                return bind(self.rule, args)
        return self.impl(*args)


def new_input(trace: Trace, value: Any) -> Tracer:
    """Start tracing ``value`` on ``trace``: an input of the differentiated function, or a
    constant that code may later write traced values into (``np.zeros_like(x)``)."""
    if not trace.active:
        raise TracerEscapedError("creating an array like it")
    trace.tape.append((None, (), (), None, value))
    return Tracer(value, trace, len(trace.tape) - 1)


def unbox_all(x: Any) -> Any:
    """Strip every level of tracing from ``x`` and from arrays inside lists/tuples/dicts.

    Examples
    --------
    >>> unbox_all([1.0, (2.0,)])
    [1.0, (2.0,)]
    """
    while type(x) is Tracer:
        x = x._value
    if type(x) in (list, tuple):
        return type(x)(unbox_all(v) for v in x)
    if type(x) is dict:
        return {k: unbox_all(v) for k, v in x.items()}
    return x


def is_complex(x: Any) -> bool:
    """Whether ``x`` (plain, traced, or a Python number) holds complex values.

    Examples
    --------
    >>> is_complex(np.ones(2)), is_complex(1j)
    (False, True)
    """
    if type(x) is not np.ndarray:
        x = unbox_all(x)
    return bool((x.dtype if hasattr(x, "dtype") else np.result_type(x)).kind == "c")


def not_supported(fun: Any) -> NotDifferentiableError:
    """The error for a NumPy callable descend cannot differentiate, with its reason if known."""
    reason = UNSUPPORTED.get(fun)
    if reason is not None:
        return NotDifferentiableError(f"descend does not differentiate {numpy_name(fun)}: {reason}")
    return NotDifferentiableError(
        f"descend has no derivative for {numpy_name(fun)}. If no gradient should flow through "
        "this call, pass descend.stop_gradient(x) instead of x."
    )


def _constant(fun: Any, *args: Any, **kwargs: Any) -> Any:
    return fun(*unbox_all(args), **unbox_all(kwargs))


def _call_ufunc(ufunc: np.ufunc, inputs: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if ufunc.nout > 1:  # modf, frexp, divmod: one handler assembles the outputs
        handler = FUNCTION_HANDLERS.get(ufunc)
        if handler is not None:
            return handler(*inputs, **kwargs)
    if kwargs:
        if "out" in kwargs:
            raise NotDifferentiableError(
                f"{numpy_name(ufunc)}(..., out=...) would write a traced value into a plain "
                "NumPy array, losing its gradient (this is also what `buf += x` or `buf[...] *= x` "
                "do when `buf` is an ndarray). Write `buf = buf + x` instead."
            )
        unsupported = sorted(set(kwargs) - {"dtype", "casting", "order", "subok"})
        if unsupported:
            advice = (
                f"use np.where(mask, np.{ufunc.__name__}(...), other) instead of where="
                if unsupported == ["where"]
                else "call it without those options"
            )
            raise NotDifferentiableError(
                f"descend cannot differentiate {numpy_name(ufunc)} called with "
                f"{', '.join(k + '=' for k in unsupported)}; {advice}."
            )
    if ufunc in CONSTANT_UFUNCS:
        return _constant(ufunc, *inputs, **kwargs)
    rule = UFUNC_RULES.get(ufunc)
    if rule is None:
        raise not_supported(ufunc)
    out = bind(rule, inputs)
    dtype = kwargs.get("dtype")
    return out if dtype is None else out.astype(dtype)


class Tracer:
    """A value being differentiated. It behaves like the NumPy array it wraps.

    Users never build one: `descend.grad` and friends wrap the inputs, and NumPy hands every
    operation on them back to descend. Conversions that would drop the gradient
    (``np.asarray``, ``float``, ``.item()``) raise `TracerConversionError`.
    """

    __slots__ = ("_idx", "_trace", "_value")
    __array_priority__ = 1000.0

    def __init__(self, value: Any, trace: Trace, idx: int) -> None:
        self._value = value
        self._trace = trace
        self._idx = idx

    # --- NumPy protocols -------------------------------------------------------------------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method == "__call__":
            if not kwargs:
                rule = UFUNC_RULES.get(ufunc)
                if rule is not None:
                    return bind(rule, inputs)
            return _call_ufunc(ufunc, inputs, kwargs)
        if ufunc in CONSTANT_UFUNCS:
            return _constant(getattr(ufunc, method), *inputs, **kwargs)
        handler = UFUNC_METHODS.get(method)
        if handler is None:
            raise NotDifferentiableError(
                f"descend cannot differentiate {numpy_name(ufunc)}.{method}."
            )
        return handler(ufunc, *inputs, **kwargs)

    def __array_function__(
        self, func: Any, types: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        handler = FUNCTION_HANDLERS.get(func)
        if handler is not None:
            return handler(*args, **kwargs)
        if func in CONSTANT_FUNCTIONS:
            return _constant(func, *args, **kwargs)
        raise not_supported(func)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise conversion_error(
            "np.asarray() / np.array() (or another conversion to ndarray; to build an array "
            "from several traced values use np.stack([...]) or np.concatenate([...]); to write "
            "traced values into a plain buffer, `buf[i] = x`, use buf = descend.at(buf)[i].set(x) "
            "or make the buffer with np.zeros_like(x, shape=...) so that it is traced too)"
        )

    # --- conversions that would lose the gradient --------------------------------------------
    def __float__(self) -> float:
        raise conversion_error("float()")

    def __int__(self) -> int:
        raise conversion_error("int()")

    def __complex__(self) -> complex:
        raise conversion_error("complex()")

    def __index__(self) -> int:
        raise conversion_error("using a traced value as an index (operator.index())")

    def item(self, *args: Any) -> Any:
        raise conversion_error(".item()")

    def tolist(self) -> Any:
        raise conversion_error(".tolist()")

    def tobytes(self, *args: Any, **kwargs: Any) -> bytes:
        raise conversion_error(".tobytes()")

    def __bool__(self) -> bool:
        # Control flow on a value is fine: it picks the branch, it does not drop a gradient.
        return bool(unbox_all(self))

    def __len__(self) -> int:
        return len(self._value)

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __getattr__(self, name: str) -> Any:
        # Only reached for attributes Tracer lacks: name the ndarray feature, don't just fail.
        if hasattr(np.ndarray, name) and not name.startswith("__"):
            raise NotDifferentiableError(
                f"descend does not support ndarray.{name} on a value being differentiated. "
                f"Use a NumPy function that returns a new array instead, or "
                "descend.stop_gradient(x) if no gradient should flow."
            )
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __repr__(self) -> str:
        return f"Traced({unbox_all(self)!r}, level={self._trace.level})"

    # --- metadata ----------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self._value.shape

    @property
    def ndim(self) -> int:
        return len(self._value.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self._value.shape, dtype=np.int64))

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def T(self) -> Any:
        return FUNCTION_HANDLERS[np.transpose](self)

    @property
    def mT(self) -> Any:
        return FUNCTION_HANDLERS[np.swapaxes](self, -1, -2)

    @property
    def real(self) -> Any:
        return FUNCTION_HANDLERS[np.real](self)

    @property
    def imag(self) -> Any:
        return FUNCTION_HANDLERS[np.imag](self)

    # --- arithmetic ----------------------------------------------------------------------------
    def __add__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.add], (self, other))

    def __radd__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.add], (other, self))

    def __sub__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.subtract], (self, other))

    def __rsub__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.subtract], (other, self))

    def __mul__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.multiply], (self, other))

    def __rmul__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.multiply], (other, self))

    def __truediv__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.true_divide], (self, other))

    def __rtruediv__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.true_divide], (other, self))

    def __pow__(self, other: Any) -> Any:
        # x ** 2 is the commonest power; its square rule needs no log, power or zero check.
        if type(other) is int and other == 2:
            return bind(UFUNC_RULES[np.square], (self,))
        return bind(UFUNC_RULES[np.power], (self, other))

    def __rpow__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.power], (other, self))

    def __mod__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.remainder], (self, other))

    def __rmod__(self, other: Any) -> Any:
        return bind(UFUNC_RULES[np.remainder], (other, self))

    def __floordiv__(self, other: Any) -> Any:
        return _constant(np.floor_divide, self, other)

    def __rfloordiv__(self, other: Any) -> Any:
        return _constant(np.floor_divide, other, self)

    def __divmod__(self, other: Any) -> tuple[Any, Any]:
        return _constant(np.floor_divide, self, other), self % other

    def __rdivmod__(self, other: Any) -> tuple[Any, Any]:
        return _constant(np.floor_divide, other, self), other % self

    def __matmul__(self, other: Any) -> Any:
        return FUNCTION_HANDLERS[np.matmul](self, other)

    def __rmatmul__(self, other: Any) -> Any:
        return FUNCTION_HANDLERS[np.matmul](other, self)

    def __neg__(self) -> Any:
        return bind(UFUNC_RULES[np.negative], (self,))

    def __pos__(self) -> Any:
        return bind(UFUNC_RULES[np.positive], (self,))

    def __abs__(self) -> Any:
        return bind(UFUNC_RULES[np.absolute], (self,))

    # Comparisons give plain boolean arrays: they carry no gradient.
    def __lt__(self, other: Any) -> Any:
        return _constant(np.less, self, other)

    def __le__(self, other: Any) -> Any:
        return _constant(np.less_equal, self, other)

    def __gt__(self, other: Any) -> Any:
        return _constant(np.greater, self, other)

    def __ge__(self, other: Any) -> Any:
        return _constant(np.greater_equal, self, other)

    def __eq__(self, other: Any) -> Any:
        return _constant(np.equal, self, other)

    def __ne__(self, other: Any) -> Any:
        return _constant(np.not_equal, self, other)

    __hash__ = None  # type: ignore[assignment]

    # --- indexing ----------------------------------------------------------------------------
    def __getitem__(self, index: Any) -> Any:
        return METHOD_HANDLERS["__getitem__"](self, index)

    def __setitem__(self, index: Any, value: Any) -> None:
        # Recorded as a functional update (descend.autodiff.updates explains the semantics).
        METHOD_HANDLERS["__setitem__"](self, index, value)

    # --- ndarray methods ----------------------------------------------------------------------
    def sum(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.sum](self, *args, **kwargs)

    def mean(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.mean](self, *args, **kwargs)

    def prod(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.prod](self, *args, **kwargs)

    def max(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.max](self, *args, **kwargs)

    def min(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.min](self, *args, **kwargs)

    def std(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.std](self, *args, **kwargs)

    def var(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.var](self, *args, **kwargs)

    def cumsum(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.cumsum](self, *args, **kwargs)

    def cumprod(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.cumprod](self, *args, **kwargs)

    def reshape(self, *shape: Any, order: str = "C") -> Any:
        target = shape[0] if len(shape) == 1 and not isinstance(shape[0], int) else shape
        return FUNCTION_HANDLERS[np.reshape](self, target, order=order)

    def ravel(self, order: str = "C") -> Any:
        return FUNCTION_HANDLERS[np.ravel](self, order=order)

    def flatten(self, order: str = "C") -> Any:
        return FUNCTION_HANDLERS[np.ravel](self, order=order)

    def transpose(self, *axes: Any) -> Any:
        order = axes[0] if len(axes) == 1 and not isinstance(axes[0], int) else axes
        return FUNCTION_HANDLERS[np.transpose](self, order or None)

    def swapaxes(self, axis1: int, axis2: int) -> Any:
        return FUNCTION_HANDLERS[np.swapaxes](self, axis1, axis2)

    def squeeze(self, axis: Any = None) -> Any:
        return FUNCTION_HANDLERS[np.squeeze](self, axis)

    def dot(self, other: Any) -> Any:
        return FUNCTION_HANDLERS[np.dot](self, other)

    def clip(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.clip](self, *args, **kwargs)

    def take(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.take](self, *args, **kwargs)

    def repeat(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.repeat](self, *args, **kwargs)

    def diagonal(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.diagonal](self, *args, **kwargs)

    def trace(self, *args: Any, **kwargs: Any) -> Any:
        return FUNCTION_HANDLERS[np.trace](self, *args, **kwargs)

    def astype(self, dtype: Any, *args: Any, **kwargs: Any) -> Any:
        return METHOD_HANDLERS["astype"](self, dtype)

    def copy(self, order: str = "C") -> Any:
        return FUNCTION_HANDLERS[np.copy](self)

    def conj(self) -> Any:
        return bind(UFUNC_RULES[np.conjugate], (self,))

    conjugate = conj

    # Methods whose results carry no gradient.
    def any(self, *args: Any, **kwargs: Any) -> Any:
        return _constant(np.any, self, *args, **kwargs)

    def all(self, *args: Any, **kwargs: Any) -> Any:
        return _constant(np.all, self, *args, **kwargs)

    def argmax(self, *args: Any, **kwargs: Any) -> Any:
        return _constant(np.argmax, self, *args, **kwargs)

    def argmin(self, *args: Any, **kwargs: Any) -> Any:
        return _constant(np.argmin, self, *args, **kwargs)

    def argsort(self, *args: Any, **kwargs: Any) -> Any:
        return _constant(np.argsort, self, *args, **kwargs)

    def nonzero(self) -> Any:
        return _constant(np.nonzero, self)

    def round(self, *args: Any, **kwargs: Any) -> Any:
        return _constant(np.round, self, *args, **kwargs)
