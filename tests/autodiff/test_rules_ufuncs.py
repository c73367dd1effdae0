"""Every ufunc rule against finite differences (orders 1 and 2, float64 and float32)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from .specs import Spec, check_case
from .table_elementwise import UFUNCS


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("spec", UFUNCS, ids=str)
@settings(max_examples=12, deadline=None)
@given(data=st.data())
def test_matches_finite_differences(spec: Spec, dtype: type, data: st.DataObject) -> None:
    check_case(*data.draw(spec.cases(dtype)))
