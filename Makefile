# The two commands the README starts with: `make e2e` and `make test`.
# Each installs what it needs first (scripts/setup.sh), then runs.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup e2e test bench clean

setup:
	@bash scripts/setup.sh

e2e: setup
	$(BIN)/cors-e2e run --json results.json

test: setup
	$(BIN)/pytest

bench: setup
	$(BIN)/python -m e2e.bench

clean:
	rm -rf $(VENV) results.json build *.egg-info
