"""JupyterLab in a real browser: the lab that `make lab` starts, used through its UI in Debian's Chromium.

One JupyterLab server, started the way `make lab` starts it (the venv's JupyterLab, the same config file
lab/jupyter_server_config.py, the same notebook), plus: no browser of its own, a random token,
127.0.0.1 only, a free port, a throw-away settings/workspace/runtime folder, and autosave off (so the
notebooks in the repository keep their stripped outputs). The kernel inherits the test run's
environment: DLCOURSE_SCALE=smoke and the offline seeded data (conftest.py).

Playwright's Python API drives the system Chromium (`executable_path`; Playwright's own browser
downloads are never used). For each notebook in NOTEBOOKS it opens the notebook, clicks Run > Run All
Cells, waits until every code cell has run and the kernel is idle, then checks in the rendered page:
no cell shows an error, `dl.setup()`'s line reports the smoke scale inside Jupyter, at least one plot
image is drawn, maths is typeset without MathJax errors, and JupyterLab did not ask about news.
Screenshots (setup line, first plot, maths, table) go to build/screenshots/, with the server's log.
The server's log must show neither nbgrader's course-directory error nor Jupyter's refusal to run as root.

Needs Chromium: `apt-get install -y chromium` (Debian's package; .ci/run installs it), or point
DLCOURSE_CHROMIUM at a Chromium binary. If it cannot start, the test fails and says why.
Cost (2026-11-30, 2 cores): about 2 minutes on a quiet machine, dominated by notebook 00 (~60 s) and
03 (~25 s, the cheapest notebook with plots, maths and tables); 11 minutes with the machine loaded 6x.
"""

import json
import os
import pathlib
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

LAB_CONFIG = "lab/jupyter_server_config.py"
FIRST_NOTEBOOK = "notebooks/00_welcome_and_setup.ipynb"  # the one `make lab` opens
# 00 (the welcome notebook) and the cheapest notebook at smoke scale that has plots, maths and tables.
NOTEBOOKS = ["00_welcome_and_setup", "03_backpropagation"]
SCREENSHOTS = ROOT / "build" / "screenshots"
RUN_TIMEOUT = 600  # s for one notebook's Run All (quiet: 00 ~60 s, 03 ~25 s; 4-5x that on a loaded machine)
CHROMIUM_ARGS = [
    # A machine without internet: no background connections, no first-run or component downloads.
    "--disable-gpu", "--disable-quic", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
]
BAD_LOG_LINES = {
    "The course directory root is not a subdirectory": "nbgrader's formgrader complains about the course directory",
    "Running as root is not recommended": "Jupyter refuses to run as root",
}
SETUP_LINE = re.compile(
    r"dlcourse \S+ \| Python \S+ \| TensorFlow \S+ \| Keras \S+ \| device: [^|]+ \| "
    r"scale: (?P<scale>\w+) \| seed: \d+ \| env: (?P<env>\w+)"
)
# An error output, as JupyterLab renders it (a traceback, or IPython's short form for a SyntaxError).
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|^\s*(\w+\.)*\w*(Error|Exception)(: |$)", re.M)
NEWS_QUESTION = "official Jupyter news"

# What the rendered notebook shows, read in one go from the page.
PAGE_STATE = """() => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return null;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const cells = [...panel.querySelectorAll('.jp-CodeCell')];
  const text = el => (el.textContent || '');
  return {
    status: indicator ? indicator.dataset.status : null,
    prompts: cells.map(c => text(c.querySelector('.jp-InputArea-prompt') || c).trim()),
    stderr: cells.map(c => [...c.querySelectorAll(
      '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(text).join('\\n')),
    outputs: cells.map(c => [...c.querySelectorAll('.jp-OutputArea-output')].map(text).join('\\n')),
    images: [...panel.querySelectorAll('.jp-OutputArea-output img')].filter(i => i.naturalWidth > 0).length,
    maths: panel.querySelectorAll('.jp-MarkdownCell mjx-container').length,
    mathErrors: [...panel.querySelectorAll('mjx-merror')].map(text),
    tables: panel.querySelectorAll('.jp-MarkdownCell table, .jp-OutputArea-output table').length,
    dialogs: [...document.querySelectorAll('.jp-Dialog')].map(text),
  };
}"""


KERNEL_READY = """n => {
  const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
  if (!panel) return false;
  const name = panel.querySelector('.jp-Toolbar-kernelName');
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  return panel.querySelectorAll('.jp-CodeCell').length === n && !!name && !/No Kernel/.test(name.textContent)
    && !!indicator && indicator.dataset.status === 'idle';
}"""


def _chromium():
    return os.environ.get("DLCOURSE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path, lines=40):
    return "\n".join(pathlib.Path(path).read_text(errors="replace").splitlines()[-lines:])


def _api(lab, method, path):
    req = urllib.request.Request(f"{lab['url']}{path}", method=method,
                                 headers={"Authorization": f"token {lab['token']}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        body = resp.read()
    return json.loads(body) if body else None


def _stop(proc):
    """SIGTERM (Jupyter then shuts its kernels down), SIGKILL after 20 s, then any kernel left over."""
    try:
        import psutil

        children = psutil.Process(proc.pid).children(recursive=True)
    except Exception:  # the server already exited, or psutil is missing
        children = []
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    for child in children:
        try:
            child.kill()
        except Exception:  # already gone
            pass


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The JupyterLab `make lab` starts, headless: yields {'url', 'token', 'log'}; torn down reliably."""
    tmp = tmp_path_factory.mktemp("jupyterlab")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    port = _free_port()
    user_settings = tmp / "user-settings"
    autosave = user_settings / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings"
    autosave.parent.mkdir(parents=True)
    autosave.write_text(json.dumps({"autosave": False}))  # never write outputs into the repository

    # An instructor's machine: an nbgrader course configured outside notebooks/ (as `make course` makes
    # one in build/course). That is where nbgrader's formgrader would log its course-directory error.
    nbgrader_config = tmp / "config" / "nbgrader_config.py"
    nbgrader_config.parent.mkdir()
    nbgrader_config.write_text(f"c = get_config()\nc.CourseDirectory.root = {str(ROOT / 'build' / 'course')!r}\n")

    env = dict(os.environ)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(filter(None, [str(nbgrader_config.parent),
                                                               env.get("JUPYTER_CONFIG_PATH")]))
    env.pop("MPLBACKEND", None)  # conftest's Agg is for nbval; in Jupyter, ipykernel's inline backend draws
    env.pop("NBGRADER_EXECUTION", None)
    env.pop("DLCOURSE_RESULTS", None)  # a test run never appends to a results file
    env.update(JUPYTER_TOKEN=token, JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), IPYTHONDIR=str(tmp / "ipython"))
    cmd = [sys.executable, "-m", "jupyterlab", f"--config={LAB_CONFIG}", FIRST_NOTEBOOK,
           "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--LabApp.user_settings_dir={user_settings}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}"]
    log_path = tmp / "jupyterlab.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    lab = {"url": f"http://127.0.0.1:{port}", "token": token, "log": log_path}
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with code {proc.returncode} before serving; its log:\n"
                            f"{_tail(log_path)}", pytrace=False)
            try:
                _api(lab, "GET", "/api/status")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer on {lab['url']} within 90 s; its log:\n"
                                f"{_tail(log_path)}", pytrace=False)
                time.sleep(0.5)
        yield lab
    finally:
        _stop(proc)
        shutil.copyfile(log_path, SCREENSHOTS / "jupyterlab.log")
        saved = [name for name in NOTEBOOKS if any(c.get("outputs") for c in _code_cells(name)[0])]
        assert not saved, f"JupyterLab saved outputs into the repository's notebooks {saved}: strip them (`make strip`)"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright. Fails (not skips) when it cannot start."""
    chromium = _chromium()
    if not chromium or not os.access(chromium, os.X_OK):
        pytest.fail("Chromium not found: install Debian's package (`apt-get install -y chromium`, as .ci/run "
                    "does) or set DLCOURSE_CHROMIUM to a Chromium binary.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.fail(f"Playwright's Python package is missing ({e}): `pip install -e '.[test]'` (make does it).",
                    pytrace=False)
    with sync_playwright() as pw:
        try:
            chrome = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS,
                                        timeout=60_000)
        except Exception as e:
            why = str(e).strip().splitlines()
            pytest.fail(f"Chromium ({chromium}) could not start: {' / '.join(why[:6])}", pytrace=False)
        try:
            yield chrome
        finally:
            chrome.close()


def _code_cells(name):
    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text())
    return [c for c in nb["cells"] if c["cell_type"] == "code"], nb


def _run_all(page, n_code, name):
    """Run > Run All Cells; wait until every code cell has a number and the kernel is idle, or it stopped."""
    started = time.monotonic()
    deadline = started + RUN_TIMEOUT
    still_since = None
    while True:
        state = page.evaluate(PAGE_STATE)
        if state and state["dialogs"]:
            pytest.fail(f"{name}: JupyterLab shows a dialog: {state['dialogs']}", pytrace=False)
        if state and state["status"] == "idle" and len(state["prompts"]) == n_code:
            numbered = [bool(re.fullmatch(r"\[\d+\]:", p)) for p in state["prompts"]]
            if all(numbered):
                return state, time.monotonic() - started
            if any(numbered) and not any("*" in p for p in state["prompts"]):
                # Idle with cells left unrun: Run All stopped at an error. Give it 3 s to be sure.
                still_since = still_since or time.monotonic()
                if time.monotonic() - still_since > 3:
                    return state, time.monotonic() - started
            else:
                still_since = None
        if time.monotonic() > deadline:
            pytest.fail(f"{name}: Run All did not finish within {RUN_TIMEOUT} s; last state: "
                        f"kernel {state and state['status']}, prompts {state and state['prompts']}", pytrace=False)
        page.wait_for_timeout(500)


def _screenshot(page, locator, path):
    """Scroll the element into view and save what the student's window shows; returns the path or None."""
    if locator.count() == 0:
        return None
    for _ in range(2):  # cells off screen are laid out lazily (content-visibility): the first scroll shifts them
        locator.first.evaluate("el => el.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(500)
    page.screenshot(path=str(path))
    return path


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_in_jupyterlab(lab, browser, name):
    code, nb = _code_cells(name)
    markdown = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: console_errors.append(f"page error: {e}"))
    try:
        t0 = time.monotonic()
        page.goto(f"{lab['url']}/lab/workspaces/{name}/tree/{name}.ipynb?token={lab['token']}")
        # Loaded (every code cell drawn) and its kernel started (named in the toolbar, idle). Clicking
        # Run All earlier would find no kernel yet and ask which one to start.
        page.wait_for_function(KERNEL_READY, arg=len(code), timeout=180_000)
        opened = time.monotonic() - t0

        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
        state, ran = _run_all(page, len(code), name)

        errors = [f"cell [{i}] {p}: {state['stderr'][i][-1500:]}" for i, p in enumerate(state["prompts"])
                  if ERROR_TEXT.search(state["stderr"][i])]
        assert not errors, f"{name}: cells show errors in JupyterLab:\n" + "\n".join(errors)
        unrun = [i for i, p in enumerate(state["prompts"]) if not re.fullmatch(r"\[\d+\]:", p)]
        assert not unrun, f"{name}: code cells {unrun} did not run (prompts {state['prompts']})"

        setup = [m for out in state["outputs"] for m in SETUP_LINE.finditer(out)]
        assert setup, f"{name}: dl.setup()'s one-line report is not rendered"
        assert setup[0]["scale"] == "smoke", f"{name}: the kernel ran at scale {setup[0]['scale']}, not smoke"
        assert setup[0]["env"] == "jupyter", f"{name}: dl.setup() thinks it runs in {setup[0]['env']}"
        assert state["images"] >= 1, f"{name}: no plot image was rendered"
        if "$" in markdown:
            page.wait_for_function("() => document.querySelectorAll('.jp-MarkdownCell mjx-container').length > 0",
                                   timeout=30_000)
            state = page.evaluate(PAGE_STATE)
        assert not state["mathErrors"], f"{name}: MathJax could not typeset: {state['mathErrors']}"
        assert page.get_by_text(NEWS_QUESTION).count() == 0, f"{name}: JupyterLab asks about news"

        panel = page.locator(".jp-NotebookPanel")
        display_maths = panel.locator(".jp-MarkdownCell mjx-container[display='true']")
        shots = [
            _screenshot(page, panel.locator(".jp-OutputArea-output", has_text="| scale: smoke"),
                        SCREENSHOTS / f"{name}-1-setup.png"),
            _screenshot(page, panel.locator(".jp-OutputArea-output img"), SCREENSHOTS / f"{name}-2-plot.png"),
            _screenshot(page, display_maths if display_maths.count() else panel.locator(".jp-MarkdownCell mjx-container"),
                        SCREENSHOTS / f"{name}-3-maths.png"),
            _screenshot(page, panel.locator(".jp-MarkdownCell table"), SCREENSHOTS / f"{name}-4-table.png"),
        ]
        print(f"\n{name}: opened and kernel ready in {opened:.0f} s, Run All took {ran:.0f} s; "
              f"{len(code)} code cells, {state['images']} images, {state['maths']} maths, {state['tables']} tables")
        print("screenshots: " + ", ".join(str(s.relative_to(ROOT)) for s in shots if s))
        if console_errors:
            print(f"browser console errors ({len(console_errors)}): " + " | ".join(console_errors[:10]))
    except BaseException:  # pytest.fail and assertions alike: keep a picture of what the browser showed
        failure = SCREENSHOTS / f"{name}-failure.png"
        try:
            page.screenshot(path=str(failure))
            print(f"\nscreenshot of the failure: {failure.relative_to(ROOT)}")
        except Exception as e:
            print(f"\nno screenshot of the failure: {e}")
        if console_errors:
            print(f"browser console errors ({len(console_errors)}): " + " | ".join(console_errors[:10]))
        raise
    finally:
        context.close()
        for session in _api(lab, "GET", "/api/sessions") or []:  # free the kernel's memory
            if session.get("path", "").endswith(f"{name}.ipynb"):
                _api(lab, "DELETE", f"/api/sessions/{session['id']}")


def test_lab_is_started_the_way_make_lab_starts_it_and_its_log_is_clean(lab):
    make = subprocess.run(["make", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert f"jupyter lab --config={LAB_CONFIG} {FIRST_NOTEBOOK}" in make, \
        f"`make lab` no longer starts JupyterLab the way this test does:\n{make}"
    log = pathlib.Path(lab["log"]).read_text(errors="replace")
    bad = [f"{why}: {line.strip()}" for line in log.splitlines() for text, why in BAD_LOG_LINES.items()
           if text in line]
    assert not bad, "JupyterLab's log shows what a student should not see:\n" + "\n".join(bad)
