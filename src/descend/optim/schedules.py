"""Learning-rate (or any rate) schedules: callables ``step -> value``, steps counted from 0.

Any rate argument of `descend.optim` (``lr``, a weight decay, a proximal threshold) takes
a float or one of these. Step ``k`` is the value used by the ``k``-th update (0-based, as in
Optax); a PyTorch scheduler stepped once per optimizer step gives the same sequence.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Sequence

# reduce_on_plateau reads the loss rather than the step, so it is a transformation (it lives
# in descend.optim.plateau); it is listed here too, beside the schedules it replaces.
from descend.optim.plateau import reduce_on_plateau

__all__ = [
    "Schedule",
    "constant",
    "step_decay",
    "multistep",
    "exponential_decay",
    "inverse_time",
    "polynomial",
    "cosine_decay",
    "cosine_restarts",
    "linear_warmup",
    "join",
    "one_cycle",
    "reduce_on_plateau",
]

Schedule = Callable[[int], float]


def _positive_int(value: int, name: str) -> int:
    if int(value) != value or value < 1:
        raise ValueError(f"{name} must be a positive integer; got {value!r}")
    return int(value)


def constant(value: float) -> Schedule:
    """Always ``value``.

    Examples
    --------
    >>> constant(0.1)(1000)
    0.1
    """
    value = float(value)
    return lambda step: value


def step_decay(init_value: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """``init_value * gamma ** (step // step_size)`` (``torch.optim.lr_scheduler.StepLR``).

    Examples
    --------
    >>> s = step_decay(1.0, step_size=2, gamma=0.5)
    >>> [s(k) for k in range(5)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    init_value, gamma = float(init_value), float(gamma)
    step_size = _positive_int(step_size, "step_size")
    return lambda step: init_value * gamma ** (step // step_size)


def multistep(init_value: float, milestones: Sequence[int], gamma: float = 0.1) -> Schedule:
    """Multiply by ``gamma`` at each milestone step (``torch.optim.lr_scheduler.MultiStepLR``).

    Examples
    --------
    >>> s = multistep(1.0, milestones=[2, 4], gamma=0.1)
    >>> [round(s(k), 12) for k in range(6)]
    [1.0, 1.0, 0.1, 0.1, 0.01, 0.01]
    """
    init_value, gamma = float(init_value), float(gamma)
    marks = sorted(int(m) for m in milestones)
    return lambda step: init_value * gamma ** bisect.bisect_right(marks, step)


def exponential_decay(
    init_value: float, decay_rate: float, transition_steps: int = 1, staircase: bool = False
) -> Schedule:
    """``init_value * decay_rate ** (step / transition_steps)``, the exponent floored if
    ``staircase`` (Optax's ``exponential_decay``; ``ExponentialLR(gamma)`` is ``decay_rate=gamma``).

    Examples
    --------
    >>> s = exponential_decay(1.0, decay_rate=0.25, transition_steps=2)
    >>> [s(k) for k in range(3)]
    [1.0, 0.5, 0.25]
    >>> exponential_decay(1.0, 0.25, 2, staircase=True)(1)
    1.0
    """
    init_value, decay_rate = float(init_value), float(decay_rate)
    transition_steps = _positive_int(transition_steps, "transition_steps")

    def schedule(step: int) -> float:
        exponent = step // transition_steps if staircase else step / transition_steps
        return init_value * decay_rate**exponent

    return schedule


def inverse_time(init_value: float, power_t: float = 0.25) -> Schedule:
    """``init_value / (step + 1) ** power_t``: scikit-learn's ``learning_rate="invscaling"``
    (its ``t`` counts from 1, ours from 0).

    Examples
    --------
    >>> s = inverse_time(1.0, power_t=0.5)
    >>> [s(k) for k in (0, 3, 99)]
    [1.0, 0.5, 0.1]
    """
    init_value, power_t = float(init_value), float(power_t)
    return lambda step: init_value / (step + 1) ** power_t


def polynomial(
    init_value: float,
    end_value: float,
    power: float,
    transition_steps: int,
    transition_begin: int = 0,
) -> Schedule:
    """Polynomial decay from ``init_value`` to ``end_value`` over ``transition_steps`` steps.

    ``(init - end) * (1 - k / transition_steps) ** power + end`` with
    ``k = clip(step - transition_begin, 0, transition_steps)`` (Optax's
    ``polynomial_schedule``; ``PolynomialLR(total_iters=T, power=p)`` is
    ``polynomial(lr, 0.0, p, T)``).

    Examples
    --------
    >>> s = polynomial(1.0, 0.0, power=2, transition_steps=4)
    >>> [s(k) for k in range(6)]
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """
    init_value, end_value, power = float(init_value), float(end_value), float(power)
    transition_steps = _positive_int(transition_steps, "transition_steps")

    def schedule(step: int) -> float:
        k = min(max(step - transition_begin, 0), transition_steps)
        return (init_value - end_value) * (1.0 - k / transition_steps) ** power + end_value

    return schedule


def cosine_decay(init_value: float, decay_steps: int, alpha: float = 0.0) -> Schedule:
    """Half a cosine from ``init_value`` down to ``alpha * init_value`` over ``decay_steps``,
    then constant (Optax's ``cosine_decay_schedule``; ``CosineAnnealingLR(T_max, eta_min)``
    is ``alpha = eta_min / lr`` for steps up to ``T_max``).

    Examples
    --------
    >>> s = cosine_decay(1.0, decay_steps=4)
    >>> [round(s(k), 12) for k in range(6)]
    [1.0, 0.853553390593, 0.5, 0.146446609407, 0.0, 0.0]
    """
    init_value, alpha = float(init_value), float(alpha)
    decay_steps = _positive_int(decay_steps, "decay_steps")

    def schedule(step: int) -> float:
        fraction = min(step, decay_steps) / decay_steps
        return init_value * ((1.0 - alpha) * 0.5 * (1.0 + math.cos(math.pi * fraction)) + alpha)

    return schedule


def cosine_restarts(
    init_value: float, first_period: int, period_mult: float = 1.0, min_value: float = 0.0
) -> Schedule:
    """SGDR (Loshchilov & Hutter, 2017): cosine decays to ``min_value`` restarted at
    ``init_value``, periods growing by ``period_mult``
    (``CosineAnnealingWarmRestarts(T_0=first_period, T_mult=period_mult, eta_min=min_value)``).

    Examples
    --------
    >>> s = cosine_restarts(1.0, first_period=2, period_mult=2)
    >>> [round(s(k), 12) for k in range(7)]
    [1.0, 0.5, 1.0, 0.853553390593, 0.5, 0.146446609407, 1.0]
    """
    init_value, min_value = float(init_value), float(min_value)
    first = _positive_int(first_period, "first_period")
    mult = float(period_mult)
    if mult < 1.0:
        raise ValueError(f"period_mult must be >= 1; got {period_mult!r}")

    def schedule(step: int) -> float:
        period: float = first
        t = float(step)
        if mult == 1.0:
            t = step % first
        else:
            while t >= period:
                t -= period
                period *= mult
        return min_value + (init_value - min_value) * 0.5 * (1.0 + math.cos(math.pi * t / period))

    return schedule


def linear_warmup(peak_value: float, warmup_steps: int, init_value: float = 0.0) -> Schedule:
    """Linear ramp from ``init_value`` at step 0 to ``peak_value`` at ``warmup_steps``, then flat
    (``LinearLR(start_factor, 1.0, total_iters=warmup_steps)`` up to the factor).

    Examples
    --------
    >>> s = linear_warmup(1.0, warmup_steps=4)
    >>> [s(k) for k in range(6)]
    [0.0, 0.25, 0.5, 0.75, 1.0, 1.0]
    """
    peak_value, init_value = float(peak_value), float(init_value)
    warmup_steps = _positive_int(warmup_steps, "warmup_steps")

    def schedule(step: int) -> float:
        fraction = min(step, warmup_steps) / warmup_steps
        return init_value + (peak_value - init_value) * fraction

    return schedule


def join(schedules: Sequence[Schedule], boundaries: Sequence[int]) -> Schedule:
    """Run ``schedules[i]`` from ``boundaries[i-1]`` on, each restarted at its own step 0
    (Optax's ``join_schedules``; PyTorch's ``SequentialLR``). Warmup then decay:

    Examples
    --------
    >>> s = join([linear_warmup(1.0, 2), cosine_decay(1.0, 2)], boundaries=[2])
    >>> [s(k) for k in range(5)]
    [0.0, 0.5, 1.0, 0.5, 0.0]
    """
    schedules = list(schedules)
    marks = [int(b) for b in boundaries]
    if len(marks) != len(schedules) - 1 or marks != sorted(marks):
        raise ValueError(
            f"join needs len(schedules) - 1 increasing boundaries; got {len(schedules)} "
            f"schedules and boundaries {marks}"
        )

    def schedule(step: int) -> float:
        index = bisect.bisect_right(marks, step)
        start = marks[index - 1] if index else 0
        return float(schedules[index](step - start))

    return schedule


def one_cycle(
    max_value: float,
    total_steps: int,
    pct_start: float = 0.3,
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    anneal_strategy: str = "cos",
    three_phase: bool = False,
) -> Schedule:
    """The 1cycle policy (Smith, 2018) with ``torch.optim.lr_scheduler.OneCycleLR``'s phases.

    Rises from ``max_value / div_factor`` to ``max_value`` over the first ``pct_start`` of the
    steps, then anneals to ``max_value / div_factor / final_div_factor`` at step
    ``total_steps - 1`` (held after that, where PyTorch raises).

    Examples
    --------
    >>> s = one_cycle(1.0, total_steps=10, pct_start=0.3, div_factor=10, final_div_factor=1,
    ...               anneal_strategy="linear")
    >>> [round(s(k), 12) for k in (0, 1, 2, 9)]
    [0.1, 0.55, 1.0, 0.1]
    """
    if anneal_strategy not in ("cos", "linear"):
        raise ValueError(f"anneal_strategy must be 'cos' or 'linear'; got {anneal_strategy!r}")
    total_steps = _positive_int(total_steps, "total_steps")
    initial = float(max_value) / div_factor
    final = initial / final_div_factor
    peak = float(max_value)
    rise_end = float(pct_start * total_steps) - 1
    if three_phase:
        phases = [
            (rise_end, initial, peak),
            (2 * float(pct_start * total_steps) - 2, peak, initial),
            (total_steps - 1.0, initial, final),
        ]
    else:
        phases = [(rise_end, initial, peak), (total_steps - 1.0, peak, final)]

    def anneal(start: float, end: float, pct: float) -> float:
        if anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def schedule(step: int) -> float:
        step = min(step, total_steps - 1)
        begin = 0.0
        for end_step, start, end in phases[:-1]:
            if step <= end_step:
                return anneal(start, end, (step - begin) / (end_step - begin))
            begin = end_step
        end_step, start, end = phases[-1]
        return anneal(start, end, (step - begin) / (end_step - begin))

    return schedule
