"""The errors descend raises when it cannot differentiate something, worded for NumPy users."""

from __future__ import annotations

__all__ = ["NotDifferentiableError", "TracerConversionError", "TracerEscapedError"]


class NotDifferentiableError(TypeError):
    """A NumPy function or argument that descend has no derivative for was given a traced value.

    Examples
    --------
    >>> import numpy as np, descend
    >>> try:
    ...     descend.grad(lambda x: np.sum(np.add.at(x, [0], 1.0)))(np.ones(2))
    ... except descend.NotDifferentiableError as e:
    ...     print(str(e)[:53])
    descend cannot differentiate numpy.add.at; it updates
    """


class TracerConversionError(TypeError):
    """A traced value was turned into a plain array or Python number, which would drop its
    gradient (``np.asarray(x)``, ``float(x)``, ``x.item()``, ``x.tolist()``...).

    Examples
    --------
    >>> import numpy as np, descend
    >>> try:
    ...     descend.grad(lambda x: float(x) ** 2)(3.0)
    ... except descend.TracerConversionError as e:
    ...     print(str(e)[:30])
    float() was called on a value
    """


class TracerEscapedError(RuntimeError):
    """A traced value was used after the function being differentiated had returned.

    Examples
    --------
    >>> import numpy as np, descend
    >>> kept = []
    >>> _ = descend.grad(lambda x: kept.append(x) or np.sum(x))(np.ones(2))
    >>> try:
    ...     np.sin(kept[0])
    ... except descend.TracerEscapedError as e:
    ...     print(str(e)[:39])
    numpy.sin was applied to a traced value
    """

    def __init__(self, where: str) -> None:
        super().__init__(
            f"{where} was applied to a traced value that escaped from a function after "
            "descend finished differentiating it (for example one stored in a global or on an "
            "object). Return values from the function instead of storing them, or store "
            "descend.stop_gradient(value)."
        )


def conversion_error(what: str) -> TracerConversionError:
    """The error for ``what`` (e.g. ``"float()"``) applied to a traced value."""
    return TracerConversionError(
        f"{what} was called on a value that descend is differentiating; converting it to a "
        "plain NumPy array or Python number would silently drop its gradient. NumPy functions, "
        "operators and methods accept traced values directly, so remove the conversion (use "
        "np.exp rather than math.exp, x rather than np.asarray(x)). If you mean to treat the "
        "value as a constant, convert descend.stop_gradient(x) instead."
    )
