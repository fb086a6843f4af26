"""Executing the notebooks: each with papermill, into a staging folder, then exported to HTML.

A notebook runs in a fresh kernel (``kernel`` = a kernel spec name) or in a warm kernel of a
:class:`~claimaudit.pipeline._kernels.KernelPool` (``kernel`` = a ``WarmKernel``), through a
papermill engine that hands papermill's notebook client the running kernel. Either way papermill
injects the parameters, records its metadata and reports a failing cell the same way."""

from __future__ import annotations

import functools
import os
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimaudit import paths

if TYPE_CHECKING:
    from claimaudit.pipeline._kernels import WarmKernel

REPORT_NOTEBOOK = "08-publish-transparency-report"
KERNEL = "python3"
CELL_TIMEOUT = 300  # seconds; a cell that hangs fails its notebook instead of the whole run


@dataclass
class NotebookOutcome:
    name: str
    ok: bool
    seconds: float
    executed: Path | None = None
    html: Path | None = None
    error: str | None = None
    lang: str = "en"
    font_missing: str | None = None  # why the Urdu typeface could not be embedded


def default_parameters() -> dict[str, Any]:
    """The papermill parameters every notebook declares in its ``parameters`` cell."""
    return {"country": "PK", "window_start": "2024-01-01", "window_end": "2024-12-31", "offline": True}


def discover_notebooks(folder: Path | None = None) -> list[Path]:
    """``notebooks/NN-*.ipynb`` in run order."""
    folder = folder or paths.notebooks_dir()
    return sorted(p for p in folder.glob("[0-9][0-9]-*.ipynb") if not p.name.startswith("."))


def execute_notebook(
    notebook: Path,
    *,
    out_dir: Path,
    parameters: dict[str, Any],
    info: dict[str, Any],
    kernel: str | WarmKernel = KERNEL,
    lang: str = "en",
    editions: Sequence[str] = (),
) -> NotebookOutcome:
    """Execute one notebook with papermill into ``out_dir/notebooks/`` and export its HTML.

    ``lang`` other than English makes an edition of the report in that language: the notebook
    gets the parameter ``lang`` and its files are ``<name>.<lang>.ipynb`` / ``.html``; ``editions``
    are the languages of this run's report, linked from each other. ``kernel`` is the name of
    the kernel to start for it, or a warm kernel (reset for this notebook) to run it in."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from claimaudit import i18n
    from claimaudit.report import export_html

    name = notebook.stem + i18n.edition_suffix(lang)
    fonts: list[Any] = []
    if lang != i18n.SOURCE_LANGUAGE:
        parameters = {**parameters, "lang": lang}
    if notebook.stem == REPORT_NOTEBOOK and len(editions) > 1:
        parameters = {**parameters, "editions": ",".join(editions)}  # each edition's pages link the others
    executed = out_dir / "notebooks" / f"{name}.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        if isinstance(kernel, str):
            where: dict[str, Any] = {
                "kernel_name": kernel,
                "cwd": str(notebook.parent),
                "kernel_manager_class": _kernel_manager_class(),
            }
        else:
            # the kernel is running already, in notebook.parent (KernelPool's cwd)
            where = {"kernel_name": KERNEL, "engine_name": _warm_engine(), "warm": kernel}
        papermill.execute_notebook(
            str(notebook),
            str(executed),
            parameters=parameters,
            progress_bar=False,
            log_output=False,
            request_save_on_cell_execute=False,
            execution_timeout=CELL_TIMEOUT,
            **where,
        )
    except PapermillExecutionError as exc:
        return NotebookOutcome(
            name,
            False,
            time.perf_counter() - started,
            executed=executed,
            error=f"cell {exc.exec_count or exc.cell_index}: {exc.ename}: {exc.evalue}",
        )
    except Exception as exc:  # kernel died, notebook unreadable, ...
        return NotebookOutcome(name, False, time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}")
    _stable_parameter_cell_id(executed)
    try:
        links = {other: f"{notebook.stem}{i18n.edition_suffix(other)}.html" for other in editions}
        html = export_html(
            executed,
            out_dir / f"{name}.html",
            show_code=notebook.stem != REPORT_NOTEBOOK,
            index_href="index.html",
            info=info,
            lang=lang,
            editions=links if len(links) > 1 else None,
            fonts=fonts,
        )
    except Exception as exc:  # a template or conversion error fails this notebook, not the whole run
        return NotebookOutcome(
            name,
            False,
            time.perf_counter() - started,
            executed=executed,
            error=f"HTML export: {type(exc).__name__}: {exc}",
        )
    missing = next((f.missing for f in fonts if f.missing), None)
    return NotebookOutcome(
        name, True, time.perf_counter() - started, executed=executed, html=html, lang=lang, font_missing=missing
    )


def _stable_parameter_cell_id(executed: Path) -> None:
    """papermill gives the cell it injects a random id; give it a fixed one, so a rerun on the same
    inputs writes the same notebook (docs/determinism.md)."""
    import json

    from claimaudit._io import write_text_atomic

    notebook = json.loads(executed.read_text(encoding="utf-8"))
    changed = False
    for cell in notebook.get("cells", []):
        if (
            "injected-parameters" in cell.get("metadata", {}).get("tags", [])
            and cell.get("id") != "injected-parameters"
        ):
            cell["id"] = "injected-parameters"
            changed = True
    if changed:
        write_text_atomic(executed, json.dumps(notebook, indent=1, ensure_ascii=False) + "\n")


WARM_ENGINE = "claimaudit-warm-kernel"


@functools.cache
def _warm_engine() -> str:
    """Register (once) and name the papermill engine that runs a notebook in a warm kernel.

    It is papermill's own nbclient engine, but the notebook client gets the pool's running kernel
    manager and client instead of starting a kernel, and leaves the kernel running afterwards."""
    from papermill.engines import NBClientEngine, papermill_engines

    class WarmKernelEngine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(
            cls,
            nb_man: Any,
            kernel_name: str,
            log_output: bool = False,
            stdout_file: Any = None,
            stderr_file: Any = None,
            start_timeout: int = 60,
            execution_timeout: int | None = None,
            warm: WarmKernel | None = None,
            **kwargs: Any,
        ) -> Any:
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.log import logger

            assert warm is not None, "the warm-kernel engine needs warm=<WarmKernel>"
            for unused in ("input_path", "timeout", "startup_timeout", "cwd"):
                kwargs.pop(unused, None)
            client = PapermillNotebookClient(
                nb_man,
                km=warm.km,  # not owned: nbclient leaves the kernel and its client running
                timeout=execution_timeout,
                startup_timeout=start_timeout,
                kernel_name=kernel_name,
                log=logger,
                log_output=log_output,
                stdout_file=stdout_file,
                stderr_file=stderr_file,
                **kwargs,
            )
            client.kc = warm.kc
            return client.execute()

    papermill_engines.register(WARM_ENGINE, WarmKernelEngine)
    return WARM_ENGINE


def _kernel_manager_class() -> str:
    """Kernels talk over local IPC sockets rather than TCP on localhost: nothing listens on a port
    and ipykernel has no reason to warn about unencrypted TCP."""
    return f"{__name__}.IPCKernelManager"


try:
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default as _default

    class IPCKernelManager(AsyncKernelManager):
        """An ``AsyncKernelManager`` whose transport is ``ipc``."""

        @_default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @_default("ip")
        def _default_ip(self) -> str:
            # One socket prefix per kernel: parallel kernels must not share "kernel-ipc-<n>".
            import uuid

            return os.path.join(tempfile.gettempdir(), f"claimaudit-kernel-{uuid.uuid4().hex}")

        async def _async_interrupt_kernel(self) -> None:
            # jupyter_client interrupts before every shutdown; an idle kernel then logs a spurious
            # "KeyboardInterrupt caught in kernel". Nothing runs at shutdown, so skip it then.
            if self.shutting_down:
                return
            await super()._async_interrupt_kernel()

except ImportError:  # pragma: no cover - jupyter_client ships with papermill
    pass
