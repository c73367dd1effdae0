"""check_grad: compare descend's derivatives with central finite differences, any order."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from descend.autodiff.api import grad
from descend.pytree import tree_flatten, tree_map, tree_unflatten, tree_vdot

__all__ = ["GradientCheckError", "check_grad"]


class GradientCheckError(AssertionError):
    """descend's derivative disagrees with finite differences (the message says where).

    Examples
    --------
    >>> import numpy as np
    >>> from descend import stop_gradient
    >>> def half_stopped(x):  # the engine is told to ignore one factor; FD is not
    ...     return np.sum(x * stop_gradient(x))
    >>> try:
    ...     check_grad(half_stopped, np.array([1.0, 2.0]))
    ... except GradientCheckError as e:
    ...     print(str(e)[:62])
    half_stopped: order-1 derivative for argument 0 disagrees with
    """


def _is_float_tree(x: Any) -> bool:
    leaves = tree_flatten(x)[0]
    return bool(leaves) and all(
        not isinstance(leaf, bool | int) and np.result_type(leaf).kind in "fc" for leaf in leaves
    )


def _wide(leaf: Any) -> np.ndarray:
    """``leaf`` in double precision, keeping it complex if it is."""
    wide = np.complex128 if np.result_type(leaf).kind == "c" else np.float64
    return np.array(leaf, dtype=wide)


def check_grad(
    fun: Callable[..., Any],
    *args: Any,
    order: int = 1,
    argnums: int | Sequence[int] | None = None,
    eps: float = 1e-6,
    rtol: float | None = None,
    atol: float | None = None,
    seed: int = 0,
) -> None:
    """Check descend's derivatives of ``fun`` at ``args`` against central finite differences.

    A non-scalar ``fun`` is reduced to ``sum(u * fun(*args))`` with a random ``u``, which
    checks its vector-Jacobian product. With ``order=k`` every derivative of order 1 to k is
    checked, each against finite differences of descend's derivative of the order below.
    Finite differences are taken in float64 even for float32 arguments, so a float32
    gradient is compared with an accurate reference (with looser default tolerances).

    Complex arguments and outputs are checked with descend's convention (JAX's, see
    docs/complex.md): a complex output is reduced to ``Re(sum(u * fun(*args)))`` with a complex
    random ``u``, and the gradient with respect to a complex argument ``z = x + iy`` must equal
    ``df/dx - 1j * df/dy``, both partial derivatives taken by central differences (along the
    real and along the imaginary direction of each element).

    Parameters
    ----------
    fun : callable
        Plain-NumPy function of the arguments.
    *args
        Point to check at. Real or complex floats, arrays or pytrees of them are checked.
    order : int, default 1
        Highest derivative order to check.
    argnums : int or sequence of int, optional
        Arguments to check; by default every floating-point argument.
    eps : float, default 1e-6
        Relative finite-difference step (scaled by ``max(1, |x|)``).
    rtol, atol : float, optional
        Tolerances: an element passes if ``|ad - fd| <= atol * scale + rtol * |fd|``, with
        ``scale = max(1, max|fd|)``. Defaults: 1e-5 and 1e-6 in float64 or complex128, 2e-3
        and 1e-3 if any checked argument is float32 or complex64.
    seed : int, default 0
        Seed of the random output weights ``u``.

    Raises
    ------
    GradientCheckError
        With a report naming the order, argument, worst element and both values.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import check_grad
    >>> check_grad(lambda x: np.sum(np.tanh(x) ** 2), np.linspace(-1, 1, 5), order=2)

    A complex argument, and a complex intermediate result (the power spectrum of a signal):

    >>> z = np.array([1.0 + 2.0j, -0.5 + 0.1j])
    >>> check_grad(lambda z: np.sum(np.abs(np.exp(z)) ** 2), z, order=2)
    >>> check_grad(lambda x: np.abs(np.fft.rfft(x)) ** 2, np.arange(5.0), order=2)
    """
    if argnums is None:
        nums = tuple(i for i, a in enumerate(args) if _is_float_tree(a))
    else:
        nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if not nums:
        raise ValueError("check_grad found no floating-point argument to check.")
    low_precision = any(
        np.result_type(leaf) in (np.float32, np.complex64)
        for i in nums
        for leaf in tree_flatten(args[i])[0]
    )
    rtol = (2e-3 if low_precision else 1e-5) if rtol is None else rtol
    atol = (1e-3 if low_precision else 1e-6) if atol is None else atol
    rng = np.random.default_rng(seed)
    current = fun
    for k in range(1, order + 1):
        scalar = _scalarize(current, args, rng)
        _compare(scalar, args, nums, k, eps, rtol, atol, getattr(fun, "__name__", repr(fun)))
        current = grad(scalar, argnums=nums)


def _scalarize(fun: Callable[..., Any], args: tuple, rng: np.random.Generator) -> Any:
    out = fun(*args)

    def weight(o: Any) -> np.ndarray:
        u = rng.standard_normal(np.shape(o))
        if np.result_type(o).kind == "c":
            u = u + 1j * rng.standard_normal(np.shape(o))
        return u

    weights = tree_map(weight, out)

    def scalar(*a: Any) -> Any:
        return np.real(tree_vdot(weights, fun(*a)))

    return scalar


def _compare(
    scalar: Callable[..., Any],
    args: tuple,
    nums: tuple[int, ...],
    order: int,
    eps: float,
    rtol: float,
    atol: float,
    name: str,
) -> None:
    analytic = grad(scalar, argnums=nums)(*args)
    wide = list(args)
    for i in nums:
        wide[i] = tree_map(_wide, args[i])
    for pos, i in enumerate(nums):
        leaves, treedef = tree_flatten(wide[i])
        ad_leaves = tree_flatten(analytic[pos])[0]
        for j, (x, ad) in enumerate(zip(leaves, ad_leaves)):
            expected_dtype = np.result_type(tree_flatten(args[i])[0][j])
            where = f"argument {i}" + (f", leaf {j}" if len(leaves) > 1 else "")
            if np.result_type(ad) != expected_dtype or np.shape(ad) != np.shape(x):
                raise GradientCheckError(
                    f"{name}: order-{order} derivative for {where} has dtype "
                    f"{np.result_type(ad)} and shape {np.shape(ad)}; expected "
                    f"{expected_dtype} and {np.shape(x)}."
                )

            def at(
                value: np.ndarray, i: int = i, j: int = j, treedef: Any = treedef,
                leaves: list = leaves,
            ) -> Any:  # fmt: skip
                call = list(wide)
                new_leaves = list(leaves)
                new_leaves[j] = value
                call[i] = tree_unflatten(treedef, new_leaves)
                return scalar(*call)

            fd: np.ndarray = _central_differences(at, x, eps, 1.0)
            if x.dtype.kind == "c":
                fd = fd - 1j * _central_differences(at, x, eps, 1j)
            _report(np.asarray(ad, dtype=x.dtype), fd, rtol, atol, name, order, where)


def _central_differences(
    f: Callable[[np.ndarray], Any], x: np.ndarray, eps: float, direction: complex
) -> np.ndarray:
    """The derivative of real-valued ``f`` along ``direction`` (1 or 1j) of each element."""
    fd = np.zeros(np.shape(x))
    for k in range(fd.size):
        step = eps * max(1.0, abs(x.flat[k]))
        up, down = x.copy(), x.copy()
        up.flat[k] += step * direction
        down.flat[k] -= step * direction
        fd.flat[k] = (float(f(up)) - float(f(down))) / (2 * step)
    return fd


def _report(
    ad: np.ndarray, fd: np.ndarray, rtol: float, atol: float, name: str, order: int, where: str
) -> None:
    scale = max(1.0, float(np.max(np.abs(fd), initial=0.0)))
    err = np.abs(ad - fd)
    bad = ~(err <= atol * scale + rtol * np.abs(fd))
    if not bad.any():
        return
    worst = np.unravel_index(int(np.argmax(np.where(bad, err, -1.0))), np.shape(fd))
    index = worst if np.ndim(fd) else ()
    raise GradientCheckError(
        f"{name}: order-{order} derivative for {where} disagrees with central finite "
        f"differences at {int(bad.sum())} of {bad.size} element(s). Worst at index "
        f"{tuple(int(i) for i in index)}: descend {ad[index]:.10g}, finite differences "
        f"{fd[index]:.10g} (abs error {err[index]:.3g}; allowed {atol * scale:.3g} + "
        f"{rtol:g} * |fd|)."
    )
