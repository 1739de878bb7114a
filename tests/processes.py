"""Helpers for the servers tests start (the app, the OpenID provider)."""

from __future__ import annotations

import subprocess


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate a child process, killing it if it will not stop."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
