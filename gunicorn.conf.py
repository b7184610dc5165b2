"""gunicorn's settings for this app (read from the project root by `gunicorn app:server`, and named by `make run`).

Each worker warms the app up before it takes requests (app.warm_up): Dash's first-request set-up, which
raced with the worker's other threads (a 500 and a blank page), and each page's layout once, which fills the
worker's query cache. Importing the app does neither.
"""

from __future__ import annotations


def post_worker_init(worker) -> None:
    """Called in each worker once it has loaded the app, before it accepts a connection."""
    import app  # already imported by the worker: gunicorn loaded app:server from it

    app.warm_up(app.app)
