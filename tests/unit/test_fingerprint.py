"""Cache keys: equal contents give equal keys, any change gives another, remembered objects cost a look-up."""

import dataclasses
import gc

import numpy as np
import pandas as pd
import pytest

from gradviz import fingerprint as fp
from gradviz.results import Result


def frame(**changes):
    cols = {"step": np.arange(6), "quantity": ["loss", "grad"] * 3, "value": np.linspace(0.1, 0.6, 6)}
    return pd.DataFrame({**cols, **changes})


def test_equal_contents_equal_keys_whatever_the_object():
    assert fp.of(frame()) == fp.of(frame()) == fp.of(frame().copy())
    assert fp.of((1, "a", 2.5, None), {"b": [1, 2]}) == fp.of((1, "a", 2.5, None), {"b": [1, 2]})
    assert fp.of(np.arange(4.0)) == fp.of(np.arange(4.0))


@pytest.mark.parametrize(
    "other",
    [
        frame(value=np.linspace(0.1, 0.6, 6) + 1e-12),  # one float's last bits
        frame(quantity=["loss", "grad"] * 2 + ["grad", "loss"]),  # a string
        frame().rename(columns={"value": "v"}),  # a column name
        frame().astype({"step": "int32"}),  # a dtype
        frame().iloc[::-1],  # the row order (index)
        frame().iloc[:5],  # a row fewer
    ],
)
def test_any_change_changes_the_key(other):
    assert fp.of(frame()) != fp.of(other)


def test_types_and_containers_are_not_confused():
    assert len({fp.of(1), fp.of(1.0), fp.of("1"), fp.of(True), fp.of(None), fp.of((1,)), fp.of([1])}) == 7
    assert fp.of((1, 2), 3) != fp.of(1, (2, 3))


def test_configs_by_value():
    @dataclasses.dataclass(frozen=True)
    class Config:
        depth: int = 6
        lr: float = 0.1

    assert fp.of(Config()) == fp.of(Config()) != fp.of(Config(depth=7))


def test_remembered_objects_are_keyed_by_their_key_and_forgotten_when_gone():
    table = frame()
    result = fp.remember(Result({"layers": table}, {}, key="abc"), "abc", depth=3)
    assert fp.known(result) == "abc" and fp.known(table) == "abc/tables/layers"
    assert fp.of(table) != fp.of(frame())  # keyed by where it came from, not by content
    ident = id(table)
    del result, table
    gc.collect()
    assert ident not in fp._KNOWN  # no leak, and a new object at that address is not mistaken for it


def test_a_frame_of_a_few_hundred_rows_is_keyed_fast_enough_to_not_matter():
    big = pd.DataFrame({"step": np.arange(700), "quantity": ["a", "b"] * 350, "value": np.random.rand(700)})
    assert len(fp.of(big)) == 32  # the timing itself is printed by bench/, never asserted here
