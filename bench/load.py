"""Load generation: ``wrk`` (Debian package) when installed, else a thread pool of ``requests`` sessions.

Both report requests per second over a fixed duration with a fixed number of concurrent
connections; the same tool is used for an endpoint and its reference in one run.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests


@dataclass
class LoadResult:
    url: str
    rps: float
    requests: int
    errors: int
    tool: str


def tool_name() -> str:
    return "wrk" if shutil.which("wrk") else "python-requests"


def run_load(url: str, *, seconds: float, connections: int, headers: dict | None = None) -> LoadResult:
    if shutil.which("wrk"):
        return _wrk(url, seconds=seconds, connections=connections, headers=headers or {})
    return _threads(url, seconds=seconds, connections=connections, headers=headers or {})


def _wrk(url: str, *, seconds: float, connections: int, headers: dict) -> LoadResult:
    command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{max(1, int(seconds))}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    total = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(g) for g in socket_errors.groups())
    return LoadResult(url=url, rps=rps, requests=total, errors=errors, tool="wrk")


def _threads(url: str, *, seconds: float, connections: int, headers: dict) -> LoadResult:
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    counts = {"ok": 0, "errors": 0}

    def client() -> None:
        session = requests.Session()
        session.headers.update(headers)
        ok = errors = 0
        while time.perf_counter() < stop:
            try:
                response = session.get(url, timeout=30)
                if response.status_code < 400:
                    ok += 1
                else:
                    errors += 1
            except requests.RequestException:
                errors += 1
        with lock:
            counts["ok"] += ok
            counts["errors"] += errors

    started = time.perf_counter()
    with ThreadPoolExecutor(connections) as pool:
        for _ in range(connections):
            pool.submit(client)
    elapsed = time.perf_counter() - started
    return LoadResult(url=url, rps=counts["ok"] / elapsed, requests=counts["ok"], errors=counts["errors"], tool="python-requests")
