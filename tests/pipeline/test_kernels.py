"""Warm kernels (pipeline/_kernels.py): notebooks run one after another in one kernel give the
outputs a fresh kernel gives, see nothing an earlier notebook left, and fail as before.

These tests start real kernels (slow). The notebooks besides the project's own are synthetic."""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest

from claimaudit import paths
from claimaudit.pipeline._kernels import KernelPool
from claimaudit.pipeline._notebooks import KERNEL, default_parameters, execute_notebook

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

#: docs/determinism.md: papermill's execution metadata and the run's "generated" time are stamps
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")


@pytest.fixture(scope="module")
def info() -> dict:
    from claimaudit.report import run_info

    return run_info()


def _notebook(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {name}")] + [nbformat.v4.new_code_cell(c) for c in cells]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


#: a synthetic notebook that changes everything a later notebook in the same kernel could see
POLLUTER = (
    "secret = 'left behind'\nimport os, sys, warnings, logging\nimport polars as pl\n",
    "from claimaudit import i18n\nfrom claimaudit.notebook import charts, views\n"
    "i18n.set_language('ur')\ncharts.use_theme()\nviews._AUDITED['synthetic'] = ['left behind']",
    "pl.Config.set_tbl_rows(2)\nos.environ['CLAIMAUDIT_SYNTHETIC'] = '1'\nsys.path.insert(0, '/synthetic')\n"
    "warnings.simplefilter('error')\nlogging.getLogger().setLevel(logging.CRITICAL)\nos.chdir('/')\n"
    "import gc\ngc.disable()",
)

#: a synthetic notebook that fails if it sees any of that
CHECKER = (
    "import os, sys, warnings, logging\nimport altair as alt\nimport polars as pl\n"
    "from claimaudit import i18n\nfrom claimaudit.notebook import views",
    "assert 'secret' not in globals(), 'a variable of the previous notebook'\n"
    "assert i18n.current() == 'en', i18n.current()\nassert views._AUDITED == {}, views._AUDITED\n"
    "assert alt.theme.active == 'default' and alt.renderers.active == 'default'",
    "assert 'CLAIMAUDIT_SYNTHETIC' not in os.environ and '/synthetic' not in sys.path\n"
    "assert not any(f[0] == 'error' and f[2] is Warning for f in warnings.filters)\n"
    "assert logging.getLogger().level != logging.CRITICAL\n"
    "assert os.path.basename(os.getcwd()) == 'notebooks', os.getcwd()\n"
    "import gc\nassert gc.isenabled(), 'the garbage collector was left off'\n"
    "print(pl.DataFrame({'a': range(30)}))",
)


def _normalised(executed: Path) -> dict:
    nb = json.loads(executed.read_text(encoding="utf-8"))
    nb["metadata"].pop("papermill", None)
    for cell in nb["cells"]:
        cell.get("metadata", {}).pop("papermill", None)
        cell.get("metadata", {}).pop("execution", None)
    return json.loads(STAMP.sub("<stamp>", json.dumps(nb, ensure_ascii=False)))


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    books = tmp_path / "notebooks"
    books.mkdir()
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("CLAIMAUDIT_TABLES", str(tmp_path / "tables"))
    monkeypatch.setenv("CLAIMAUDIT_OFFLINE", "1")
    return books


def _run_all(pool_or_name, books: list[Path], out: Path, info: dict, *, parameters: dict | None = None) -> list:
    parameters = default_parameters() if parameters is None else parameters
    if isinstance(pool_or_name, KernelPool):
        futures = [
            pool_or_name.submit(execute_notebook, nb, out_dir=out, parameters=parameters, info=info) for nb in books
        ]
        return [f.result(timeout=600) for f in futures]
    return [execute_notebook(nb, out_dir=out, parameters=parameters, info=info, kernel=pool_or_name) for nb in books]


def test_notebooks_after_another_in_a_warm_kernel_give_a_fresh_kernels_outputs_and_see_nothing_of_it(
    folder, tmp_path, info
):
    own = [
        shutil.copy(paths.notebooks_dir() / f"{n}.ipynb", folder) for n in ("00-start-here", "07-review-data-quality")
    ]
    own = [Path(p) for p in own]
    polluter = _notebook(folder, "50-synthetic-polluter", *POLLUTER)
    checker = _notebook(folder, "51-synthetic-checker", *CHECKER)
    order = [polluter, own[0], polluter, own[1], polluter, checker]
    with KernelPool(1, cwd=folder, kernel_name=KERNEL) as pool:
        warm = _run_all(pool, order, tmp_path / "warm", info)
        assert pool.started == 1, "one kernel served every notebook"
        (kernel,) = pool._kernels
        assert kernel.resets == len(order) - 1, "reset before every notebook but the kernel's first"
    assert [(o.name, o.ok, o.error) for o in warm] == [(p.stem, True, None) for p in order]
    cold = _run_all(KERNEL, [*own, checker], tmp_path / "cold", info)
    assert all(o.ok for o in cold), [o.error for o in cold]
    for path in [*own, checker]:
        executed_warm = tmp_path / "warm" / "notebooks" / path.name
        executed_cold = tmp_path / "cold" / "notebooks" / path.name
        assert _normalised(executed_warm) == _normalised(executed_cold), path.name
        first = next(c for c in json.loads(executed_warm.read_text())["cells"] if c["cell_type"] == "code")
        assert first["execution_count"] == 1
        assert STAMP.sub("", (tmp_path / "warm" / f"{path.stem}.html").read_text()) == STAMP.sub(
            "", (tmp_path / "cold" / f"{path.stem}.html").read_text()
        )


def test_the_first_notebook_in_a_new_warm_kernel_needs_no_reset_and_gives_a_fresh_kernels_outputs(
    folder, tmp_path, info
):
    """A new kernel is in the reset state already (it ran only the imports): its first notebook is
    run without a reset and still gives what a fresh kernel gives, and sees a clean kernel."""
    start = Path(shutil.copy(paths.notebooks_dir() / "00-start-here.ipynb", folder))
    checker = _notebook(folder, "51-synthetic-checker", *CHECKER)
    for first in (checker, start):
        out = tmp_path / f"warm-{first.stem}"
        with KernelPool(1, cwd=folder, kernel_name=KERNEL) as pool:
            (outcome,) = _run_all(pool, [first], out, info)
            (kernel,) = pool._kernels
            assert kernel.resets == 0 and kernel.used == 1
        assert outcome.ok, outcome.error
        (cold,) = _run_all(KERNEL, [first], tmp_path / f"cold-{first.stem}", info)
        assert cold.ok, cold.error
        executed = out / "notebooks" / first.name
        assert _normalised(executed) == _normalised(tmp_path / f"cold-{first.stem}" / "notebooks" / first.name)


def test_a_warm_kernel_leaves_what_it_imported_out_of_garbage_collections(folder):
    """claimaudit/_gc.py: the imports are frozen (later collections skip them), the collector is on,
    and a notebook's own objects are still collected."""
    from claimaudit.pipeline._kernels import KernelError, WarmKernel

    kernel = WarmKernel(KERNEL, folder)
    try:
        kernel._execute(
            "import gc, sys\n"
            "assert gc.isenabled()\n"
            "assert gc.get_freeze_count() > 50_000, gc.get_freeze_count()\n"
            "assert 'polars' in sys.modules\n"
            "class Cycle: pass\n"
            "a = Cycle(); a.me = a; import weakref; r = weakref.ref(a); del a; gc.collect()\n"
            "assert r() is None, 'a notebook cycle is still collected'"
        )
        with pytest.raises(KernelError, match="AssertionError"):
            kernel._execute("import gc\nassert gc.get_freeze_count() == 0")
    finally:
        kernel.shutdown()


def test_a_failing_notebook_names_the_cell_and_the_next_notebook_gets_a_new_kernel(folder, tmp_path, info):
    broken = _notebook(
        folder, "60-synthetic-broken", "x = 1", "raise ValueError('synthetic failure')", "print('not run')"
    )
    fine = _notebook(folder, "61-synthetic-fine", "assert 'x' not in globals()\nprint('fine')")
    with KernelPool(1, cwd=folder, kernel_name=KERNEL) as pool:
        failed, ok = _run_all(pool, [broken, fine], tmp_path / "out", info, parameters={})
        assert pool.started == 2, "the kernel that failed a notebook is not reused"
    assert not failed.ok and failed.error == "cell 2: ValueError: synthetic failure"
    assert failed.executed is not None and failed.executed.is_file()
    assert ok.ok, ok.error


def test_closing_the_pool_mid_notebook_kills_its_kernel(folder, tmp_path, info):
    """What Ctrl-C does (pipeline.run closes the pool without waiting, then exits 130)."""
    slow = _notebook(
        folder, "70-synthetic-slow", "import os\nprint(os.getpid(), flush=True)", "import time\ntime.sleep(300)"
    )
    pool = KernelPool(1, cwd=folder, kernel_name=KERNEL)
    future = pool.submit(execute_notebook, slow, out_dir=tmp_path / "out", parameters={}, info=info)
    deadline = time.monotonic() + 240
    kernel = None
    while time.monotonic() < deadline and kernel is None:
        kernels = list(pool._kernels)
        kernel = kernels[0] if kernels and kernels[0].used == 0 and future.running() else None
        time.sleep(0.5)
    assert kernel is not None and kernel.pid
    pid = kernel.pid
    time.sleep(2)  # inside time.sleep(300) by now, or about to be
    pool.close(wait=False)
    outcome = future.result(timeout=60)
    assert not outcome.ok
    with pytest.raises(ProcessLookupError):
        for _ in range(40):
            os.kill(pid, 0)
            time.sleep(0.25)
