"""How the course starts JupyterLab: `make lab` and tests/test_browser.py both run
`jupyter lab --config=lab/jupyter_server_config.py notebooks/00_welcome_and_setup.ipynb`.

(`--config` loads this file instead of a personal ~/.jupyter/jupyter_server_config.py; the course's
own settings are all here.)

* Root: Jupyter refuses to run as root ("Running as root is not recommended. Use --allow-root to
  bypass."), which is what a container or CI runs as. Allowed only when the user really is root.
* nbgrader: its formgrader and course-list server extensions are instructor tools that expect to be
  started inside an nbgrader course directory; started from `notebooks/`, the formgrader logs "The
  course directory root is not a subdirectory of the notebook server root". Students don't need them,
  so `make lab` leaves them (and their JupyterLab panels, see settings/page_config.json) out; the
  student tools (assignment list, validate) stay. Instructors use nbgrader's own commands, or start
  `jupyter lab` (without this file) in their nbgrader course directory.
* News: JupyterLab asks on first start whether to fetch news from the internet; settings/overrides.json
  answers "never" (and turns off the update check) so students are not asked.
"""

import os
import pathlib

c = get_config()  # noqa: F821 (defined by Jupyter when it loads this file)

c.ServerApp.allow_root = hasattr(os, "geteuid") and os.geteuid() == 0

c.ServerApp.jpserver_extensions.update({
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
})

# overrides.json (default settings) and page_config.json (disabled JupyterLab plugins) live here.
c.LabApp.app_settings_dir = str(pathlib.Path(__file__).resolve().parent / "settings")
