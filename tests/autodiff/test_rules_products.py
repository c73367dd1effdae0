"""Every product against finite differences (orders 1 and 2, float64 and float32)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import NotDifferentiableError, check_grad, grad, hessian

from .specs import Spec, check_case
from .table_indexing import EINSUM_FORMS, PRODUCTS


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", PRODUCTS, ids=str)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def test_matmul_closed_forms() -> None:
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    B = np.array([[1.0, -1.0], [0.5, 2.0]])
    gA, gB = grad(lambda a, b: np.sum(a @ b), argnums=(0, 1))(A, B)
    np.testing.assert_array_equal(gA, np.ones((3, 2)) @ B.T)
    np.testing.assert_array_equal(gB, A.T @ np.ones((3, 2)))


def test_batched_matmul_sums_over_broadcast_batch() -> None:
    a = np.ones((4, 2, 3))
    b = np.arange(6.0).reshape(3, 2)
    gb = grad(lambda b: np.sum(a @ b))(b)
    np.testing.assert_array_equal(gb, 8 * np.ones((3, 2)))


def test_einsum_with_repeated_letters_and_higher_order() -> None:
    m = np.arange(4.0).reshape(2, 2)
    np.testing.assert_array_equal(grad(lambda m: np.einsum("ii", m))(m), np.eye(2))
    H = hessian(lambda m: np.einsum("ii->", m) ** 2)(m)
    np.testing.assert_array_equal(H, 2 * np.einsum("ij,kl->ijkl", np.eye(2), np.eye(2)))


def test_einsum_operand_list_form_is_refused() -> None:
    with pytest.raises(NotDifferentiableError, match="subscripts-string form"):
        grad(lambda x: np.einsum(x, [0], [0]).sum())(np.ones(2))


def test_dot_and_vdot_closed_forms() -> None:
    x, y = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])
    assert grad(lambda x: np.dot(x, y))(x).tolist() == y.tolist()
    assert grad(lambda x: np.vdot(x, y))(x).tolist() == y.tolist()
    assert grad(lambda x: np.inner(x, y))(x).tolist() == y.tolist()
    assert grad(lambda x: np.dot(x, 2.0).sum())(x).tolist() == [2.0, 2.0, 2.0]


def test_out_argument_of_products_is_refused() -> None:
    with pytest.raises(NotDifferentiableError, match="out="):
        grad(lambda x: np.outer(x, x, out=np.empty((2, 2))).sum())(np.ones(2))


@pytest.mark.parametrize("subscripts", sorted(EINSUM_FORMS))
def test_every_einsum_form(subscripts: str) -> None:
    rng = np.random.default_rng(0)
    arrays = tuple(rng.normal(size=s) for s in EINSUM_FORMS[subscripts])
    check_case(lambda *a: np.einsum(subscripts, *a), arrays)


def test_matmul_with_a_list_operand() -> None:
    np.testing.assert_array_equal(grad(lambda x: x @ [1.0, 2.0])(np.ones(2)), [1.0, 2.0])
    np.testing.assert_array_equal(grad(lambda x: np.sum([[1.0, 2.0]] @ x))(np.ones(2)), [1.0, 2.0])


@pytest.mark.parametrize(
    "fun",
    [
        lambda z: np.real(np.vecdot(z, np.array([0.5 - 1j, 2 + 1j]))),
        lambda z: np.abs(np.vecdot(np.array([0.5 - 1j, 2 + 1j]), z)) ** 2,
        lambda z: np.sum(np.abs(np.vecmat(z, np.array([[1 + 1j, 2], [0.5j, 1 - 1j]]))) ** 2),
        lambda z: np.sum(np.abs(np.matvec(np.array([[1 + 1j, 2], [0.5j, 1 - 1j]]), z)) ** 2),
    ],
    ids=["vecdot x", "vecdot y", "vecmat", "matvec"],
)
def test_conjugating_gufuncs_with_complex_values(fun) -> None:
    # vecdot and vecmat conjugate their vector argument; the gradient must follow.
    check_grad(fun, np.array([1 + 2j, 3 - 1j]), order=2)
