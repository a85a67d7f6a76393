# Ersatzraum – build, run and test. `make run` and `make test` are the
# contract with every new user (see README.md).

GO       ?= go
ADDR     ?= localhost:8080
DATA     ?= ./data
BIN      := bin/ersatzraum
WASM     := web/app.wasm
GOFLAGS_BUILD := -trimpath -ldflags='-s -w'
# The wasm every student downloads: the app's own packages and go-app are
# compiled without inlining (34 KB less brotli; their time in the page is
# small beside the browser's own work, README "Where the wasm's bytes go").
WASMFLAGS := -gcflags='ersatzraum/app/...=-l' -gcflags='github.com/maxence-charriere/go-app/v10/...=-l'

# The wasm depends on the shared code only; server changes do not rebuild it.
WASM_SOURCES := $(shell find app -name '*.go' -not -name '*_test.go') main.go main_wasm.go go.mod go.sum server/assets/goappclient/main.go
# The wasm is built against a copy of go-app without its server half
# (Handler and static export: net/http, crypto/tls, x509), written from the
# pinned module by server/assets/goappclient; README "Where the wasm's
# bytes go". The server and the tests use go-app as it comes.
WASM_MOD := bin/wasm.mod
GOAPP_CLIENT := $(GO) run ./server/assets/goappclient -out bin/go-app-client -modfile $(WASM_MOD)

.PHONY: all build run test wasm wasm-size vet fmt-check unit e2e bench bandwidth clean static audit audit-floor dist

all: build

$(WASM): $(WASM_SOURCES)
	$(GOAPP_CLIENT)
	GOOS=js GOARCH=wasm $(GO) build -modfile=$(WASM_MOD) $(GOFLAGS_BUILD) $(WASMFLAGS) -o $(WASM) .
	$(GO) run ./server/assets/precompress $(WASM)

wasm: $(WASM)

# One static server binary that embeds all of web/, the wasm included.
build: $(WASM)
	CGO_ENABLED=0 $(GO) build $(GOFLAGS_BUILD) -o $(BIN) .

run: build
	./$(BIN) serve --addr $(ADDR) --data $(DATA)

fmt-check:
	@out="$$(gofmt -l $$(find . -name '*.go' -not -path './bin/*' -not -path '*/node_modules/*'))"; if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	GOOS=js GOARCH=wasm $(GO) vet ./app/... .

# Unit and integration tests of everything but the browser tests, with the
# race detector. The protocol and i18n packages also run as wasm under Node.
unit: $(WASM)
	$(GO) test -race -count=1 $$($(GO) list ./... | grep -v /e2e)
	GOOS=js GOARCH=wasm $(GO) test -count=1 -exec="$$($(GO) env GOROOT)/lib/wasm/go_js_wasm_exec" ./app/protocol ./app/i18n ./app/live

# Where the wasm's bytes go, by module and by package (README, Size). The
# names it needs are stripped from the wasm that is served, so it builds one
# with names beside it.
wasm-size:
	$(GOAPP_CLIENT)
	GOOS=js GOARCH=wasm $(GO) build -modfile=$(WASM_MOD) -trimpath $(WASMFLAGS) -o bin/app-names.wasm .
	$(GO) run ./server/assets/wasmsize -by module -top 20 bin/app-names.wasm
	$(GO) run ./server/assets/wasmsize -top 30 bin/app-names.wasm

# End-to-end tests: the real binary, headless Chromium with fake media,
# Firefox ESR over WebDriver BiDi and WebKitGTK under Xvfb (README, Browsers).
e2e: build
	ERSATZRAUM_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -timeout 30m -v ./e2e/

test: fmt-check vet unit e2e

# Join-to-first-frame timing over several runs (see README, Performance).
bench: build
	ERSATZRAUM_BIN=$(CURDIR)/$(BIN) $(GO) test -run '^$$' -bench JoinToFirstFrame -benchtime 5x -timeout 20m ./e2e/

# A class of 30 on a home line: the teacher in headless Chromium, 30 pion
# students; bytes on each line from the WebRTC statistics (README,
# Performance). Needs ffmpeg. Skipped in `make e2e`.
bandwidth: build
	ERSATZRAUM_E2E_BANDWIDTH=1 ERSATZRAUM_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -run ClassOf30FitsAHomeLine -timeout 10m -v ./e2e/

# A class of 30 arriving at once: 30 pion students join by personal link
# within a second; time until the teacher's page decodes every picture,
# its longest main-thread stall, the teacher's Chromium CPU and memory by
# process type (README, Performance). Three runs (ERSATZRAUM_E2E_BURST_RUNS).
# Needs ffmpeg. Skipped in `make e2e`.
.PHONY: burst
burst: build
	ERSATZRAUM_E2E_BURST=1 ERSATZRAUM_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -run BurstOf30Students -timeout 15m -v ./e2e/

# Group work: a group of 5 browsers in a full mesh (upload and download
# of each student, with pictures and sound only), and "Alle zurückholen"
# in a class of 30 pion students (README, Group work). Needs ffmpeg.
# Skipped in `make e2e`.
.PHONY: groups
groups: build
	ERSATZRAUM_E2E_GROUPS=1 ERSATZRAUM_BIN=$(CURDIR)/$(BIN) $(GO) test -count=1 -run 'GroupOf5FitsAHomeLine|BackFromGroupsInAClassOf30' -timeout 20m -v ./e2e/

# The app as plain files in static/ for another web server, talking to the
# Ersatzraum server at SERVER: make static SERVER=https://ersatzraum.schule.example
SERVER ?= http://$(ADDR)
static: build
	./$(BIN) static --out static --server $(SERVER)

# Lighthouse (pinned in audit/package.json) against the running binary,
# mobile profile, with the system Chromium. See README, Audit.
CHROME_PATH ?= /usr/lib/chromium/chromium
audit: build
	cd audit && npm ci --no-audit --no-fund --silent
	cd audit && CHROME_PATH=$(CHROME_PATH) node run.mjs --bin ../$(BIN)

# What go-app itself costs: Lighthouse on the smallest go-app program with
# the start page's heading and form (audit/floor, its own module), three
# runs, German browser. README, "What go-app itself costs".
audit-floor:
	cd audit/floor && GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags='-s -w' -o ../../bin/floor/web/app.wasm . && CGO_ENABLED=0 $(GO) build -trimpath -o ../../bin/floor/floor .
	cd audit && npm ci --no-audit --no-fund --silent
	cd audit && CHROME_PATH=$(CHROME_PATH) node run.mjs --floor ../bin/floor --runs 3 --lang de

# Release binaries for school servers and Raspberry Pis: the wasm once,
# then one static server binary per platform, with SHA-256 sums.
DIST_PLATFORMS := linux/amd64 linux/arm64
dist: $(WASM)
	rm -rf dist && mkdir -p dist
	for p in $(DIST_PLATFORMS); do \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build $(GOFLAGS_BUILD) -o dist/ersatzraum-$${p%/*}-$${p#*/} . || exit 1; \
	done
	cd dist && sha256sum ersatzraum-* > SHA256SUMS && cat SHA256SUMS

clean:
	rm -rf bin $(WASM) $(WASM).br $(WASM).gz dist
