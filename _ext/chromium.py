"""Headless Chromium on a folder served from 127.0.0.1: what the build and the browser tests share.

The build prints the summary sheet with it (_ext/handout.py); the browser tests drive the website
and JupyterLab with it (tests/conftest.py, tools/site_checks.py, tools/lab_checks.py). Chromium is
Debian's (`apt-get install chromium`, or $CHROMIUM), driven by Playwright without any browser
download, and with every background connection switched off, so nothing reaches the network.
"""

import functools
import os
import shutil
import threading
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

HOST = "127.0.0.1"
# Headless, and with every background connection (updates, sync, QUIC) switched off.
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
INSTALL_HINT = (
    "Chromium not found: install it with `apt-get install chromium` (Debian/Ubuntu; .ci/run "
    "does), or set CHROMIUM=/path/to/chromium"
)


def find_chromium():
    """The Chromium executable to use: $CHROMIUM if set (else chromium on PATH), or None."""
    if os.environ.get("CHROMIUM"):
        candidates = [os.environ["CHROMIUM"]]
    else:
        candidates = [shutil.which("chromium"), shutil.which("chromium-browser")]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def missing_browser():
    """Why Chromium cannot be driven here, as a sentence, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is missing: the Makefile installs it from requirements.txt"
    if find_chromium():
        return None
    if os.environ.get("CHROMIUM"):
        return (
            f"Chromium not found: CHROMIUM={os.environ['CHROMIUM']} is not an executable file "
            "(point it at Chromium, or unset it to use chromium on PATH)"
        )
    return INSTALL_HINT


def launch(playwright):
    """Start headless Chromium (find_chromium's) with Playwright; returns the Browser."""
    return playwright.chromium.launch(executable_path=find_chromium(), args=ARGS)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory):
    """Serve `directory` over HTTP on 127.0.0.1 (a free port) from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
