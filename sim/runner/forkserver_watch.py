"""Preloaded by the forkserver only: the server exits when the process that started it is gone.

A forkserver outlives a killed driver (a Dask client, the app, a notebook killed with SIGKILL),
and with it every worker it forked. With the server gone, each worker sees its parent change
and exits too (``pool._watch_parent``). Nothing else imports this module.
"""

from __future__ import annotations

import os
import threading
import time

_DRIVER = os.getppid()  # the server is started by the process that wants workers


def _watch() -> None:
    while os.getppid() == _DRIVER:
        time.sleep(1.0)
    os._exit(0)


threading.Thread(target=_watch, name="anchang-driver-watch", daemon=True).start()
