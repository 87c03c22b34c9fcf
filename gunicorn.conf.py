"""gunicorn's settings for Tilts: read from the working directory by default (deploy/ and bench/pages.py start
gunicorn there); the command line adds the address, the workers and the timeout. README, "A large consortium".
"""

from typing import Any

from tilts.core import memory

# A worker is replaced after about a thousand requests (the jitter keeps the workers from restarting together), so
# whatever a long-lived worker accumulates is bounded.
max_requests = 1000
max_requests_jitter = 100


def post_worker_init(worker: Any) -> None:
    memory.after_boot()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    # Runs after the response has been written; only a request that left the worker much larger pays for it.
    memory.after_request()
