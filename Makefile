# backprop: `make run` and `make test` work from a fresh clone on Debian with only the
# Swift toolchain installed: `deps` installs whatever system package is missing.

SWIFT      ?= swift
DEB_PACKAGES := gnuplot-nox libopenblas-dev zlib1g-dev
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SPEC       ?= experiments/moons-sweep.json
BIN        := .build/release/backprop

.PHONY: deps build run test bench clean

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

build: deps
	$(SWIFT) build -c release

run: build
	$(BIN) run $(SPEC)

# Tests run in release: the engine's numerics are 100x slower in a debug build.
test: deps
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip-build

# A benchmark, not a test: microseconds per XOR epoch (seed 000), backprop against the
# seed's NumPy script, measured in the same run. backprop's figure is the training loop's
# own clock (the seconds column of metrics.csv), including its per-epoch loss evaluation.
bench: build
	@BACKPROP_GNUPLOT=/nonexistent $(BIN) run experiments/xor.json --results .build/bench-results --quiet >/dev/null
	@ours=$$(tail -n 1 ".build/bench-results/xor/runs/seed=42/metrics.csv" | awk -F, '{printf "%.3f", $$NF / 10000 * 1e6}'); \
	 numpy=$$(python3 bench/xor_numpy.py); \
	 echo "XOR 2-2-1, 10,000 epochs, full batch:"; \
	 echo "  backprop  $$ours us/epoch"; \
	 echo "  NumPy     $$numpy us/epoch"; \
	 awk -v a="$$numpy" -v b="$$ours" 'BEGIN { printf "  backprop is %.0fx faster\n", a / b }'

clean:
	rm -rf .build results/*/
