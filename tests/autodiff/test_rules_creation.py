"""Array creation and assembly against finite differences (orders 1 and 2, float64 and float32)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import (
    NotDifferentiableError,
    TracerConversionError,
    check_grad,
    grad,
    jacobian,
    stop_gradient,
    vjp,
)

from .specs import Spec, check_case
from .table_creation import CREATION


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", CREATION, ids=str)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def _grad_sum(fun, x):
    return grad(lambda x: np.sum(fun(x)))(x)


# --- closed forms ---------------------------------------------------------------------------------
def test_linspace_derivatives_are_the_interpolation_weights() -> None:
    t = np.linspace(0.0, 1.0, 5)
    np.testing.assert_allclose(jacobian(lambda a: np.linspace(a, 3.0, 5))(-1.0), 1 - t)
    np.testing.assert_allclose(jacobian(lambda b: np.linspace(-1.0, b, 5))(3.0), t)
    open_t = np.arange(4) / 4
    np.testing.assert_allclose(
        jacobian(lambda a: np.linspace(a, 3.0, 4, endpoint=False))(-1.0), 1 - open_t
    )


def test_linspace_step_is_differentiable() -> None:
    def step(a, b):
        return np.linspace(a, b, 5, retstep=True)[1]

    assert grad(step, argnums=(0, 1))(0.0, 2.0) == (-0.25, 0.25)
    # Integer samples are constants, but the step is still a float of the end points.
    samples = np.linspace(0.0, 9.0, 4, dtype=int)
    traced = vjp(lambda a: np.linspace(a, 9.0, 4, dtype=int, retstep=True), 0.0)[0]
    np.testing.assert_array_equal(traced[0], samples)
    assert traced[0].dtype == samples.dtype
    assert grad(lambda a: np.linspace(a, 9.0, 4, dtype=int, retstep=True)[1])(0.0) == -1 / 3


def test_linspace_of_array_end_points_along_an_axis() -> None:
    a, b = np.array([0.0, 1.0]), np.array([[2.0, 3.0]])
    weights = np.arange(6.0).reshape(1, 2, 3)
    t = np.linspace(0.0, 1.0, 3)
    ga, gb = grad(lambda a, b: np.sum(np.linspace(a, b, 3, axis=-1) * weights), argnums=(0, 1))(
        a, b
    )
    np.testing.assert_allclose(ga, weights[0] @ (1 - t))
    np.testing.assert_allclose(gb, [weights[0] @ t])


def test_logspace_derivatives_of_exponent_and_base() -> None:
    y = np.linspace(0.0, 2.0, 3)
    np.testing.assert_allclose(
        jacobian(lambda b: np.logspace(0.0, b, 3, base=3.0))(2.0), np.log(3.0) * y / 2 * 3.0**y
    )
    np.testing.assert_allclose(
        jacobian(lambda base: np.logspace(0.0, 2.0, 3, base=base))(3.0), y * 3.0 ** (y - 1)
    )


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_geomspace_derivatives(sign: float) -> None:
    a, b, t = sign * 2.0, sign * 8.0, np.linspace(0.0, 1.0, 4)
    y = np.geomspace(a, b, 4)
    np.testing.assert_allclose(jacobian(lambda a: np.geomspace(a, b, 4))(a), (1 - t) * y / a)
    np.testing.assert_allclose(jacobian(lambda b: np.geomspace(a, b, 4))(b), t * y / b)


def test_geomspace_refuses_zero_like_numpy() -> None:
    with pytest.raises(ValueError, match="cannot include zero"):
        grad(lambda b: np.sum(np.geomspace(0.0, b, 3)))(2.0)


@pytest.mark.parametrize(("indexing", "axis"), [("xy", 0), ("ij", 1)])
def test_meshgrid_sums_each_grid_back_to_its_vector(indexing: str, axis: int) -> None:
    x, y = np.arange(3.0), np.arange(2.0)
    weights = np.arange(6.0).reshape((2, 3) if indexing == "xy" else (3, 2))
    gx, gy = grad(
        lambda x, y: np.sum(np.meshgrid(x, y, indexing=indexing)[0] * weights), argnums=(0, 1)
    )(x, y)
    np.testing.assert_array_equal(gx, weights.sum(axis=axis))
    np.testing.assert_array_equal(gy, 0.0)


def test_meshgrid_returns_numpy_containers() -> None:
    x = np.arange(2.0)
    out = vjp(lambda x: np.meshgrid(x, x), x)[0]
    views = vjp(lambda x: np.meshgrid(x, x, sparse=True, copy=False), x)[0]
    assert type(out) is type(np.meshgrid(x, x)) is tuple
    assert type(views) is type(np.meshgrid(x, x, sparse=True, copy=False)) is list


def test_insert_counts_each_copy_of_the_values() -> None:
    x = np.arange(3.0)
    gx, gv = grad(lambda x, v: np.sum(np.insert(x, [0, 2, 2], v) ** 2), argnums=(0, 1))(x, 5.0)
    np.testing.assert_array_equal(gx, 2 * x)
    assert gv == 3 * 2 * 5.0


def test_insert_into_an_integer_array_is_a_constant() -> None:
    ints = np.arange(3)
    out = vjp(lambda v: np.insert(ints, 1, v), 2.7)[0]
    np.testing.assert_array_equal(out, np.insert(ints, 1, 2.7))
    assert out.dtype == ints.dtype


def test_delete_and_append_route_the_kept_elements() -> None:
    x = np.arange(1.0, 5.0)
    np.testing.assert_array_equal(_grad_sum(lambda x: np.delete(x, [0, 2]), x), [0, 1, 0, 1])
    np.testing.assert_array_equal(_grad_sum(lambda x: np.append(x, x[:2]), x), [2, 2, 1, 1])


def test_block_routes_each_block_back() -> None:
    a, b = np.ones((2, 2)), np.ones((2, 1))
    weights = np.arange(12.0).reshape(4, 3)
    ga, gb = grad(
        lambda a, b: np.sum(np.block([[a, b], [np.zeros((2, 2)), b]]) * weights), argnums=(0, 1)
    )(a, b)
    np.testing.assert_array_equal(ga, weights[:2, :2])
    np.testing.assert_array_equal(gb, weights[:2, 2:] + weights[2:, 2:])


@pytest.mark.parametrize(
    "layout",
    [lambda x: [[x], x], lambda x: [x, (x, x)], lambda x: [[x], []]],
    ids=["mismatched depths", "tuple", "empty"],
)
def test_block_refuses_what_numpy_refuses(layout) -> None:
    x = np.ones(2)
    with pytest.raises((ValueError, TypeError)) as expected:
        np.block(layout(x))
    with pytest.raises(type(expected.value), match=re.escape(str(expected.value))):
        grad(lambda x: np.sum(np.block(layout(x))))(x)


def test_diagflat_and_rot90_move_the_cotangent_back() -> None:
    weights = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(
        grad(lambda v: np.sum(np.diagflat(v, 1) * weights))(np.ones(2)), [1.0, 5.0]
    )
    m = np.ones((2, 3))
    w = np.arange(6.0).reshape(3, 2)
    np.testing.assert_array_equal(grad(lambda m: np.sum(np.rot90(m) * w))(m), np.rot90(w, -1))


def test_rot90_checks_axes_like_numpy() -> None:
    with pytest.raises(ValueError, match="Axes must be different"):
        _grad_sum(lambda m: np.rot90(m, 1, (1, 1)), np.ones((2, 2)))


# --- constants and refusals -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "fun",
    [
        np.array2string,
        np.array_repr,
        np.array_str,
        np.tril_indices_from,
        np.triu_indices_from,
        np.diag_indices_from,
        np.common_type,
        lambda x: np.unravel_index(np.argmax(x), x.shape),
        lambda x: np.ix_(x[0] > 1.0, x[1] > 1.0),
    ],
    ids=[
        "array2string", "array_repr", "array_str", "tril_indices_from", "triu_indices_from",
        "diag_indices_from", "common_type", "unravel_index", "ix_",
    ],
)  # fmt: skip
def test_constants_run_on_the_plain_values(fun) -> None:
    x = np.array([[1.0, 2.5], [0.5, 3.0]])
    seen = []
    grad(lambda x: seen.append(fun(x)) or np.sum(x))(x)
    expected = fun(x)
    assert repr(seen[0]) == repr(expected)


@pytest.mark.parametrize(
    ("fun", "name"),
    [
        (lambda x: np.copyto(np.ones(2), x), "copyto"),
        (lambda x: np.put(np.ones(2), [0], x[0]), "put"),
        (lambda x: np.put_along_axis(np.ones(2), np.array([0]), x[:1], 0), "put_along_axis"),
        (lambda x: np.place(np.ones(2), np.ones(2) > 0, x), "place"),
        (lambda x: np.putmask(np.ones(2), np.ones(2) > 0, x), "putmask"),
    ],
)
def test_writing_traced_values_into_a_plain_array_is_refused(fun, name: str) -> None:
    with pytest.raises(NotDifferentiableError, match=rf"numpy\.{name} would write.*descend\.at"):
        grad(lambda x: fun(x) or np.sum(x))(np.ones(2))


def test_fill_diagonal_of_a_plain_array_names_the_route() -> None:
    # NumPy dispatches fill_diagonal on its first argument only, so its own write fails.
    with pytest.raises(TracerConversionError, match=r"descend\.at\(buf\)"):
        grad(lambda x: np.fill_diagonal(np.ones((2, 2)), x) or np.sum(x))(np.ones(2))


@pytest.mark.parametrize("save", [np.save, np.savez, np.savez_compressed, np.savetxt])
def test_saving_a_traced_value_is_refused(save, tmp_path) -> None:
    path = tmp_path / "x"  # savez and friends add their suffix
    with pytest.raises(NotDifferentiableError, match=r"would drop its gradient.*stop_gradient"):
        grad(lambda x: save(path, x) or np.sum(x))(np.ones(2))
    assert list(tmp_path.iterdir()) == []
    grad(lambda x: save(path, stop_gradient(x)) or np.sum(x))(np.ones(2))
    assert len(list(tmp_path.iterdir())) == 1


@pytest.mark.parametrize(
    "fun",
    [
        lambda z: np.linspace(z, 2.0 - 1.0j, 4, axis=-1),
        lambda z: np.logspace(z, 1.0j, 3, base=2.0),
        lambda z: np.geomspace(z, 3.0 + 1.0j, 4),
        lambda z: np.insert(z, [0, 1], z[::-1]),
        lambda z: np.block([[z, z[:1]], [2.0 * z, np.ones(1)]]),
    ],
    ids=["linspace", "logspace", "geomspace", "insert", "block"],
)
def test_complex_values_follow_the_transpose_convention(fun) -> None:
    z = np.array([1.0 + 2.0j, -0.5 + 0.5j])
    check_grad(lambda z: np.sum(np.abs(fun(z)) ** 2), z, order=2)


def test_full_like_of_a_plain_array_with_a_traced_fill_says_what_to_do() -> None:
    with pytest.raises(
        NotDifferentiableError, match=r"numpy\.copyto would write.*np\.broadcast_to"
    ):
        grad(lambda c: np.sum(np.full_like(np.ones(3), c)))(2.0)
    assert grad(lambda c: np.sum(np.broadcast_to(c, (3,))))(2.0) == 3.0
