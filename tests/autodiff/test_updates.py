"""Index assignment on traced values and `descend.at`: functional update semantics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import descend
from descend import TracerConversionError, at, check_grad, grad, jvp

from .specs import Spec, check_case
from .table_updates import UPDATES


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", UPDATES, ids=str)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def test_assigned_positions_get_no_gradient_from_the_old_value() -> None:
    def f(x):
        x[0] = 0.0
        return np.sum(x**2)

    np.testing.assert_array_equal(grad(f)(np.array([1.0, 2.0, 3.0])), [0.0, 4.0, 6.0])


def test_augmented_assignment_on_a_masked_region() -> None:
    def f(x):
        y = x * 1.0
        y[x > 0] += 2.0 * x[x > 0]
        return np.sum(y)

    np.testing.assert_array_equal(grad(f)(np.array([-1.0, 2.0, 3.0])), [1.0, 3.0, 3.0])


def test_in_place_multiply_rebinds_the_name() -> None:
    def f(x):
        x *= 3.0
        return np.sum(x)

    np.testing.assert_array_equal(grad(f)(np.ones(2)), [3.0, 3.0])


def test_repeated_targets_give_the_gradient_to_the_last_write() -> None:
    def f(v):
        y = np.zeros_like(v, shape=(3,))
        y[np.array([0, 0, 2])] = v
        return np.sum(y * np.array([10.0, 1.0, 100.0]))

    # NumPy keeps the last value written to position 0, so only v[1] reaches it.
    np.testing.assert_array_equal(grad(f)(np.ones(3)), [0.0, 10.0, 100.0])


def test_zeros_like_buffer_collects_traced_values_at_every_order() -> None:
    def f(x):
        buf = np.zeros_like(x, shape=(4,))
        buf[1:] = x**2
        buf[0] = x[0] * x[1]
        return np.sum(buf**2)

    x = np.array([0.5, -1.0, 2.0])
    check_grad(f, x, order=2)
    _, t = jvp(f, (x,), (np.array([1.0, 0.0, 0.0]),))
    assert t == pytest.approx(grad(f)(x)[0])


def test_integer_like_buffers_stay_plain() -> None:
    def f(x):
        mask = np.zeros_like(x, dtype=bool)
        mask[0] = True
        return np.sum(np.where(mask, x, 0.0))

    np.testing.assert_array_equal(grad(f)(np.ones(3)), [1.0, 0.0, 0.0])


def test_earlier_views_keep_their_values() -> None:
    def f(x):
        head = x[:2]
        x[0] = 10.0
        return np.sum(head) + np.sum(x)

    # Functional semantics: `head` was taken before the write (NumPy would share memory).
    x = np.array([1.0, 2.0, 3.0])
    assert float(descend.value_and_grad(f)(x)[0]) == 3.0 + 15.0
    np.testing.assert_array_equal(grad(f)(x), [1.0, 2.0, 1.0])


def test_the_callers_array_is_not_modified() -> None:
    x = np.array([1.0, 2.0])

    def f(y):
        y[0] = 5.0
        return np.sum(y)

    grad(f)(x)
    np.testing.assert_array_equal(x, [1.0, 2.0])


def test_at_writes_traced_values_into_a_plain_buffer() -> None:
    def f(x):
        buf = np.zeros(4)
        buf = at(buf)[::2].set(np.sin(x))
        buf = at(buf)[1].add(x[0] * x[1])
        return np.sum(buf**2)

    check_grad(f, np.array([0.3, -0.7]), order=2)


def test_at_add_accumulates_repeated_indices_like_add_at() -> None:
    expected = np.zeros(3)
    np.add.at(expected, [0, 0, 2], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(at(np.zeros(3))[[0, 0, 2]].add(np.array([1.0, 2.0, 3.0])),
                                  expected)  # fmt: skip
    g = grad(lambda v: np.sum(at(np.zeros(3))[[0, 0, 2]].add(v) ** 2))(np.array([1.0, 2.0, 3.0]))
    np.testing.assert_array_equal(g, [6.0, 6.0, 6.0])


@pytest.mark.parametrize(
    ("method", "expected"),
    [("multiply", [2.0, 4.0, 3.0]), ("divide", [0.5, 1.0, 3.0]), ("power", [1.0, 4.0, 3.0]),
     ("min", [1.0, 2.0, 3.0]), ("max", [2.0, 2.0, 3.0])],
)  # fmt: skip
def test_at_methods_on_plain_arrays(method: str, expected: list[float]) -> None:
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(getattr(at(x)[:2], method)(2.0), expected)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])  # never mutated
    assert at(x)[1:].get().tolist() == [2.0, 3.0]


def test_at_methods_are_differentiable() -> None:
    def f(x):
        y = at(x)[:2].multiply(x[1:])
        y = at(y)[1:].max(0.5 * x[:2])
        return np.sum(at(y)[0].divide(1.0 + x[2] ** 2) ** 2)

    check_grad(f, np.array([0.3, 1.7, -0.4]), order=2)


def test_writing_a_traced_slice_into_a_plain_buffer_names_the_route() -> None:
    def f(x):
        buf = np.zeros(3)
        buf[:2] = x[:2]
        return np.sum(buf)

    with pytest.raises(TracerConversionError, match=r"descend\.at\(buf\)\[i\]\.set\(x\)"):
        grad(f)(np.ones(3))
