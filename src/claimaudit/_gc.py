"""Garbage collection in the run's long-lived processes: none while they import, and what they
imported left out of every later collection.

``claimaudit run`` imports heavy libraries into processes that then work for many seconds: the run
itself (papermill, nbconvert, jupyter_client, polars), its checks process (Great Expectations and
pandas) and each warm kernel (polars, altair, claimaudit), which runs notebook after notebook.
Python's cyclic collector runs whenever enough objects have been allocated, and each full
collection walks *every* tracked object, most of them the classes, functions and schemas those
imports made, which live as long as the process. Measured on the shipped data (2 cores): the
checks process spent about 0.3 s collecting while Great Expectations imported and another 0.2 s
while the suites ran; the run's process about 0.6 s; every notebook's reset in a warm kernel
(IPython's ``reset`` collects) about 0.05 s.

:func:`warming_up` turns the collector off while a process imports what it needs (imports make
long-lived objects and very little cyclic garbage) and, when the block ends, turns it back on and
freezes everything alive then (:func:`gc.freeze`): later collections look only at objects made
afterwards, which is where a notebook's or a suite's garbage is. Nothing frozen is ever freed; it
was going to live until the process exits anyway.

This is for processes claimaudit starts and owns. The package does not touch the collector when a
notebook or a user's own code imports it (a library should not change its host's collector).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["warming_up"]


@contextmanager
def warming_up(*, freeze: bool = True) -> Iterator[None]:
    """No cyclic collection inside the block; after it the collector is as it was, and (``freeze``)
    every object alive then is left out of later collections."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if freeze:
            gc.freeze()
