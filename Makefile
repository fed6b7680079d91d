# Set-up and everyday commands. `make run` and `make test` do everything on a fresh machine.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
KB := $(VENV)/bin/kb
HOST ?= 127.0.0.1
PORT ?= 7860
export KB_HOME ?= $(CURDIR)/.kb

.PHONY: install system-packages run test sample bench clean

# Debian packages for OCR (Tesseract with Indonesian and English data, poppler); without root or
# apt-get the script says what to install and OCR stays off.
system-packages:
	@sh scripts/system-packages.sh

# torch first and pinned: a bare `torch` requirement would pull a multi-GB CUDA build.
# llama-cpp-python (the `llm` extra, for the LLM tests) compiles from source: a few minutes, once;
# GGML_NATIVE=OFF builds for any x86-64 rather than for this exact CPU.
$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet torch==2.13.0
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install --quiet -e '.[test]'
	touch $@

install: system-packages $(VENV)/.installed

# Ingest the bundled sample documents when the knowledge base is empty.
sample: install
	@if [ "$$($(KB) docs --json | $(PY) -c 'import json,sys; print(len(json.load(sys.stdin)))')" = "0" ]; then \
		echo "Building the sample knowledge base in $(KB_HOME) ..."; \
		$(KB) ingest sample/documents; \
	fi

# The staff console stays off until an account is configured: say how, in one line.
run: sample
	@$(PY) -c 'import sys; from kb.settings import Settings; sys.exit(0 if Settings().staff_users else 1)' 2>/dev/null || \
		echo "Staff console (/staff/) is off: run '$(KB) staff hash-password' and export the KB_STAFF_USERS line it prints (see README)."
	$(KB) serve --host $(HOST) --port $(PORT)

test: install
	$(PY) -m pytest -q

# The LangChain tutorial baseline needs langchain-community (the `bench` extra).
bench: install
	$(PIP) install --quiet -e '.[bench]'
	$(PY) benchmarks/ingest_speed.py

clean:
	rm -rf $(VENV) .kb
