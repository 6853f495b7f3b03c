# 整顿 Zhengdun — everyday commands. On a fresh machine: `make run`, `make test`.
#
#   make run      create .venv, install, migrate, seed the demo (if empty), serve GraphiQL
#                 (make run PORT=9000 HOST=0.0.0.0 to change the address)
#   make test     the whole suite; TEST_DATABASE=sqlite (default) or postgres
#   make lint     ruff check, ruff format --check, mypy
#   make schema   write the SDL to schema/schema.graphql

# The interpreter .venv is made from: Debian's python3.11 where there is one, else the
# first python3.11 on PATH. Debian's executable has libpython linked in; a build with
# --enable-shared (pyenv's default) calls the interpreter's own functions through the
# shared library's indirections: 11-16 % more CPU per request measured here
# (docs/benchmarks.md, change 24). `make PYTHON=...` picks another.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3.11) python3.11)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST := 127.0.0.1
PORT := 8000
PACKAGES := zhengdun models schema resolvers permissions

.PHONY: help install run test lint schema interpreter

help:
	@sed -n 's/^#   //p' Makefile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Re-installs only when pyproject.toml changes (the stamp is newer otherwise).
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(STAMP)

# The interpreter a new .venv would be made from (.ci/run checks that it can make one).
interpreter:
	@echo $(PYTHON)

run: $(STAMP)
	$(BIN)/zhengdun migrate
	$(BIN)/zhengdun seed-demo --if-empty
	@echo
	@echo "GraphiQL: http://$(HOST):$(PORT)/graphql  (用演示账号登录 / log in with a demo account; Ctrl-C 停止 / stops)"
	@echo
	$(BIN)/zhengdun serve --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	@status=0; \
	echo "ruff check"; $(BIN)/ruff check . || status=1; \
	echo "ruff format --check"; $(BIN)/ruff format --check . || status=1; \
	echo "mypy $(PACKAGES)"; $(BIN)/mypy $(PACKAGES) || status=1; \
	exit $$status

schema: $(STAMP)
	$(BIN)/zhengdun export-schema > schema/schema.graphql.tmp
	mv schema/schema.graphql.tmp schema/schema.graphql
