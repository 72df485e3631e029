#!/bin/sh
# Whole builds under ThreadSanitizer (make test TSAN=1, run by tests/run.sh
# in that mode only): the TAT site with its booklets, the basic fixture, and
# the TAT site again with four loading/rendering threads. Any data race
# ThreadSanitizer reports fails the check (exit code 66), as does a build
# that fails. Prints "N passed, N failed" last.
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

one "TAT site and booklets under TSan" "$FICHES" build -C "$root" -o "$tmp/tat"
one "basic fixture under TSan" "$FICHES" build -C "$root/tests/fixtures/basic" -o "$tmp/basic"
one "TAT pages with 4 threads under TSan" "$FICHES" build -C "$root" --no-pdf --jobs 4 -o "$tmp/tat4"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
