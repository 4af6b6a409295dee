# The two commands: `make run` and `make test`. Everything they need is installed from here.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# pyenv reads .python-version (3.12); fall back to any python3.12 on PATH.
PYTHON ?= $(shell command -v pyenv >/dev/null 2>&1 && pyenv which python 2>/dev/null || command -v python3.12)
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist processes for `make test` (one per core; each file runs whole in one process, so
# a module's shared PDF build is made once). Files are handed out in collection order, which
# tests/conftest.py sets to the longest first (LONGEST_FIRST), so none runs alone at the end.
TEST_WORKERS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_EXAMPLES ?= 500
DEBIAN_PACKAGES := libharfbuzz-subset0 libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core \
	postgresql postgresql-contrib chromium poppler-utils gettext

.PHONY: fuzz run test install system-deps lint deadcode format messages clean-db audit

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' || \
		{ echo "Se necesita Python 3.12 (encontrado: $(PYTHON))."; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# The lock is complete (every dependency pinned with its hashes): --no-deps skips the
	@# resolver and `pip check` proves nothing is missing; --no-compile leaves the bytecode to
	@# the first import. 127 s instead of 201 s on a fresh venv (docs/testing.md §T4).
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		--no-compile -r requirements.lock
	$(PY) -m pip check --disable-pip-version-check
	touch $@

# Debian packages: WeasyPrint's fast font subsetting, PostgreSQL for the tests, Chromium for
# browser tests, pdftotext for checks. Installed only when missing.
system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Instalando paquetes de Debian: $$missing"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

locale/es_MX/LC_MESSAGES/django.mo: locale/es_MX/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages -l es_MX -v0

# The English Informe's catalogue (docs/english-edition.md §E2).
locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages -l en -v0

CATALOGUES := locale/es_MX/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo

run: system-deps install $(CATALOGUES)
	@# Migrates (when needed), loads the demo, prints the accounts and addresses, then serves,
	@# in one Django process (bin/serve).
	@HOST=$(HOST) PORT=$(PORT) PY=$(PY) bin/serve --demo

# tests/test_form_fuzz.py runs here at 10 generated inputs per endpoint (every endpoint, every
# run); `make fuzz`, which .ci/run runs next, gives it the 500 of issue 17 (docs/testing.md §T6).
test: system-deps install $(CATALOGUES)
	.ci/with-postgres $(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder \
		$(PYTEST_ARGS)
	@echo "SQLite smoke tests (embedded default):"
	env -u DATABASE_URL VAR_DIR=$$(mktemp -d) $(PY) -m pytest -m smoke -p no:cacheprovider -q

# The property test of every form and autosave endpoint at full strength (issue 17: 500
# generated inputs each), each endpoint a test of its own spread over the cores.
fuzz: system-deps install $(CATALOGUES)
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) .ci/with-postgres $(PY) -m pytest tests/test_form_fuzz.py \
		-n $(TEST_WORKERS) --dist load -p no:cacheprovider -q

# Style, types and the architecture rules (which app may import and write what).
lint: system-deps install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) -m pytest tests/test_architecture.py -q -p no:cacheprovider

# Unused code, for a person to read (settings in pyproject.toml): templates use model fields
# and properties by name, which vulture cannot see, so its findings are leads, not errors,
# and this target is not part of lint.
deadcode: install
	-$(VENV)/bin/vulture

# Known vulnerabilities of the locked dependencies (pip-audit on requirements.lock, hashes
# checked, no resolver). PyPI's advisory data is tried first, then OSV. A service that audits
# no package at all (this machine reaches only package registries: PyPI's per-version JSON
# answers 404, api.osv.dev does not resolve) counts as unreachable; when none is reachable the
# target says so and succeeds. Vulnerabilities found, or any other failure, make it fail.
PIP_AUDIT ?= $(VENV)/bin/pip-audit
define AUDIT_REPORT
import json, re, sys
report, errors, service = sys.argv[1:4]
try:
    with open(report) as fh:
        deps = json.load(fh)["dependencies"]
except (OSError, ValueError, KeyError):
    with open(errors) as fh:
        stderr = fh.read()
    unreachable = r"ConnectionError|NameResolution|Max retries|timed out|ProxyError|SSLError"
    if re.search(unreachable, stderr):
        sys.exit(2)
    sys.stderr.write(stderr)
    sys.exit(3)
audited = [d for d in deps if "skip_reason" not in d]
vulnerable = [d for d in audited if d.get("vulns")]
for d in vulnerable:
    for v in d["vulns"]:
        fixed = ", ".join(v.get("fix_versions") or []) or "sin versión corregida"
        print(f"{d['name']} {d['version']}: {v['id']} (corregida en: {fixed})")
if vulnerable:
    sys.exit(f"Paquetes con vulnerabilidades conocidas (fuente: {service}): {len(vulnerable)}.")
if not audited:
    sys.exit(2)
skipped = len(deps) - len(audited)
note = f"; sin consultar: {skipped}" if skipped else ""
print(f"Sin vulnerabilidades conocidas (fuente: {service}). Auditados: {len(audited)}{note}.")
endef
export AUDIT_REPORT

audit: install
	@report=$$(mktemp); errors=$$(mktemp); trap 'rm -f "$$report" "$$errors"' EXIT; \
	for service in pypi osv; do \
		: >"$$report"; \
		$(PIP_AUDIT) -r requirements.lock --require-hashes --disable-pip --progress-spinner off \
			--vulnerability-service $$service --format json --output "$$report" 2>"$$errors"; \
		$(PY) -c "$$AUDIT_REPORT" "$$report" "$$errors" $$service; status=$$?; \
		[ $$status = 2 ] || exit $$status; \
	done; \
	echo "Auditoría de dependencias no realizada: ninguna fuente de vulnerabilidades (PyPI, OSV) responde desde esta máquina."

format:
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

messages:
	$(PY) manage.py makemessages -l es_MX --no-obsolete -i '.venv/*' -i 'var/*'
	@# Spanish is the source language: each new message becomes its own es_MX translation, so a
	@# lookup ends in our catalogue instead of walking Django's fallback catalogues on every
	@# miss (docs/load-test.md §L9). Messages given another es_MX wording keep it. A reworded
	@# message comes back from msgmerge as a fuzzy match carrying the old wording: emptied first.
	msgattrib --clear-fuzzy --empty -o locale/es_MX/LC_MESSAGES/django.po locale/es_MX/LC_MESSAGES/django.po
	msgen locale/es_MX/LC_MESSAGES/django.po -o locale/es_MX/LC_MESSAGES/django.po
	$(PY) manage.py compilemessages -l es_MX -v0
