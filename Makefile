# Two commands do everything: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# pip byte-compiles every package it installs, but not our editable one: where PYTHONDONTWRITEBYTECODE
# is set, every process of a run (and every notebook, as warm kernels import claimaudit afresh) would
# compile src/claimaudit again. compileall writes only what is missing or stale (about 0.1 s otherwise).
BYTECODE = @$(BIN)/python -m compileall -q src/claimaudit >/dev/null || true

.PHONY: run test check audit fetch lab clean help messages

help:
	@echo "make run   - set up .venv, run the whole audit on shipped data, print where the report is"
	@echo "make test  - set up .venv, run the test suite"
	@echo "make lab   - open the notebooks in JupyterLab"

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name claimaudit --display-name "claimaudit (.venv)" >/dev/null
	touch $(STAMP)

run: $(STAMP)
	$(BYTECODE)
	$(BIN)/claimaudit run

test: $(STAMP)
	$(BYTECODE)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

check: $(STAMP)
	$(BIN)/claimaudit check

audit: $(STAMP)
	$(BIN)/claimaudit audit

fetch: $(STAMP)
	$(BIN)/claimaudit fetch

# Extract every reader-visible message and merge it into the .po catalogues (docs/translating.md).
messages: $(STAMP)
	$(BIN)/python -m claimaudit.i18n update
	$(BIN)/python -m claimaudit.i18n status

lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

clean:
	rm -rf reports .cache/claimaudit
