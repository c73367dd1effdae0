"""Spec table of the scipy.special ufuncs with several outputs: every output at once (a tuple),
complex outputs split into real and imaginary parts, in domains where the functions are smooth.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.special as sp

from .specs import Case, Inputs, Spec, spec
from .table_special import fixed, special, var


def _parts(out: tuple[Any, ...]) -> tuple[Any, ...]:
    """Real and imaginary parts of every output."""
    return tuple(part(o) for o in out for part in (np.real, np.imag))


def _first(out: tuple[Any, ...]) -> Any:
    """The first output only."""
    return out[0]


def _negated(ufunc: Any, outputs: slice) -> Any:
    """``ufunc(-x)[outputs]``: a function checked on negative arguments only."""
    return lambda x: ufunc(-x)[outputs]


def _with_cv(ufunc: Any, characteristic: Any, lo: float, hi: float) -> Spec:
    """A spheroidal ``*_cv`` function, its characteristic value computed from ``(m, n, c)``."""

    def make(d: Inputs) -> Case:
        m, n, c = d.choice([(0, 0, 0.5), (0, 1, 1.0), (1, 2, 0.8), (2, 3, 0.5)])
        cv = characteristic(m, n, c)
        x = d.rng.uniform(lo, hi, d.shape(max_dims=2)).astype(d.dtype)
        return (lambda x: ufunc(m, n, c, cv, x)), (x,)

    return spec(f"scipy.special.{ufunc.__name__}", ufunc, make)


_LINE = 0.5j  # complex arguments are checked along x + 0.5j

SPECIAL_MULTI: list[Spec] = [
    special(sp.sici, var(0.2, 3.0, signed=True)),
    # Near 0 the series of Si and Shi; Ci and Chi have a logarithmic singularity there.
    special(sp.sici, var(0.0, 0.05, signed=True), part=_first, name="sici Si near 0"),
    special(sp.sici, var(0.2, 2.0, signed=True), shift=_LINE, part=_parts, name="sici complex"),
    special(sp.shichi, var(0.2, 3.0, signed=True)),
    special(sp.shichi, var(0.0, 0.05, signed=True), part=_first, name="shichi Shi near 0"),
    special(sp.shichi, var(0.2, 2.0), shift=_LINE, part=_parts, name="shichi complex"),
    special(sp.fresnel, var(0.0, 2.0, signed=True)),
    special(
        sp.fresnel, var(0.0, 1.5, signed=True), shift=_LINE, part=_parts, name="fresnel complex"
    ),
    special(sp.modfresnelp, var(0.1, 2.0), part=_parts),
    special(sp.modfresnelm, var(0.1, 2.0), part=_parts),
    special(sp.airy, var(0.0, 3.0, signed=True)),
    special(sp.airy, var(0.0, 2.0, signed=True), shift=_LINE, part=_parts, name="airy complex"),
    special(sp.airye, var(0.1, 3.0)),
    special(
        _negated(sp.airye, slice(2, 4)), var(0.1, 3.0), name="airye negative x", covers=sp.airye
    ),
    special(sp.kelvin, var(0.2, 3.0), part=_parts),
    special(sp.itj0y0, var(0.1, 4.0)),
    special(sp.iti0k0, var(0.1, 3.0)),
    special(sp.it2j0y0, var(0.3, 4.0)),
    special(sp.it2i0k0, var(0.3, 3.0)),
    special(
        lambda x: sp.it2j0y0(x)[0],
        var(0.0, 0.3, signed=True),
        name="it2j0y0 near 0",
        covers=sp.it2j0y0,
    ),
    special(
        lambda x: sp.it2i0k0(x)[0],
        var(0.0, 0.3, signed=True),
        name="it2i0k0 near 0",
        covers=sp.it2i0k0,
    ),
    # scipy's itairy itself is accurate to 1e-9 only up to |x| ~ 1.2 (1e-7 at 2, 1e-6 at 3.5).
    special(sp.itairy, var(0.0, 1.2, signed=True)),
    special(sp.ellipj, var(0.0, 2.0, signed=True), fixed(0.0, 0.3, 0.8)),
    special(sp.pbdv, fixed(0.0, 0.7, 1.5, -0.6), var(0.0, 2.0, signed=True)),
    special(sp.pbvv, fixed(0.0, 0.7, 1.5, -0.6), var(0.0, 2.0, signed=True)),
    special(sp.pbwa, fixed(0.0, 0.5, -1.0), var(0.0, 2.0, signed=True)),
    special(sp.mathieu_cem, fixed(0, 1, 2), fixed(0.5, 1.5, -1.0), var(0.0, 180.0, signed=True)),
    special(sp.mathieu_sem, fixed(1, 2, 3), fixed(0.5, 1.5, -1.0), var(0.0, 180.0, signed=True)),
    special(sp.mathieu_modcem1, fixed(0, 1, 2), fixed(0.5, 1.5), var(0.2, 1.2)),
    special(sp.mathieu_modcem2, fixed(0, 1, 2), fixed(0.5, 1.5), var(0.2, 1.2)),
    special(sp.mathieu_modsem1, fixed(1, 2), fixed(0.5, 1.5), var(0.2, 1.2)),
    special(sp.mathieu_modsem2, fixed(1, 2), fixed(0.5, 1.5), var(0.2, 1.2)),
    special(sp.pro_ang1, fixed(0, 1), fixed(2, 3), fixed(0.5, 1.0), var(0.0, 0.8, signed=True)),
    special(sp.obl_ang1, fixed(0, 1), fixed(2, 3), fixed(0.5, 1.0), var(0.0, 0.8, signed=True)),
    special(sp.pro_rad1, fixed(0, 1), fixed(2, 3), fixed(0.5, 1.0), var(1.2, 2.5)),
    special(sp.obl_rad1, fixed(0, 1), fixed(2, 3), fixed(0.5, 1.0), var(0.2, 2.5)),
    _with_cv(sp.pro_ang1_cv, sp.pro_cv, -0.8, 0.8),
    _with_cv(sp.obl_ang1_cv, sp.obl_cv, -0.8, 0.8),
    _with_cv(sp.pro_rad1_cv, sp.pro_cv, 1.2, 2.5),
    _with_cv(sp.obl_rad1_cv, sp.obl_cv, 0.2, 2.5),
]
