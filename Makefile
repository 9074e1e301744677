# backprop: `make run` and `make test` work from a fresh clone on Debian with only the
# Swift toolchain installed: `deps` installs whatever system package is missing.

SWIFT      ?= swift
DEB_PACKAGES := gnuplot-nox libopenblas-dev zlib1g-dev dataset-fashion-mnist
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SPEC       ?= experiments/moons-sweep.json
BIN        := .build/release/backprop

.PHONY: deps build run test test-slurm test-browser fuzz bench clean

deps:
	@missing=""; \
	for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  $(SUDO) apt-get update && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

# The engine is compiled for the machine's vector instructions when it has those of x86-64-v3
# (Haswell, 2013, and later: AVX2, FMA, BMI2...): eight-lane float32 code in one register instead
# of two, 4-7% off a Fashion-MNIST epoch (alternating runs on this machine kind). The numbers
# are the same bit for bit: Swift never fuses a multiply and an add on its own, and OpenBLAS
# picks its kernels at run time anyway. `make PORTABLE=1 ...` builds for any x86-64 (a binary to copy to older machines);
# other machines (arm64) always get the compiler's default.
HASWELL_FLAGS := avx avx2 bmi1 bmi2 f16c fma abm movbe popcnt sse4_2 xsave
CPU_FLAGS     := $(shell grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
ifeq ($(PORTABLE)$(shell uname -m),x86_64)
ifeq ($(filter-out $(CPU_FLAGS),$(HASWELL_FLAGS)),)
SWIFT_FLAGS := -Xswiftc -target-cpu -Xswiftc haswell -Xcc -march=haswell
endif
endif

# SwiftPM and the compiler leave empty TemporaryDirectory.* folders in $TMPDIR on every call:
# builds get a folder of their own under .build, removed afterwards, pass or fail.
BUILD_TMP := $(CURDIR)/.build/build-tmp

build: deps
	@rm -rf $(BUILD_TMP) && mkdir -p $(BUILD_TMP)
	@status=0; TMPDIR=$(BUILD_TMP) $(SWIFT) build -c release $(SWIFT_FLAGS) || status=$$?; rm -rf $(BUILD_TMP); exit $$status

run: build
	$(BIN) run $(SPEC)

# Tests run in release: the engine's numerics are 100x slower in a debug build. As for builds,
# SwiftPM gets a folder of its own for its TemporaryDirectory.* folders (even for 0 tests). The tests must
# clean up after themselves: a backprop-tests-* folder still there fails the target.
TEST_TMP := $(CURDIR)/.build/test-tmp

test: deps
	@rm -rf $(TEST_TMP) && mkdir -p $(TEST_TMP)
	@status=0; \
	TMPDIR=$(TEST_TMP) $(SWIFT) build -c release $(SWIFT_FLAGS) --build-tests && \
	TMPDIR=$(TEST_TMP) $(SWIFT) test -c release $(SWIFT_FLAGS) --skip-build || status=$$?; \
	if ls $(TEST_TMP) | grep -q '^backprop-tests-'; then echo "make test: the tests left files in $(TEST_TMP)"; status=1; fi; \
	rm -rf $(TEST_TMP); exit $$status

# A real single-node Slurm (munge, slurmctld, slurmd on localhost, no systemd): a 4-shard
# sweep submitted with `backprop slurm --submit` must merge into the local --jobs 2 results.
test-slurm: build
	bash scripts/test-slurm.sh

# The pages in a real browser (Tests/Browser/check_pages.py): the static pages `run` writes and
# the pages `backprop serve` serves, live updates included, in headless Chromium (Debian's
# chromium-headless-shell) driven by Playwright for Python, from a virtual environment under .build/.
BROWSER_VENV := .build/browser-venv

$(BROWSER_VENV)/.installed-1.65.3:
	@dpkg-query -W -f='$${Status}' python3-venv 2>/dev/null | grep -q "install ok installed" || \
	  { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends python3-venv; }
	python3 -m venv $(BROWSER_VENV)
	$(BROWSER_VENV)/bin/pip install --quiet playwright==1.65.3
	touch $@

test-browser: build $(BROWSER_VENV)/.installed-1.65.3
	@dpkg-query -W -f='$${Status}' chromium-headless-shell 2>/dev/null | grep -q "install ok installed" || \
	  { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends chromium-headless-shell; }
	$(BROWSER_VENV)/bin/python Tests/Browser/check_pages.py $(BIN)

# A long fuzzing session: mutated specs and data files, from a fresh seed (printed, so a
# failure can be replayed with FUZZ_SEED=...). `make test` runs 500 cases of the same.
FUZZ_CASES   ?= 200000
FUZZ_SECONDS ?= 3600
FUZZ_SEED    ?= $(shell date +%s)

fuzz: deps
	@rm -rf $(BUILD_TMP) && mkdir -p $(BUILD_TMP)
	@status=0; TMPDIR=$(BUILD_TMP) $(SWIFT) build -c release $(SWIFT_FLAGS) --build-tests && \
	BACKPROP_FUZZ_CASES=$(FUZZ_CASES) BACKPROP_FUZZ_SECONDS=$(FUZZ_SECONDS) BACKPROP_FUZZ_SEED=$(FUZZ_SEED) TMPDIR=$(BUILD_TMP) $(SWIFT) test -c release $(SWIFT_FLAGS) --skip-build --filter "FuzzTests|CraftedCheckpointTests" || status=$$?; \
	rm -rf $(BUILD_TMP); exit $$status

# A benchmark, not a test: backprop against NumPy (XOR), scikit-learn and PyTorch
# (Fashion-MNIST), the --jobs 2 speed-up, peak memory, search and Optuna (sweeps of many short
# runs), measured side by side in one run.
# Writes BENCHMARKS.md. The Python side lives in a virtual environment under .build/.
BENCH_VENV := .build/bench-venv

$(BENCH_VENV)/.installed-v2:
	@dpkg-query -W -f='$${Status}' python3-venv 2>/dev/null | grep -q "install ok installed" || \
	  { $(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends python3-venv; }
	python3 -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet numpy scikit-learn threadpoolctl torch optuna
	touch $@

bench: build $(BENCH_VENV)/.installed-v2
	ADAM_MODEL_CFLAGS="$(filter -march=%,$(SWIFT_FLAGS))" $(BENCH_VENV)/bin/python bench/run.py

clean:
	rm -rf .build results/*/
