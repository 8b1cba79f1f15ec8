"""Real servers for tests, on ports nobody else can take between our choosing and their binding.

In-thread servers get a socket this process has already bound (port 0: the kernel picks a free
one) and listen on it; a `stdkb serve` process is started with `--port 0` and its address is read
from its own log line. Waits are bounded and only wait: no test asserts how long anything took.
"""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

STARTED = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


def serve_in_thread(settings):
    """(server, thread, url) for the app over `settings`, listening on a socket bound here."""
    import uvicorn

    from api.http.app import create_app

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.time() + 120
    while not server.started and thread.is_alive() and time.time() < deadline:
        time.sleep(0.05)
    assert server.started, "the in-thread server did not start"
    return server, thread, f"http://127.0.0.1:{port}"


def start_stdkb_serve(data_dir: Path, log: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """`stdkb serve` in its own process on a port the kernel chose; (process, base URL)."""
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--data-dir", str(data_dir),
                                 "--host", "127.0.0.1", "--port", "0"], stdout=out, stderr=out, env=env)
    deadline = time.time() + 180
    while time.time() < deadline and proc.poll() is None:
        found = STARTED.search(log.read_text(encoding="utf-8", errors="replace"))
        if found:
            return proc, found.group(1)
        time.sleep(0.2)
    proc.kill()
    raise AssertionError(f"stdkb serve did not start: {log.read_text(encoding='utf-8', errors='replace')[-2000:]}")
