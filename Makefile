# wizard — see README.md. `make run` starts the wizard on its built-in sandbox;
# `make test` is what CI runs.
GO      ?= go
BIN     ?= bin/wizard
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)

.PHONY: run build test test-short vet race fmt fmt-check bench ttff fuzz clean

run: build
	./$(BIN)

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/wizard

# vet, formatting, then every test with the race detector.
test: fmt-check vet race

# Between edits: every package without the race detector, the slow
# real-terminal tests cut to a smoke set (well under a minute). Not for CI.
test-short:
	$(GO) test -short -count=1 ./...

vet:
	$(GO) vet ./...

race:
	$(GO) test -race -count=1 -timeout 20m ./...

fmt:
	gofmt -w $$(git ls-files '*.go')

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

# Benchmarks, recorded in BENCHMARKS.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Time to the first frame (BENCHMARKS.md, "Start-up and errors"): the wizard's
# first screen against a bare huh v2 Input built from this module and gum input,
# TTFF_N alternating runs each in a 100x30 pseudo-terminal (../shared/tools/ttff.py).
# The data directory is fresh; --new keeps every run on the first step.
TTFF_N ?= 15
ttff: build
	$(GO) build -o bin/bareinput ./internal/bench/bareinput
	GOBIN=$(CURDIR)/bin $(GO) install github.com/charmbracelet/gum@v0.17.0
	d=$$(mktemp -d) && python3 ../shared/tools/ttff.py -n $(TTFF_N) --env XDG_DATA_HOME=$$d -- \
	  "Not now" bin/wizard --new --vs "name?" bin/bareinput --vs "ready" bin/gum input --placeholder ready; \
	  rc=$$?; rm -rf $$d; exit $$rc

# A short run of every fuzz target (FUZZTIME=1m make fuzz for longer).
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin
