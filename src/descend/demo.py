"""The built-in example behind ``python -m descend``: textbook gradients and a regression fit.

Each line prints descend's exact result next to the answer worked out by hand, so a new user
sees at once what the library does and that it is right.
"""

from __future__ import annotations

import numpy as np

from descend.autodiff import grad, value_and_grad

__all__ = ["fit_line_by_gradient_descent", "main"]


def fit_line_by_gradient_descent(
    x: np.ndarray, y: np.ndarray, lr: float = 0.1, steps: int = 2000
) -> tuple[np.ndarray, float]:
    """Fit ``y ~ slope * x + intercept`` by batch gradient descent on the mean squared error.

    Returns the fitted ``[slope, intercept]`` and the final loss.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> theta, loss = fit_line_by_gradient_descent(x, 2 * x + 1)
    >>> np.round(theta, 6).tolist()
    [2.0, 1.0]
    """
    design = np.column_stack([x, np.ones_like(x)])

    def mse(theta: np.ndarray) -> np.ndarray:
        return np.mean((design @ theta - y) ** 2)

    step = value_and_grad(mse)
    theta = np.zeros(2)
    loss = np.inf
    for _ in range(steps):
        loss, g = step(theta)
        theta = theta - lr * g
    return theta, float(loss)


def main() -> None:
    """Print the textbook gradients and the gradient-descent fits.

    Examples
    --------
    >>> main()  # doctest: +ELLIPSIS
    descend ...
    """
    from descend import __version__

    print(f"descend {__version__}: exact gradients of plain NumPy code\n")

    def f(x: float, y: float) -> float:
        return x**2 + 2 * x * y + 3 * y**2

    def g(x: float, y: float, z: float) -> float:
        return 4 * x**2 - 3 * y + 2 * z**3

    df = grad(f, argnums=(0, 1))(2.0, 3.0)
    dg = grad(g, argnums=(0, 1, 2))(1.0, -2.0, 4.0)
    print("f(x, y) = x^2 + 2xy + 3y^2 at (2, 3)")
    print(f"  grad f = ({df[0]:g}, {df[1]:g})    by hand: (2x + 2y, 2x + 6y) = (10, 22)")
    print("g(x, y, z) = 4x^2 - 3y + 2z^3 at (1, -2, 4)")
    print(f"  grad g = ({dg[0]:g}, {dg[1]:g}, {dg[2]:g})    by hand: (8x, -3, 6z^2) = (8, -3, 96)")

    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 200)
    y = 2 * x + rng.normal(0, 0.1, 200)
    theta, loss = fit_line_by_gradient_descent(x, y)
    print("\nLinear regression y = 2x + noise (200 points), batch gradient descent, lr=0.1:")
    print(f"  slope {theta[0]:.4f}, intercept {theta[1]:.4f}, mse {loss:.5f}")

    theta, loss = fit_line_by_gradient_descent(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0]))
    print("Least squares X = [[1,1],[1,2],[1,3]], y = [1,2,3]:")
    print(f"  theta = (intercept {theta[1]:.6f}, slope {theta[0]:.6f})    exact: (0, 1)")
