# salvo: common tasks.
#
#   make quickstart   build salvo and run its whole loop against the built-in sandbox (store: .build/quickstart)
#   make test         build and run the whole test suite (what CI runs)
#   make bench        release build, measured against the sandbox (see BENCHMARKS.md)
#   make golden       re-record the golden output files (Tests/SalvoCLITests/Golden): review the diff
#   make install      release binary (static Swift runtime) to $(PREFIX)/bin, shell completions where each shell looks
#   make format       apply swift format to the sources and tests
#   make lint         check that swift format has nothing to change
#
# Each target installs the Debian packages it needs (scripts/install-deps.sh) on a fresh machine.

SWIFT ?= swift
PREFIX ?= /usr/local
SALVO_DEBUG := .build/debug/salvo
QUICKSTART_STORE ?= $(CURDIR)/.build/quickstart/salvo.db

.PHONY: quickstart test bench golden build release install format lint deps clean

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build --product salvo

quickstart: build
	$(SALVO_DEBUG) quickstart --store $(QUICKSTART_STORE)

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

golden: deps
	$(SWIFT) build --build-tests
	SALVO_RECORD_GOLDEN=1 $(SWIFT) test --skip-build --filter SalvoCLITests
	git status --short Tests/SalvoCLITests/Golden

bench: deps
	@scripts/bench.sh

release: deps
	$(SWIFT) build -c release --product salvo --static-swift-stdlib

install: release
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
		$(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 0755 .build/release/salvo $(DESTDIR)$(PREFIX)/bin/salvo
	.build/release/salvo --generate-completion-script bash > $(DESTDIR)$(PREFIX)/share/bash-completion/completions/salvo
	.build/release/salvo --generate-completion-script zsh > $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_salvo
	.build/release/salvo --generate-completion-script fish > $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/salvo.fish

format:
	$(SWIFT) format --in-place --recursive Package.swift Sources Tests Plugins migrations

lint:
	$(SWIFT) format lint --strict --recursive Package.swift Sources Tests Plugins migrations

clean:
	rm -rf .build
