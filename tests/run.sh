#!/bin/sh
# Runs every test of the project and prints one summary line that CI reads.
#
# Discovery, so that adding a test never means editing this file:
#   $BUILD/tests/test_*     cmocka unit tests (from tests/unit/test_*.c)
#   $BUILD/tests/spec_*     conformance runners (from tests/spec/spec_*.c)
#   tests/*/t_*.sh, t_*.py, t_*.mjs   end-to-end, content and browser tests
# Each prints its own results; a runner's last "N passed, N failed[, N skipped]"
# line is added to the totals (cmocka's "[  PASSED  ] N test(s)." too).
# ONLY=pattern runs the tests whose path contains pattern.
set -u
BUILD=${BUILD:-build}
export FICHES="$(pwd)/$BUILD/fiches"
export FICHES_ROOT="$(pwd)"
# Under the sanitizers, library-internal caches are not leaks of ours.
export LSAN_OPTIONS="suppressions=$(pwd)/tests/sanitize/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Under ThreadSanitizer, races inside uninstrumented libraries only.
export TSAN_OPTIONS="suppressions=$(pwd)/tests/tsan/tsan.supp${TSAN_OPTIONS:+ $TSAN_OPTIONS}"
passed=0 failed=0 skipped=0 broken=""
outdir=tests/out
mkdir -p "$outdir"
: >"$outdir/durations.txt"

run_one() {
	name=$1; shift
	case "$name" in *"${ONLY:-}"*) ;; *) return ;; esac
	log="$outdir/$(echo "$name" | tr '/' '_').log"
	echo "== $name"
	t0=$(date +%s)
	"$@" >"$log" 2>&1
	status=$?
	t1=$(date +%s)
	tail -n 40 "$log"
	# Wall seconds per suite, kept in tests/out/durations.txt: where the
	# time of `make test` goes (it must stay within 8 minutes on 2 cores).
	echo "-- $name: $((t1 - t0)) s"
	echo "$((t1 - t0)) $name" >>"$outdir/durations.txt"
	p=0 f=0 s=0
	line=$(grep -E '^([A-Za-z]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/^([A-Za-z]+: )?([0-9]+) passed.*/\2/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		s=$(echo "$line" | sed -nE 's/.* ([0-9]+) skipped.*/\1/p')
	else
		p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | tail -n 1 | sed -E 's/.*\] ([0-9]+) test.*/\1/')
		f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | tail -n 1 | sed -E 's/.*\] ([0-9]+) test.*/\1/')
	fi
	passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
	if [ "$status" -ne 0 ]; then
		broken="$broken $name"
		[ "${f:-0}" -eq 0 ] && failed=$((failed + 1))
	fi
}

for t in "$BUILD"/tests/test_* "$BUILD"/tests/spec_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	run_one "$t" "$t"
done
# Under ThreadSanitizer (make test TSAN=1) the unit and thread tests above
# and whole builds are what runs: the end-to-end suites add no threads of
# their own, and would take an hour at TSan's speed.
if [ "${TSAN:-}" = 1 ]; then
	run_one tests/tsan/tsan_build.sh sh tests/tsan/tsan_build.sh
	[ -n "$broken" ] && echo "failing:$broken"
	echo "$passed passed, $failed failed, $skipped skipped"
	[ "$failed" -eq 0 ]
	exit
fi
for t in tests/*/t_*.sh tests/*/t_*.py tests/*/t_*.mjs; do
	[ -f "$t" ] || continue
	case "$t" in
	*.sh) run_one "$t" sh "$t" ;;
	*.py) run_one "$t" python3 "$t" ;;
	*.mjs) run_one "$t" node "$t" ;;
	esac
done

[ -n "$broken" ] && echo "failing:$broken"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
