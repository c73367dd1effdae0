"""numpy.cumulative_sum / cumulative_prod: finite differences, closed forms, NumPy's errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from descend import grad

from .specs import Spec, check_case
from .table_cumulative import CUMULATIVE

pytestmark = pytest.mark.skipif(
    not hasattr(np, "cumulative_sum"), reason="numpy.cumulative_sum is new in NumPy 2.1"
)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", CUMULATIVE, ids=str)
@settings(max_examples=10, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))


def test_sum_with_initial_counts_later_positions() -> None:
    # sum of [0, x0, x0+x1, x0+x1+x2]: x_i appears in n - i partial sums.
    g = grad(lambda x: np.sum(np.cumulative_sum(x, include_initial=True)))(np.ones(3))
    np.testing.assert_array_equal(g, [3.0, 2.0, 1.0])


def test_prod_with_initial_along_an_axis() -> None:
    x = np.array([[2.0, 3.0], [5.0, 7.0]])
    out = np.cumulative_prod(x, axis=1, include_initial=True)
    np.testing.assert_array_equal(out, [[1, 2, 6], [1, 5, 35]])
    # d/dx of (x0 + x0 x1) per row is (1 + x1, x0).
    g = grad(lambda x: np.sum(np.cumulative_prod(x, axis=1, include_initial=True)))(x)
    np.testing.assert_array_equal(g, [[4.0, 2.0], [8.0, 5.0]])


def test_more_than_one_dimension_needs_an_axis_like_numpy() -> None:
    with pytest.raises(ValueError):
        np.cumulative_sum(np.ones((2, 2)))
    with pytest.raises(ValueError, match="axis="):
        grad(lambda x: np.sum(np.cumulative_sum(x)))(np.ones((2, 2)))
