# k12-inquiry: two commands. Both create .venv when it is missing and install the pinned
# requirements and the package; running them again only redoes what changed.
#
#   make demo   generate a demo district, check it, build warehouse/k12.duckdb, write reports
#   make test   the whole test suite (includes a dbt build with every dbt test on a small district)

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test bench lock clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/k12 demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/k12 bench --students 100000 --years 3

# Regenerate the transitive lock after changing requirements.txt.
lock:
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^k12-inquiry' > constraints.txt

clean:
	rm -rf target logs warehouse reports
