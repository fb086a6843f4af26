"""Warm kernels: one Jupyter kernel per worker serves several notebooks of a run.

A fresh kernel for every notebook pays the same start-up each time: the kernel process, then
importing polars, altair (with jsonschema), nbformat and claimaudit in the first cell — about
four fifths of what a short notebook costs. A :class:`KernelPool` starts ``size`` kernels once
(at the start of ``claimaudit run``, while the main process fetches, checks and audits), imports
those libraries in them, and runs the run's notebooks in them one after another.

A notebook must not see anything another notebook left behind. Before each notebook the kernel
is put back into the state a fresh kernel has after the same imports (:data:`_KERNEL_SIDE`; a new
kernel's first notebook finds it in that state already):

- the user namespace is emptied with IPython's ``reset(new_session=True)`` — which also restarts
  the execution counter at 1, so execution counts match a fresh kernel's — and then checked to
  hold nothing but IPython's own names (otherwise the kernel is discarded);
- every ``claimaudit`` module is dropped from ``sys.modules`` and imported again, so the
  package's module state (caches, the active language, the once-per-process audit) starts empty;
- ``os.environ``, ``sys.path``, the working directory, the warnings filters (and every module's
  record of warnings already shown), the root logger, the polars configuration and altair's
  active theme, renderer and data transformer are restored to what they were after the imports;
- the garbage collector is on (claimaudit is re-imported with it off). What the first imports
  made is frozen (:mod:`claimaudit._gc`): each later collection, IPython's reset's included, walks
  only what came after.

Third-party modules a notebook imported stay imported (a C extension cannot be imported twice);
their import-time side effects are the only thing a later notebook shares with an earlier one.
A kernel that failed a notebook, timed out, died or could not be reset is shut down, and the
next notebook of that worker gets a new kernel. ``tests/pipeline/test_kernels.py`` checks that
notebooks executed in a warm kernel have the same outputs as in a fresh one, that no variable or
module state leaks between them, and that failures are reported as before.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

#: what the first cell of every notebook imports (``from claimaudit import report`` ...)
PRELOAD: tuple[str, ...] = ("claimaudit.report", "claimaudit.notebook", "claimaudit.i18n")
START_TIMEOUT = 120  # seconds for a kernel to start and import PRELOAD on a busy machine
#: nbclient starts its kernels with an in-memory IPython history; warm kernels do the same
EXTRA_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]

# Runs in the kernel (silently: no output, no execution count). Defines one object, kept on the
# IPython shell rather than in the user namespace, that snapshots the state after the imports
# and restores it before each notebook.
_KERNEL_SIDE = r"""
def _claimaudit_warm_kernel(preload):
    import gc, importlib, logging, os, sys, warnings

    def import_all():
        from claimaudit._gc import warming_up

        with warming_up(freeze=False):  # no garbage collection while importing
            for name in preload:
                importlib.import_module(name)

    import_all()
    import altair as alt
    import polars as pl

    shell = get_ipython()  # noqa: F821 - defined in every IPython kernel
    registries = [alt.renderers, alt.data_transformers]
    saved = {
        "environ": dict(os.environ),
        "path": list(sys.path),
        "filters": list(warnings.filters),
        "root": (logging.root.level, list(logging.root.handlers)),
        "polars": pl.Config.save(),
        "theme": alt.theme.active,
        "registries": [(r, r.active, dict(r.options)) for r in registries],
    }

    class Warm:
        def reset(self, cwd):
            for name in [m for m in sys.modules if m == "claimaudit" or m.startswith("claimaudit.")]:
                del sys.modules[name]
            shell.reset(new_session=True)
            left = sorted(k for k in shell.user_ns if not k.startswith("_") and k not in shell.user_ns_hidden)
            if left:
                raise RuntimeError(f"names left in the namespace after the reset: {left}")
            os.environ.clear()
            os.environ.update(saved["environ"])
            sys.path[:] = saved["path"]
            os.chdir(cwd)
            warnings.filters[:] = saved["filters"]
            for module in list(sys.modules.values()):
                registry = getattr(module, "__warningregistry__", None)
                if isinstance(registry, dict):
                    registry.clear()
            getattr(warnings, "_filters_mutated", lambda: None)()
            logging.root.setLevel(saved["root"][0])
            logging.root.handlers[:] = saved["root"][1]
            pl.Config.load(saved["polars"])
            alt.theme.enable(saved["theme"])
            for registry, active, options in saved["registries"]:
                registry.enable(active, **options)
            import_all()
            gc.enable()  # a notebook may have turned the collector off
            if any(m in shell.user_ns for m in ("claimaudit", "alt", "pl")):
                raise RuntimeError("the reset left imports in the namespace")
            return True

    shell._claimaudit_warm = Warm()
    # what the imports made lives as long as the kernel: later collections (each notebook's, and the
    # one IPython's reset makes) leave it out (claimaudit/_gc.py)
    gc.freeze()


_claimaudit_warm_kernel(%(preload)r)
del _claimaudit_warm_kernel
"""


class KernelError(RuntimeError):
    """A warm kernel could not be started or reset (the notebook then gets a fresh kernel)."""


class WarmKernel:
    """One running kernel with :data:`PRELOAD` imported, reset before each notebook.

    Use it from one thread only (its client's sockets belong to that thread's event loop)."""

    def __init__(self, kernel_name: str, cwd: Path, *, preload: Sequence[str] = PRELOAD) -> None:
        from jupyter_core.utils import run_sync

        from claimaudit.pipeline._notebooks import IPCKernelManager

        self._run_sync = run_sync
        self.km = IPCKernelManager(kernel_name=kernel_name)
        self.kc: Any = None
        self.cwd = Path(cwd)
        self.used = 0  # notebooks run in it so far
        self.resets = 0  # resets executed in it (the first notebook needs none: see reset)
        self._fresh = True  # nothing has run in it since the imports and the snapshot
        try:
            run_sync(self.km.start_kernel)(extra_arguments=list(EXTRA_ARGUMENTS), cwd=str(self.cwd))
            self.kc = self.km.client()
            self.kc.start_channels()
            run_sync(self.kc.wait_for_ready)(timeout=START_TIMEOUT)
            self.kc.allow_stdin = False
            self._execute(_KERNEL_SIDE % {"preload": tuple(preload)})
        except BaseException:
            self.shutdown()
            raise

    @property
    def pid(self) -> int | None:
        process = getattr(self.km.provisioner, "process", None) if self.km.provisioner else None
        return getattr(process, "pid", None)

    def alive(self) -> bool:
        try:
            return bool(self._run_sync(self.km.is_alive)())
        except Exception:
            return False

    def reset(self, cwd: Path | None = None) -> None:
        """Back to the state right after the imports, with ``cwd`` as working directory.

        A kernel that has run nothing since it imported and took its snapshot is in that state
        already (in its own working directory): its first reset does nothing, which spares the
        first notebook of each worker a second import of claimaudit."""
        target = Path(cwd or self.cwd)
        fresh, self._fresh = self._fresh, False
        if fresh and target == self.cwd:
            return
        self._execute(f"get_ipython()._claimaudit_warm.reset({str(target)!r})")
        self.resets += 1

    def _execute(self, code: str, timeout: float = START_TIMEOUT) -> None:
        async def run() -> dict[str, Any]:
            msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
            while True:
                reply = await self.kc.get_shell_msg(timeout=timeout)
                if reply.get("parent_header", {}).get("msg_id") == msg_id:
                    return reply["content"]

        try:
            content = self._run_sync(run)()
        except queue.Empty:
            raise KernelError(f"the kernel did not answer within {timeout:.0f} s") from None
        if content.get("status") != "ok":
            raise KernelError(f"{content.get('ename')}: {content.get('evalue')}")

    def shutdown(self) -> None:
        """Stop the kernel now (it runs nothing worth waiting for) and free its sockets."""
        with contextlib.suppress(Exception):
            if self.kc is not None:
                self.kc.stop_channels()
        with contextlib.suppress(Exception):
            self._run_sync(self.km.shutdown_kernel)(now=True)
        self.kill()

    def kill(self) -> None:
        """Kill the kernel process from any thread (Ctrl-C while it runs a cell)."""
        pid = self.pid
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, 9)  # the kernel leads its own session (jupyter_client starts it so)
            with contextlib.suppress(OSError):
                os.kill(pid, 9)


Job = tuple[Future, Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class KernelPool:
    """``size`` worker threads, each with its own :class:`WarmKernel`, started at once.

    :meth:`submit` queues ``fn(*args, kernel=<WarmKernel or kernel name>, **kwargs)``; ``fn`` is
    :func:`claimaudit.pipeline._notebooks.execute_notebook` (or a stand-in with its signature).
    When a warm kernel cannot be had the job gets the kernel *name* and starts a fresh kernel, as
    without a pool. ``fn`` returns an outcome with ``ok``; a kernel whose notebook was not ok is
    not reused. :meth:`close` cancels what has not started and stops every kernel. With
    ``warm=False`` no kernel is started: every job gets the kernel name (a fresh kernel each)."""

    def __init__(
        self, size: int, *, cwd: Path, kernel_name: str, preload: Sequence[str] = PRELOAD, warm: bool = True
    ) -> None:
        self.warm = warm
        self.cwd = Path(cwd)
        self.kernel_name = kernel_name
        self.preload = tuple(preload)
        self.started = 0  # kernels started, for the tests and the step summary
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._lock = threading.Lock()
        self._kernels: set[WarmKernel] = set()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._work, name=f"claimaudit-kernel-{i}", daemon=True) for i in range(max(1, size))
        ]
        for thread in self._threads:
            thread.start()

    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        if self._closed:
            raise RuntimeError("the kernel pool is closed")
        future: Future = Future()
        self._jobs.put((future, fn, args, kwargs))
        return future

    def close(self, *, wait: bool = True) -> None:
        """Cancel queued jobs, let the workers stop their kernels (``wait``) or kill them now."""
        with self._lock:
            self._closed = True
        while True:
            try:
                job = self._jobs.get_nowait()
            except queue.Empty:
                break
            if job is not None:
                job[0].cancel()
        for _ in self._threads:
            self._jobs.put(None)
        if not wait:
            with self._lock:
                kernels = list(self._kernels)
            for kernel in kernels:
                kernel.kill()
        for thread in self._threads:
            # Ctrl-C must not wait: a worker still starting its kernel stops it when it sees the
            # pool closed, and a kernel whose parent is gone exits by itself (ipykernel's poller)
            thread.join(timeout=30 if wait else 0.5)

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, kind: Any, *exc: Any) -> None:
        self.close(wait=kind is None)

    # -- a worker

    def _start(self) -> WarmKernel | None:
        with self._lock:
            if self._closed or not self.warm:
                return None
        try:
            kernel = WarmKernel(self.kernel_name, self.cwd, preload=self.preload)
        except Exception:
            return None  # the job starts a fresh kernel, which reports the error (no such kernel, ...)
        with self._lock:
            self._kernels.add(kernel)
            self.started += 1
            closed = self._closed
        if closed:
            self._stop(kernel)
            return None
        return kernel

    def _stop(self, kernel: WarmKernel | None) -> None:
        if kernel is None:
            return
        with self._lock:
            self._kernels.discard(kernel)
        kernel.shutdown()

    def _ready(self, kernel: WarmKernel | None, starts: list[int]) -> WarmKernel | None:
        """``kernel`` reset for the next notebook, or a new one when it cannot be (None: none to be
        had). ``starts`` counts this worker's failed starts: after two it stops trying, and its
        notebooks start fresh kernels (which report why a kernel cannot start)."""
        for _ in range(2):
            if kernel is None:
                if starts[0] >= 2:
                    return None
                kernel = self._start()
                if kernel is None:
                    starts[0] += 1
                    return None
            try:
                kernel.reset(self.cwd)
                return kernel
            except Exception:
                self._stop(kernel)
                kernel = None
        return None

    def _work(self) -> None:
        starts = [0]
        kernel = self._start()
        if kernel is None:
            starts[0] += 1
        try:
            while True:
                job = self._jobs.get()
                if job is None:
                    return
                future, fn, args, kwargs = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    kernel = self._ready(kernel, starts)
                    outcome = fn(*args, kernel=kernel if kernel is not None else self.kernel_name, **kwargs)
                    if kernel is not None:
                        kernel.used += 1
                        if not getattr(outcome, "ok", False) or not kernel.alive():
                            self._stop(kernel)
                            kernel = None
                    future.set_result(outcome)
                except BaseException as exc:
                    self._stop(kernel)
                    kernel = None
                    future.set_exception(exc)
        finally:
            self._stop(kernel)
