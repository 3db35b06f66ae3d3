# The course's two commands (see README.md):
#   make lab    create the environment if it is missing, then open the course in JupyterLab
#   make test   create the environment if it is missing, then run every test
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NB     ?=
PYTEST_ARGS ?=

export KERAS_BACKEND := tensorflow

# A prepared data cache (README, "Data"): DLCOURSE_DATA_DIR=/path holding tfds/ and keras/{datasets,models}/
# (CI points it at the seeded folder beside the repository). With one, nothing is downloaded unless
# DLCOURSE_OFFLINE=0; Keras gets a writable copy of its files in .cache/keras.
ifneq ($(strip $(DLCOURSE_DATA_DIR)),)
export DLCOURSE_DATA_DIR := $(abspath $(DLCOURSE_DATA_DIR))
export KERAS_HOME ?= $(abspath .cache/keras)
export DLCOURSE_OFFLINE ?= 1
endif

.PHONY: python-check env keras-cache lab lint test test-notebook results seeds table homework course strip clean doctor prefetch site

# The pinned libraries (TensorFlow 2.21 among them) publish wheels for these Pythons only: with any other,
# pip would stop deep in the install ("No matching distribution"), so say it first and how to fix it.
SUPPORTED_PYTHONS := 3.11 3.12 3.13
SUPPORTED_TEXT := 3.11, 3.12 or 3.13
CHECK_PYTHON = v=$$($(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) \
	|| { echo "make: cannot run '$(PYTHON)'. Install Python $(SUPPORTED_TEXT) and name it: make $(or $(MAKECMDGOALS),env) PYTHON=python3.12" >&2; exit 1; }; \
	case " $(SUPPORTED_PYTHONS) " in *" $$v "*) ;; *) echo "make: '$(PYTHON)' is Python $$v; the course's pinned libraries (TensorFlow 2.21 among them) install on Python $(SUPPORTED_TEXT) only. Install one of those and name it: make $(or $(MAKECMDGOALS),env) PYTHON=python3.12" >&2; exit 1;; esac

python-check:
	@$(CHECK_PYTHON)

$(STAMP): pyproject.toml
	@test -x $(PY) || { $(CHECK_PYTHON); }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[course,test]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (dlcourse)" >/dev/null
	@touch $(STAMP)

env: $(STAMP)

# The prepared cache's Keras files (datasets, pretrained weights) copied into the writable KERAS_HOME
# (dlcourse.datasets.use_prepared_cache; dl.setup() and the tests' conftest call it too).
keras-cache: env
	@$(PY) -c "import dlcourse.datasets as d; d.use_prepared_cache()"

# Prepare (or check) a data cache for a classroom without network: make prefetch DIR=/path
# (then DLCOURSE_DATA_DIR=/path make lab). VERIFY=1 downloads nothing.
prefetch: env
	$(PY) -m dlcourse prefetch $(if $(DIR),$(DIR),$(error give DIR=/path/to/cache)) $(if $(VERIFY),--verify-only)

# The course's JupyterLab settings (root in containers, no news question, nbgrader's instructor tools
# left out) are in lab/jupyter_server_config.py; tests/test_browser.py starts the lab the same way.
lab: env keras-cache
	$(VENV)/bin/jupyter lab --config=lab/jupyter_server_config.py notebooks/00_welcome_and_setup.ipynb

# Every test: unit tests, notebooks at smoke scale (nbval), anatomy lint, student versions.
# --dist loadscope keeps each notebook's cells on one worker (they share a kernel); each notebook's
# student-version run (tests/test_homework.py) is its own test class, so those spread over both workers.
# Two workers on two cores: each process gets one compute thread (TensorFlow, OpenBLAS, OpenMP).
# The student-version runs are saved (DLCOURSE_SITE_RUN) and, when every test ran, the course site is
# built from them and checked (every notebook a page, with its figures): build/site-smoke/_build/html.
test: env keras-cache lint
	rm -rf build/site-run/smoke
	DLCOURSE_SITE_RUN=$(abspath build/site-run/smoke) OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 TF_NUM_INTRAOP_THREADS=1 \
	$(PY) -m pytest -n 2 --dist loadscope --nbval-lax --nbval-current-env --nbval-cell-timeout=600 --durations=40 $(PYTEST_ARGS)
	$(if $(strip $(PYTEST_ARGS)),@echo "site: not built (PYTEST_ARGS runs only some tests)",$(PY) -m dlcourse.site build --runs build/site-run/smoke --out build/site-smoke --check)

# The course site to read without running anything (README, "Read the course"): each notebook's
# student version run at default scale (about 35 minutes on two cores; runs newer than their notebook
# are kept), then a Jupyter Book in build/site/_build/html. SCALE=smoke for a quick look.
SCALE ?= default
site: env keras-cache
	$(PY) -m dlcourse.site run --scale $(SCALE) --out build/site-run/$(SCALE)
	$(PY) -m dlcourse.site build --runs build/site-run/$(SCALE) --out build/site --check

# What this machine has for the course, each problem with a one-line fix (README, "Two commands").
doctor: env keras-cache
	$(PY) -m dlcourse doctor

# ruff over the package, the tests and the notebooks (configured in pyproject.toml).
lint: env
	$(VENV)/bin/ruff check --output-format concise .

# One notebook: nbval + its anatomy + its student version (while writing a notebook).
test-notebook: env keras-cache
	$(PY) -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=600 $(NB) \
	  tests/test_notebook_anatomy.py tests/test_homework.py tests/test_nbgrader.py -k "$(notdir $(basename $(NB)))"

# Time notebooks at smoke and default scale, append to results/results.jsonl, refresh README's table
# and the notebooks' "Time to run" header lines.
results: env keras-cache
	$(PY) -m dlcourse.results run $(NB) --scale smoke default
	$(PY) -m dlcourse.results table --update README.md
	$(PY) -m dlcourse.results times --update $(NB)

# Every notebook (or NB=...) under several seeds: other seeds stand in for other CPUs' rounding, so a
# notebook's checks must pass for all of them. Records times and metrics; prints the per-seed table.
SEEDS  ?= 0 1 2
SCALES ?= smoke default
RESULTS ?= results/results.jsonl
seeds: env keras-cache
	$(PY) -m dlcourse.results run $(NB) --scale $(SCALES) --seed $(SEEDS) --keep-going --results $(RESULTS)
	$(PY) -m dlcourse.results seeds $(RESULTS)

table: env
	$(PY) -m dlcourse.results table --update README.md

homework: env
	$(PY) -m dlcourse.homework build

# An nbgrader course directory for instructors (README.md, Homework): nbgrader_config.py, exchange/,
# source/<NN_name>/ for each notebook. Never overwrites what is there. COURSE=DIR to put it elsewhere.
COURSE ?= build/course
course: env
	$(PY) -m dlcourse.homework course $(COURSE) $(NB)

# Colab's runtime (CONTRIBUTING.md, "Colab's runtime"): build/colab-venv on Python 3.13 with Colab's
# versions (.ci/colab-constraints.txt) and dlcourse installed as the Colab setup cell does; there, the
# unit tests and every notebook (or NB=...) at smoke scale: run it after changing a notebook's imports.
# test-colab-ci is the quick version (unit tests and notebook 00) that .ci/run runs beside `make test`, at nice 19.
# (The student-version runs, nbgrader's and the browser's tests, the homework builder's and the course
# site's tests use the instructor's tools, nbgrader and jupyter-book, which Colab does not have: they stay
# in `make test`.)
.PHONY: test-colab test-colab-ci release-notebooks
COLAB_PYTEST := -k "not homework and not student_version" --ignore=tests/test_nbgrader.py \
	--ignore=tests/test_browser.py --ignore=tests/test_homework.py --ignore=tests/test_site.py tests
test-colab:
	bash .ci/colab $(COLAB_PYTEST) $(or $(NB),notebooks)

test-colab-ci:
	bash .ci/colab $(COLAB_PYTEST) notebooks/00_welcome_and_setup.ipynb

# Point every notebook's Colab badge and install line (and CONTRIBUTING's template) at the release tag
# of dlcourse/_version.py (CONTRIBUTING.md, "Releasing").
release-notebooks: env
	$(PY) -m dlcourse.release --write

strip: env
	$(VENV)/bin/jupyter nbconvert --clear-output --inplace --log-level=WARN notebooks/*.ipynb

clean:
	rm -rf build .cache .pytest_cache
