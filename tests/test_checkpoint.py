"""The checkpoint format: header checks, generator states, clear errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from descend.checkpoint import (
    CheckpointError,
    generator_from_state,
    generator_state,
    load,
    read_checkpoint,
    save_checkpoint,
)
from descend.optim import save_state


def test_payload_round_trips_with_header(tmp_path):
    path = tmp_path / "c.npz"
    save_checkpoint(path, "notes", {"w": np.arange(4, dtype=np.int16), "nested": {"x": [1, 2.5]}})
    content = read_checkpoint(path)
    assert content["format"] == "descend-checkpoint" and content["version"] == 1
    assert content["w"].dtype == np.int16 and content["nested"] == {"x": [1, 2.5]}


def test_file_is_a_plain_npz_readable_without_pickle(tmp_path):
    path = tmp_path / "c.npz"
    save_checkpoint(path, "notes", {"w": np.ones(2)})
    with np.load(path, allow_pickle=False) as data:
        structure = json.loads(str(data["__structure__"]))
        assert structure["dict"]["kind"] == {"str": "notes"}
        np.testing.assert_array_equal(data[structure["dict"]["w"]["array"]], np.ones(2))


@pytest.mark.parametrize("name", ["PCG64", "MT19937", "Philox", "SFC64", "PCG64DXSM"])
def test_every_numpy_bit_generator_continues_exactly(tmp_path, name):
    rng = np.random.Generator(getattr(np.random, name)(12))
    rng.random(5)
    path = tmp_path / "rng.npz"
    save_checkpoint(path, "notes", {"rng": generator_state(rng)})
    restored = generator_from_state(read_checkpoint(path)["rng"])
    np.testing.assert_array_equal(restored.random(10), rng.random(10))


def test_header_problems_are_reported(tmp_path):
    missing = tmp_path / "missing.npz"
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        load(missing)
    foreign = tmp_path / "foreign.npz"
    np.savez(foreign, a=np.ones(2))
    with pytest.raises(CheckpointError, match=r"truncated or corrupted|not a descend"):
        load(foreign)
    other = tmp_path / "other.npz"
    save_state(other, {"format": "something-else"})
    with pytest.raises(CheckpointError, match="not a descend checkpoint"):
        load(other)
    future = tmp_path / "future.npz"
    save_state(future, {"format": "descend-checkpoint", "version": 99, "kind": "train_state"})
    with pytest.raises(CheckpointError, match="version 99"):
        load(future)
    notes = tmp_path / "notes.npz"
    save_checkpoint(notes, "notes", {})
    with pytest.raises(CheckpointError, match="'notes' checkpoint"):
        load(notes)
    with pytest.raises(ValueError, match="reserved"):
        save_checkpoint(notes, "notes", {"kind": 1})
    with pytest.raises(CheckpointError, match="unknown bit generator"):
        generator_from_state({"bit_generator": "os.system"})
