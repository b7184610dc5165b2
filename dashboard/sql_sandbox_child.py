"""The child process of the SQL sandbox (dashboard/sql_sandbox.py): runs one query at a time for its parent.

Started by `dashboard.sql_sandbox`'s pool as `python -m dashboard.sql_sandbox_child HEADROOM_BYTES`; reads requests
(pickled dicts, length-prefixed) on stdin and answers each with ("ok", QueryResult, True) or ("error",
SandboxError, keep) on stdout; keep is False when the child exits after answering (after a memory failure: start
afresh). Its address space is capped (RLIMIT_AS: what it needs once warmed up, plus HEADROOM_BYTES), so a query
that tries to allocate gigabytes fails or kills only this process; the parent kills it outright when a query
outlives its time limit (DuckDB cannot interrupt every operation: a long levenshtein() or a huge UNION ALL chain's
planning).
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import sys
import threading
import time


def _vm_size() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone (the child is then an orphan nobody will ask or kill)."""
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(0)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it kills this process
    channel_in = os.fdopen(os.dup(0), "rb", buffering=0)
    channel_out = os.fdopen(os.dup(1), "wb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # anything printed goes to stderr, never into the answers

    import duckdb

    from dashboard import sql_sandbox as sandbox

    with duckdb.connect(":memory:") as con:  # warm up, so that the cap below measures a working process
        con.execute("SELECT 1").df()
    if len(sys.argv) > 1:
        cap = _vm_size() + int(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    sandbox.write_frame(channel_out, ("ready", os.getpid()))
    instance = sandbox.KeptInstance()  # kept between queries on the same version (why that is safe: its docstring)
    while True:
        request = sandbox.read_frame_blocking(channel_in)
        if request is None:
            return
        max_bytes = request.pop("max_result_bytes")
        retire = False
        try:
            answer = ("ok", instance.run(**request), True)
            if answer[1].rows.memory_usage(deep=True).sum() > max_bytes:
                raise sandbox.result_too_big(max_bytes)
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
            if len(payload) > max_bytes:
                raise sandbox.result_too_big(max_bytes)
        except sandbox.SandboxError as exc:
            retire = "memory" in str(exc)  # what DuckDB or malloc gave back may not be reusable: start afresh
            payload = pickle.dumps(("error", exc, not retire))
        except MemoryError:
            answer = None  # let the result go before pickling the error
            retire = True
            payload = pickle.dumps(("error", sandbox.out_of_memory(), False))
        except Exception as exc:  # any other failure: one line for the user
            retire = True
            payload = pickle.dumps(("error", sandbox.QueryFailed(sandbox.first_line(exc)), False))
        answer = None
        sandbox.write_payload(channel_out, payload)
        if retire:
            return


if __name__ == "__main__":
    main()
