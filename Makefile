# pyexport: every target sets up what it needs (a local virtualenv; Coq from Debian when the
# kernel checks need it). A second run reuses the set-up and starts in seconds.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup coq-deps demo test bench bench-kernels verify clean

setup: $(STAMP)

# torch first, pinned: that exact CPU wheel is on these machines; any other spec downloads CUDA.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

# Coq 8.16 + Interval/Coquelicot/Flocq/elpi from Debian: the kernel that runs on these machines.
coq-deps:
	@if command -v coqc >/dev/null && coqc -where >/dev/null && \
	    test -d "$$(coqc -where)/user-contrib/Interval" && test -d "$$(coqc -where)/user-contrib/elpi"; \
	then :; else \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO apt-get install -y -qq coq libcoq-interval libcoq-coquelicot libcoq-flocq libcoq-elpi; \
	fi

demo: $(STAMP) coq-deps
	$(BIN)/pyexport demo

test: $(STAMP) coq-deps
	$(BIN)/python -m pytest -q

# make verify CERT=certificates/<file>.json
verify: $(STAMP) coq-deps
	@test -n "$(CERT)" || (echo "usage: make verify CERT=certificates/<file>.json" >&2; exit 2)
	$(BIN)/pyexport verify $(CERT) --prover all

# Both take minutes: max-of-K on the five shipped seeds (about 8), max2-d2048 (about 10).
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_maxofk.py
	$(BIN)/python benchmarks/bench_max2.py

bench-kernels: $(STAMP) coq-deps
	$(BIN)/python benchmarks/bench_kernels.py

clean:
	rm -rf $(VENV) report bench-results
