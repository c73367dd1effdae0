"""The spec tables cover every rule descend registers and every function the issue lists, so a
new rule without a finite-difference test fails here."""

from __future__ import annotations

import inspect

import numpy as np

from descend.autodiff.registry import FUNCTION_HANDLERS, METHOD_HANDLERS, UFUNC_RULES
from descend.autodiff.tracer import Tracer

from .table_complex import COMPLEX
from .table_creation import CREATION
from .table_cumulative import CUMULATIVE
from .table_elementwise import REDUCTIONS, UFUNCS
from .table_fft import FFT
from .table_indexing import INDEXING, PRODUCTS
from .table_linalg import LINALG
from .table_methods import METHODS
from .table_shape import SHAPE
from .table_signal import SIGNAL
from .table_sorting import SORTING
from .table_special import SPECIAL
from .table_special_multi import SPECIAL_MULTI
from .table_updates import UPDATES

ALL_SPECS = (
    UFUNCS
    + REDUCTIONS
    + SHAPE
    + INDEXING
    + PRODUCTS
    + METHODS
    + UPDATES
    + CREATION
    + CUMULATIVE
    + SORTING
    + FFT
    + COMPLEX
    + SIGNAL
    + SPECIAL
    + SPECIAL_MULTI
    + LINALG
)
COVERED = {c for s in ALL_SPECS for c in s.covers}

# The coverage list of issue 2, by NumPy name.
ISSUE_FUNCTIONS = """
add subtract multiply divide true_divide negative positive power float_power square sqrt cbrt
reciprocal absolute fabs exp exp2 expm1 log log2 log10 log1p logaddexp logaddexp2 sin cos tan
arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh arctan2 hypot maximum minimum fmax
fmin copysign sum mean prod max min amax amin std var cumsum cumprod ptp average nansum nanmean
reshape ravel transpose swapaxes moveaxis expand_dims squeeze broadcast_to concatenate stack
hstack vstack split tile repeat flip roll pad diag diagonal trace triu tril take
take_along_axis where clip dot vdot matmul inner outer tensordot einsum kron
""".split()  # noqa: SIM905 - a pasted list of names

# Tracer attributes that are not differentiable operations: metadata, conversions that raise,
# and methods whose result is a constant (tested in test_tracer.py).
NOT_DIFFERENTIABLE = {
    "shape", "ndim", "size", "dtype", "item", "tolist", "tobytes",
    "any", "all", "argmax", "argmin", "argsort", "nonzero", "round",
}  # fmt: skip


def test_every_ufunc_rule_has_a_spec() -> None:
    missing = sorted(u.__name__ for u in UFUNC_RULES if u not in COVERED)
    assert missing == []


def test_every_function_handler_has_a_spec() -> None:
    missing = sorted(f.__name__ for f in FUNCTION_HANDLERS if f not in COVERED)
    assert missing == []


def test_every_method_handler_has_a_spec() -> None:
    assert sorted(k for k in METHOD_HANDLERS if k not in COVERED) == []


def test_every_tracer_method_has_a_spec() -> None:
    public = {
        name
        for name, _ in inspect.getmembers(Tracer)
        if not name.startswith("_") and name not in NOT_DIFFERENTIABLE
    }
    missing = sorted(n for n in public if f"Tracer.{n}" not in COVERED)
    assert missing == []


def test_every_function_of_the_issue_is_covered() -> None:
    missing = [n for n in ISSUE_FUNCTIONS if getattr(np, n) not in COVERED]
    assert missing == []


def test_spec_names_are_unique() -> None:
    names = [s.name for s in ALL_SPECS]
    assert len(names) == len(set(names))
