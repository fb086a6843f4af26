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

This is for processes claimaudit owns: the ``claimaudit`` command (its entry point calls
:func:`own_this_process`), the checks processes and the warm kernels it starts. Elsewhere (a test
or a user's code calling :func:`claimaudit.pipeline.run`, a notebook importing the package) the
collector is only paused for the block, nothing is frozen: a library should not keep its host's
objects alive.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["own_this_process", "warming_up"]

_OWNED = False


def own_this_process() -> None:
    """Say that this process is claimaudit's own (a command, a helper): :func:`warming_up` freezes."""
    global _OWNED
    _OWNED = True


@contextmanager
def warming_up(*, freeze: bool | None = None) -> Iterator[None]:
    """No cyclic collection inside the block; after it the collector is as it was and, when
    ``freeze`` (default: when this process is claimaudit's own), every object alive then is left
    out of later collections."""
    was_enabled = gc.isenabled()
    frozen = _OWNED if freeze is None else freeze
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        if frozen:
            gc.freeze()
