# One entry point for setting up, building and testing the book. Needs only python3 (3.11+) and make.
#   make check    the everyday loop, under a minute: lint, notebook metadata, unit tests
#   make book     set up .venv, build the website into _build/html
#   make test     set up .venv, run every test (unit, lint, notebooks, browser)
#   make student  build the nbgrader course in course/ (in place) and the student edition
#   make lab      open the chapters in JupyterLab, rendered as on the website (jupyterlab-myst)
#   make notebooks  execute the chapters and write their outputs, {eval} values and clean metadata
#   make sync     regenerate every committed file written by a tool (tools/derived_files.toml)
# The playground's JavaScript engine (book/js) also needs node and npm (`make jscheck`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
READY := $(VENV)/.requirements-installed
NODE_READY := node_modules/.installed

.PHONY: book check test student lab notebooks sync lint style jscheck format bench bench-engine clean freeze linkcheck

# `jupyter-book build . -W -n --keep-going`, with the chapters read and executed in parallel.
book: $(READY)
	$(BIN)/python tools/build_book.py . -W -n --keep-going
	@echo "The book is in _build/html/index.html"

# Lint and the unit tests only: no notebook is executed, no book built, no browser started. The
# tests run in parallel, one worker per core (at most 4).
check: style jscheck
	$(BIN)/pytest -m "not browser and not notebooks and not course" \
	  --numprocesses auto --maxprocesses 4 tests

# Every test. nbval runs the chapters as a reader does: from the zip, in a new environment made from
# its requirements.txt alone (tools/fresh_environment.py writes both into _build/reader), under
# OpenBLAS's generic kernel; the website's build runs them under the machine's own kernel, and
# tests/test_same_numbers.py compares the two with the committed notebooks. pytest-xdist runs the
# test files in parallel, one worker per core (at most 4), each file in one worker, except the
# website's pages, spread over the workers page by page (tests/conftest.py, worker_group).
READER := _build/reader
test: style jscheck
	$(BIN)/python tools/fresh_environment.py $(READER)
	BOOK_READER_DIR=$(CURDIR)/$(READER) JUPYTER_PATH=$(CURDIR)/$(READER)/jupyter \
	  $(BIN)/pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600 \
	  --nbval-kernel-name backprop-reader --every-chapter-in-nbval \
	  --numprocesses auto --maxprocesses 4 --dist loadfile tests $(READER)/notebooks

# The course nbgrader grades from, one assignment a chapter (tools/student_edition.py), built or
# rebuilt in place in $(COURSE) (course/ by default, outside _build: no build command deletes it;
# a rebuild keeps every submission, grade and feedback), and the student edition, every released
# chapter in one folder, in _build/student/. Optional: VARIANT=2027 (this term's own hidden tests),
# TERM_START=2027-01-11 (due dates; PLAN="Part I" for the plan without Part II).
COURSE ?= course
student: $(READY)
	$(BIN)/python tools/student_edition.py --course "$(COURSE)" \
	  $(if $(VARIANT),--variant $(VARIANT)) $(if $(TERM_START),--term-start $(TERM_START)) \
	  $(if $(PLAN),--plan "$(PLAN)") book _build/student

# Read (and run) the chapters in JupyterLab from the book's own environment; jupyterlab-myst renders
# their MyST (maths, folded solutions, cross-references, numbers). Serves the repository root and
# opens chapter 1. --allow-root only where Jupyter refuses to start without it: as root.
lab: $(READY)
	$(BIN)/jupyter lab --ServerApp.root_dir=. $$([ "$$(id -u)" = 0 ] && echo --allow-root) \
	  book/01_introduction.ipynb

# The chapters are committed executed: one pass per notebook writes its outputs, the values its text
# quotes with {eval} and clean metadata (tools/refresh_notebooks.py). One chapter:
# `make notebooks NOTEBOOKS=book/09_training.ipynb`.
NOTEBOOKS ?= book/*.ipynb
notebooks: $(READY)
	$(BIN)/python tools/refresh_notebooks.py $(NOTEBOOKS)

# Every committed file that a tool writes from other files (the quiz answer key, the teacher's guide's
# table of times, binder/requirements.txt): listed in tools/derived_files.toml. `make check` fails,
# naming this command, while one is stale.
sync: $(READY)
	$(BIN)/python tools/sync.py

# Notebooks carry no volatile metadata (widget state, execution times): `make notebooks` writes none,
# and `.venv/bin/python tools/clean_notebooks.py book/NAME.ipynb` removes what JupyterLab added.
lint: style
	$(BIN)/python tools/clean_notebooks.py --check book/*.ipynb

# Style alone: `make check` and `make test` check the notebooks' metadata in their tests
# (tests/test_notebooks_clean.py), so they run this instead of `lint`.
style: $(READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The engine's JavaScript (book/js) and its tests (tests/js): ESLint, then the unit tests in Node.
jscheck: $(NODE_READY)
	npx --no-install eslint book/js tests/js
	node --test tests/js

format: $(READY)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# How fast mlp_core trains: milliseconds per epoch for three network sizes.
bench: $(READY)
	$(BIN)/python benchmarks/bench_mlp.py

# How fast the JavaScript engine trains in headless Chromium, next to mlp_core.
bench-engine: $(READY)
	$(BIN)/python benchmarks/bench_engine.py

# Checks the external links of the built book; needs the internet, so it is not part of `make test`.
linkcheck: $(READY)
	$(BIN)/jupyter-book build . --builder linkcheck

# Removes the builds; the course (course/, or your COURSE) is not a build and stays.
clean:
	rm -rf _build

# The lock file. After declaring a package in pyproject.toml (or upgrading one) and installing it
# into .venv (`.venv/bin/uv pip install --python .venv/bin/python NAME`): record every exact version,
# then `make sync` (binder/requirements.txt follows the lock).
freeze:
	{ echo "# The lock file: the exact version of every package pyproject.toml declares and of all they need (pip freeze of .venv)."; \
	  echo "# Regenerate with: make freeze"; \
	  $(BIN)/pip freeze --all --exclude-editable | grep -v '^pip=='; } > requirements.txt

# ESLint, pinned by package-lock.json; installed again when package.json or the lock changes.
$(NODE_READY): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_READY)

# pip installs the modules of the root (mlp_core) in editable mode; setuptools cannot do that for
# the helpers in book/, tools/ and the build's extensions in _ext/, so a .pth file in .venv makes
# them importable everywhere (tests, tools, and the notebooks' kernels) without any sys.path line.
# uv (pinned in requirements.txt) installs everything else: from its cache, in seconds, compiled
# (every test, build and kernel imports from it; see tools/fresh_environment.py, make_venv).
$(READY): requirements.txt pyproject.toml Makefile
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "$$(grep '^uv==' requirements.txt)"
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .
	printf '%s\n' "$(CURDIR)/book" "$(CURDIR)/tools" "$(CURDIR)/_ext" "$(CURDIR)/classroom" > "$$($(BIN)/python -c \
	  'import sysconfig; print(sysconfig.get_paths()["purelib"])')/backprop_from_scratch_helpers.pth"
	touch $(READY)
