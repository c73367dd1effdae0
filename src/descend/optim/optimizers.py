"""The named optimizers, each a `chain` of building blocks with PyTorch's names and defaults.

``g`` is the gradient, ``p`` the parameters, ``lr`` the learning rate of step ``t``
(a float or a schedule). ``weight_decay`` may be a schedule too. Every function returns a
`GradientTransformation`; see ``docs/optim.md`` for a side-by-side table with PyTorch and Optax.
"""

from __future__ import annotations

from collections.abc import Callable

from descend.optim.accumulators import (
    scale_by_adadelta,
    scale_by_adagrad,
    scale_by_rms,
    scale_by_rprop,
)
from descend.optim.adaptive import (
    scale_by_adam,
    scale_by_adamax,
    scale_by_lion,
    scale_by_nadam,
    scale_by_radam,
)
from descend.optim.base import GradientTransformation, chain
from descend.optim.regularizers import add_decayed_weights
from descend.optim.transforms import scale_by_lr, trace

__all__ = [
    "sgd",
    "adagrad",
    "rmsprop",
    "adadelta",
    "adam",
    "adamw",
    "adamax",
    "nadam",
    "radam",
    "rprop",
    "lion",
]

Rate = float | Callable[[int], float]


def _coupled(
    weight_decay: Rate, direction: GradientTransformation, lr: Rate
) -> GradientTransformation:
    """PyTorch's ``weight_decay``: L2 added to the gradient before the direction is formed."""
    decay = [add_decayed_weights(weight_decay)] if callable(weight_decay) or weight_decay else []
    return chain(*decay, direction, scale_by_lr(lr))


def sgd(
    lr: Rate = 1e-3,
    momentum: float = 0.0,
    dampening: float = 0.0,
    nesterov: bool = False,
    weight_decay: Rate = 0.0,
) -> GradientTransformation:
    r"""Stochastic gradient descent with optional momentum, as ``torch.optim.SGD``.

    .. math::
        g \leftarrow g + \lambda p,\quad
        b_t = \mu b_{t-1} + (1-\tau) g \ (b_1 = g),\quad
        p \leftarrow p - \text{lr}\,(g + \mu b_t \text{ if nesterov else } b_t)

    (plain ``p - lr * g`` when ``momentum = 0``). Defaults are PyTorch's (``lr = 1e-3``);
    Optax's ``sgd`` has no default ``lr``, no dampening and starts ``b`` at 0.

    Examples
    --------
    >>> import numpy as np
    >>> opt = sgd(lr=0.1, momentum=0.9)
    >>> x = np.array([1.0])
    >>> state = opt.init(x)
    >>> for _ in range(2):
    ...     x, state = opt.step(x, 2 * x, state)  # gradient of x**2
    >>> x
    array([0.46])
    """
    if nesterov and (momentum <= 0 or dampening != 0):
        raise ValueError("Nesterov momentum requires momentum > 0 and dampening = 0")
    return _coupled(weight_decay, trace(momentum, dampening, nesterov) if momentum else chain(), lr)


def adagrad(
    lr: Rate = 1e-2,
    lr_decay: float = 0.0,
    weight_decay: Rate = 0.0,
    initial_accumulator_value: float = 0.0,
    eps: float = 1e-10,
) -> GradientTransformation:
    r"""Adagrad, as ``torch.optim.Adagrad``.

    .. math::
        g \leftarrow g + \lambda p,\quad s_t = s_{t-1} + g^2,\quad
        p \leftarrow p - \frac{\text{lr}}{1 + (t-1)\,\text{lr\_decay}}\,
        \frac{g}{\sqrt{s_t}+\epsilon}

    Differences: Optax starts ``s`` at ``initial_accumulator_value = 0.1`` and uses
    ``eps = 1e-7``; PyTorch and we start at 0 with ``eps = 1e-10`` outside the root.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adagrad(lr=1.0)
    >>> x = np.array([3.0])
    >>> x, state = opt.step(x, np.array([4.0]), opt.init(x))
    >>> np.round(x, 8)  # first step moves by lr whatever the gradient's size
    array([2.])
    """
    return _coupled(weight_decay, scale_by_adagrad(lr_decay, initial_accumulator_value, eps), lr)


def rmsprop(
    lr: Rate = 1e-2,
    alpha: float = 0.99,
    eps: float = 1e-8,
    weight_decay: Rate = 0.0,
    momentum: float = 0.0,
    centered: bool = False,
) -> GradientTransformation:
    r"""RMSProp, as ``torch.optim.RMSprop``.

    .. math::
        g \leftarrow g + \lambda p,\quad v_t = \alpha v_{t-1} + (1-\alpha) g^2,\quad
        D = \sqrt{v_t} + \epsilon \ \ (\sqrt{v_t - \bar g_t^2} + \epsilon \text{ if centered}),

    then ``p -= lr * g / D``, or with momentum ``b = momentum * b + g / D; p -= lr * b``.
    ``eps`` sits outside the root (Optax: inside, ``sqrt(v + eps)``; TensorFlow: ``eps=1e-7``;
    Keras: ``alpha`` is called ``rho = 0.9``).

    Examples
    --------
    >>> import numpy as np
    >>> opt = rmsprop(lr=0.01)
    >>> x = np.array([1.0])
    >>> x, state = opt.step(x, np.array([5.0]), opt.init(x))
    >>> np.round(x, 6)  # first step: lr / sqrt(1 - alpha)
    array([0.9])
    """
    return _coupled(weight_decay, scale_by_rms(alpha, eps, centered, momentum), lr)


def adadelta(
    lr: Rate = 1.0, rho: float = 0.9, eps: float = 1e-6, weight_decay: Rate = 0.0
) -> GradientTransformation:
    r"""Adadelta, as ``torch.optim.Adadelta``.

    .. math::
        g \leftarrow g + \lambda p,\quad v_t = \rho v_{t-1} + (1-\rho) g^2,\quad
        \Delta = \frac{\sqrt{a_{t-1}+\epsilon}}{\sqrt{v_t+\epsilon}} g,\quad
        a_t = \rho a_{t-1} + (1-\rho)\Delta^2,\quad p \leftarrow p - \text{lr}\,\Delta

    The paper has no ``lr``; it is 1.0 here and in PyTorch.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adadelta()
    >>> x = np.array([1.0])
    >>> x, state = opt.step(x, np.array([1.0]), opt.init(x))
    >>> np.round(x, 6)  # first step: sqrt(eps) / sqrt(0.1 + eps)
    array([0.996838])
    """
    return _coupled(weight_decay, scale_by_adadelta(rho, eps), lr)


def adam(
    lr: Rate = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: Rate = 0.0,
    amsgrad: bool = False,
) -> GradientTransformation:
    r"""Adam (Kingma & Ba, 2015), as ``torch.optim.Adam``; AMSGrad with ``amsgrad=True``.

    .. math::
        g \leftarrow g + \lambda p,\quad m_t = \beta_1 m_{t-1} + (1-\beta_1) g,\quad
        v_t = \beta_2 v_{t-1} + (1-\beta_2) g^2,\\
        p \leftarrow p - \text{lr}\,\frac{m_t/(1-\beta_1^t)}{\sqrt{\hat v_t/(1-\beta_2^t)}+\epsilon}

    with ``v_hat = v`` or, for AMSGrad, the running maximum of ``v``. ``weight_decay`` is the
    coupled L2 penalty (use `adamw` for decoupled decay). Optax's ``adam`` also has
    ``eps_root`` (inside the root, default 0) and its AMSGrad takes the maximum of the
    bias-corrected ``v``.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adam(lr=0.1)
    >>> x = np.array([1.0, -1.0])
    >>> x, state = opt.step(x, np.array([10.0, -0.01]), opt.init(x))
    >>> np.round(x, 6)  # the first step is lr * sign(g), whatever the gradient's scale
    array([ 0.9, -0.9])
    """
    return _coupled(weight_decay, scale_by_adam(betas[0], betas[1], eps, amsgrad), lr)


def adamw(
    lr: Rate = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: Rate = 1e-2,
    amsgrad: bool = False,
) -> GradientTransformation:
    r"""AdamW (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``: decoupled weight decay.

    .. math::
        p \leftarrow p - \text{lr}\,(d_t + \lambda p)

    where ``d_t`` is `adam`'s direction computed from the raw gradient. The default
    ``weight_decay = 1e-2`` is PyTorch's; Optax's ``adamw`` defaults to ``1e-4``. The decay is
    multiplied by ``lr`` (so it follows a schedule), as in both.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adamw(lr=0.1, weight_decay=0.5)
    >>> x = np.array([2.0])
    >>> x, state = opt.step(x, np.array([3.0]), opt.init(x))
    >>> np.round(x, 6)  # 2 - 0.1 * (1 + 0.5 * 2)
    array([1.8])
    """
    return chain(
        scale_by_adam(betas[0], betas[1], eps, amsgrad),
        add_decayed_weights(weight_decay),
        scale_by_lr(lr),
    )


def adamax(
    lr: Rate = 2e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: Rate = 0.0,
) -> GradientTransformation:
    r"""Adamax (Kingma & Ba, 2015, sec. 7), as ``torch.optim.Adamax``.

    .. math::
        g \leftarrow g + \lambda p,\quad m_t = \beta_1 m_{t-1} + (1-\beta_1) g,\quad
        u_t = \max(\beta_2 u_{t-1}, |g| + \epsilon),\quad
        p \leftarrow p - \frac{\text{lr}}{1-\beta_1^t}\frac{m_t}{u_t}

    ``eps`` sits inside the maximum as in Optax; Keras adds it to ``u_t`` instead.

    Examples
    --------
    >>> import numpy as np
    >>> opt = adamax(lr=0.1)
    >>> x = np.array([1.0])
    >>> x, state = opt.step(x, np.array([4.0]), opt.init(x))
    >>> np.round(x, 6)
    array([0.9])
    """
    return _coupled(weight_decay, scale_by_adamax(betas[0], betas[1], eps), lr)


def nadam(
    lr: Rate = 2e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: Rate = 0.0,
    momentum_decay: float = 4e-3,
) -> GradientTransformation:
    r"""NAdam (Dozat, 2016), as ``torch.optim.NAdam``: Adam with Nesterov momentum.

    .. math::
        \mu_t = \beta_1(1 - \tfrac12 0.96^{t\,\psi}),\quad
        p \leftarrow p - \text{lr}\Big(\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g}{D}
        + \frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{D}\Big),\quad
        D = \sqrt{v_t/(1-\beta_2^t)}+\epsilon

    with ``psi = momentum_decay`` and coupled L2 ``g += weight_decay * p``. Optax's ``nadam``
    uses a constant ``mu = beta1`` (no ``momentum_decay``).

    Examples
    --------
    >>> import numpy as np
    >>> opt = nadam(lr=0.1)
    >>> x = np.array([1.0])
    >>> x, state = opt.step(x, np.array([4.0]), opt.init(x))
    >>> np.round(x, 4)
    array([0.8944])
    """
    return _coupled(weight_decay, scale_by_nadam(betas[0], betas[1], eps, momentum_decay), lr)


def radam(
    lr: Rate = 1e-3,
    betas: tuple[float, float] = (0.9, 0.999),
    eps: float = 1e-8,
    weight_decay: Rate = 0.0,
) -> GradientTransformation:
    r"""RAdam (Liu et al., 2020), as ``torch.optim.RAdam``.

    Adam whose adaptive factor is switched off while the variance estimate is unreliable
    (``rho_t <= 5``: the first 5 steps with the default betas) and scaled by the rectification
    ``r_t`` afterwards:

    .. math::
        p \leftarrow p - \text{lr}\,\hat m_t \cdot
        \begin{cases} r_t \sqrt{1-\beta_2^t}/(\sqrt{v_t}+\epsilon) & \rho_t > 5 \\
        1 & \text{otherwise} \end{cases}

    Examples
    --------
    >>> import numpy as np
    >>> opt = radam(lr=0.1)
    >>> x = np.array([1.0])
    >>> x, state = opt.step(x, np.array([4.0]), opt.init(x))
    >>> np.round(x, 6)  # first step: plain bias-corrected momentum, 1 - 0.1 * 4
    array([0.6])
    """
    return _coupled(weight_decay, scale_by_radam(betas[0], betas[1], eps), lr)


def rprop(
    lr: float = 1e-2,
    etas: tuple[float, float] = (0.5, 1.2),
    step_sizes: tuple[float, float] = (1e-6, 50.0),
) -> GradientTransformation:
    r"""Rprop, as ``torch.optim.Rprop`` (the iRprop- variant): sign-based per-coordinate steps.

    Each coordinate's step ``s`` starts at ``lr``; if ``g_t g_{t-1} > 0`` then
    ``s *= etas[1]``, if ``< 0`` then ``s *= etas[0]`` and ``g_t := 0`` (no move, no flip test
    next step); ``s`` is clipped to ``step_sizes`` and ``p -= sign(g_t) s``. ``lr`` is a step
    length, not a rate: it cannot be a schedule. Meant for full-batch gradients.

    Examples
    --------
    >>> import numpy as np
    >>> opt = rprop(lr=0.5)
    >>> x = np.array([3.0])
    >>> state = opt.init(x)
    >>> for _ in range(3):
    ...     x, state = opt.step(x, 2 * x, state)
    >>> np.round(x, 6)  # steps 0.5, 0.6, 0.72
    array([1.18])
    """
    return scale_by_rprop(lr, etas, step_sizes)


def lion(
    lr: Rate = 1e-4, betas: tuple[float, float] = (0.9, 0.99), weight_decay: Rate = 0.0
) -> GradientTransformation:
    r"""Lion (Chen et al., 2023, "Symbolic discovery of optimization algorithms").

    .. math::
        p \leftarrow p - \text{lr}\,\big(\operatorname{sign}(\beta_1 m_{t-1} + (1-\beta_1) g)
        + \lambda p\big),\quad m_t = \beta_2 m_{t-1} + (1-\beta_2) g

    with decoupled weight decay ``lambda``. PyTorch has no Lion; defaults follow the paper
    (``lr = 1e-4``, ``weight_decay = 0``); Optax's ``lion`` defaults to
    ``weight_decay = 1e-3``. Use a 3-10x smaller ``lr`` than for AdamW.

    Examples
    --------
    >>> import numpy as np
    >>> opt = lion(lr=0.1)
    >>> x = np.array([1.0, -1.0])
    >>> x, state = opt.step(x, np.array([0.3, -20.0]), opt.init(x))
    >>> x
    array([ 0.9, -0.9])
    """
    decay = [add_decayed_weights(weight_decay)] if callable(weight_decay) or weight_decay else []
    return chain(scale_by_lion(betas[0], betas[1]), *decay, scale_by_lr(lr))
