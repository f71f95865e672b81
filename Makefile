# PrimärvårdsUppföljning — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/sh
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
# Test processes in parallel (pytest-xdist): one per CPU by default; TEST_WORKERS=0 runs in this process. A worker
# that runs out of tests takes some queued at another (worksteal): the browser tests, queued together, are shared.
TEST_WORKERS ?= auto
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install run test lock messages clean

$(VENV)/.installed: requirements.lock pyproject.toml package.json
	@PYTHON_BIN=$$(bin/find-python) || exit 1; \
	  [ -x $(PY) ] || $$PYTHON_BIN -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	  else echo "npm saknas: axe-core (för tillgänglighetstesterna) installeras inte."; fi
	@mkdir -p var
	@touch $@

install: $(VENV)/.installed

run: install
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py load_content
	DEBUG=1 $(PY) manage.py demo
	PORT=$(PORT) bin/run-dev

test: install
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

lock:
	$(PY) -m pip install --quiet -e ".[test]" && $(PY) -m pip freeze --exclude-editable | grep -v '^pip==' \
	  | sed '1i # Exact versions installed by `make install` and CI. Regenerate with `make lock` after changing pyproject.toml.' > requirements.lock

messages:
	DEBUG=1 $(PY) manage.py makemessages -l en --no-obsolete --ignore=.venv --ignore=node_modules --ignore=var
	DEBUG=1 $(PY) manage.py compilemessages -l en --ignore=.venv

clean:
	rm -rf $(VENV) node_modules var/staticfiles
