"""The traced value: methods and properties, operators, indexing, ufunc methods and the errors
raised for everything that would lose a gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import (
    NotDifferentiableError,
    TracerConversionError,
    TracerEscapedError,
    check_grad,
    grad,
    hessian,
)
from descend.autodiff.registry import FUNCTION_HANDLERS, UFUNC_RULES, UNSUPPORTED

from .specs import Spec, check_case
from .table_methods import METHODS


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", METHODS, ids=str)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_method_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def _grad_sum(fun, x):
    return grad(lambda x: np.sum(fun(x)))(x)


X = np.array([0.5, 1.5, -2.0])
A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])


# --- operators ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fun", "expected"),
    [
        (lambda x: x + 2.0, np.ones(3)),
        (lambda x: 2.0 + x, np.ones(3)),
        (lambda x: x - 2.0, np.ones(3)),
        (lambda x: 2.0 - x, -np.ones(3)),
        (lambda x: x * 3.0, 3 * np.ones(3)),
        (lambda x: 3.0 * x, 3 * np.ones(3)),
        (lambda x: x / 4.0, np.ones(3) / 4),
        (lambda x: 4.0 / x, -4.0 / X**2),
        (lambda x: x**2, 2 * X),
        (lambda x: x**2.0, 2 * X),
        (lambda x: 2**x, np.log(2) * 2**X),
        (lambda x: x % 3, np.ones(3)),
        (lambda x: 3.0 % x, -np.floor_divide(3.0, X)),
        (lambda x: -x, -np.ones(3)),
        (lambda x: +x, np.ones(3)),
        (lambda x: abs(x), np.sign(X)),
        (lambda x: x // 2 * x, np.floor_divide(X, 2)),
        (lambda x: 1.0 // x + x, np.ones(3)),
        (lambda x: A @ x, A.sum(axis=0)),
        (lambda x: x @ A.T, A.sum(axis=0)),
        (lambda x: x @ x, 2 * X),
        (lambda x: np.outer(x, x) @ np.ones(3), 2 * X.sum() + 0 * X),
    ],
    ids=[
        "add", "radd", "sub", "rsub", "mul", "rmul", "div", "rdiv", "pow", "pow float", "rpow",
        "mod", "rmod", "neg", "pos", "abs", "floordiv constant", "rfloordiv constant",
        "rmatmul", "matmul", "matmul self", "outer",
    ],
)  # fmt: skip
def test_operators(fun, expected) -> None:
    np.testing.assert_allclose(_grad_sum(fun, X), expected, rtol=1e-12)


def test_in_place_operators_rebind_instead_of_mutating() -> None:
    def f(x):
        y = x * 1.0
        y += x
        y *= x
        y /= 2.0
        y **= 2
        y -= 1.0
        return np.sum(y)

    # y = (x^2)^2 - 1 = x^4 - 1
    np.testing.assert_allclose(grad(f)(X), 4 * X**3)


@pytest.mark.parametrize(
    "compare",
    [
        lambda x: x < 1.0, lambda x: x <= 1.0, lambda x: x > 1.0, lambda x: x >= 1.0,
        lambda x: x == 1.5, lambda x: x != 1.5, lambda x: x > 1.0, lambda x: np.less(x, x),
        lambda x: np.isfinite(x), lambda x: np.signbit(x),
    ],
)  # fmt: skip
def test_comparisons_give_plain_bool_arrays(compare) -> None:
    seen = []

    def f(x):
        mask = compare(x)
        seen.append(mask)
        return np.sum(np.where(mask, x, 2 * x))

    g = grad(f)(X)
    (mask,) = seen
    assert type(mask) is np.ndarray
    assert mask.dtype == bool
    np.testing.assert_array_equal(g, np.where(compare(X), 1.0, 2.0))


def test_control_flow_on_traced_scalar() -> None:
    def f(x):
        return x**2 if x > 0 else -x

    assert grad(f)(3.0) == 6.0
    assert grad(f)(-3.0) == -1.0


# --- indexing -----------------------------------------------------------------------------------
M = np.arange(12.0).reshape(3, 4)


def _index_gradient(index):
    return grad(lambda m: np.sum(m[index] * 1.0))(M)


def _expected_index_gradient(index):
    counts = np.zeros_like(M)
    np.add.at(counts, index, 1.0)
    return counts


@pytest.mark.parametrize(
    "index",
    [
        1, -1, (1, 2), (-1, -2), slice(None, None, 2), (slice(None), slice(None, None, -2)),
        (slice(1, None), slice(-3, -1)), (Ellipsis, 1), (None, 1, Ellipsis), (np.newaxis,),
        (slice(None), None, slice(1, 3)),
    ],
    ids=str,
)  # fmt: skip
def test_basic_indexing(index) -> None:
    expected = np.zeros_like(M)
    expected[index] = 1.0
    np.testing.assert_array_equal(_index_gradient(index), expected)


@pytest.mark.parametrize(
    "index",
    [
        np.array([0, 0, 2]), [2, 2, 2, 1], (np.array([0, 0]), np.array([1, 1])),
        (slice(None), [3, 3, 0]), ([0, 2], slice(1, 3)), (np.array([[0, 1], [1, 1]]), 2),
        (Ellipsis, np.array([-1, -1])),
    ],
    ids=["array repeats", "list repeats", "pairs repeats", "slice+list", "list+slice", "2-d",
         "ellipsis+negative"],
)  # fmt: skip
def test_advanced_indexing_accumulates_repeats(index) -> None:
    np.testing.assert_array_equal(_index_gradient(index), _expected_index_gradient(index))


def test_boolean_mask_indexing() -> None:
    mask = M % 3 == 0
    np.testing.assert_array_equal(_index_gradient(mask), mask.astype(float))
    rows = np.array([True, False, True])
    expected = np.zeros_like(M)
    expected[rows] = 1.0
    np.testing.assert_array_equal(_index_gradient(rows), expected)
    np.testing.assert_array_equal(grad(lambda x: np.sum(x[x > 0] ** 2))(X), [1.0, 3.0, 0.0])


def test_indexing_is_differentiable_twice() -> None:
    # Hessian of sum(x[idx]^3) with repeats: diag(6 * count * x).
    idx = np.array([0, 0, 2])
    H = hessian(lambda x: np.sum(x[idx] ** 3))(X)
    np.testing.assert_allclose(H, np.diag(6 * np.array([2, 0, 1]) * X))


def test_indexing_with_a_traced_value_is_refused() -> None:
    with pytest.raises((IndexError, TracerConversionError)):
        grad(lambda x: np.sum(x[x]))(X)


# --- methods and properties -----------------------------------------------------------------------
def test_metadata_properties() -> None:
    seen = {}

    def f(x):
        seen.update(shape=x.shape, ndim=x.ndim, dtype=x.dtype, size=x.size, len=len(x))
        seen.update(T=x.T.shape, mT=x.mT.shape)
        return np.sum(x)

    grad(f)(np.ones((2, 3, 4), np.float32))
    assert seen == {
        "shape": (2, 3, 4), "ndim": 3, "dtype": np.float32, "size": 24, "len": 2,
        "T": (4, 3, 2), "mT": (2, 4, 3),
    }  # fmt: skip


def test_iteration_yields_rows() -> None:
    np.testing.assert_array_equal(
        grad(lambda m: sum(np.sum(row) * i for i, row in enumerate(m)))(M),
        np.repeat(np.arange(3.0)[:, None], 4, axis=1),
    )


@pytest.mark.parametrize(
    ("fun", "expected"),
    [
        (lambda m: m.T @ np.arange(3.0), np.repeat(np.arange(3.0)[:, None], 4, axis=1)),
        (lambda m: m.reshape(4, 3)[0], M < 3),
        (lambda m: m.reshape((2, 6), order="F")[:, 0], (M == 0) | (M == 4)),
        (lambda m: m.ravel()[[0, 0]], 2.0 * (M == 0)),
        (lambda m: m.flatten("F")[1], M == 4),
        (lambda m: m.transpose(1, 0)[0], M % 4 == 0),
        (lambda m: m.swapaxes(0, 1)[-1], M % 4 == 3),
        (lambda m: m[None].squeeze(0)[2], M >= 8),
        (lambda m: m.max(axis=1, keepdims=True), M % 4 == 3),
        (lambda m: m.min(0), M < 4),
        (lambda m: m.sum(axis=(0, -1), keepdims=True), np.ones_like(M)),
        (lambda m: m.mean(-1), np.full_like(M, 0.25)),
        (lambda m: m.copy()[0, 0], M == 0),
        (lambda m: m.take([0, 0, 5]), 2.0 * (M == 0) + (M == 5)),
        (lambda m: m.repeat(2, axis=0), np.full_like(M, 2.0)),
        (lambda m: m.diagonal(), (M == 0) | (M == 5) | (M == 10)),
        (lambda m: m.trace(1), (M == 1) | (M == 6) | (M == 11)),
        (lambda m: m.clip(2.5, 8.5), (M > 2.5) & (M < 8.5)),
        (lambda m: m.astype(int) * 0.0 + m, np.ones_like(M)),
        (lambda m: m.astype(bool) * m, M != 0),
        (lambda m: m.cumsum(axis=1)[:, -1], np.ones_like(M)),
        (lambda m: m.dot(np.ones(4)), np.ones_like(M)),
    ],
)
def test_method_gradients(fun, expected) -> None:
    np.testing.assert_array_equal(grad(lambda m: np.sum(fun(m)))(M), np.asarray(expected, float))


def test_statistics_methods_with_axis_and_keepdims() -> None:
    x = np.array([[1.0, 2.0, 4.0], [3.0, -1.0, 0.5]])
    check_grad(lambda x: x.std(axis=1, keepdims=True), x, order=2)
    check_grad(lambda x: x.var(axis=0, ddof=1), x, order=2)
    check_grad(lambda x: x.prod(axis=-1, keepdims=True), x, order=2)
    check_grad(lambda x: x.cumprod(axis=0), x, order=2)
    assert grad(lambda x: x.var(axis=(0, 1)))(x).shape == (2, 3)


def test_astype_narrowing_to_float32() -> None:
    x = np.array([1.0, 2.0, 3.0])
    g = grad(lambda x: np.sum(x.astype(np.float32) ** 2))(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x)
    g32 = grad(lambda x: np.sum(x.astype(np.float64) ** 2))(x.astype(np.float32))
    assert g32.dtype == np.float32
    np.testing.assert_allclose(g32, 2 * x)


def test_constant_methods_return_plain_values() -> None:
    seen = []

    def f(x):
        seen.extend([x.argmax(), x.argmin(), x.argsort(), x.any(), x.all(), x.round()])
        seen.append(x.nonzero())
        return np.sum(x)

    grad(f)(X)
    for value in seen:
        for leaf in value if isinstance(value, tuple) else (value,):
            assert isinstance(leaf, np.ndarray | np.generic)
    assert seen[0] == 1
    np.testing.assert_array_equal(seen[2], [2, 0, 1])


@pytest.mark.parametrize(
    ("fun", "expected"),
    [
        (lambda x: np.floor(x) * x, np.floor(X)),
        (lambda x: np.sign(x) * x, np.sign(X)),
        (lambda x: np.round(x) + x, np.ones(3)),
        (lambda x: x[np.argmax(x)], [0.0, 1.0, 0.0]),
        (lambda x: np.zeros_like(x) + np.ones_like(x) * 2.0, np.zeros(3)),
        (lambda x: np.isnan(x) * x, np.zeros(3)),
    ],
    ids=["floor", "sign", "round", "argmax", "zeros_like", "isnan"],
)
def test_non_differentiable_functions_are_constants(fun, expected) -> None:
    np.testing.assert_array_equal(_grad_sum(fun, X), expected)


# --- ufunc methods --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fun",
    [
        lambda x: np.add.reduce(x),
        lambda x: np.add.reduce(x, axis=1),
        lambda x: np.add.reduce(x, axis=None, keepdims=True),
        lambda x: np.multiply.reduce(x, axis=0),
        lambda x: np.maximum.reduce(x, axis=-1),
        lambda x: np.minimum.reduce(x),
        lambda x: np.add.accumulate(x, axis=1),
        lambda x: np.multiply.accumulate(x),
        lambda x: np.multiply.outer(x, x[0]),
        lambda x: np.subtract.outer(x[:, 0], 2.0 * x),
        lambda x: np.arctan2.outer(x[0], x[1]),
    ],
    ids=["add.reduce", "add.reduce axis", "add.reduce keepdims", "multiply.reduce",
         "maximum.reduce", "minimum.reduce", "add.accumulate", "multiply.accumulate",
         "multiply.outer", "subtract.outer", "arctan2.outer"],
)  # fmt: skip
def test_ufunc_methods_match_finite_differences(fun) -> None:
    x = np.array([[0.5, -1.3, 2.1], [1.7, 0.9, -0.4]])
    check_grad(fun, x, order=2)


def test_ufunc_reduce_gives_the_closed_form() -> None:
    np.testing.assert_array_equal(grad(np.multiply.reduce)(np.array([2.0, 3.0, 5.0])), [15, 10, 6])
    np.testing.assert_array_equal(grad(np.maximum.reduce)(np.array([2.0, 7.0, 5.0])), [0, 1, 0])


@pytest.mark.parametrize(
    ("fun", "method"),
    [
        (lambda x: np.add.at(np.zeros(3), [0, 0], x[:2]), "numpy.add.at"),
        (lambda x: np.add.at(x, [0], 1.0), "numpy.add.at"),
        (lambda x: np.add.reduceat(x, [0, 2]), "numpy.add.reduceat"),
        (lambda x: np.subtract.reduce(x), "numpy.subtract.reduce"),
        (lambda x: np.logaddexp.accumulate(x), "numpy.logaddexp.accumulate"),
    ],
)
def test_unsupported_ufunc_methods_are_refused_by_name(fun, method: str) -> None:
    with pytest.raises(NotDifferentiableError, match=method.replace(".", r"\.")):
        _grad_sum(fun, X)


# --- errors ---------------------------------------------------------------------------------------
def _escape_then_use(use):
    kept = []

    def f(x):
        kept.append(x)
        return np.sum(x)

    grad(f)(X)
    return use(kept[0])


@pytest.mark.parametrize(
    ("fun", "names"),
    [
        (lambda x: np.sum(np.asarray(x)), "np.asarray"),
        (lambda x: np.sum(np.array(x)), "np.array"),
        (lambda x: np.sum(np.array([x[0], x[1]])), "np.stack"),
        (lambda x: float(x[0]), r"float\(\)"),
        (lambda x: int(x[0]) + x[0], r"int\(\)"),
        (lambda x: x[0].item(), r"\.item\(\)"),
        (lambda x: np.sum(x.tolist()), r"\.tolist\(\)"),
        (lambda x: math.exp(x[0]), "math.exp"),
    ],
    ids=["asarray", "array", "array of tracers", "float", "int", "item", "tolist", "math.exp"],
)
def test_conversions_are_refused(fun, names: str) -> None:
    with pytest.raises(TracerConversionError, match=names) as info:
        grad(fun)(X)
    assert "stop_gradient" in str(info.value)


def test_function_without_a_rule_is_refused_by_name(monkeypatch) -> None:
    monkeypatch.delitem(FUNCTION_HANDLERS, np.sort)
    with pytest.raises(NotDifferentiableError, match=r"numpy\.sort") as info:
        _grad_sum(np.sort, X)
    assert "stop_gradient" in str(info.value)


def test_ufunc_without_a_rule_is_refused_by_name(monkeypatch) -> None:
    special = pytest.importorskip("scipy.special")
    monkeypatch.delitem(UFUNC_RULES, special.expit, raising=False)
    with pytest.raises(NotDifferentiableError, match="expit") as info:
        _grad_sum(special.expit, X)
    assert "stop_gradient" in str(info.value)


def test_unsupported_function_gives_its_reason(monkeypatch) -> None:
    monkeypatch.delitem(FUNCTION_HANDLERS, np.sort)
    monkeypatch.setitem(UNSUPPORTED, np.sort, "the reason, and what to do instead.")
    with pytest.raises(
        NotDifferentiableError,
        match=r"descend does not differentiate numpy\.sort: the reason, and what to do instead",
    ):
        _grad_sum(np.sort, X)


@pytest.mark.parametrize(
    "fun",
    [
        lambda x: np.exp(x, out=np.empty(3)),
        lambda x: np.add(x, 1.0, out=np.empty(3)),
        lambda x: np.sum(x, out=np.empty(())),
        lambda x: np.mean(x, out=np.empty(())),
        lambda x: np.cumsum(x, out=np.empty(3)),
        lambda x: np.concatenate([x, x], out=np.empty(6)),
        lambda x: np.dot(x, x, out=np.empty(())),
        lambda x: np.clip(x, 0.0, 1.0, out=np.empty(3)),
    ],
    ids=["exp", "add", "sum", "mean", "cumsum", "concatenate", "dot", "clip"],
)
def test_out_arguments_are_refused(fun) -> None:
    with pytest.raises(NotDifferentiableError, match="out="):
        _grad_sum(fun, X)


def test_where_argument_of_ufunc_is_refused() -> None:
    with pytest.raises(NotDifferentiableError, match=r"numpy\.exp.*np\.where"):
        _grad_sum(lambda x: np.exp(x, where=x > 0), X)


def test_accumulating_into_plain_buffer_is_refused() -> None:
    def f(x):
        buf = np.zeros(3)
        buf += x
        return np.sum(buf)

    with pytest.raises(NotDifferentiableError, match="buf = buf \\+ x"):
        grad(f)(X)


@pytest.mark.parametrize(
    "use",
    [lambda t: t * 2.0, lambda t: np.sum(t), lambda t: np.exp(t), lambda t: t[0], lambda t: t @ t],
    ids=["multiply", "sum", "exp", "getitem", "matmul"],
)
def test_escaped_tracer_is_refused(use) -> None:
    with pytest.raises(TracerEscapedError, match=r"escaped.*stop_gradient"):
        _escape_then_use(use)


def test_assignment_of_traced_values_into_plain_buffer_is_refused() -> None:
    def into_slice(x):
        buf = np.zeros(3)
        buf[:2] = x[:2]
        return np.sum(buf)

    def into_element(x):
        buf = np.zeros(3)
        buf[0] = x[0]
        return np.sum(buf)

    with pytest.raises(TracerConversionError, match=r"np\.asarray"):
        grad(into_slice)(X)
    # NumPy converts a single element with float() and re-raises our error as the cause of
    # its own ValueError, so the message shows up in the traceback.
    with pytest.raises(ValueError) as info:
        grad(into_element)(X)
    assert isinstance(info.value.__cause__, TracerConversionError)
