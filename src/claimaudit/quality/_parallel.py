"""Run the suites on two cores: this process and one helper process share the list.

About half of ``claimaudit check`` is importing Great Expectations (pandas, numpy; ~2.2 s of CPU)
and the rest is loading the data and validating, suite by suite. Python runs one thread at a
time, so a second core helps only in a second process. :func:`run_files` starts one helper
(``python -m claimaudit.quality._helper``) as soon as a run begins; while it starts and imports
GX, this process imports GX too, and then both take the next suite from one shared list until it
is empty; then this process also runs the suite the helper is still on, if any, and the first
result wins (a helper slowed down by a busy machine never makes the run wait). Every suite is
validated in full, by the same code (:meth:`_Runner.run_file`); results come back in suite order.
The helper costs ~2.5-4 s of extra CPU (its own start-up and GX import); it shortens the run only
when a second core is free (expected ~1.5 s on a quiet 2-core machine, not measured quiet).

Robust by construction: if the helper cannot start, dies, or a suite raises in it something the
runner does not turn into a result, the suite goes back on the list and this process runs it
(so an unexpected error surfaces here exactly as in a one-process run). On any exit, including
Ctrl-C, the helper is killed. Nothing is cached between runs.

Protocol (pickle frames over the helper's stdin/stdout; the helper's own prints go to stderr):
parent sends ``now`` once, then ``(index, suite file)`` per task and ``None`` to stop; the helper
answers each task with ``(index, SuiteResult)`` or ``(index, None)`` when it could not run it.
"""

from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from claimaudit._gc import warming_up
from claimaudit.quality._report import SuiteResult

__all__ = ["run_files", "serve", "usable_cores"]

#: Below this many suites a helper process costs more than it saves.
MIN_SUITES = 6
#: The helper's command line after the interpreter.
HELPER = ["-m", "claimaudit.quality._helper"]


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def run_files(
    files: list[Path], run_file: Callable[[Path], SuiteResult], *, now: dt.datetime, jobs: int | None = None
) -> list[SuiteResult]:
    """``[run_file(f) for f in files]``, shared with a helper process when that can help.

    ``jobs`` is the number of processes (default: 2 if at least two cores are usable and there
    are at least :data:`MIN_SUITES` suites, else 1).
    """
    if jobs is None:
        jobs = 2 if usable_cores() >= 2 and len(files) >= MIN_SUITES else 1
    if jobs <= 1 or len(files) < 2:
        return [run_file(f) for f in files]
    state = _State(todo=deque(range(len(files))))
    helper = _Helper.start(now)
    feeder = threading.Thread(target=_feed, args=(helper, files, state), daemon=True)
    try:
        if helper is not None:
            feeder.start()
        while True:
            with state.lock:
                if state.todo:
                    index: int | None = state.todo.popleft()
                else:  # nothing left: do the helper's current suite too rather than wait for it
                    index = next((i for i in state.inflight if i not in state.results), None)
                if index is None and len(state.results) == len(files):
                    break
                if index is not None:
                    state.mine.add(index)
            if index is None:  # a suite is between the list and the helper: a moment
                feeder.join(timeout=0.05)
                continue
            result = run_file(files[index])
            with state.lock:
                state.results.setdefault(index, result)
    finally:
        if helper is not None:
            helper.stop()
        if feeder.is_alive():
            feeder.join(timeout=5)
    return [state.results[i] for i in range(len(files))]


class _State:
    """The shared list and what became of each suite (guarded by ``lock``)."""

    def __init__(self, todo: deque[int]) -> None:
        self.lock = threading.Lock()
        self.todo = todo
        self.inflight: dict[int, None] = {}  # sent to the helper, no answer yet (in order)
        self.mine: set[int] = set()  # taken by this process
        self.results: dict[int, SuiteResult] = {}


def _feed(helper: _Helper, files: list[Path], state: _State) -> None:
    """Hand the helper one suite at a time; give back what it could not do."""
    while True:
        with state.lock:
            if not state.todo:
                return
            index = state.todo.popleft()
            state.inflight[index] = None
        got = helper.ask(index, files[index])
        with state.lock:
            state.inflight.pop(index, None)
            if got is None:
                if index not in state.results and index not in state.mine:
                    state.todo.appendleft(index)
                return
            state.results.setdefault(index, got)


class _Helper:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self.broken = False

    @classmethod
    def start(cls, now: dt.datetime) -> _Helper | None:
        import claimaudit

        package_root = str(Path(claimaudit.__file__).resolve().parents[1])
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        try:
            process = subprocess.Popen(
                [sys.executable, *HELPER],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                start_new_session=True,  # Ctrl-C reaches only us; we kill it
            )
        except OSError:
            return None
        helper = cls(process)
        if not helper._send(now):
            helper.stop()
            return None
        return helper

    def _send(self, message: Any) -> bool:
        try:
            assert self.process.stdin is not None
            pickle.dump(message, self.process.stdin, protocol=pickle.HIGHEST_PROTOCOL)
            self.process.stdin.flush()
            return True
        except (OSError, ValueError):
            self.broken = True
            return False

    def ask(self, index: int, file: Path) -> SuiteResult | None:
        if self.broken or not self._send((index, str(file))):
            return None
        try:
            assert self.process.stdout is not None
            got_index, result = pickle.load(self.process.stdout)
        except Exception:  # EOF (it died), a broken pipe, a frame cut short
            self.broken = True
            return None
        if got_index != index or not isinstance(result, SuiteResult):
            self.broken = got_index != index
            return None
        return result

    def stop(self) -> None:
        if self.process.poll() is None:
            self._send(None)
            try:
                self.process.wait(timeout=0.5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def serve(make_runner: Callable[[dt.datetime], Any]) -> None:
    """The helper's loop (``python -m claimaudit.quality._helper``): one runner (one GX context)
    for every suite it is sent; ``make_runner(now)`` returns an object with ``warm_up()`` and
    ``run_file(path)``."""
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # stray prints must not corrupt the answers
    try:
        _serve(make_runner, sys.stdin.buffer, answers)
    except (EOFError, BrokenPipeError, KeyboardInterrupt):
        pass


def _serve(make_runner: Callable[[dt.datetime], Any], tasks: BinaryIO, answers: BinaryIO) -> None:
    runner = make_runner(pickle.load(tasks))
    with warming_up(freeze=True):  # the helper is ours: GX imported uncollected, then frozen (claimaudit/_gc.py)
        runner.warm_up()
    while (task := pickle.load(tasks)) is not None:
        index, file = task
        try:
            result: SuiteResult | None = runner.run_file(Path(file))
        except Exception:  # let the parent run it and raise it where a user sees it
            result = None
        pickle.dump((index, result), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()
