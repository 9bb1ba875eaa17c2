# The two commands of the README:
#   make notebooks   set up a virtual environment and run every notebook in full mode (the main job)
#   make test        set up a virtual environment and run the unit tests and the notebooks in smoke mode
# and everything the repository reports, notebooks, benchmarks and the report's PDF, in one go:
#   make reproduce         full mode (many hours on a CPU)
#   make reproduce-smoke   the same steps on tiny settings, under build/smoke/
#   make docs              the executed full-mode notebooks as pages under docs/notebooks/
# Point LSTM_TUTORIAL_DATA at a folder with the IMDB archive to work offline.

PYTHON ?= python3
VENV := .venv
VENV_PYTHON := $(VENV)/bin/python

.PHONY: setup notebooks smoke test reproduce reproduce-smoke docs

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-report.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV_PYTHON) -m pip install --quiet --upgrade pip
	$(VENV_PYTHON) -m pip install --quiet -r requirements.txt -r requirements-report.txt -e .
	touch $@

notebooks: setup
	$(VENV_PYTHON) -m lstm_utils notebooks

smoke: setup
	$(VENV_PYTHON) -m lstm_utils notebooks --smoke

test: setup
	LSTM_TUTORIAL_SMOKE=1 $(VENV_PYTHON) -m pytest

reproduce: setup
	$(VENV_PYTHON) -m lstm_utils reproduce

reproduce-smoke: setup
	$(VENV_PYTHON) -m lstm_utils reproduce --smoke

docs: setup
	$(VENV_PYTHON) -m lstm_utils render-notebooks
