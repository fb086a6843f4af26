"""claimaudit/_gc.py: no collection while a process warms up, and what it made frozen afterwards."""

from __future__ import annotations

import gc

import pytest

from claimaudit import _gc
from claimaudit._gc import own_this_process, warming_up


@pytest.fixture(autouse=True)
def _collector_as_it_was():
    enabled = gc.isenabled()
    yield
    gc.unfreeze()  # frozen objects go back to the oldest generation: this process collects them again
    (gc.enable if enabled else gc.disable)()


class _Node:
    pass


def test_no_collection_inside_and_everything_alive_at_the_end_is_frozen(monkeypatch):
    monkeypatch.setattr(_gc, "_OWNED", False)
    own_this_process()  # as the `claimaudit` command does
    gc.unfreeze()
    gc.enable()
    with warming_up():
        assert not gc.isenabled()
        kept = _Node()
        kept.me = kept  # a cycle: only the cyclic collector could free it
    assert gc.isenabled()
    assert gc.get_freeze_count() > 0
    assert gc.is_tracked(kept)
    assert all(o is not kept for o in gc.get_objects()), "a frozen object is in no generation the collector walks"
    # a cycle made after the block is collected as usual
    later = _Node()
    later.me = later
    import weakref

    ref = weakref.ref(later)
    del later
    gc.collect(1)  # the young generations, where it is (older garbage of other tests is left alone)
    assert ref() is None


def test_the_collector_stays_off_if_it_was_off_and_is_restored_after_an_error():
    gc.disable()
    with warming_up(freeze=False):
        pass
    assert not gc.isenabled()
    gc.enable()
    frozen = gc.get_freeze_count()
    with pytest.raises(RuntimeError), warming_up(freeze=False):
        raise RuntimeError("synthetic")
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_a_process_that_is_not_claimaudits_own_is_only_paused_not_frozen(monkeypatch):
    """pipeline.run called from a test or a user's code: nothing of the host is kept alive."""
    monkeypatch.setattr(_gc, "_OWNED", False)
    gc.unfreeze()
    gc.enable()
    with warming_up():
        assert not gc.isenabled()
        kept = _Node()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert any(o is kept for o in gc.get_objects())
    with warming_up(freeze=True):  # a helper process says so itself
        pass
    assert gc.get_freeze_count() > 0
