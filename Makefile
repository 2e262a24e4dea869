# Parkland: `make run` serves the demo park on http://127.0.0.1:8000; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000
# The test suite and the migration check need a key; a real one comes from the environment.
TEST_ENV := DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-parkland-tests-only-not-a-secret}

.PHONY: run test lint format messages clean bench load drill wheelhouse worker beat

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

$(VENV)/.installed-bench: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[bench]'
	touch $@ $(VENV)/.installed

var/demo-password: | $(BIN)/python
	mkdir -p var
	$(BIN)/python -c "import secrets; print(secrets.token_urlsafe(12))" > $@

run: $(VENV)/.installed var/demo-password
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_demo --password "$$(cat var/demo-password)"
	@echo "Parkland: http://$(HOST)/  (admin: http://$(HOST)/admin/)"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Rebuilds the Chinese catalogue's template and its compiled form (needs GNU gettext).
messages: $(VENV)/.installed
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'build/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore '.venv/*'

# The city-scale benchmark (README: Performance at city scale): its own database parkland_bench on the
# PostgreSQL of 127.0.0.1, generated once, then pages, exports and wrk throughput. BENCH_ARGS="--no-wrk" …
bench: $(VENV)/.installed
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

# A 5-minute mixed load test (locust) on the bench database that `make bench` leaves; not run in CI.
LOAD_PORT ?= 8765
LOAD_USERS ?= 16
LOAD_TIME ?= 5m
load: $(VENV)/.installed-bench
	@test -s var/bench/password || { echo "Run make bench first: it creates the bench database."; exit 1; }
	PYTHONPATH=scripts:. DJANGO_SETTINGS_MODULE=bench_settings $(BIN)/gunicorn -c gunicorn.conf.py \
		--bind 127.0.0.1:$(LOAD_PORT) --daemon --pid var/bench/gunicorn-load.pid
	sleep 5; status=0; \
	$(BIN)/locust -f scripts/locustfile.py --host http://127.0.0.1:$(LOAD_PORT) --headless \
		-u $(LOAD_USERS) -r 4 -t $(LOAD_TIME) --only-summary || status=$$?; \
	kill $$(cat var/bench/gunicorn-load.pid); exit $$status

# The backup and restore drill on the PostgreSQL of DRILL_PG_URL (default 127.0.0.1:5432, user postgres):
# the demo backed up, restored into a fresh database and folder, its reports compared (docs/deploy.md).
drill: $(VENV)/.installed
	$(BIN)/python scripts/drill.py

# Every wheel the project and its tests need, pip's and setuptools' too, for a machine without network:
# there, `PIP_NO_INDEX=1 PIP_FIND_LINKS=var/wheelhouse make run` (docs/deploy.md#offline-install).
WHEELHOUSE ?= var/wheelhouse
wheelhouse: | $(BIN)/python
	$(BIN)/pip wheel --quiet --wheel-dir $(WHEELHOUSE) '.[test]' pip 'setuptools>=69' wheel
	@ls $(WHEELHOUSE) | wc -l | xargs echo "wheels in $(WHEELHOUSE):"

# Background jobs (docs/jobs.md): a Celery worker and the once-a-cluster schedule, on the Redis of
# PARKLAND_REDIS_URL (default here redis://127.0.0.1:6379/0). Without a broker, `make run` runs jobs in-process.
REDIS_URL ?= $${PARKLAND_REDIS_URL:-redis://127.0.0.1:6379/0}
WORKER_ARGS ?= --concurrency=2 --loglevel=info
worker: $(VENV)/.installed
	PARKLAND_REDIS_URL=$(REDIS_URL) $(BIN)/celery -A parkland worker $(WORKER_ARGS)

beat: $(VENV)/.installed
	mkdir -p var
	PARKLAND_REDIS_URL=$(REDIS_URL) $(BIN)/celery -A parkland beat --loglevel=info --schedule var/celerybeat-schedule

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
