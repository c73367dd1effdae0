"""The coverage registry is complete and tells the truth.

NumPy's whole dispatchable surface (every public ufunc, every ``__array_function__`` function of
numpy, numpy.linalg and numpy.fft) and every scipy.special ufunc is enumerated here, separately
from `descend.autodiff.coverage`, and each must be classified. Differentiable ones are checked
numerically by the spec tables (test_coverage.py requires a spec for each rule); here every
unsupported one is called on a traced value and must raise its reason, and every constant one is
called on a traced value and must behave exactly as on the plain array.
"""

from __future__ import annotations

import inspect
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import scipy.special

from descend import NotDifferentiableError, grad
from descend.autodiff.coverage import STATUSES, Coverage, CoverageEntry, Section, coverage
from descend.autodiff.coverage_page import main, render
from descend.autodiff.registry import (
    CONSTANT_FUNCTIONS,
    CONSTANT_UFUNCS,
    FUNCTION_HANDLERS,
    UFUNC_RULES,
    UNSUPPORTED,
)
from descend.autodiff.tracer import Tracer

PAGE = Path(__file__).resolve().parents[2] / "docs" / "coverage.md"
TABLE = coverage()
# In [0, 1): inside the domain of most functions, so a plain call usually succeeds.
X = np.array([0.25, 0.5, 0.75])


def _surface() -> dict[str, Any]:
    """Qualified name -> object, for everything the issue says must be classified."""
    found = {}
    for module in (np, np.linalg, np.fft):
        for name in dir(module):
            obj = getattr(module, name)
            if not name.startswith("_") and isinstance(obj, np.ufunc | type(np.concatenate)):
                found[f"{module.__name__}.{name}"] = obj
    for name in dir(scipy.special):
        obj = getattr(scipy.special, name)
        if not name.startswith("_") and isinstance(obj, np.ufunc):
            found[f"scipy.special.{name}"] = obj
    return found


def _minimal_args(fun: Any, x: Any) -> tuple[Any, ...]:
    """``x`` in every required positional slot and once for ``*args``: enough for NumPy to
    dispatch on it (``np.savez(file, *arrays)`` dispatches on the arrays only)."""
    if isinstance(fun, np.ufunc):
        return (x,) * fun.nin
    params = inspect.signature(fun).parameters.values()
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    required = [p for p in params if p.kind in positional and p.default is p.empty]
    variadic = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return (x,) * (len(required) + variadic)


def _holds_tracer(value: Any) -> bool:
    if type(value) is Tracer:
        return True
    if isinstance(value, list | tuple):
        return any(_holds_tracer(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_tracer(v) for v in value.values())
    return False


# --- the table is complete ------------------------------------------------------------------------
def test_the_surface_is_large_enough_to_mean_something() -> None:
    surface = _surface()
    assert sum(isinstance(o, np.ufunc) for n, o in surface.items() if n.startswith("numpy.")) > 80
    assert sum(n.startswith("numpy.linalg.") for n in surface) > 20
    assert sum(n.startswith("numpy.fft.") for n in surface) > 10
    assert sum(n.startswith("scipy.special.") for n in surface) > 200


def test_every_callable_of_the_surface_is_in_the_table_under_every_name() -> None:
    listed = {q for e in TABLE for q in (e.qualname, *e.aliases)}
    assert sorted(set(_surface()) - listed) == []
    assert sorted(listed - set(_surface())) == []
    for name, obj in _surface().items():
        assert TABLE.lookup(name).function is obj


def test_each_object_is_listed_once() -> None:
    assert len({id(e.function) for e in TABLE}) == len(TABLE)


def test_every_callable_is_classified() -> None:
    unclassified = [e.qualname for e in TABLE.filter(status="unclassified")]
    assert unclassified == [], f"{len(unclassified)} unclassified: {unclassified}"


def test_no_callable_is_in_two_tables() -> None:
    differentiable = set(UFUNC_RULES) | set(FUNCTION_HANDLERS)
    constant = CONSTANT_UFUNCS | CONSTANT_FUNCTIONS
    assert sorted(map(str, differentiable & constant)) == []
    assert sorted(map(str, (differentiable | constant) & set(UNSUPPORTED))) == []


# --- unsupported: the error gives the reason ------------------------------------------------------
UNSUPPORTED_ENTRIES = TABLE.filter(status="unsupported")


def _ids(entry: CoverageEntry) -> str:
    return entry.qualname


@pytest.mark.parametrize("entry", UNSUPPORTED_ENTRIES, ids=_ids)
def test_unsupported_reason_is_specific(entry: CoverageEntry) -> None:
    reason = entry.reason
    assert reason == reason.strip() and reason.endswith("."), reason
    assert len(reason.split()) >= 4, f"{entry.qualname}: say what is in the way: {reason!r}"


@pytest.mark.parametrize("entry", UNSUPPORTED_ENTRIES, ids=_ids)
def test_unsupported_raises_its_reason_on_a_traced_value(entry: CoverageEntry) -> None:
    fun = entry.function

    def f(x: Any) -> Any:
        fun(*_minimal_args(fun, x))
        return np.sum(x)

    with pytest.raises(NotDifferentiableError) as caught:
        grad(f)(X.copy())
    message = str(caught.value)
    assert entry.name in message
    assert entry.reason in message


# --- constant: runs on the plain values, exactly as NumPy would -----------------------------------
MATRIX = np.array([[0.25, 0.5], [0.75, 1.0]])
# Calls for constant functions whose required arguments are not all arrays.
RECIPES: dict[Any, Any] = {
    np.argpartition: lambda x: (x, 1),
    np.can_cast: lambda x: (x, np.float32),
    np.einsum_path: lambda x: ("i,i", x, x),
}


def _trivial_call(fun: Any) -> tuple[np.ndarray, Any, Any] | None:
    """``(input, make_args, result)`` for the first float input and call that NumPy accepts;
    None when NumPy refuses them all (integer-only functions such as ``bitwise_and``)."""
    makers = [RECIPES[fun]] if fun in RECIPES else []
    makers.append(lambda x: _minimal_args(fun, x))
    for x in (X, MATRIX):
        for make in makers:
            try:
                return x, make, fun(*make(x.copy()))
            except Exception:  # NumPy refusing this input: try the next one
                continue
    return None


@pytest.mark.parametrize("entry", TABLE.filter(status="constant"), ids=_ids)
def test_constant_behaves_as_on_the_plain_array(
    entry: CoverageEntry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # in case a call treats an array as a file name
    fun = entry.function
    call = _trivial_call(fun)
    x, make = (X, lambda x: _minimal_args(fun, x)) if call is None else call[:2]
    seen: dict[str, Any] = {}

    def f(x: Any) -> Any:
        try:
            seen["out"] = fun(*make(x))
        except Exception as error:
            seen["error"] = error
        return np.sum(x)

    # The call must not disturb the gradient of everything else.
    np.testing.assert_array_equal(grad(f)(x.copy()), np.ones_like(x))
    if call is None:
        # NumPy refuses every float input; descend must give NumPy's error, not refuse it.
        with pytest.raises(Exception) as plain:
            fun(*make(x.copy()))
        assert type(seen.get("error")) is plain.type
    else:
        assert "error" not in seen, seen.get("error")
        assert not _holds_tracer(seen["out"])
        np.testing.assert_equal(seen["out"], call[2])


def test_most_constants_have_a_trivial_call() -> None:
    # Guards the test above against comparing only error types: the constants NumPy refuses
    # on float input are the integer, datetime and bit-packing functions.
    constants = TABLE.filter(status="constant")
    refused = sorted(e.name for e in constants if _trivial_call(e.function) is None)
    assert len(refused) <= 0.3 * len(constants), refused


def test_a_traced_comparison_carries_no_gradient() -> None:
    g = grad(lambda x: np.sum(np.where(np.isnan(x) | (x > 0.4), x, 0.0) * np.argmax(x)))(X)
    np.testing.assert_array_equal(g, [0.0, 2.0, 2.0])


# --- the table as a user sees it ------------------------------------------------------------------
def test_counts_add_up_per_module_and_status() -> None:
    counts = TABLE.counts()
    assert list(counts) == ["numpy", "numpy.linalg", "numpy.fft", "scipy.special"]
    for module, row in counts.items():
        for status, n in row.items():
            assert n == len(TABLE.filter(module=module, status=status))
    assert sum(sum(row.values()) for row in counts.values()) == len(TABLE)


def test_known_entries() -> None:
    assert TABLE.lookup(np.exp).status == "differentiable"
    assert TABLE.lookup(np.argmax).status == "constant"
    assert TABLE.lookup("numpy.true_divide") is TABLE.lookup("numpy.divide")
    assert TABLE.lookup("numpy.abs").kind == "ufunc"
    assert TABLE.lookup("numpy.sum").kind == "function"
    assert TABLE.lookup("numpy.ldexp").note == "differentiable in argument 0 only (counting from 0)"
    assert TABLE.lookup("numpy.multiply").note == ""
    # NumPy 2's numpy.linalg.matmul is its own function, not numpy.matmul.
    assert TABLE.lookup("numpy.linalg.matmul").module == "numpy.linalg"


def test_filter_and_lookup_refuse_unknown_values() -> None:
    with pytest.raises(ValueError, match="unknown status 'differentiated'"):
        TABLE.filter(status="differentiated")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"unknown module 'numpy\.random'"):
        TABLE.filter(module="numpy.random")
    with pytest.raises(KeyError, match=r"numpy\.no_such_function"):
        TABLE.lookup("numpy.no_such_function")


def test_filter_takes_several_values_and_slicing_keeps_the_type() -> None:
    both = TABLE.filter(module=("numpy.fft", "numpy.linalg"))
    assert len(both) == len(TABLE.filter(module="numpy.fft")) + len(
        TABLE.filter(module="numpy.linalg")
    )
    assert isinstance(TABLE[:3], Coverage) and len(TABLE[:3]) == 3
    assert isinstance(TABLE[0], CoverageEntry)


def test_a_namespace_of_its_own_becomes_a_section() -> None:
    # The hook for a descend-provided namespace (e.g. descend.scipy.linalg).
    extra = types.SimpleNamespace(smooth=np.exp, rank=np.argmax, also_smooth=np.exp, skip=len)
    table = coverage([Section("extra", extra, callable), Section("numpy", np, callable)])
    assert table.modules == ("extra", "numpy")
    # An object is listed once, under its first name (sorted) when none is its __name__.
    assert [(e.name, e.status) for e in table.filter(module="extra")] == [
        ("also_smooth", "differentiable"),
        ("rank", "constant"),
        ("skip", "unclassified"),
    ]
    assert table.lookup("extra.smooth").aliases == ("extra.smooth", "numpy.exp")
    assert table.lookup("numpy.exp") is table.lookup("extra.also_smooth")


def test_markdown_escapes_reasons_and_lists_aliases() -> None:
    entry = CoverageEntry(
        "numpy", "f", "function", "unsupported", reason="a | b.", aliases=("numpy.g",)
    )
    text = Coverage([entry]).to_markdown()
    assert "| `f` | function | unsupported | also `numpy.g`; a \\| b. |" in text
    assert "| `numpy` | 0 | 0 | 1 | 0 | 1 |" in text


def test_repr_shows_the_counts() -> None:
    lines = repr(TABLE).splitlines()
    assert lines[0].startswith(f"Coverage of {len(TABLE)} callables")
    assert lines[1].split() == ["module", *STATUSES, "total"]
    row = TABLE.counts()["numpy"]
    assert lines[2].split() == ["numpy", *map(str, row.values()), str(sum(row.values()))]


# --- the documentation is generated from the table ------------------------------------------------
def test_docs_page_is_up_to_date() -> None:
    page = PAGE.read_text(encoding="utf-8")
    installed = render().split("\n")[:40]
    recorded = next(line for line in page.split("\n") if line.startswith("Generated with NumPy"))
    if recorded not in installed:
        # Another NumPy/SciPy lists other callables: the page describes the versions it names.
        pytest.skip(f"docs/coverage.md describes other versions ({recorded})")
    assert page == render(), (
        "docs/coverage.md is stale: run `python -m descend.autodiff.coverage_page docs/coverage.md`"
    )


def test_readme_quotes_the_current_counts() -> None:
    readme = (PAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    page = PAGE.read_text(encoding="utf-8")
    if not any(line in render() for line in page.split("\n") if line.startswith("Generated with")):
        pytest.skip("the README's counts describe other NumPy/SciPy versions")
    assert coverage().counts_markdown().strip() in readme


def test_page_generator_writes_the_file_and_rejects_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "coverage.md"
    assert main([str(target)]) == 0
    assert target.read_text(encoding="utf-8") == render()
    assert main(["--markdown"]) == 2
    assert "usage" in capsys.readouterr().err
