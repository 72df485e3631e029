# fiches: `make` builds the program and the TAT site; `make test` runs every test.
# See README.md.

# `make` alone means `make all`, whatever rule comes first below (the
# allocator's and the hash's choices add prerequisites to single objects).
.DEFAULT_GOAL := all

PREFIX   ?= /usr/local
DESTDIR  ?=
BINDIR    = $(PREFIX)/bin
DATADIR   = $(PREFIX)/share/fiches
MANDIR    = $(PREFIX)/share/man
LOCALEDIR = $(PREFIX)/share/locale
PKGLIBDIR = $(PREFIX)/lib/fiches

CC       ?= cc
PKGS      = libcmark-gfm yaml-0.1 jansson pangocairo pangoft2 cairo fontconfig libqrencode libmicrohttpd zlib \
	libsodium libgit2 libjpeg libxxhash
# Warnings are errors only when asked (WERROR=1, as CI does): a packager's
# newer compiler may warn about code this one accepts.
WARN      = -Wall -Wextra -Wshadow -Wno-unused-parameter
ifeq ($(WERROR),1)
WARN     += -Werror
endif
CFLAGS   ?= -O2 -g
ifeq ($(SANITIZE),1)
CFLAGS   += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=address,undefined
BUILD    ?= build/sanitize
endif
# ThreadSanitizer (TSAN=1): the unit tests, the thread tests and whole
# builds of the TAT site run under it (tests/run.sh); any report fails.
ifeq ($(TSAN),1)
CFLAGS   += -O1 -fsanitize=thread -fno-omit-frame-pointer
LDFLAGS  += -fsanitize=thread
BUILD    ?= build/tsan
endif
# STATIC=1: cmark-gfm linked from its static libraries (Debian's
# libcmark-gfm-dev ships them), in build/static. fiches' replacement of a
# cmark-gfm function (generator/load/cmark_special.c) cannot take the
# library's place there and would clash with it (« multiple definition »):
# it is left out, and documents' inline passes run one at a time, as
# `fiches --version` says. The other libraries stay shared: Debian ships
# no static Pango or HarfBuzz.
ifeq ($(STATIC),1)
CPPFLAGS += -DFICHES_STATIC_CMARK
BUILD    ?= build/static
endif
BUILD    ?= build
# CPPFLAGS and LDFLAGS from the environment (Debian's hardening flags) go
# into every compile and link line.
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(CPPFLAGS) $(WARN) $(CFLAGS) \
	-DLOCALEDIR='"$(LOCALEDIR)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
	$(addprefix -iquote ,$(GEN_DIRS)) -MMD -MP
LIBS      = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcmark-gfm-extensions \
	-lhyphen -lstemmer -lpthread -lm
# The same with cmark-gfm's static libraries (STATIC=1, and the test binary
# fiches-static-cmark below).
CMARK_STATIC_LIBS = -Wl,-Bstatic -lcmark-gfm-extensions -lcmark-gfm -Wl,-Bdynamic \
	$(filter-out -lcmark-gfm -lcmark-gfm-extensions,$(shell pkg-config --libs $(PKGS) 2>/dev/null)) \
	-lhyphen -lstemmer -lpthread -lm
ifeq ($(STATIC),1)
LIBS      = $(CMARK_STATIC_LIBS)
endif

# mimalloc takes malloc's place in the whole process, libraries included (it
# comes first among the shared libraries): a build allocates and frees
# millions of small strings and nodes from two threads, and glibc's malloc
# was a sixth of its time (README, "Libraries"). It is used when the
# compiler can link it (it ships no pkg-config file), not required:
# without it the program is the same, slower. MIMALLOC=0 leaves it out.
# Sanitizer builds keep the allocator ASan brings.
ifneq ($(SANITIZE)$(TSAN),1)
ifneq ($(MIMALLOC),0)
HAVE_MIMALLOC := $(shell printf 'int main(void){return 0;}\n' | \
	$(CC) -x c - -o /dev/null $(LDFLAGS) -lmimalloc >/dev/null 2>&1 && echo 1)
endif
endif
ifeq ($(HAVE_MIMALLOC),1)
MALLOC_LIBS = -Wl,--no-as-needed -lmimalloc -Wl,--as-needed
# main.c then sets mimalloc's options (FICHES_MIMALLOC; see its main()).
$(BUILD)/generator/main.o: ALL_CFLAGS += -DFICHES_MIMALLOC
endif
# The choice is kept in a file rewritten only when it changes: main.o depends
# on it, so a program built before libmimalloc-dev was installed is compiled
# and linked again with it (and without it once it is removed).
MALLOC_CHOICE = $(BUILD)/malloc-choice
$(shell mkdir -p $(BUILD) && { echo 'mimalloc=$(HAVE_MIMALLOC)' | cmp -s - $(MALLOC_CHOICE) || \
	echo 'mimalloc=$(HAVE_MIMALLOC)' > $(MALLOC_CHOICE); })
$(BUILD)/generator/main.o: $(MALLOC_CHOICE)

# libxxhash's run-time dispatch (XXH3 with AVX2 or AVX-512 where the CPU has
# them, SSE2 otherwise) when the library was built with it, as Debian's is on
# amd64; the same hash values either way (generator/base/hash.c).
HAVE_XXH_DISPATCH := $(shell printf '#include <xxh_x86dispatch.h>\nint main(void){return (int)XXH3_64bits_dispatch("", 0);}\n' | \
	$(CC) -x c - -o /dev/null $(LDFLAGS) -lxxhash >/dev/null 2>&1 && echo 1)
ifeq ($(HAVE_XXH_DISPATCH),1)
$(BUILD)/generator/base/hash.o: ALL_CFLAGS += -DFICHES_XXH_DISPATCH
endif
# Kept in a file as the allocator's choice is: a hash.o compiled while the
# probe failed (say, `make build/fiches` on a fresh machine, before `make`
# installed libxxhash-dev) is compiled again with the dispatch, three
# times cheaper per byte here, once the probe succeeds.
XXH_CHOICE = $(BUILD)/xxh-choice
$(shell mkdir -p $(BUILD) && { echo 'dispatch=$(HAVE_XXH_DISPATCH)' | cmp -s - $(XXH_CHOICE) || \
	echo 'dispatch=$(HAVE_XXH_DISPATCH)' > $(XXH_CHOICE); })
$(BUILD)/generator/base/hash.o: $(XXH_CHOICE)

GEN_DIRS := generator $(sort $(dir $(wildcard generator/*/*.h)))
SRC      := $(shell find generator -name '*.c' ! -name main.c ! -name pdf_plugin.c ! -name serve_plugin.c | sort)
OBJ      := $(SRC:%.c=$(BUILD)/%.o)
LIB       = $(BUILD)/libfiches.a
BIN       = $(BUILD)/fiches

# The PDF stack and the server as plugins (generator/pdf_plugin.h,
# serve_plugin.h, plugin_load.h; README, « Libraries »):
# the objects of generator/pdf that call Pango, HarfBuzz, fontconfig,
# libqrencode or libhyphen go into fiches-pdf.so, which the program loads
# (dlopen) the first time a PDF is wanted, so that `fiches build --no-pdf`,
# `check`, `new` and serve's pages map none of them; generator/serve (but
# watch.c and serve_timing.c, which the build calls) goes into fiches-serve.so with libmicrohttpd,
# libgit2 and libsodium, loaded by `fiches serve` only. What the rest of the
# program calls in generator/pdf without typesetting (booklet definitions,
# image sizes, print pages) and the replacements of libc's and zlib's
# functions, which must be in the executable to come first in the global
# scope (generator/replacements.c), stay in the program. The program
# exports (--dynamic-list) what the plugin calls in it and keeps those
# objects (-u), both listed from the plugin's undefined symbols.
# libfiches.a keeps every object: test drivers call the PDF stack directly.
PDF_IN_PROGRAM := $(addprefix generator/pdf/,booklet.c fold_panels.c image.c printhtml.c doc_dest.c \
	cairo_numbers.c content_deflate.c cairo_probe.c)
PLUGIN_SRC := $(filter-out $(PDF_IN_PROGRAM),$(wildcard generator/pdf/*.c)) \
	generator/pdf_plugin_table.c generator/replacements_pdf.c
PLUGIN_OBJ := $(PLUGIN_SRC:%.c=$(BUILD)/%.o)
PLUGIN     = $(BUILD)/fiches-pdf.so
PLUGIN_LIBS = $(shell pkg-config --libs pangocairo pangoft2 cairo fontconfig libqrencode zlib jansson 2>/dev/null) \
	-lhyphen -lpthread -lm
PLUGIN_LDFLAGS = -shared -Wl,-Bsymbolic-functions
SERVE_SRC  := $(filter-out generator/serve/watch.c generator/serve/serve_timing.c,$(wildcard generator/serve/*.c)) \
	generator/serve_plugin_table.c
SERVE_OBJ  := $(SERVE_SRC:%.c=$(BUILD)/%.o)
SERVE_PLUGIN = $(BUILD)/fiches-serve.so
SERVE_LIBS = $(shell pkg-config --libs libmicrohttpd libsodium libgit2 libjpeg cairo jansson zlib 2>/dev/null) \
	-lpthread -lm
ALL_PLUGIN_OBJ := $(PLUGIN_OBJ) $(SERVE_OBJ)
CORE_PKGS  = glib-2.0 $(filter-out pangocairo pangoft2 fontconfig libqrencode libmicrohttpd libsodium libgit2,$(PKGS))
CORE_LIB   = $(BUILD)/libfiches-core.a
CORE_OBJ   = $(filter-out $(ALL_PLUGIN_OBJ),$(OBJ)) $(BUILD)/generator/pdf_plugin.o \
	$(BUILD)/generator/serve_plugin.o
CORE_LIBS  = -Wl,--as-needed $(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null) -lcmark-gfm-extensions \
	-lstemmer -lpthread -lm -ldl
CORE_CMARK_STATIC_LIBS = -Wl,--as-needed -Wl,-Bstatic -lcmark-gfm-extensions -lcmark-gfm -Wl,-Bdynamic \
	$(filter-out -lcmark-gfm -lcmark-gfm-extensions,$(shell pkg-config --libs $(CORE_PKGS) 2>/dev/null)) \
	-lstemmer -lpthread -lm -ldl
ifeq ($(STATIC),1)
CORE_LIBS  = $(CORE_CMARK_STATIC_LIBS)
endif
# What the plugin calls in the program: exported, and kept from the archive.
PLUGIN_EXPORTS = $(BUILD)/fiches-pdf.exports
PLUGIN_KEEP    = $(BUILD)/fiches-pdf.keep
CORE_LINK      = -Wl,--dynamic-list=$(PLUGIN_EXPORTS) @$(PLUGIN_KEEP)

# Files built into the program (generator/base/embedded.h): templates/, the
# default templates and assets, skeleton/, the project `fiches init`
# writes, the compiled message catalogues (build/locale, used when none
# is found next to the program: see generator/base/i18n.c) and
# generator/serve/panel/, what `fiches serve` adds to pages; each turned
# into C by a script, files in byte order. The
# directories are prerequisites too, so that adding or removing a file
# regenerates the table.
embed_files = $(shell find $(1) -type f ! -name '.*' ! -path '*/.*' | LC_ALL=C sort)
embed_dirs  = $(shell find $(1) -type d ! -path '*/.*')
MO_FILES   := $(patsubst po/%.po,$(BUILD)/locale/%/LC_MESSAGES/fiches.mo,$(wildcard po/*.po))
EMBED_O    := $(BUILD)/gen/templates_embedded.o $(BUILD)/gen/skeleton_embedded.o \
	$(BUILD)/gen/catalogue_embedded.o $(BUILD)/gen/serve_embedded.o \
	$(BUILD)/gen/assets_gz_embedded.o
OBJ        += $(EMBED_O)

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SPEC_SRC := $(sort $(wildcard tests/spec/*.c))
SPEC_BIN := $(SPEC_SRC:tests/spec/%.c=$(BUILD)/tests/%)

.PHONY: all deps site test check-deps install clean fuzz bench
# The program is built by a second make, once the packages are in: what this
# one found missing when it read the Makefile (mimalloc above) is looked for
# again there.
all: deps
	@$(MAKE) --no-print-directory $(BIN) site

deps:
	@sh scripts/deps.sh build

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/gen/templates_embedded.c: scripts/embed-files.sh $(call embed_files,templates) $(call embed_dirs,templates)
	@mkdir -p $(dir $@)
	sh scripts/embed-files.sh template_builtins templates $(call embed_files,templates) > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/skeleton_embedded.c: scripts/embed-files.sh $(call embed_files,skeleton) $(call embed_dirs,skeleton)
	@mkdir -p $(dir $@)
	sh scripts/embed-files.sh project_skeleton skeleton $(call embed_files,skeleton) > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/serve_embedded.c: scripts/embed-files.sh $(call embed_files,generator/serve/panel) \
		$(call embed_dirs,generator/serve/panel)
	@mkdir -p $(dir $@)
	sh scripts/embed-files.sh serve_panel_files generator/serve/panel \
		$(call embed_files,generator/serve/panel) > $@.tmp
	mv $@.tmp $@

# The gzip of each built-in asset a build would precompress, made once here
# by the program's own gzip_compress (scripts/gzip-assets.c): a build whose
# asset is the built-in one stages them (html/precompress.c).
ASSET_FILES = $(call embed_files,templates/assets)
GZIP_ASSETS_SRC = scripts/gzip-assets.c generator/base/gzip.c generator/base/fileio.c \
	generator/base/buf.c generator/base/path.c generator/base/xalloc.c
$(BUILD)/gen/gzip-assets: $(GZIP_ASSETS_SRC) generator/base/gzip.h generator/base/fileio.h \
		generator/html/precompress.h
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(GZIP_ASSETS_SRC) -lz

$(BUILD)/gen/assets_gz_embedded.c: $(BUILD)/gen/gzip-assets scripts/embed-files.sh $(ASSET_FILES) \
		$(call embed_dirs,templates/assets)
	rm -rf $(BUILD)/gen/assets_gz
	mkdir -p $(BUILD)/gen/assets_gz/assets
	$(BUILD)/gen/gzip-assets $(BUILD)/gen/assets_gz templates $(ASSET_FILES)
	sh scripts/embed-files.sh template_gz_builtins $(BUILD)/gen/assets_gz \
		$$(find $(BUILD)/gen/assets_gz -type f | LC_ALL=C sort) > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/catalogue_embedded.c: scripts/embed-files.sh $(MO_FILES)
	@mkdir -p $(dir $@)
	sh scripts/embed-files.sh catalogue_builtins $(BUILD)/locale $(MO_FILES) > $@.tmp
	mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(LIB): $(OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(OBJ)

# Position-independent: linked into a shared object (and into test drivers).
# They depend on the Makefile so that objects compiled before this rule are rebuilt with it.
$(ALL_PLUGIN_OBJ): ALL_CFLAGS += -fPIC -fno-semantic-interposition
$(ALL_PLUGIN_OBJ): Makefile
$(BUILD)/generator/plugin_load.o: ALL_CFLAGS += -DPKGLIBDIR='"$(PKGLIBDIR)"'

$(CORE_LIB): $(CORE_OBJ)
	rm -f $@
	ar rcs $@ $(CORE_OBJ)

$(PLUGIN): $(PLUGIN_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(PLUGIN_LDFLAGS) -o $@ $(PLUGIN_OBJ) -Wl,--as-needed $(PLUGIN_LIBS)
$(SERVE_PLUGIN): $(SERVE_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(PLUGIN_LDFLAGS) -o $@ $(SERVE_OBJ) -Wl,--as-needed $(SERVE_LIBS)

# Every symbol the plugin's objects leave undefined is exported when the
# program defines it (the others, libraries' symbols, are ignored by the
# linker); those the program's own objects define are kept with -u. The
# replacements are exported whoever calls them.
$(PLUGIN_EXPORTS): $(ALL_PLUGIN_OBJ)
	{ echo '{'; echo '	__snprintf_chk;'; echo '	deflateInit_;'; \
	  nm -u $(ALL_PLUGIN_OBJ) | awk '$$1 == "U" || $$1 == "w" { print "\t" $$2 ";" }' | sort -u; \
	  echo '};'; } > $@.tmp
	mv $@.tmp $@
$(PLUGIN_KEEP): $(ALL_PLUGIN_OBJ) $(CORE_OBJ)
	nm -u $(ALL_PLUGIN_OBJ) | awk '$$1 == "U" || $$1 == "w" { print $$2 }' | sort -u > $@.u
	nm -g --defined-only $(CORE_OBJ) | awk 'NF == 3 { print $$3 }' | sort -u > $@.d
	comm -12 $@.u $@.d | sed 's/^/-Wl,-u,/' > $@.tmp
	rm -f $@.u $@.d
	mv $@.tmp $@

$(BIN): $(BUILD)/generator/main.o $(CORE_LIB) $(PLUGIN_EXPORTS) $(PLUGIN_KEEP) $(PLUGIN) $(SERVE_PLUGIN) \
		$(MO_FILES)
	$(CC) $(CFLAGS) $(LDFLAGS) $(CORE_LINK) -o $@ $(BUILD)/generator/main.o $(MALLOC_LIBS) $(CORE_LIB) \
		$(CORE_LIBS)

# The program with its replacements of library functions hidden from the
# libraries (tests/replacements/unreached.ver): the fallbacks' test.
# Its plugin, named after it, hides them too.
UNREACHED = $(BUILD)/tests/fiches-unreached
UNREACHED_PLUGIN = $(BUILD)/tests/fiches-unreached-pdf.so
$(UNREACHED_PLUGIN): $(PLUGIN_OBJ) tests/replacements/unreached.ver
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $(PLUGIN_LDFLAGS) -Wl,--version-script=tests/replacements/unreached.ver \
		-o $@ $(PLUGIN_OBJ) -Wl,--as-needed $(PLUGIN_LIBS)
$(UNREACHED): $(BUILD)/generator/main.o $(CORE_LIB) $(PLUGIN_EXPORTS) $(PLUGIN_KEEP) $(UNREACHED_PLUGIN) \
		$(SERVE_PLUGIN) tests/replacements/unreached.ver
	@mkdir -p $(dir $@)
	ln -sf ../fiches-serve.so $@-serve.so
	$(CC) $(CFLAGS) $(LDFLAGS) -Wl,--version-script=tests/replacements/unreached.ver $(CORE_LINK) -o $@ \
		$(BUILD)/generator/main.o $(MALLOC_LIBS) $(CORE_LIB) $(CORE_LIBS)

# The program linked with cmark-gfm's static libraries, as STATIC=1 links
# it, without compiling everything again: only cmark_special.c differs
# (FICHES_STATIC_CMARK), and its object, linked before the library,
# keeps the library's own from being taken. tests/replacements checks it.
STATIC_CMARK = $(BUILD)/tests/fiches-static-cmark
$(BUILD)/tests/cmark_special_static.o: generator/load/cmark_special.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFICHES_STATIC_CMARK -c $< -o $@
# Its plugin is the program's (a link beside it).
$(STATIC_CMARK): $(BUILD)/generator/main.o $(BUILD)/tests/cmark_special_static.o $(CORE_LIB) \
		$(PLUGIN_EXPORTS) $(PLUGIN_KEEP) $(PLUGIN) $(SERVE_PLUGIN)
	@mkdir -p $(dir $@)
	ln -sf ../fiches-serve.so $@-serve.so
	$(CC) $(CFLAGS) $(LDFLAGS) $(CORE_LINK) -o $@ $(BUILD)/generator/main.o \
		$(BUILD)/tests/cmark_special_static.o $(MALLOC_LIBS) $(CORE_LIB) $(CORE_CMARK_STATIC_LIBS)
	ln -sf ../fiches-pdf.so $@-pdf.so

$(BUILD)/locale/%/LC_MESSAGES/fiches.mo: po/%.po
	@mkdir -p $(dir $@)
	msgfmt -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< $(LIB) $(LIBS) $(shell pkg-config --libs cmocka)

$(BUILD)/tests/%: tests/spec/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

site: $(BIN)
	$(BIN) build

test:
	@sh scripts/deps.sh test
	@$(MAKE) --no-print-directory $(BIN) $(UNIT_BIN) $(SPEC_BIN) $(UNREACHED) $(STATIC_CMARK)
	@BUILD=$(BUILD) SANITIZE=$(SANITIZE) TSAN=$(TSAN) sh tests/run.sh

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(LOCALEDIR)/fr/LC_MESSAGES
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/fiches
	install -d $(DESTDIR)$(PKGLIBDIR)
	install -m 644 $(PLUGIN) $(DESTDIR)$(PKGLIBDIR)/fiches-pdf.so
	install -m 644 $(SERVE_PLUGIN) $(DESTDIR)$(PKGLIBDIR)/fiches-serve.so
	cp -R templates $(DESTDIR)$(DATADIR)/
	install -m 644 man/fiches.1 $(DESTDIR)$(MANDIR)/man1/fiches.1
	install -m 644 man/fiches.5 $(DESTDIR)$(MANDIR)/man5/fiches.5
	install -m 644 $(BUILD)/locale/fr/LC_MESSAGES/fiches.mo $(DESTDIR)$(LOCALEDIR)/fr/LC_MESSAGES/fiches.mo

bench: $(BIN)
	@sh scripts/deps.sh bench
	sh bench/run.sh
	sh bench/pdf.sh
	sh bench/search/run.sh
	@sh scripts/deps.sh test
	SEARCH_PHONE_QUERIES=10 node tests/browser/t_search_phone.mjs
	node bench/serve.mjs

clean:
	rm -rf build

-include $(OBJ:.o=.d) $(BUILD)/generator/main.d $(BUILD)/generator/pdf_plugin.d $(BUILD)/generator/serve_plugin.d

# The editor's script and style are built into the program (.incbin), and
# so is CodeMirror from libjs-codemirror, as one minified script and its
# style sheet (scripts/codemirror-bundle.sh; uglifyjs when installed). One
# path for every build variant: edit_assets.c names it.
EDITOR_ASSETS := $(wildcard generator/serve/editor/*)
CODEMIRROR_DIR ?= /usr/share/javascript/codemirror
CM_BUNDLE := build/gen/codemirror-atelier
$(CM_BUNDLE).js: scripts/codemirror-bundle.sh $(wildcard $(CODEMIRROR_DIR)/lib/codemirror.js \
		$(CODEMIRROR_DIR)/lib/codemirror.css $(CODEMIRROR_DIR)/addon/mode/overlay.js \
		$(CODEMIRROR_DIR)/mode/markdown/markdown.js $(CODEMIRROR_DIR)/mode/yaml/yaml.js \
		$(CODEMIRROR_DIR)/mode/yaml-frontmatter/yaml-frontmatter.js \
		$(CODEMIRROR_DIR)/addon/edit/continuelist.js)
	sh scripts/codemirror-bundle.sh $(CODEMIRROR_DIR) $(CM_BUNDLE)
$(BUILD)/generator/serve/edit_assets.o: $(EDITOR_ASSETS) $(CM_BUNDLE).js

# ---- Fuzzing and Valgrind (tests/fuzz, tests/sanitize; see docs/HARDENING.md) ----
# `make fuzz` builds one libFuzzer binary per parser with clang (the generator
# sources are recompiled with clang into build/fuzz, not taken from the gcc
# library) and runs each for FUZZ_SECONDS on a corpus seeded from content/,
# tests/ and ../shared/testdata; crashes are kept in build/fuzz/crashes.
# `make fuzz-smoke` runs each for FUZZ_SMOKE_SECONDS (what `make test` does).
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 300
FUZZ_SMOKE_SECONDS ?= 5
FUZZ_DIR       = build/fuzz
FUZZ_SAN       = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS    = -std=c11 -D_GNU_SOURCE $(CPPFLAGS) -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	-DLOCALEDIR='"$(LOCALEDIR)"' \
	-DFUZZ_SOURCE_ROOT='"$(CURDIR)"' \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null) $(addprefix -iquote ,$(GEN_DIRS))
FUZZ_TARGETS  := $(patsubst tests/fuzz/%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_OBJ      := $(SRC:%.c=$(FUZZ_DIR)/obj/%.o) $(FUZZ_DIR)/obj/gen/templates_embedded.o \
	$(FUZZ_DIR)/obj/gen/skeleton_embedded.o $(FUZZ_DIR)/obj/gen/catalogue_embedded.o \
	$(FUZZ_DIR)/obj/gen/serve_embedded.o $(FUZZ_DIR)/obj/gen/assets_gz_embedded.o

$(FUZZ_DIR)/obj/generator/serve/edit_assets.o: $(EDITOR_ASSETS) $(CM_BUNDLE).js
$(FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/obj/gen/%.o: $(BUILD)/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_DIR)/libfiches.a: $(FUZZ_OBJ)
	rm -f $@
	ar rcs $@ $(FUZZ_OBJ)

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_DIR)/libfiches.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LDFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libfiches.a $(LIBS)

.PHONY: fuzz-build fuzz-smoke valgrind
fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)
	python3 tests/crash/t_crash.py

fuzz-smoke: fuzz-build
	FUZZ_SECONDS=$(FUZZ_SMOKE_SECONDS) sh tests/fuzz/run.sh $(FUZZ_TARGETS)

valgrind: $(BIN)
	FICHES=$(CURDIR)/$(BIN) sh tests/sanitize/t_valgrind.sh

-include $(FUZZ_OBJ:.o=.d)
$(FUZZ_DIR)/obj/generator/serve/edit_assets.o: $(EDITOR_ASSETS)
# ---- end of fuzzing and Valgrind ----
