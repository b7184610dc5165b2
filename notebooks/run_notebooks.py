"""Execute the analysis notebooks against a database, in place (the default) or as a check.

    python notebooks/run_notebooks.py --db data/digital_divide.duckdb           # rewrite the outputs
    python notebooks/run_notebooks.py --db data/digital_divide.duckdb --check   # run, keep the files as they are
    python notebooks/run_notebooks.py --db … notebooks/02_ldc_progress.ipynb    # only some notebooks

Each notebook runs in a fresh `python3` kernel started with this interpreter (run it with the project's
venv: `.venv/bin/python notebooks/run_notebooks.py …`), with the kernel's working directory set to the
notebook's folder and the database path exported as DDI_DB. A cell may take at most 120 s. The first
error stops the run with one message naming the notebook and the cell (its number and first line).
`--check` executes into a temporary copy and leaves the notebooks untouched. Needs nbformat, nbclient
and ipykernel (requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NOTEBOOK_DIR = Path(__file__).resolve().parent
CELL_TIMEOUT_S = 120
STARTUP_TIMEOUT_S = 120
KERNEL_NAME = "python3"
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class NotebookRunError(Exception):
    """A notebook could not be executed: the message names the notebook and the cell."""


@dataclass
class RunResult:
    path: Path
    seconds: float
    notebook: Any  # the executed nbformat.NotebookNode
    written_to: Path | None


def notebooks(selected: list[str] | None = None) -> list[Path]:
    """The numbered notebooks of this folder (01_…, 02_…), or the ones named on the command line."""
    if selected:
        paths = [Path(name).resolve() for name in selected]
        missing = [str(p) for p in paths if not p.is_file()]
        if missing:
            raise NotebookRunError(f"no such notebook: {', '.join(missing)}")
        return paths
    return sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))


def _require_jupyter() -> None:
    missing = []
    for module in ("nbformat", "nbclient", "ipykernel"):
        try:
            __import__(module)
        except ImportError:
            missing.append(module)
    if missing:
        raise NotebookRunError(
            f"{', '.join(missing)} not installed for {sys.executable}: run `pip install -r requirements-dev.txt` "
            "in the project's venv, and run this script with that venv's python")


def _kernel_manager_class():
    """A kernel manager whose `python3` kernel is this interpreter, whatever kernelspecs the user has.

    Passed as a class, so that nbclient owns the kernel and shuts it down after the run, also on error.
    """
    import zmq
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                              display_name="Python 3 (ipykernel)", language="python", name=KERNEL_NAME,
                              metadata={"supported_encryption": ["curve"]})

    class ThisPythonKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("kernel_spec_manager", ThisPython())
            # CurveZMQ keys for the kernel's loopback sockets where libzmq has them (ipykernel warns otherwise).
            kwargs.setdefault("transport_encryption", "auto" if zmq.has("curve") else "disabled")
            super().__init__(**kwargs)

    return ThisPythonKernelManager


def _describe(path: Path, nb, index: int | None) -> str:
    if index is None:
        return f"{path.name} (before the first cell)"
    cell = nb.cells[index]
    code_number = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    first_line = next((line.strip() for line in cell.source.splitlines() if line.strip()), "")
    cell_id = f", id {cell.get('id')}" if cell.get("id") else ""
    return f"{path.name}, cell {index + 1} of {len(nb.cells)} (code cell {code_number}{cell_id}: {first_line[:80]!r})"


def execute(path: Path, db: Path, *, write_to: Path | None, timeout: int = CELL_TIMEOUT_S) -> RunResult:
    """Run every cell of `path` against `db`; write the executed notebook to `write_to` (None: nowhere)."""
    _require_jupyter()
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    current: dict[str, int | None] = {"index": None}

    def on_cell_start(cell, cell_index: int) -> None:
        current["index"] = cell_index

    client = NotebookClient(
        nb, kernel_manager_class=_kernel_manager_class(), kernel_name=KERNEL_NAME, timeout=timeout,
        startup_timeout=STARTUP_TIMEOUT_S, record_timing=False, resources={"metadata": {"path": str(path.parent)}},
        on_cell_start=on_cell_start,
    )
    started = time.monotonic()
    try:
        client.execute(env={**os.environ, "DDI_DB": str(db)})
    except CellExecutionError as exc:
        detail = f"{exc.ename}: {exc.evalue}" if getattr(exc, "ename", None) else ANSI.sub("", str(exc)).strip()
        raise NotebookRunError(f"{_describe(path, nb, current['index'])} failed: {detail}") from exc
    except CellTimeoutError as exc:
        raise NotebookRunError(f"{_describe(path, nb, current['index'])} ran longer than {timeout} s") from exc
    except DeadKernelError as exc:
        raise NotebookRunError(f"{_describe(path, nb, current['index'])}: the kernel died ({exc})") from exc
    except Exception as exc:  # kernel start-up, missing kernel, …
        raise NotebookRunError(f"{_describe(path, nb, current['index'])}: {type(exc).__name__}: {exc}") from exc
    seconds = time.monotonic() - started
    nb.metadata["kernelspec"] = {"name": KERNEL_NAME, "display_name": "Python 3 (ipykernel)", "language": "python"}
    if write_to is not None:
        nbformat.validate(nb)
        write_to.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(write_to))
    return RunResult(path, seconds, nb, write_to)


def run(paths: list[Path], db: Path, *, check: bool, out=sys.stdout) -> list[RunResult]:
    """Execute each notebook: in place, or (check) into a temporary copy that is thrown away."""
    if not db.is_file():
        raise NotebookRunError(f"database not found: {db} (build it with `python -m etl build --db {db}`)")
    results = []
    with tempfile.TemporaryDirectory(prefix="ddi-notebooks-") as scratch:
        for path in paths:
            target = Path(scratch) / path.name if check else path
            result = execute(path, db, write_to=target)
            results.append(result)
            size = target.stat().st_size
            print(f"{path.name}: {len(result.notebook.cells)} cells in {result.seconds:.1f} s, {size / 1024:.0f} KiB"
                  f"{' (check: file left as it was)' if check else ' (outputs written)'}", file=out)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", help="notebooks to run (default: every NN_*.ipynb here)")
    parser.add_argument("--db", type=Path, default=Path(os.environ.get("DDI_DB", "data/digital_divide.duckdb")),
                        help="the DuckDB file to query (default: $DDI_DB or data/digital_divide.duckdb)")
    parser.add_argument("--check", action="store_true",
                        help="execute into a temporary copy; leave the notebooks as they are")
    args = parser.parse_args(argv)
    try:
        run(notebooks(args.notebooks), args.db.resolve(), check=args.check)
    except NotebookRunError as exc:
        print(f"run_notebooks: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
