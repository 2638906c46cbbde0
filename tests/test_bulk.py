"""Many small objects made at once, the cyclic collector waiting (`made_at_once`)."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from qrules._bulk import made_at_once


@pytest.fixture(autouse=True)
def collecting() -> Iterator[None]:
    """Each test starts with the collector on, and leaves it as it found it."""
    was = gc.isenabled()
    gc.enable()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_waits_in_the_block_and_runs_after() -> None:
    with made_at_once():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_runs_again_after_an_error() -> None:
    with pytest.raises(KeyError), made_at_once():
        raise KeyError("x")
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    with made_at_once():
        with made_at_once():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert not gc.isenabled()
