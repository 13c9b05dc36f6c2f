# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
APT_PACKAGES := chromium fonts-wqy-microhei
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# The progress stage's PBKDF2 in AVX-512 vectors or on the x86 SHA extensions (progress/pbkdf2.py);
# without a C compiler, or elsewhere than x86-64, the build uses OpenSSL's: the same bytes, ~2.6-6x the CPU.
PBKDF2_LIB := progress/_pbkdf2.so
# The tagger's Viterbi (redaction/tagger.py); without it numpy's: the same paths, ~4x the CPU.
VITERBI_LIB := redaction/_viterbi.so
CC ?= cc

.PHONY: setup test-setup demo build serve test bench clean

setup: $(VENV)/.installed $(PBKDF2_LIB) $(VITERBI_LIB)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(PBKDF2_LIB): progress/pbkdf2_shani.c progress/pbkdf2_avx512.c progress/sha256_constants.h
	@$(CC) -O3 -shared -fPIC -o $@ progress/pbkdf2_shani.c progress/pbkdf2_avx512.c 2>/dev/null \
		|| echo "note: $@ not built (no C compiler for x86-64 here); the progress stage uses OpenSSL's PBKDF2"

$(VITERBI_LIB): redaction/viterbi.c
	@$(CC) -O3 -shared -fPIC -o $@ $< 2>/dev/null \
		|| echo "note: $@ not built (no C compiler here); the tagger's Viterbi runs in numpy"

$(VENV)/.test-installed: $(VENV)/.installed $(PBKDF2_LIB) $(VITERBI_LIB) requirements-test.txt
	$(PIP) install -q -r requirements-test.txt
	touch $@

# Debian's chromium for the browser tests (Playwright's own browser download does not work
# here) and a CJK font so that screenshots show Chinese text.
test-setup: $(VENV)/.test-installed
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing$$missing"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: setup
	$(PY) publish.py build --exports samples/demo --output output --state state --today 2026-11-25

demo: build
	@echo "门户已生成: http://127.0.0.1:$(PORT)/ (Ctrl-C 停止)"
	$(PY) publish.py serve --output output --state state --port $(PORT)

test: test-setup
	$(PY) -m pytest -q

bench: setup
	$(PIP) install -q -r bench/requirements.txt
	$(PY) bench/redaction.py
	$(PY) bench/search.py
	$(PY) bench/progress.py
	$(PY) bench/build.py

clean:
	rm -rf output state .output.building .output.previous $(PBKDF2_LIB) $(VITERBI_LIB)
