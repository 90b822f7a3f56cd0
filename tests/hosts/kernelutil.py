"""A real Jupyter kernel (ipykernel, started by jupyter_client), driven like a notebook.

The kernel runs ``python -m ipykernel_launcher`` with the interpreter of the test
process, i.e. the project's ``.venv/bin/python``: the kernel spec is written to a
temporary directory that only this KernelSpecManager reads, so nothing is
installed system-wide and no other kernel spec can be picked up.
"""

from __future__ import annotations

import json
import os
import queue
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

KERNEL_NAME = "pgwidgets-venv"


@dataclass
class Cell:
    """What one executed cell produced (its stdout, and the reply's content)."""

    msg_id: str
    stdout: str = ""
    reply: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        return str(self.reply.get("status"))

    @property
    def ename(self) -> str | None:
        return self.reply.get("ename")

    def describe(self) -> str:
        tb = "\n".join(self.reply.get("traceback", []))
        return f"status={self.status} ename={self.ename}\nstdout:\n{self.stdout}\n{tb}"


class Kernel:
    """A client of one kernel: run cells, start a cell and collect it later, interrupt."""

    def __init__(self, km: KernelManager) -> None:
        self.km = km
        self._iopub: dict[str, list[dict[str, Any]]] = {}   # parent msg_id -> messages
        self._connect()

    def _connect(self) -> None:
        self.kc = self.km.client()
        self.kc.start_channels()
        self.kc.wait_for_ready(timeout=30)

    def reconnect(self) -> None:
        """A new client, for the kernel process that replaced the old (a restart)."""
        self.kc.stop_channels()
        self._iopub.clear()
        self._connect()

    def start(self, code: str) -> str:
        """Send ``code`` as a cell and return at once (its msg_id)."""
        msg_id: str = self.kc.execute(code, store_history=True, allow_stdin=False)
        self._iopub[msg_id] = []
        return msg_id

    def wait_running(self, msg_id: str, timeout: float = 10) -> None:
        """Block until the kernel has begun executing the cell ``msg_id``."""
        self._pump(lambda: any(m["msg_type"] == "execute_input" for m in self._iopub[msg_id]),
                   timeout)

    def finish(self, msg_id: str, timeout: float = 20) -> Cell:
        """Wait for the cell ``msg_id`` to end; its output and reply."""
        self._pump(lambda: _went_idle(self._iopub[msg_id]), timeout)
        cell = Cell(msg_id)
        cell.stdout = "".join(m["content"]["text"] for m in self._iopub.pop(msg_id)
                              if m["msg_type"] == "stream"
                              and m["content"]["name"] == "stdout")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.monotonic()))
            if reply["parent_header"].get("msg_id") == msg_id:
                cell.reply = reply["content"]
                return cell

    def is_done(self, msg_id: str) -> bool:
        """True if the cell ``msg_id`` has ended (looks at what the kernel sent so far)."""
        try:
            self._pump(lambda: _went_idle(self._iopub[msg_id]), 0.2)
        except AssertionError:
            return False
        return True

    def run(self, code: str, timeout: float = 20) -> str:
        """Run a cell to its end; it must succeed. Its stdout."""
        cell = self.finish(self.start(code), timeout)
        assert cell.status == "ok", cell.describe()
        return cell.stdout

    def interrupt(self) -> None:
        """What the notebook's stop button does (SIGINT to the kernel process)."""
        self.km.interrupt_kernel()

    def _pump(self, done: Any, timeout: float) -> None:
        # Read iopub messages into their cells' lists until done() is true.
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            assert left > 0, "the kernel did not get there in time"
            try:
                msg = self.kc.get_iopub_msg(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            parent = msg["parent_header"].get("msg_id")
            if parent in self._iopub:
                self._iopub[parent].append(msg)

    def close(self) -> None:
        self.kc.stop_channels()


def _went_idle(messages: list[dict[str, Any]]) -> bool:
    return any(m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
               for m in messages)


def write_kernel_spec(kernels_dir: Path) -> None:
    """A kernel spec that starts ipykernel with this process's interpreter (the venv's)."""
    spec = kernels_dir / KERNEL_NAME
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "pgwidgets test venv",
        "language": "python",
    }))


@contextmanager
def running_kernel(tmp: Path) -> Iterator[Kernel]:
    """Start a kernel (files under ``tmp``); it is always shut down afterwards."""
    write_kernel_spec(tmp / "kernels")
    ksm = KernelSpecManager(kernel_dirs=[str(tmp / "kernels")], ensure_native_kernel=False)
    km = KernelManager(kernel_name=KERNEL_NAME, kernel_spec_manager=ksm,
                       connection_file=str(tmp / "connection.json"))
    env = dict(os.environ, IPYTHONDIR=str(tmp / "ipython"))   # no history in ~/.ipython
    km.start_kernel(env=env, cwd=str(tmp))
    kernel: Kernel | None = None
    try:
        kernel = Kernel(km)
        assert kernel.run("import sys; print(sys.executable)").strip() == sys.executable
        yield kernel
    finally:
        if kernel is not None:
            kernel.close()
        if km.has_kernel:
            km.shutdown_kernel(now=True)


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True if this process can listen on ``port`` (as a server restarted on it would:
    SO_REUSEADDR, so connections in TIME_WAIT do not count, a listener does)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            s.listen()
        except OSError:
            return False
        return True
