"""Derivative rules, one module per area of NumPy. Importing this package registers them all."""

from descend.autodiff.rules import (  # noqa: F401 - imported for their registrations
    constants,
    indexing,
    products,
    reductions,
    shape,
    ufunc_methods,
    ufuncs,
)
