#!/bin/sh
# The program is linked with mimalloc whenever the machine can link it
# (Makefile, MALLOC_LIBS; README, "Libraries"), and sets its options
# (main.c, FICHES_MIMALLOC). A build whose Makefile was read before
# libmimalloc-dev was installed (the README's first `make` on a fresh
# machine) once left it out silently: the program still worked, 15 % slower.
# Sanitizer builds keep the sanitizers' allocator; MIMALLOC=0 leaves it out.
# Run from the repository root.
set -u
FICHES=${FICHES:-build/fiches}
passed=0 failed=0 skipped=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; failed=$((failed + 1)); }
skip() { echo "skip - $1"; skipped=$((skipped + 1)); }

if [ "${SANITIZE:-}" = 1 ] || [ "${TSAN:-}" = 1 ]; then
	skip "sanitizer build: the sanitizer's allocator is used"
elif ! printf 'int main(void){return 0;}\n' | cc -x c - -o /dev/null -lmimalloc 2>/dev/null; then
	skip "mimalloc cannot be linked on this machine (libmimalloc-dev)"
elif [ ! -x "$FICHES" ]; then
	fail "$FICHES is not built"
else
	if ldd "$FICHES" | grep -q 'libmimalloc\.so'; then
		ok "the program is linked with mimalloc"
	else
		fail "mimalloc can be linked but $FICHES is not linked with it (make again)"
	fi
	# mi_option_set is called only when main.c was compiled for mimalloc.
	if nm -D --undefined-only "$FICHES" | grep -q ' mi_option_set$'; then
		ok "main() sets mimalloc's options"
	else
		fail "$FICHES does not set mimalloc's options (main.o compiled without FICHES_MIMALLOC)"
	fi
	# mimalloc's own statistics, printed at exit, show it served the build.
	tmp=$(mktemp -d)
	if MIMALLOC_SHOW_STATS=1 "$FICHES" build --no-pdf -q -C tests/fixtures/basic -o "$tmp/site" \
		>/dev/null 2>"$tmp/err" && grep -q 'heap stats' "$tmp/err"; then
		ok "mimalloc serves a build's allocations"
	else
		fail "a build did not print mimalloc's statistics"
		tail -5 "$tmp/err"
	fi
	rm -rf "$tmp"
fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
