#!/bin/sh
# Whole builds under ThreadSanitizer (make test TSAN=1, run by tests/run.sh
# in that mode only): the TAT site with its booklets, the basic fixture, the
# TAT site again with four loading/rendering threads, and one booklet laid
# out on two lanes (see below). Any data race ThreadSanitizer reports fails
# the check (exit code 66), as does a build that fails. Prints "N passed,
# N failed" last.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
FICHES=${FICHES:-$root/build/tsan/fiches}
export TSAN_OPTIONS="exitcode=66 halt_on_error=0 second_deadlock_stack=1 suppressions=$root/tests/tsan/tsan.supp"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0 failed=0

one() {
	name=$1; shift
	"$@" >"$tmp/log" 2>&1
	rc=$?
	races=$(grep -c "WARNING: ThreadSanitizer" "$tmp/log")
	if [ "$rc" -eq 0 ] && [ "$races" -eq 0 ]; then
		passed=$((passed + 1)); echo "ok   $name"
	else
		failed=$((failed + 1)); echo "FAIL $name: exit $rc, $races ThreadSanitizer reports"
		grep -A30 "WARNING: ThreadSanitizer" "$tmp/log" | head -80
		tail -5 "$tmp/log"
	fi
}

# Every run lays out with Pango, which starts threads of its own (fontconfig's
# FcInit and font sorts) and hands their results over under GLib's
# futex-based locks, which TSan cannot see. The preloaded glib_sync.c makes
# them visible (and serialises the quark table's public calls, whose lock
# is internal to libglib), and G_SLICE=always-malloc stops GLib 2.74's
# slice allocator from recycling blocks between threads behind TSan's back;
# without both, about 430 reports inside Pango, HarfBuzz and fontconfig for a
# booklet on two lanes, and now and then one for a site's booklets (a block
# Pango's font thread reallocated after the booklet child's layout
# allocated it, seen in CI). Without the quark calls' lock, the booklet on
# two lanes failed 4 runs in 32 (both lanes quark the same data key).
# The program does not link GLib (only fiches-pdf.so does, opened with
# RTLD_LOCAL), so the preload names it (--no-as-needed: it calls nothing
# of GLib's directly): loaded with the program, GLib is where dlsym's
# RTLD_NEXT finds the functions the wrappers stand for.
if ! cc -shared -fPIC -O1 $(pkg-config --cflags glib-2.0) "$root/tests/tsan/glib_sync.c" \
	-o "$tmp/glib_sync.so" -ldl -Wl,--no-as-needed $(pkg-config --libs glib-2.0) 2>"$tmp/cc.log"; then
	echo "FAIL glib_sync.c does not compile"; cat "$tmp/cc.log"
	echo "0 passed, 1 failed"
	exit 1
fi
glib_visible() {
	env G_SLICE=always-malloc LD_PRELOAD="$tmp/glib_sync.so" "$@"
}

one "TAT site and booklets under TSan" glib_visible "$FICHES" build -C "$root" -o "$tmp/tat"
# One booklet laid out on two lanes (what `fiches booklet` and the workshop's
# booklet worker do; a site build typesets each booklet on one thread), with
# the layouts freed and the page furniture laid out on the idle lane.
one "guide booklet on two lanes under TSan" glib_visible "$FICHES" booklet guide-complet -C "$root" -q \
	-o "$tmp/guide.pdf"
one "basic fixture under TSan" glib_visible "$FICHES" build -C "$root/tests/fixtures/basic" -o "$tmp/basic"
one "TAT pages with 4 threads under TSan" glib_visible "$FICHES" build -C "$root" --no-pdf --jobs 4 -o "$tmp/tat4"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
