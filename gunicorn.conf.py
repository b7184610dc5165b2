"""gunicorn's settings for this app (read from the project root by `gunicorn app:server`, and named by `make run`).

Each worker warms the app up before it takes requests (app.warm_up): Dash's first-request set-up, which
raced with the worker's other threads (a 500 and a blank page), and each page's layout once, which fills the
worker's query cache. Importing the app does neither.
"""

from __future__ import annotations

# How many processes, and threads in each, serve requests: the one place these are set (`make run`, the
# benchmarks and deploy/run_local.py read them from here). Measured on 2 cores: docs/serving.md, "Workers and threads".
workers = 2
threads = 4
timeout = 60


def post_worker_init(worker) -> None:
    """Called in each worker once it has loaded the app, before it accepts a connection."""
    import app  # already imported by the worker: gunicorn loaded app:server from it

    app.warm_up(app.app)
