"""The coverage table: what descend does with every NumPy and scipy.special callable.

The table is discovered, not written down: every public ufunc of NumPy, every public function
of ``numpy``, ``numpy.linalg`` and ``numpy.fft`` that NumPy hands to a traced value through
``__array_function__``, and every ufunc of ``scipy.special``. Each is classified by looking it
up in the tables of `descend.autodiff.registry`, in the order the engine itself looks:

- ``differentiable``: descend has a derivative rule (and the spec tests check it numerically);
- ``constant``: no gradient flows through the result (comparisons, ``argmax``, ``isnan``,
  ``floor``, integer results); it runs on the plain values;
- ``unsupported``: refused with a `NotDifferentiableError` that gives the reason shown;
- ``unclassified``: nobody has looked at it yet; refused with a generic error.

``docs/coverage.md`` is generated from this table by `descend.autodiff.coverage_page`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any, Literal, SupportsIndex, overload

import numpy as np
import scipy.special

import descend.autodiff.rules  # noqa: F401 - the registrations being reported on
from descend.autodiff.core import zero_vjp
from descend.autodiff.registry import (
    CONSTANT_FUNCTIONS,
    CONSTANT_UFUNCS,
    FUNCTION_HANDLERS,
    UFUNC_RULES,
    UNSUPPORTED,
)

__all__ = [
    "SECTIONS",
    "STATUSES",
    "Coverage",
    "CoverageEntry",
    "Section",
    "Status",
    "classify",
    "coverage",
    "differentiable_arguments",
    "dispatches_to_descend",
]

Status = Literal["differentiable", "constant", "unsupported", "unclassified"]
STATUSES: tuple[Status, ...] = ("differentiable", "constant", "unsupported", "unclassified")

# The type of every NumPy function that dispatches through __array_function__.
_DISPATCHER = type(np.concatenate)


def dispatches_to_descend(obj: Any) -> bool:
    """Whether NumPy hands calls of ``obj`` on a traced value to descend.

    Examples
    --------
    >>> [dispatches_to_descend(f) for f in (np.exp, np.sum, np.linalg.inv, np.zeros)]
    [True, True, True, False]
    """
    return isinstance(obj, np.ufunc | _DISPATCHER)


def _is_ufunc(obj: Any) -> bool:
    return isinstance(obj, np.ufunc)


@dataclasses.dataclass(frozen=True)
class Section:
    """One namespace of the table: its label, the namespace, and which of its members count.

    A namespace descend adds itself (say ``descend.scipy.linalg``) joins the table with
    ``SECTIONS.append(Section("descend.scipy.linalg", namespace, callable))``.

    Examples
    --------
    >>> Section("numpy.fft", np.fft, dispatches_to_descend).module
    'numpy.fft'
    """

    module: str
    namespace: Any
    select: Callable[[Any], bool]


# What coverage() enumerates, in table order; a registry like those of registry.py.
SECTIONS: list[Section] = [
    Section("numpy", np, dispatches_to_descend),
    Section("numpy.linalg", np.linalg, dispatches_to_descend),
    Section("numpy.fft", np.fft, dispatches_to_descend),
    Section("scipy.special", scipy.special, _is_ufunc),
]


def differentiable_arguments(fun: Any) -> str:
    """For a ufunc differentiable in only some of its arguments, which ones; else ``""``.

    Examples
    --------
    >>> differentiable_arguments(np.ldexp)
    'differentiable in argument 0 only (counting from 0)'
    >>> differentiable_arguments(np.multiply)
    ''
    """
    rule = UFUNC_RULES.get(fun)
    if rule is None or rule.argnum_vjp is not None:
        return ""
    vjps = list(rule.vjps) + [None] * (fun.nin - len(rule.vjps))
    through = [str(i) for i, v in enumerate(vjps) if v is not None and v is not zero_vjp]
    if len(through) == fun.nin:
        return ""
    plural = "s" if len(through) > 1 else ""
    return f"differentiable in argument{plural} {', '.join(through)} only (counting from 0)"


def classify(fun: Any) -> tuple[Status, str]:
    """The status of ``fun`` and, for an unsupported one, the reason its error gives.

    Examples
    --------
    >>> classify(np.exp)
    ('differentiable', '')
    >>> classify(np.argmax)
    ('constant', '')
    """
    if fun in UFUNC_RULES or fun in FUNCTION_HANDLERS:
        return "differentiable", ""
    if fun in CONSTANT_UFUNCS or fun in CONSTANT_FUNCTIONS:
        return "constant", ""
    reason = UNSUPPORTED.get(fun)
    if reason is not None:
        return "unsupported", reason
    return "unclassified", ""


@dataclasses.dataclass(frozen=True)
class CoverageEntry:
    """One callable of the table.

    Attributes
    ----------
    module : str
        The section it was found in: ``"numpy"``, ``"numpy.linalg"``, ``"numpy.fft"`` or
        ``"scipy.special"``.
    name : str
        Its name there (NumPy's own ``__name__`` when it is one of its public names).
    kind : {"ufunc", "function"}
    status : {"differentiable", "constant", "unsupported", "unclassified"}
    reason : str
        Why descend refuses it (``""`` unless ``status == "unsupported"``).
    note : str
        For a ufunc differentiable in only some of its arguments, which ones; else ``""``.
    aliases : tuple of str
        The other public names of the same object, fully qualified (``numpy.abs``).
    function : callable
        The object itself.

    Examples
    --------
    >>> entry = coverage().lookup("numpy.abs")
    >>> entry.qualname, entry.aliases, entry.status
    ('numpy.absolute', ('numpy.abs',), 'differentiable')
    """

    module: str
    name: str
    kind: Literal["ufunc", "function"]
    status: Status
    reason: str = ""
    note: str = ""
    aliases: tuple[str, ...] = ()
    function: Any = dataclasses.field(default=None, repr=False, compare=False)

    @property
    def qualname(self) -> str:
        """``module.name``, as a user would type it."""
        return f"{self.module}.{self.name}"


def _as_set(value: str | Collection[str] | None, allowed: Collection[str], what: str) -> set[str]:
    chosen = {value} if isinstance(value, str) else set(value or ())
    unknown = sorted(chosen - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown {what} {', '.join(map(repr, unknown))}; choose from "
            f"{', '.join(map(repr, sorted(allowed)))}."
        )
    return chosen


def _notes(entry: CoverageEntry) -> str:
    """The notes cell of a Markdown row: other names, partial differentiability, reason."""
    also = ", ".join(f"`{a}`" for a in entry.aliases)
    notes = "; ".join(n for n in (f"also {also}" if also else "", entry.note, entry.reason) if n)
    return notes.replace("|", "\\|").replace("\n", " ")


class Coverage(tuple[CoverageEntry, ...]):
    """The coverage table: a tuple of `CoverageEntry`, with ways to filter and summarise it.

    Examples
    --------
    >>> table = coverage()
    >>> table.lookup("numpy.sum").status
    'differentiable'
    >>> all(e.status == "constant" for e in table.filter(status="constant", module="numpy"))
    True
    >>> sum(sum(row.values()) for row in table.counts().values()) == len(table)
    True
    """

    __slots__ = ()

    @overload
    def __getitem__(self, index: SupportsIndex, /) -> CoverageEntry: ...

    @overload
    def __getitem__(self, index: slice, /) -> Coverage: ...

    def __getitem__(self, index: SupportsIndex | slice, /) -> CoverageEntry | Coverage:
        if isinstance(index, slice):
            return Coverage(super().__getitem__(index))
        return super().__getitem__(index)

    @property
    def modules(self) -> tuple[str, ...]:
        """The sections present, in table order."""
        return tuple(dict.fromkeys(e.module for e in self))

    def filter(
        self,
        *,
        status: Status | Collection[Status] | None = None,
        module: str | Collection[str] | None = None,
        kind: str | Collection[str] | None = None,
    ) -> Coverage:
        """The entries with the given status(es), module(s) and kind(s); ``None`` keeps all.

        Examples
        --------
        >>> fft = coverage().filter(module="numpy.fft", kind="function")
        >>> {e.module for e in fft}
        {'numpy.fft'}
        >>> coverage().filter(status="broken")
        Traceback (most recent call last):
        ...
        ValueError: unknown status 'broken'; choose from 'constant', 'differentiable', \
'unclassified', 'unsupported'.
        """
        statuses = _as_set(status, STATUSES, "status")
        modules = _as_set(module, [s.module for s in SECTIONS] + list(self.modules), "module")
        kinds = _as_set(kind, ("ufunc", "function"), "kind")
        return Coverage(
            e
            for e in self
            if (not statuses or e.status in statuses)
            and (not modules or e.module in modules)
            and (not kinds or e.kind in kinds)
        )

    def lookup(self, name_or_function: Any) -> CoverageEntry:
        """The entry of a callable, or of a qualified name such as ``"numpy.linalg.inv"``.

        Examples
        --------
        >>> coverage().lookup(np.isnan).status
        'constant'
        >>> coverage().lookup("numpy.linalg.matmul").qualname
        'numpy.linalg.matmul'
        """
        for e in self:
            if isinstance(name_or_function, str):
                if name_or_function == e.qualname or name_or_function in e.aliases:
                    return e
            elif e.function is name_or_function:
                return e
        raise KeyError(
            f"{name_or_function!r} is not in the coverage table; give a qualified name such as "
            "'numpy.linalg.inv' or the function itself."
        )

    def counts(self) -> dict[str, dict[Status, int]]:
        """How many callables of each status each module has.

        Examples
        --------
        >>> counts = coverage().counts()
        >>> list(counts["numpy.fft"]) == list(STATUSES)
        True
        """
        table = {m: dict.fromkeys(STATUSES, 0) for m in self.modules}
        for e in self:
            table[e.module][e.status] += 1
        return table

    def counts_markdown(self) -> str:
        """The counts as a Markdown table, one row per module and a total row.

        Examples
        --------
        >>> print(coverage().counts_markdown().splitlines()[0])
        | module | differentiable | constant | unsupported | unclassified | total |
        """
        counts = self.counts()
        totals = {s: sum(row[s] for row in counts.values()) for s in STATUSES}
        labelled = [(f"`{m}`", row) for m, row in counts.items()] + [("**total**", totals)]
        lines = [
            "| module | " + " | ".join(STATUSES) + " | total |",
            "|---" * (len(STATUSES) + 2) + "|",
        ]
        for label, row in labelled:
            cells = [str(row[s]) for s in STATUSES] + [str(sum(row.values()))]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"

    def to_markdown(self) -> str:
        """The counts table, then one table per module listing every callable.

        Examples
        --------
        >>> text = coverage().filter(module="numpy.fft").to_markdown()
        >>> "## numpy.fft" in text
        True
        """
        parts = [self.counts_markdown()]
        for module in self.modules:
            parts.append(f"\n## {module}\n\n| name | kind | status | notes |\n|---|---|---|---|\n")
            for e in self.filter(module=module):
                parts.append(f"| `{e.name}` | {e.kind} | {e.status} | {_notes(e)} |\n")
        return "".join(parts)

    def __repr__(self) -> str:
        counts = self.counts()
        width = max([len("module"), *map(len, counts)])
        columns = [*STATUSES, "total"]
        lines = [f"{'module':<{width}}" + "".join(f"  {c:>14}" for c in columns)]
        for module, row in counts.items():
            cells = [*(row[s] for s in STATUSES), sum(row.values())]
            lines.append(f"{module:<{width}}" + "".join(f"  {n:>14}" for n in cells))
        return "\n".join([f"Coverage of {len(self)} callables (.filter(), .lookup())", *lines])


def _discover(sections: Iterable[Section]) -> Iterator[tuple[str, list[str], Any]]:
    """(module, names, object) for each distinct object, in the first section that has it."""
    found: dict[int, tuple[str, list[str], Any]] = {}
    for section in sections:
        for name in sorted(dir(section.namespace)):
            if name.startswith("_"):
                continue
            obj = getattr(section.namespace, name)
            if section.select(obj):
                found.setdefault(id(obj), (section.module, [], obj))[1].append(
                    f"{section.module}.{name}"
                )
    return iter(found.values())


def _entry(module: str, qualnames: list[str], obj: Any) -> CoverageEntry:
    own = f"{module}.{getattr(obj, '__name__', '')}"
    primary = own if own in qualnames else qualnames[0]
    status, reason = classify(obj)
    return CoverageEntry(
        module=module,
        name=primary[len(module) + 1 :],
        kind="ufunc" if isinstance(obj, np.ufunc) else "function",
        status=status,
        reason=reason,
        note=differentiable_arguments(obj),
        aliases=tuple(q for q in qualnames if q != primary),
        function=obj,
    )


def coverage(sections: Iterable[Section] | None = None) -> Coverage:
    """What descend does with each NumPy and scipy.special callable it can meet.

    Parameters
    ----------
    sections : iterable of Section, optional
        The namespaces to enumerate; by default those of `SECTIONS` (``numpy``,
        ``numpy.linalg``, ``numpy.fft``, ``scipy.special``).

    Returns
    -------
    Coverage
        One `CoverageEntry` per distinct callable (an object reachable under several names,
        such as ``np.abs`` and ``np.absolute``, is listed once with its aliases), sorted by
        module and name. ``.counts()`` summarises it, ``.filter(status=..., module=...)``
        selects from it, ``.lookup(name)`` finds one entry, ``.to_markdown()`` renders it.

    Examples
    --------
    >>> table = coverage()
    >>> table.lookup("numpy.linalg.inv").kind
    'function'
    >>> [e.name for e in table.filter(module="numpy", kind="ufunc", status="constant")][:3]
    ['bitwise_and', 'bitwise_count', 'bitwise_or']
    """
    sections = tuple(SECTIONS if sections is None else sections)
    order = {s.module: i for i, s in enumerate(sections)}
    entries = [_entry(*found) for found in _discover(sections)]
    return Coverage(sorted(entries, key=lambda e: (order[e.module], e.name)))
