# tingle - build, check, install, bench, demo.
#
#   make                 build every tool into bin/
#   make check           unit, golden and shell tests, in this build and in
#                        one with -fsanitize=address,undefined; lint man pages
#   make deps            install the Debian build and test packages
#   make demo            run the two example incidents
#   make bench           throughput ratios against jq, Miller, perl, awk
#   make install         PREFIX=/usr/local DESTDIR=
#   make deb-check       build the Debian package from a copy in a temporary
#                        directory and try it in a scratch root

# The one place the version is written: --version prints it, and
# debian/rules stops when debian/changelog says another.
VERSION := $(shell cat VERSION)

PREFIX ?= /usr/local
BINDIR_INSTALL = $(DESTDIR)$(PREFIX)/bin
MANDIR_INSTALL = $(DESTDIR)$(PREFIX)/share/man
HOOKDIR_INSTALL = $(DESTDIR)$(PREFIX)/share/tingle/hooks
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions

CC ?= cc
CFLAGS ?= -O2 -g
WARN = -Wall -Wextra -Wshadow -Werror -std=c11
PKGS = jansson libpcre2-8 zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -ljansson -lpcre2-8 -lz)
CPPFLAGS += -Ilib -D_GNU_SOURCE -DTINGLE_VERSION='"$(VERSION)"'
LDLIBS += $(PKG_LIBS) -lm

# BUILD is where objects go, BIN where tools go.  The sanitizer build of
# `make check` uses BUILD=build/asan BIN=build/asan/bin SANITIZE=1.
BUILD ?= build/opt
BIN ?= bin
ifeq ($(SANITIZE),1)
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
CFLAGS = -O1 -g
endif
ALL_CFLAGS = $(CFLAGS) $(WARN) $(SANFLAGS) $(PKG_CFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)

LIB_SRC := $(sort $(wildcard lib/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
TOOL_SRC := $(sort $(wildcard tools/*.c))
TOOL_NAMES := $(patsubst tools/%.c,%,$(TOOL_SRC))
TOOLS := $(foreach t,$(TOOL_NAMES),$(BIN)/$(if $(filter tingle,$(t)),tingle,tingle-$(t)))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNITS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/unit/%)
MANPAGES := $(sort $(wildcard man/*.[1-9]))
HOOKS := $(sort $(wildcard examples/hooks/*.sh))

.PHONY: all units check check-opt check-asan lint-man deps demo bench \
	install uninstall clean format fuzz fuzz-build check-valgrind \
	deb-check

all: $(TOOLS)

units: $(UNITS)

$(BUILD)/%.o: %.c $(wildcard lib/*.h) VERSION
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/libtingle.a: $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(BIN)/tingle: $(BUILD)/tools/tingle.o $(BUILD)/libtingle.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/tingle-%: $(BUILD)/tools/%.o $(BUILD)/libtingle.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/unit/%: tests/unit/%.c $(BUILD)/libtingle.a $(wildcard lib/*.h) \
		$(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
		$(BUILD)/libtingle.a $(LDLIBS) -lcmocka

# ---- tests ------------------------------------------------------------

RESULTS = build/results

# Each runner leaves a "pass fail skip" line in $(RESULTS); a failing run
# does not stop the next one, and tests/total counts a runner that died
# before writing its line (or wrote a broken one) as a failure.
check:
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	$(MAKE) all units
	tests/run --bin $(CURDIR)/bin --units $(CURDIR)/build/opt/unit \
		--label opt --results $(RESULTS)/opt || true
	$(MAKE) BUILD=build/asan BIN=build/asan/bin SANITIZE=1 all units
	tests/run --bin $(CURDIR)/build/asan/bin --units $(CURDIR)/build/asan/unit \
		--label asan --results $(RESULTS)/asan || true
	tests/lint-man $(MANPAGES) > $(RESULTS)/man || true
	@tests/total $(RESULTS) opt asan man

# The whole suite with every tool under valgrind memcheck (slow).
check-valgrind: all units
	tests/valgrind-wrap $(CURDIR)/bin $(CURDIR)/build/valgrind/bin
	VALGRIND=1 tests/run --bin $(CURDIR)/build/valgrind/bin \
		--units $(CURDIR)/build/opt/unit --label valgrind

check-opt: all units
	tests/run --bin $(CURDIR)/bin --units $(CURDIR)/build/opt/unit --label opt

# ---- fuzzing ----------------------------------------------------------
#
# tests/fuzz/fuzz_NAME.c are libFuzzer targets, built with clang and
# AddressSanitizer/UBSan into build/fuzz/.  `make fuzz` runs each for
# FUZZ_SECONDS (or only the targets named in FUZZ_TARGETS, e.g.
# FUZZ_TARGETS="fmt csv"), keeping what it finds in build/fuzz/corpus/
# and a line per run in build/fuzz/history; tests/sh/fuzz-smoke.sh runs
# them for a few seconds in `make check`.

FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=
FUZZ_CC ?= clang
FUZZ_BUILD = build/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer -Wall -Wextra -std=c11 \
	$(FUZZ_SAN) $(PKG_CFLAGS)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

# Not instrumented for coverage: what its malloc hooks do is no news.
$(FUZZ_BUILD)/tests/fuzz/trap.o: tests/fuzz/trap.c tests/fuzz/trap.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/libtingle.a: $(LIB_SRC:%.c=$(FUZZ_BUILD)/%.o)
	rm -f $@
	$(AR) rcs $@ $^

# Every target links tests/fuzz/trap.c, which catches exit() (see trap.h).
$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_BUILD)/tests/fuzz/trap.o \
		$(FUZZ_BUILD)/libtingle.a $(wildcard lib/*.h) tests/fuzz/trap.h
	$(FUZZ_CC) $(CPPFLAGS) -Itests/fuzz $(FUZZ_CFLAGS) -fsanitize=fuzzer \
		-Wl,--wrap=exit -o $@ $< $(FUZZ_BUILD)/tests/fuzz/trap.o \
		$(FUZZ_BUILD)/libtingle.a $(LDLIBS)

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/fuzz/run -t $(FUZZ_SECONDS) -l $(FUZZ_BUILD)/history $(FUZZ_BUILD) \
		$(FUZZ_TARGETS)

# ---- setup and examples -----------------------------------------------

DEPS = build-essential pkg-config libjansson-dev libpcre2-dev libcmocka-dev zlib1g-dev \
	mandoc tzdata jq miller gawk mawk perl parallel python3 clang \
	libclang-rt-14-dev valgrind procps time \
	chromium libxml2-utils \
	postfix pflogsumm \
	dpkg-dev debhelper lintian bash-completion zsh rsyslog logrotate systemd groff-base

deps:
	@missing=$$(for p in $(DEPS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		apt-get update -qq && \
		echo 'postfix postfix/main_mailer_type select No configuration' | \
			debconf-set-selections && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else echo "build and test dependencies are installed"; fi

demo: all
	examples/demo

bench: all
	bench/run

# Hooks go to PREFIX/share/tingle/hooks.  Completion: bash-completion
# loads a command's file by its name, so each tingle-STAGE is a link to
# the one file; zsh reads _tingle from a directory of its fpath.
install: all
	install -d $(BINDIR_INSTALL) $(MANDIR_INSTALL)/man1 $(MANDIR_INSTALL)/man7 \
		$(HOOKDIR_INSTALL) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(TOOLS) $(BINDIR_INSTALL)
	for m in $(MANPAGES); do \
		s=$${m##*.}; install -m 644 $$m $(MANDIR_INSTALL)/man$$s; done
	install -m 755 $(HOOKS) $(HOOKDIR_INSTALL)
	install -m 644 completion/tingle.bash $(DESTDIR)$(BASHCOMPDIR)/tingle
	for t in $(filter-out tingle,$(notdir $(TOOLS))); do \
		ln -sf tingle $(DESTDIR)$(BASHCOMPDIR)/$$t; done
	install -m 644 completion/_tingle $(DESTDIR)$(ZSHCOMPDIR)/_tingle

uninstall:
	for t in $(notdir $(TOOLS)); do rm -f $(BINDIR_INSTALL)/$$t \
		$(DESTDIR)$(BASHCOMPDIR)/$$t; done
	rm -f $(DESTDIR)$(ZSHCOMPDIR)/_tingle
	for m in $(notdir $(MANPAGES)); do \
		rm -f $(MANDIR_INSTALL)/man$${m##*.}/$$m; done
	for h in $(notdir $(HOOKS)); do rm -f $(HOOKDIR_INSTALL)/$$h; done

deb-check: all
	TINGLE_LINTIAN=1 tests/run --bin $(CURDIR)/bin --label deb sh/deb-package

format:
	clang-format -i lib/*.c lib/*.h tools/*.c tests/unit/*.c tests/fuzz/*.c

clean:
	rm -rf build bin
