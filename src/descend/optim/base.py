"""The transformation contract: ``init`` / ``update`` / ``step``, `chain` and `apply_updates`.

A `GradientTransformation` is a sequence of *parts*. Each part keeps its own state (a dict of
per-leaf buffers and Python scalars) and rewrites the running updates in place. Parts that act
element by element (`Elementwise`) are run together, chunk by chunk, so that a whole chain such
as Adam makes one sweep over memory with every intermediate held in cache; parts that need the
whole tree at once (a global norm, the Lookahead synchronisation) are `WholeTree` parts.

State is consumed: ``update`` and ``step`` mutate the buffers of the state they receive and
return that same object, as ``torch.optim`` does with its optimizer state. That is what makes
a steady-state step allocation-free. Copy the state (``copy.deepcopy``) to keep an old one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from descend.pytree import tree_flatten, tree_map, tree_unflatten

__all__ = [
    "Elementwise",
    "WholeTree",
    "GradientTransformation",
    "chain",
    "apply_updates",
    "current_lr",
]

Leaves = list[np.ndarray]
State = dict[str, Any]

#: Bytes per array in one chunk of the fused sweep: small enough that the working set of a
#: chunk (gradient, updates, parameters, a few state buffers, two scratch arrays) stays in a
#: 1 MiB L2 cache, large enough that NumPy's per-call overhead is small next to the work.
CHUNK_BYTES = 1 << 17


@dataclass(frozen=True)
class Elementwise:
    """A part that acts element by element.

    ``init(leaves) -> dict`` builds the part's state from the parameter leaves; the keys named
    in ``buffers`` hold one array per leaf, shaped and typed like that leaf. Once per step
    ``prepare(state, extra)`` advances the part's counters and returns the scalars of this
    step. Then, chunk by chunk, ``kernel(scalars, g, u, bufs, p, tmp, scale)`` reads the
    incoming updates from the 1-d chunk ``g`` and writes ``scale`` times its result into ``u``
    (``g`` and ``u`` may be the same array; ``g`` is never written). ``bufs`` are the matching
    chunks of its buffers, ``p`` the chunk of the parameters (``None`` when ``update`` was
    called without them) and ``tmp`` two scratch chunks.

    A ``multiplier`` part only multiplies by the number its ``prepare`` returns; it is folded
    into the ``scale`` of the part before it, saving a pass over memory.

    Examples
    --------
    >>> def double(scalars, g, u, bufs, p, tmp, scale):
    ...     np.multiply(g, 2.0 * scale, out=u)
    >>> part = Elementwise("double", lambda leaves: {}, (), lambda state, extra: None, double)
    >>> opt = GradientTransformation((part,))
    >>> state = opt.init(np.zeros(3))
    >>> opt.update(np.arange(3.0), state)[0]
    array([0., 2., 4.])
    """

    name: str
    init: Callable[[Leaves], State]
    buffers: tuple[str, ...]
    prepare: Callable[[State, dict[str, Any]], Any]
    kernel: Callable[..., Any]
    needs_params: bool = False
    multiplier: bool = False


@dataclass(frozen=True)
class WholeTree:
    """A part that needs every leaf at once: ``apply(updates, state, params, extra)``.

    ``updates`` is the list of update leaves, rewritten in place; ``params`` is the list of
    parameter leaves or ``None``.

    Examples
    --------
    >>> negate = WholeTree("negate", lambda leaves: {},
    ...                    lambda u, s, p, e: [np.negative(x, out=x) for x in u])
    >>> opt = GradientTransformation((negate,))
    >>> opt.update([1.0, np.ones(2)], opt.init([0.0, np.zeros(2)]))[0]
    [array(-1.), array([-1., -1.])]
    """

    name: str
    init: Callable[[Leaves], State]
    apply: Callable[[Leaves, State, Leaves | None, dict[str, Any]], Any]
    needs_params: bool = False


Part = Elementwise | WholeTree


def float_leaves(tree: Any, what: str) -> tuple[Leaves, Any]:
    """Flatten ``tree`` into floating-point arrays (Python floats become float64 0-d arrays)."""
    leaves, treedef = tree_flatten(tree)
    arrays = []
    for i, leaf in enumerate(leaves):
        arr = np.asarray(leaf)
        if arr.dtype.kind == "i" or arr.dtype.kind == "b":
            arr = arr.astype(np.float64)
        if arr.dtype.kind != "f":
            raise TypeError(
                f"{what} must be a pytree of real floating-point arrays; leaf {i} has dtype "
                f"{arr.dtype}. Convert it with .astype(np.float64)."
            )
        arrays.append(arr)
    return arrays, treedef


class _Workspace(threading.local):
    """Per-thread scratch chunks, one set per dtype, made once and reused by every sweep."""

    def __init__(self) -> None:
        self.by_dtype: dict[np.dtype, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    def get(self, dtype: np.dtype) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        if dtype not in self.by_dtype:
            size = max(CHUNK_BYTES // dtype.itemsize, 1)
            self.by_dtype[dtype] = (
                np.empty(size, dtype),
                np.empty(size, dtype),
                np.empty(size, dtype),
            )
        return self.by_dtype[dtype]


_WORKSPACE = _Workspace()


def _flat(x: np.ndarray) -> np.ndarray:
    # A view for the contiguous arrays that init makes; a copy only for odd user layouts.
    return x.reshape(-1)


@dataclass
class _Scheduled:
    """An elementwise part ready to run this step: its scalars and the folded-in scale."""

    part: Elementwise
    state: State
    scalars: Any
    scale: float = 1.0


def _sweep(
    segment: Sequence[_Scheduled],
    targets: Leaves | None,
    sources: Leaves | None,
    params: Leaves | None,
    apply_to_params: bool,
    dtypes: Sequence[np.dtype],
) -> None:
    """Run a run of elementwise parts chunk by chunk over every leaf.

    ``targets`` are the update buffers written in place (``None``: a scratch chunk is used and
    the updates are only added to ``params``); ``sources``, when given, are the incoming
    gradients, read by the first part (or copied when there is none).
    """
    for i, dtype in enumerate(dtypes):
        scratch_u, tmp0, tmp1 = _WORKSPACE.get(dtype)
        chunk = scratch_u.size
        target = None if targets is None else _flat(targets[i])
        source = None if sources is None else _flat(sources[i])
        param = None if params is None else _flat(params[i])
        size = (target if target is not None else source).size  # type: ignore[union-attr]
        bufs = [[_flat(item.state[key][i]) for key in item.part.buffers] for item in segment]
        for start in range(0, size, chunk):
            stop = min(start + chunk, size)
            n = stop - start
            u = scratch_u[:n] if target is None else target[start:stop]
            g = u if source is None else source[start:stop]
            p = None if param is None else param[start:stop]
            tmp = (tmp0[:n], tmp1[:n])
            if not segment:
                np.copyto(u, g)
            for item, part_bufs in zip(segment, bufs):
                chunks = [b[start:stop] for b in part_bufs]
                item.part.kernel(item.scalars, g, u, chunks, p, tmp, item.scale)
                g = u
            if apply_to_params and p is not None:
                np.add(p, u, out=p)


@dataclass(frozen=True)
class GradientTransformation:
    """A composable gradient transformation with the ``init`` / ``update`` / ``step`` contract.

    Every optimizer and building block of `descend.optim` is one of these; `chain` joins them.

    Examples
    --------
    >>> from descend.optim import sgd
    >>> opt = sgd(lr=0.1)
    >>> params = {"w": np.array([1.0, -2.0])}
    >>> state = opt.init(params)
    >>> updates, state = opt.update({"w": np.array([1.0, 1.0])}, state, params)
    >>> updates
    {'w': array([-0.1, -0.1])}
    >>> apply_updates(params, updates)
    {'w': array([ 0.9, -2.1])}
    """

    parts: tuple[Part, ...]

    def init(self, params: Any) -> State:
        """Make the state for ``params`` (a pytree of float arrays): every buffer, once.

        Buffers take the dtype of their parameter, so float32 params keep float32 state.

        Examples
        --------
        >>> from descend.optim import adam
        >>> state = adam().init(np.zeros(2, dtype=np.float32))
        >>> state["parts"][0]["mu"][0].dtype
        dtype('float32')
        """
        leaves, _ = float_leaves(params, "params")
        return {
            "updates": [np.zeros(x.shape, x.dtype) for x in leaves],
            "parts": tuple(part.init(leaves) for part in self.parts),
        }

    def update(
        self, grads: Any, state: State, params: Any = None, **extra: Any
    ) -> tuple[Any, State]:
        """Turn ``grads`` into ``updates`` to add to the parameters.

        ``state`` is updated in place and returned; the returned updates live in a buffer of
        the state, overwritten by the next call. Extra keywords (``loss=`` for
        `reduce_on_plateau`) reach every part.

        Examples
        --------
        >>> from descend.optim import sgd
        >>> opt = sgd(lr=0.5)
        >>> state = opt.init([np.zeros(2)])
        >>> opt.update([np.array([1.0, 2.0])], state)[0]
        [array([-0.5, -1. ])]
        """
        grad_leaves, treedef = self._check_grads(grads, state)
        param_leaves = self._check_params(params, state)
        updates: Leaves = state["updates"]
        self._run(grad_leaves, updates, state, param_leaves, extra, apply_to_params=False)
        return tree_unflatten(treedef, updates), state

    def step(self, params: Any, grads: Any, state: State, **extra: Any) -> tuple[Any, State]:
        """One optimisation step: ``update`` then `apply_updates`, fused where possible.

        Parameter leaves that are writable, C-contiguous float ndarrays are updated **in
        place** (the returned tree holds the same arrays), like ``torch.optim``; other leaves
        are replaced by new arrays. When every part is elementwise the whole step is one
        chunked sweep over memory and the update buffer of the state is left untouched.

        Examples
        --------
        >>> from descend.optim import sgd
        >>> opt = sgd(lr=0.1)
        >>> x = np.array([1.0, 2.0])
        >>> state = opt.init(x)
        >>> x, state = opt.step(x, 2 * x, state)
        >>> x
        array([0.8, 1.6])
        """
        grad_leaves, _ = self._check_grads(grads, state)
        param_leaves = self._check_params(params, state)
        if param_leaves is None:
            raise ValueError("step needs the parameters; got params=None")
        raw_leaves, treedef = tree_flatten(params)
        writable = [
            isinstance(p, np.ndarray)
            and p.flags.writeable
            and p.flags.c_contiguous
            and p.dtype == b.dtype
            for p, b in zip(raw_leaves, state["updates"])
        ]
        if all(writable) and all(isinstance(part, Elementwise) for part in self.parts):
            self._run(grad_leaves, None, state, param_leaves, extra, apply_to_params=True)
            return params, state
        _, state = self.update(grads, state, params, **extra)
        new_leaves = []
        for p, u, in_place in zip(param_leaves, state["updates"], writable):
            if in_place:
                np.add(p, u, out=p)
                new_leaves.append(p)
            else:
                new_leaves.append(p + u)
        return tree_unflatten(treedef, new_leaves), state

    def _check_grads(self, grads: Any, state: State) -> tuple[Leaves, Any]:
        leaves, treedef = float_leaves(grads, "grads")
        buffers = state["updates"]
        if len(leaves) != len(buffers):
            raise ValueError(
                f"grads has {len(leaves)} leaves but the state was made for {len(buffers)}; "
                "pass gradients with the structure of the params given to init"
            )
        for i, (g, b) in enumerate(zip(leaves, buffers)):
            if g.shape != b.shape:
                raise ValueError(
                    f"grads leaf {i} has shape {g.shape} but its parameter has shape {b.shape}"
                )
        return leaves, treedef

    def _check_params(self, params: Any, state: State) -> Leaves | None:
        if params is None:
            needy = [part.name for part in self.parts if part.needs_params]
            if needy:
                raise ValueError(
                    f"{', '.join(needy)} needs the parameters: call update(grads, state, params)"
                )
            return None
        leaves, _ = float_leaves(params, "params")
        shapes = [b.shape for b in state["updates"]]
        if [p.shape for p in leaves] != shapes:
            raise ValueError(
                f"params shapes {[p.shape for p in leaves]} differ from the state's {shapes}"
            )
        return leaves

    def _run(
        self,
        grads: Leaves,
        updates: Leaves | None,
        state: State,
        params: Leaves | None,
        extra: dict[str, Any],
        apply_to_params: bool,
    ) -> None:
        dtypes = [b.dtype for b in state["updates"]]
        run_parts(
            self.parts, state["parts"], grads, updates, params, extra, dtypes, apply_to_params
        )


def run_parts(
    parts: Sequence[Part],
    states: Sequence[State],
    grads: Leaves | None,
    updates: Leaves | None,
    params: Leaves | None,
    extra: dict[str, Any],
    dtypes: Sequence[np.dtype],
    apply_to_params: bool = False,
) -> None:
    """Apply ``parts`` in order: copy ``grads`` (if given) into ``updates`` and transform them.

    Consecutive elementwise parts share one chunked sweep, multipliers folded into the part
    before them. With ``updates=None`` (only when
    every part is elementwise) the updates live in scratch chunks and are added to ``params``.
    """
    pending = grads
    i = 0
    while i < len(parts):
        segment: list[_Scheduled] = []
        while i < len(parts) and isinstance(parts[i], Elementwise):
            part: Elementwise = parts[i]  # type: ignore[assignment]
            scalars = part.prepare(states[i], extra)
            if part.multiplier and segment:
                segment[-1].scale *= scalars
            else:
                segment.append(_Scheduled(part, states[i], scalars))
            i += 1
        last = i == len(parts)
        if segment or pending is not None:
            _sweep(segment, updates, pending, params, apply_to_params and last, dtypes)
            pending = None
        if not last:
            whole = parts[i]
            whole.apply(updates, states[i], params, extra)  # type: ignore[union-attr,arg-type]
            i += 1


def chain(*transformations: GradientTransformation) -> GradientTransformation:
    """Compose transformations: the updates of each feed the next, left to right.

    The state holds one entry per elementary part, in order, under ``state["parts"]``.

    Examples
    --------
    >>> from descend.optim import clip_by_global_norm, scale_by_adam, scale_by_lr
    >>> opt = chain(clip_by_global_norm(1.0), scale_by_adam(), scale_by_lr(0.1))
    >>> state = opt.init(np.zeros(2))
    >>> updates, state = opt.update(np.array([30.0, 40.0]), state)
    >>> np.round(updates, 6)
    array([-0.1, -0.1])
    """
    for t in transformations:
        if not isinstance(t, GradientTransformation):
            raise TypeError(f"chain takes GradientTransformation objects; got {type(t).__name__}")
    return GradientTransformation(tuple(part for t in transformations for part in t.parts))


def apply_updates(params: Any, updates: Any) -> Any:
    """Return ``params + updates`` leaf by leaf, keeping each parameter's dtype (pure).

    Examples
    --------
    >>> apply_updates({"w": np.ones(2, np.float32)}, {"w": np.array([0.5, -0.5])})
    {'w': array([1.5, 0.5], dtype=float32)}
    """
    return tree_map(
        lambda p, u: np.asarray(p + np.asarray(u, dtype=np.result_type(p)), np.result_type(p)),
        params,
        updates,
    )


def current_lr(state: State) -> float:
    """The learning rate the next update will use: every ``lr`` in the state times every
    `reduce_on_plateau` scale. (Adagrad's ``lr_decay`` factor is not included.)

    Examples
    --------
    >>> from descend.optim import adam, schedules
    >>> opt = adam(lr=schedules.step_decay(1.0, step_size=2, gamma=0.5))
    >>> state = opt.init(np.zeros(1))
    >>> for _ in range(2):
    ...     _, state = opt.update(np.ones(1), state)
    >>> current_lr(state)
    0.5
    """
    rates = [s["lr"] for s in _part_states(state) if "lr" in s]
    if not rates:
        raise ValueError("this state holds no learning rate (no scale_by_lr part)")
    value = 1.0
    for r in rates:
        value *= r
    for s in _part_states(state):
        value *= s.get("plateau_scale", 1.0)
    return value


def _part_states(state: State) -> list[State]:
    found = []
    for s in state["parts"]:
        found.append(s)
        if "inner" in s:
            found.extend(_part_states(s["inner"]))
    return found


def rate(value: float | Callable[[int], float], name: str) -> Callable[[int], float]:
    """Turn a float or a schedule into a schedule, checking floats are finite and >= 0."""
    if callable(value):
        return value
    number = float(value)
    if not np.isfinite(number) or number < 0:
        raise ValueError(f"{name} must be a finite number >= 0 or a schedule; got {value!r}")
    return lambda step: number


def check_range(
    value: float, name: str, low: float, high: float, closed_high: bool = False
) -> float:
    """Check ``low <= value < high`` (``<= high`` if ``closed_high``) and return it as float."""
    number = float(value)
    ok = low <= number <= high if closed_high else low <= number < high
    if not ok:
        bracket = "]" if closed_high else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{bracket}; got {value!r}")
    return number
