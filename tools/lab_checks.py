"""Checks of the notebooks as JupyterLab shows them: the building blocks of tests/test_lab.py.

A library, not a test: nothing here knows about the book but the form of the names its text quotes
(ch2_book_w10), so tests/test_lab.py runs the same functions on a planted notebook to show that
each problem is caught. `running_lab` starts a real
JupyterLab (with jupyterlab-myst, from the environment this Python runs in) on 127.0.0.1;
a `Reader` opens notebooks in headless Chromium, lets each render without running a cell, and
records what a reader sees in its markdown cells; `markup_problems` turns that record into
sentences.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import chromium

# Every cell in the page, not only those on screen (JupyterLab's default windowing keeps cells out
# of the DOM until they are scrolled to).
NOTEBOOK_SETTINGS = {"windowingMode": "none"}
# Nothing fetched from the internet by the server: no news, no update check, no PyPI extension list.
SERVER_CONFIG = {
    "LabApp": {
        "news_url": None,
        "check_for_updates_class": "jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "extension_manager": "readonly",
        # window.jupyterapp, through which the test opens and closes notebooks.
        "expose_app_in_browser": True,
    }
}
# The roles jupyterlab-myst (mystmd) renders; any other role shows only its content, as plain text.
KNOWN_ROLES = {
    "abbr", "cite", "cite:p", "cite:t", "del", "doc", "download", "eq", "eval", "kbd",
    "math", "numref", "ref", "sub", "sup", "term", "u",
}  # fmt: skip


# --- The server --------------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind((chromium.HOST, 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running JupyterLab: its base URL and the token that opens it."""

    url: str
    token: str

    def workspace_url(self):
        """The address of JupyterLab in a fresh, empty workspace."""
        return (
            f"{self.url}lab/workspaces/fresh-{time.monotonic_ns()}?token={self.token}"
        )


def api(lab, path, method="GET"):
    """A request to the Jupyter server's REST API."""
    request = urllib.request.Request(
        lab.url + path, method=method, headers={"Authorization": f"token {lab.token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        body = response.read()
    return json.loads(body) if body else None


def stop_kernels(lab):
    """Shut down every running kernel (DELETE /api/kernels/ID); returns their ids."""
    ids = [kernel["id"] for kernel in api(lab, "api/kernels")]
    for kernel_id in ids:
        api(lab, f"api/kernels/{kernel_id}", method="DELETE")
    return ids


def jupyter_executable():
    """`jupyter` of the environment this Python runs in (.venv under `make test`)."""
    found = shutil.which("jupyter", path=str(Path(sys.executable).parent))
    if not found:
        raise RuntimeError(f"no jupyter next to {sys.executable}: run `make lab` once")
    return found


@contextmanager
def running_lab(root_dir, startup_timeout=60):
    """Start JupyterLab serving `root_dir` on 127.0.0.1 (a free port); yields a `Lab`.

    A random token guards it: while a test runs, no other local user can run code through it.

    Settings, workspaces, runtime files and configuration go to a temporary folder, so neither the
    user's own JupyterLab set-up nor an earlier run changes what is seen. At the end every kernel is
    stopped and the server shut down.
    """
    with tempfile.TemporaryDirectory(prefix="lab-checks-") as tmp:
        tmp = Path(tmp)
        settings = tmp / "settings" / "@jupyterlab" / "notebook-extension"
        settings.mkdir(parents=True)
        (settings / "tracker.jupyterlab-settings").write_text(
            json.dumps(NOTEBOOK_SETTINGS)
        )
        config = tmp / "config"
        config.mkdir()
        (config / "jupyter_server_config.json").write_text(json.dumps(SERVER_CONFIG))
        env = dict(
            os.environ,
            JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
            JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
            JUPYTER_CONFIG_DIR=str(config),
            JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        )
        port = free_port()
        lab = Lab(url=f"http://{chromium.HOST}:{port}/", token=secrets.token_hex(24))
        command = [
            jupyter_executable(),
            "lab",
            "--no-browser",
            f"--ServerApp.ip={chromium.HOST}",
            f"--port={port}",
            "--port-retries=0",
            f"--IdentityProvider.token={lab.token}",
            f"--ServerApp.root_dir={root_dir}",
        ]
        if os.geteuid() == 0:
            command.append("--allow-root")
        log_path = tmp / "server.log"
        with open(log_path, "wb") as log:
            server = subprocess.Popen(
                command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root_dir
            )
        try:
            _wait_for_server(server, lab, log_path, startup_timeout)
            yield lab
        finally:
            _shut_down(server, lab)


def _wait_for_server(server, lab, log_path, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            api(lab, "api/status")
            return
        except OSError:
            time.sleep(0.25)
    tail = log_path.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"JupyterLab did not start at {lab.url}:\n{tail}")


def _shut_down(server, lab):
    if server.poll() is None:
        try:
            stop_kernels(lab)
            api(lab, "api/shutdown", method="POST")
        except OSError:
            pass
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


# --- One notebook in the browser -----------------------------------------------------------------


@dataclass
class NotebookView:
    """What a reader sees of one notebook in JupyterLab. See `markup_problems`."""

    path: str
    cells: list = field(default_factory=list)  # one dict per cell, from CELLS below
    external_requests: list = field(default_factory=list)
    page_errors: list = field(default_factory=list)
    # The kernel the notebook started (opening a notebook starts one; nothing runs in it).
    kernels: list = field(default_factory=list)
    executed: list = field(default_factory=list)  # code any client ran in that kernel


# True once every cell is in the page and every markdown cell is rendered (by jupyterlab-myst, or
# else by JupyterLab's own renderer, which markup_problems then reports).
RENDERED = """(n) => {
  const cells = Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell'));
  return cells.length === n && cells.filter(c => c.classList.contains('jp-MarkdownCell')).every(c =>
    c.classList.contains('jp-mod-rendered') &&
    c.querySelector('.jp-Cell-inputArea .myst, .jp-Cell-inputArea .jp-RenderedMarkdown'));
}"""

# Per cell: for markdown, the text a reader sees, split into prose (code shown as `…`, rendered
# maths as ⟨math⟩) and code; the renderer's error marks; the folded parts; the rendered maths and
# images. For code, the input prompt ([3]: as committed, [*]: if it ran).
CELLS = r"""() => Array.from(document.querySelectorAll('.jp-Notebook .jp-Cell')).map(cell => {
  if (!cell.classList.contains('jp-MarkdownCell')) {
    const prompt = cell.querySelector('.jp-InputArea-prompt');
    return {type: 'code', prompt: prompt ? prompt.textContent.trim() : null,
            inputFolded: !!cell.querySelector('.jp-InputPlaceholder'),
            outputFolded: !!cell.querySelector('.jp-OutputPlaceholder')};
  }
  const root = cell.querySelector('.jp-Cell-inputArea .myst, .jp-Cell-inputArea .jp-RenderedMarkdown');
  if (!root) return {type: 'markdown', myst: false, prose: '', code: [], errors: [], details: [],
                     math: 0, images: [], links: []};
  let prose = '';
  const code = [];
  const walk = node => {
    if (node.nodeType === Node.TEXT_NODE) { prose += node.textContent; return; }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const el = node;
    if (el.matches('.katex, mjx-container')) { prose += '⟨math⟩'; return; }
    if (el.matches('code, pre')) { code.push(el.textContent); prose += '`…`'; return; }
    if (el.matches('svg, style, script')) return;
    const block = /^(P|DIV|LI|H[1-6]|TR|BLOCKQUOTE|SUMMARY|DETAILS|ASIDE|TABLE|UL|OL)$/.test(el.tagName);
    if (block) prose += '\n';
    el.childNodes.forEach(walk);
    if (block) prose += '\n';
  };
  walk(root);
  const errors = Array.from(root.querySelectorAll('[class*="text-red-"], [class*="text-yellow-"]'))
    .map(el => [el.getAttribute('title'), el.textContent.trim().slice(0, 80)].filter(Boolean).join(': '))
    .filter(Boolean);
  const details = Array.from(root.querySelectorAll('details')).map(d => ({
    open: d.open, summary: (d.querySelector('summary') || d).textContent.trim().slice(0, 80)}));
  const images = Array.from(root.querySelectorAll('img')).map(img => ({
    src: (img.getAttribute('src') || '').slice(0, 80), ok: img.complete && img.naturalWidth > 0}));
  const links = Array.from(root.querySelectorAll('a[href]'))
    .filter(a => !a.closest('h1, h2, h3, h4, h5, h6')).map(a => a.textContent.trim());
  return {type: 'markdown', myst: root.classList.contains('myst'),
          prose: prose.replace(/\n\s*\n+/g, '\n'), code, errors, details, images, links,
          math: root.querySelectorAll('.katex, mjx-container').length};
})"""


# Open a notebook as the file browser does, after closing the one before, and record every cell
# any client asks its kernel to run (the kernel announces each on iopub as execute_input).
OPEN = """async (path) => {
  const app = window.jupyterapp;
  for (const widget of Array.from(app.shell.widgets('main'))) widget.dispose();
  window.labChecksExecuted = [];
  const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  window.labChecksNotebook = widget;
  widget.sessionContext.iopubMessage.connect((_, message) => {
    if (message.header.msg_type === 'execute_input')
      window.labChecksExecuted.push(String(message.content.code).slice(0, 80));
  });
}"""
# Close the notebook once its kernel has started and answered every request JupyterLab sent it
# (closing earlier cancels them, "Canceled future for debug_request message before replies were
# done", an error a reader would never meet), and say which kernel it was. The debugger asks the
# kernel about itself shortly after it starts, hence the half second before waiting for replies.
CLOSE = """async () => {
  const kernels = [];
  const pause = ms => new Promise(done => setTimeout(done, ms));
  for (const widget of Array.from(window.jupyterapp.shell.widgets('main'))) {
    if (widget.sessionContext) {
      await widget.sessionContext.ready;
      const kernel = widget.sessionContext.session && widget.sessionContext.session.kernel;
      if (kernel) {
        kernels.push(kernel.name);
        await kernel.info;
        await pause(500);
        // Requests still waiting for their replies (a private map of @jupyterlab/services).
        const waiting = () => (kernel._futures ? kernel._futures.size : 0);
        for (let waited = 0; waiting() > 0 && waited < 10000; waited += 100) await pause(100);
      }
    }
    widget.dispose();
  }
  return {kernels, executed: window.labChecksExecuted || []};
}"""


class Reader:
    """One JupyterLab page in headless Chromium that opens notebooks one after another.

    The page starts in a fresh, empty workspace; each notebook is opened as a reader would open it
    from the file browser, after the one before is closed and its kernel stopped. Only requests to
    127.0.0.1 go out; any other is recorded and aborted.
    """

    def __init__(self, context, lab, timeout_ms=60000):
        self.lab, self.timeout_ms = lab, timeout_ms
        self.external_requests, self.page_errors = [], []
        self.page = context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("pageerror", lambda e: self.page_errors.append(str(e)))
        self.page.goto(lab.workspace_url())
        self.page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell", timeout=timeout_ms
        )
        self.page.evaluate("() => window.jupyterapp.restored")

    def _route(self, route):
        if urlsplit(route.request.url).hostname != chromium.HOST:
            self.external_requests.append(route.request.url)
            route.abort("blockedbyclient")
            return
        try:
            route.continue_()
        except Exception:
            pass  # the page was closed while the request was on its way

    def read(self, notebook_file, path, then=None):
        """Open `path` (relative to the server's root), let it render, record what it shows.

        `notebook_file` is the same .ipynb on disk, read for its cells' sources and stored
        execution counts. Nothing is run. The notebook is closed at the end and every kernel
        stopped (opening a notebook starts one). `then`: JavaScript to run in the page once the
        notebook is rendered (a test plants a problem with it).
        """
        notebook = json.loads(Path(notebook_file).read_text(encoding="utf-8"))
        view = NotebookView(path=path)
        seen_requests, seen_errors = len(self.external_requests), len(self.page_errors)
        try:
            self.page.evaluate(OPEN, path)
            self.page.wait_for_function(
                RENDERED, arg=len(notebook["cells"]), timeout=self.timeout_ms
            )
            cells = self._settled_cells()
            if then:
                self.page.evaluate(then)
        finally:
            closed = self.page.evaluate(CLOSE)
            view.kernels, view.executed = closed["kernels"], closed["executed"]
            stop_kernels(self.lab)
        for source_cell, seen in zip(notebook["cells"], cells):
            seen["source"] = "".join(source_cell["source"])
            seen["metadata"] = source_cell.get("metadata", {})
            seen["execution_count"] = source_cell.get("execution_count")
            seen["outputs"] = len(source_cell.get("outputs", []))
        view.cells = cells
        view.external_requests = self.external_requests[seen_requests:]
        view.page_errors = self.page_errors[seen_errors:]
        return view

    def _settled_cells(self):
        """The cells once the page has stopped changing: jupyterlab-myst renders each cell, then
        again once cross-references between cells and stored values are resolved."""
        images = self.page.locator(".jp-MarkdownCell img")
        for i in range(images.count()):
            images.nth(i).evaluate(
                "img => img.complete || new Promise(done => {"
                " img.onload = img.onerror = done; setTimeout(done, 5000); })"
            )
        previous = self.page.evaluate(CELLS)
        for _ in range(20):
            self.page.wait_for_timeout(250)
            cells = self.page.evaluate(CELLS)
            if cells == previous:
                return cells
            previous = cells
        return previous

    def close(self):
        self.page.close()


# --- From observations to problems ----------------------------------------------------------------

ROLE = re.compile(r"\{[A-Za-z][\w:.+-]*\}")
FENCE = re.compile(r"(:::+|```+|~~~+)\s*\{")
# (eq-slope)= as text; f(x)= is not a label.
LABEL = re.compile(r"(?<![\w)])\([A-Za-z][\w.:-]*\)=(?!=)")
# TeX a renderer left as text: $$, \command, \( \) \[ \], a $...$ pair, x^2, x_{i}.
TEX = re.compile(r"\$\$|\\[A-Za-z]{2,}|\\[()\[\]]|\$[^$\n]+\$|[\w)}]\^[\w{]|_\{")
# A myst-nb glue key such as ch2_book_w10 (with or without a format, :.4f).
GLUE_KEY = re.compile(r"\bch\d+_\w+")
SOURCE_ROLE = re.compile(r"(?<![\w`\\])\{([A-Za-z][\w:.+-]*)\}`([^`]*)`")
DROPDOWN = re.compile(r"^\s*:class:.*\bdropdown\b|[:`~]{3,}\s*\{dropdown\}", re.M)


def _excerpt(text, match, width=40):
    start, end = max(match.start() - width, 0), min(match.end() + width, len(text))
    return " ".join(text[start:end].split())


def markup_problems(view, glue_key=GLUE_KEY):
    """What a reader would see that is not the book as it reads on the website, as sentences."""
    problems = [f"request to another host: {url}" for url in view.external_requests]
    problems += [f"uncaught error in JupyterLab: {e}" for e in view.page_errors]
    problems += [
        f"{view.path}: a cell ran, but nothing may run: {c!r}" for c in view.executed
    ]
    for number, cell in enumerate(view.cells, start=1):
        where = f"{view.path}, cell {number}"
        if cell["type"] == "code":
            problems += _prompt_problems(where, cell)
            continue
        if not cell["myst"]:
            problems.append(
                f"{where}: not rendered by jupyterlab-myst: is it installed and enabled? "
                "(`jupyter labextension list`; JupyterLab 4.5+ disables jupyterlab-myst 2.7)"
            )
            continue
        problems += _text_problems(where, cell, glue_key)
        problems += _source_problems(where, cell)
    return problems


def _prompt_problems(where, cell):
    if cell["prompt"] is None:  # a folded input shows no prompt
        return []
    committed = cell["execution_count"]
    expected = f"[{committed if committed is not None else ' '}]:"
    if cell["prompt"] == "[*]:":
        return [f"{where}: the code cell is running ([*]:), but nothing may run"]
    if cell["prompt"].replace(" ", "") != expected.replace(" ", ""):
        return [
            f"{where}: the code cell shows {cell['prompt']}, committed as {expected}"
        ]
    return []


def _text_problems(where, cell, glue_key):
    prose, problems = cell["prose"], []
    checks = [
        (ROLE, "a raw role"),
        (FENCE, "a raw directive"),
        (LABEL, "a raw label"),
        (TEX, "maths left as TeX"),
    ]
    for pattern, what in checks:
        problems += [
            f"{where}: {what}: {_excerpt(prose, m)!r}" for m in pattern.finditer(prose)
        ]
    for text in [prose, *cell["code"]]:
        problems += [
            f"{where}: a glue key instead of its value: {_excerpt(text, m)!r}"
            for m in glue_key.finditer(text)
        ]
    problems += [
        f"{where}: a directive jupyterlab-myst does not know: {_excerpt(prose, m)!r}"
        for m in re.finditer("Unknown Directive", prose)
    ]
    problems += [
        f"{where}: jupyterlab-myst marks an error: {e}" for e in cell["errors"]
    ]
    problems += [
        f"{where}: a folded part is open: {d['summary']!r}"
        for d in cell["details"]
        if d["open"]
    ]
    problems += [
        f"{where}: an image did not load: {i['src']}"
        for i in cell["images"]
        if not i["ok"]
    ]
    return problems


def _source_problems(where, cell):
    """What the source asks for and the rendered cell lacks."""
    source, problems = cell["source"], []
    for match in SOURCE_ROLE.finditer(source):
        name, content = match.groups()
        if name not in KNOWN_ROLES:
            problems.append(
                f"{where}: {{{name}}} is not a role jupyterlab-myst knows: it shows "
                f"{content!r} as plain text"
            )
        elif name == "eval" and content.strip() in cell["code"]:
            problems.append(
                f"{where}: {{eval}}`{content}` shows its name, not its value (no value "
                "stored in the cell's user_expressions)"
            )
    for stored in cell["metadata"].get("user_expressions", []):
        result = stored.get("result", {})
        if result.get("status") != "ok":
            problems.append(
                f"{where}: {{eval}}`{stored.get('expression')}` shows an error, not a value: "
                f"{result.get('ename', '')}: {result.get('evalue', '')}"
            )
    folds = len(DROPDOWN.findall(source))
    closed = sum(not d["open"] for d in cell["details"])
    if closed < folds:
        problems.append(
            f"{where}: {folds} folded part(s) in the source, {closed} folded on the page"
        )
    if re.search(r"\$[^$]+\$", source) and not cell["math"]:
        problems.append(f"{where}: the source has maths, the page shows none rendered")
    return problems


# Code cells the website hides or folds, by tag (myst-nb), and JupyterLab's own way to fold them.
FOLDED_INPUT_TAGS = {"hide-cell", "hide-input", "remove-cell", "remove-input"}
FOLDED_OUTPUT_TAGS = {"hide-cell", "hide-output", "remove-cell", "remove-output"}


def unfolded_code(view):
    """Code cells the website hides or folds that JupyterLab shows in full. JupyterLab folds a
    cell's input or output when its metadata says jupyter.source_hidden or outputs_hidden."""
    found = []
    for number, cell in enumerate(view.cells, start=1):
        if cell["type"] != "code":
            continue
        tags = set(cell["metadata"].get("tags", []))
        parts = []
        if tags & FOLDED_INPUT_TAGS and not cell["inputFolded"]:
            parts.append("input")
        if tags & FOLDED_OUTPUT_TAGS and cell["outputs"] and not cell["outputFolded"]:
            parts.append("output")
        if parts:
            found.append(
                f"{view.path}, cell {number} ({', '.join(sorted(tags))}): "
                f"{' and '.join(parts)} shown in full"
            )
    return found


def file_name_links(view):
    """Links whose text is a file name (`07_mse_loss`, `07_mse_loss.ipynb`), not a title."""
    name = re.compile(r"^\d\d_\w+(\.ipynb|\.md)?$|\.ipynb$")
    found = []
    for number, cell in enumerate(view.cells, start=1):
        for text in cell.get("links", []):
            if name.search(text.strip()):
                found.append(
                    f"{view.path}, cell {number}: a link reads {text.strip()!r}"
                )
    return found
