"""One LibreOffice per process, started once and reused for every PDF the process converts.

Starting LibreOffice is most of a one-shot ``soffice --convert-to``: the binary, its libraries and
a user profile (created afresh when the profile is new) — 1.5–2.5 s on an idle 2-core machine and
11–15 s on a busy one, for a conversion of well under a second. So a process that converts (a
worker's pool process, the command, the bench) keeps one headless LibreOffice running with its own
persistent profile, and each conversion is a ``soffice --convert-to`` with the same profile, which
LibreOffice hands to the running instance over its single-instance pipe and waits for.

Two details make that work with LibreOffice 7.4 as Debian ships it:

- the instance opens a small hidden document at start: without an open document LibreOffice
  quits after the first conversion handed to it;
- it is ready once the pipe named in ``--accept`` exists; a conversion waits for that, so a request
  never reaches a half-started office (which would start a second one on the same profile).

The instance runs in its own session (process group) and is stopped with the process (``atexit``,
and on Linux the parent-death signal: a worker's pool process leaves with ``os._exit``); one left behind by a process that was killed is stopped by the next process that starts one (its
directory records the group). When the instance is missing, dead or fails, the caller falls back
to a one-shot conversion in a private profile, the way every PDF was made before.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import uuid

PREFIX = "report-office-"
START_TIMEOUT_SECONDS = 90
_lock = threading.Lock()
_instance: Office | None = None


class Office:
    """A running headless LibreOffice with its profile under ``root``."""

    def __init__(self, binary: str):
        self.binary = binary
        self.owner = os.getpid()
        self.root = tempfile.mkdtemp(prefix=f"{PREFIX}{self.owner}-")
        self.pipe = f"report_office_{self.owner}_{uuid.uuid4().hex[:8]}"
        keep = os.path.join(self.root, "keep.txt")
        with open(keep, "w") as handle:
            handle.write("kept open so that LibreOffice stays running between conversions\n")
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line; the binary is the installed LibreOffice
            [
                binary,
                f"-env:UserInstallation=file://{self.root}/profile",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nolockcheck",
                f"--accept=pipe,name={self.pipe};urp;",
                keep,
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "HOME": self.root},
            start_new_session=True,
            preexec_fn=_die_with_parent if threading.current_thread() is threading.main_thread() else None,  # noqa: PLW1509
        )
        with open(os.path.join(self.root, "group"), "w") as handle:
            handle.write(str(self.process.pid))

    @property
    def profile(self) -> str:
        return f"file://{self.root}/profile"

    def alive(self) -> bool:
        return self.process.poll() is None

    def ready(self) -> bool:
        return any(os.path.exists(os.path.join(d, f"OSL_PIPE_{os.getuid()}_{self.pipe}")) for d in ("/tmp", "/var/tmp"))  # noqa: S108 - LibreOffice's own pipe directory

    def wait_ready(self, timeout: float = START_TIMEOUT_SECONDS) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return False
            if self.ready():
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)
        for directory in ("/tmp", "/var/tmp"):  # noqa: S108 - LibreOffice leaves its pipe's socket file behind
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(directory, f"OSL_PIPE_{os.getuid()}_{self.pipe}"))


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent dies (a worker's pool process ends with
    ``os._exit``, so ``atexit`` never runs there). Linux only; elsewhere orphans are reaped later.
    Set only for a start from the main thread: the signal follows the thread that started it."""
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _reap_orphans() -> None:
    """Stop instances left by processes that died without stopping theirs (killed workers)."""
    for root in glob.glob(os.path.join(tempfile.gettempdir(), f"{PREFIX}*")):
        try:
            owner = int(os.path.basename(root)[len(PREFIX):].split("-", 1)[0])
        except ValueError:
            continue
        if _pid_alive(owner):
            continue
        with contextlib.suppress(OSError, ValueError):
            with open(os.path.join(root, "group")) as handle:
                os.killpg(int(handle.read().strip()), signal.SIGKILL)
        shutil.rmtree(root, ignore_errors=True)


def _stop_at_exit() -> None:
    global _instance
    if _instance is not None and _instance.owner == os.getpid():
        _instance.stop()
    _instance = None


atexit.register(_stop_at_exit)


def running(binary: str) -> Office | None:
    """This process's LibreOffice, started on first use (None when it cannot be started). A process
    forked from one that had an instance starts its own."""
    global _instance
    with _lock:
        if _instance is not None and (_instance.owner != os.getpid() or not _instance.alive()):
            if _instance.owner == os.getpid():
                _instance.stop()
            _instance = None
        if _instance is None:
            _reap_orphans()
            try:
                office = Office(binary)
            except OSError:
                return None
            if not office.wait_ready():
                office.stop()
                return None
            _instance = office
        return _instance


def discard(office: Office) -> None:
    """Stop an instance that failed a conversion; the next conversion starts a new one."""
    global _instance
    with _lock:
        if _instance is office:
            _instance = None
    office.stop()
