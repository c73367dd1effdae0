"""The :class:`Problem` record: a test function together with what is known about it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Problem", "Window"]

#: ``((x_low, x_high), (y_low, y_high))``, the region a 2-D contour plot should show.
Window = tuple[tuple[float, float], tuple[float, float]]


def validated_dim(name: str, dim: Any, minimum: int = 1, multiple_of: int = 1) -> int:
    """Check a constructor's ``dim`` argument and return it as an ``int``."""
    if isinstance(dim, bool) or not isinstance(dim, (int, np.integer)):
        raise TypeError(f"{name}(dim=...) must be an integer; got {dim!r}")
    if dim < minimum or dim % multiple_of:
        rule = f"an integer >= {minimum}"
        if multiple_of > 1:
            rule += f" and a multiple of {multiple_of}"
        raise ValueError(f"{name}(dim=...) must be {rule}; got dim={dim}")
    return int(dim)


def _frozen_vector(values: Any) -> np.ndarray:
    """Copy ``values`` into a read-only 1-D float64 array, so a shared problem cannot be edited."""
    vector = np.array(values, dtype=np.float64).reshape(-1)
    vector.setflags(write=False)
    return vector


@dataclass(frozen=True, eq=False)
class Problem:
    """An objective function with a standard starting point and a known minimum.

    Parameters
    ----------
    name : str
        Registry key, lower case (``"rosenbrock"``, ``"powell_singular"``).
    fun : callable
        ``fun(x) -> scalar`` for a 1-D array ``x`` of length ``dim``. Written with NumPy
        operations only, so :func:`descend.grad` can differentiate it, and accepting float32
        as well as float64 input.
    x0 : array_like
        The standard starting point (stored as a read-only float64 vector).
    f_min : float
        The known minimum value of ``fun``.
    x_min : array_like or None
        One known global minimiser, or ``None`` when only ``f_min`` is known.
    minimizers : tuple of array_like
        Every known global minimiser. ``x_min`` is always included.
    window : ((float, float), (float, float)) or None
        ``((x_low, x_high), (y_low, y_high))`` for contour plots of 2-D problems.
    tags : frozenset of str
        Properties such as ``"convex"``, ``"multimodal"``, ``"mgh"``, ``"least-squares"``,
        ``"ill-conditioned"``, ``"nonsmooth-at-min"``.
    reference : str
        Where the problem and its minimum come from.

    Examples
    --------
    >>> import numpy as np
    >>> from descend import problems
    >>> p = problems.get("booth")
    >>> p.dim, p.f_min, p.x_min.tolist()
    (2, 0.0, [1.0, 3.0])
    >>> float(p(np.array([1.0, 3.0])))
    0.0
    >>> p.distance_to_min(np.array([1.0, 4.0]))
    1.0
    """

    name: str
    fun: Callable[[Any], Any]
    x0: np.ndarray
    f_min: float
    x_min: np.ndarray | None
    minimizers: tuple[np.ndarray, ...] = ()
    window: Window | None = None
    tags: frozenset[str] = field(default_factory=frozenset)
    reference: str = ""

    def __post_init__(self) -> None:
        x0 = _frozen_vector(self.x0)
        known = [] if self.x_min is None else [self.x_min]
        known += list(self.minimizers)
        minimizers: list[np.ndarray] = []
        for point in map(_frozen_vector, known):
            if point.shape != x0.shape:
                raise ValueError(
                    f"problem {self.name!r}: a minimiser has {point.size} entries but x0 has "
                    f"{x0.size}; they must have the same length"
                )
            if not any(np.array_equal(point, seen) for seen in minimizers):
                minimizers.append(point)
        object.__setattr__(self, "x0", x0)
        object.__setattr__(self, "x_min", minimizers[0] if minimizers else None)
        object.__setattr__(self, "minimizers", tuple(minimizers))
        object.__setattr__(self, "f_min", float(self.f_min))
        object.__setattr__(self, "tags", frozenset(self.tags))

    @property
    def dim(self) -> int:
        """Number of variables."""
        return int(self.x0.size)

    def __call__(self, x: Any) -> Any:
        """Evaluate the objective at ``x`` (a 1-D array of length ``dim``)."""
        shape = getattr(x, "shape", None)
        if shape is None:
            x = np.asarray(x, dtype=np.float64)
            shape = x.shape
        if tuple(shape) != (self.dim,):
            raise ValueError(
                f"problem {self.name!r} takes a 1-D array of length {self.dim}; "
                f"got an array of shape {tuple(shape)}"
            )
        return self.fun(x)

    def distance_to_min(self, x: Any) -> float:
        """Euclidean distance from ``x`` to the nearest known global minimiser.

        Raises
        ------
        ValueError
            If no minimiser is known (compare ``fun(x)`` with ``f_min`` instead).
        """
        if not self.minimizers:
            raise ValueError(
                f"problem {self.name!r} has no known minimiser (only f_min = {self.f_min:g}); "
                "compare the objective value with f_min instead"
            )
        point = np.asarray(x, dtype=np.float64).reshape(-1)
        return float(min(np.linalg.norm(point - m) for m in self.minimizers))

    def __repr__(self) -> str:
        return f"Problem(name={self.name!r}, dim={self.dim}, f_min={self.f_min:g})"
