# Two commands do everything: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

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
	$(BIN)/claimaudit run

test: $(STAMP)
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
