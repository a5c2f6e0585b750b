# CONNECT Portal: `make demo` runs the portal with demo data; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(BIN)/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never

.PHONY: install demo test lint format migrate messages check-messages bench clean

install: $(VENV)/.installed

$(VENV)/.installed: uv.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(UV) || $(BIN)/python -m pip install --quiet uv==0.13.8
	$(UV) sync --frozen --python $(BIN)/python --quiet
	mkdir -p var
	touch $@

demo: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py rundemo

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrate: install
	DEBUG=true $(BIN)/python manage.py migrate --noinput

# Catalogues are committed compiled (.mo) so a fresh machine needs no gettext.
messages: install
	DEBUG=true $(BIN)/python manage.py makemessages -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	DEBUG=true $(BIN)/python manage.py compilemessages -l fr --ignore=.venv

bench: install
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf var $(VENV)
