"""docs/coverage.md, generated from `descend.coverage()` so the documentation cannot drift.

Regenerate it after adding, classifying or refusing a function::

    python -m descend.autodiff.coverage_page docs/coverage.md

(without a path the page goes to standard output). A test compares the committed page with a
fresh rendering. This lives apart from `descend.autodiff.coverage` because that module is
imported with the package, and ``python -m`` should not run a module that is already loaded.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np
import scipy

from descend.atomic import atomic_file
from descend.autodiff.coverage import coverage

__all__ = ["main", "render"]

_INTRO = """\
# What descend differentiates

<!-- Generated from descend.coverage() by
     `python -m descend.autodiff.coverage_page docs/coverage.md`; do not edit by hand. -->

Every callable NumPy hands to a traced value is listed here: every public NumPy ufunc, every
public function of `numpy`, `numpy.linalg` and `numpy.fft` that dispatches through
`__array_function__`, and every ufunc of `scipy.special`. Each has one status:

- **differentiable**: descend has a derivative rule, checked on random (hypothesis-drawn)
  inputs against finite differences at orders 1 and 2 in reverse mode and order 1 in forward
  mode, and its batched Jacobian against its vector-Jacobian product.
- **constant**: no gradient flows through the result (comparisons, `argmax`, `isnan`, `floor`,
  integer or boolean results); the call runs on the plain values.
- **unsupported**: calling it on a value being differentiated raises
  `descend.NotDifferentiableError` with the reason in the notes column. Pass
  `descend.stop_gradient(x)` if no gradient should flow through it.
- **unclassified**: not looked at yet; refused with a generic `NotDifferentiableError`.

An object with several public names (`np.abs` and `np.absolute`) is listed once, with its other
names in the notes. The same table is available in Python:

```python
import descend
table = descend.coverage()
print(table)                                         # counts per module and status
table.filter(status="unsupported", module="numpy")   # the refused ones, with reasons
table.lookup("numpy.abs")                            # one entry, by any of its names
```

SciPy functions that are not ufuncs convert their input with `np.asarray` before descend can
see it; differentiable versions with SciPy's names and signatures are in `descend.scipy`:
`descend.scipy.special` (`logsumexp`, `softmax`, `log_softmax`, `polygamma`, the spherical
Bessel functions) and `descend.scipy.linalg` (`solve_triangular`, `cho_factor`, `cho_solve`,
`lu_factor`, `lu_solve`, `expm`, `logm`, `sqrtm`, `inv`, `solve`, `det`, `cholesky`, `eigh`,
`svd`, `qr`). See [special.md](special.md) and [linalg.md](linalg.md).

"""


def _minor(version: str) -> str:
    # Bug-fix releases do not change what NumPy exports, so the page names only major.minor.
    return ".".join(version.split(".")[:2])


def render() -> str:
    """The whole page: the explanation, the counts per module and one table per module.

    Examples
    --------
    >>> render().startswith("# What descend differentiates")
    True
    """
    versions = (
        f"Generated with NumPy {_minor(np.__version__)} and SciPy {_minor(scipy.__version__)}.\n\n"
    )
    return _INTRO + versions + coverage().to_markdown()


def main(argv: Sequence[str] | None = None) -> int:
    """Write the page to the path given (atomically), or print it when there is none.

    Examples
    --------
    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "coverage.md")
    >>> main([path])
    0
    >>> open(path).read() == render()
    True
    """
    args = sys.argv[1:] if argv is None else list(argv)
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print("usage: python -m descend.autodiff.coverage_page [PATH]", file=sys.stderr)
        return 2
    page = render()
    if not args:
        sys.stdout.write(page)
        return 0
    with atomic_file(args[0]) as handle:
        handle.write(page.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
