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
#
# Suites run TEST_JOBS at a time (default: the number of cores), the
# longest of the previous run first, so that the short ones fill in around
# them. Suites are independent (each works in its own temporary
# directories and ports), and none asserts wall time, so running them side
# by side changes how long they take, not what they check. TEST_JOBS=1 runs
# them one after the other, in discovery order.
# The browser suites share one Chromium (tests/lib/browser_server.mjs).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
BUILD=${BUILD:-build}
export FICHES="$(pwd)/$BUILD/fiches"
export FICHES_ROOT="$(pwd)"
# Under the sanitizers, library-internal caches are not leaks of ours.
export LSAN_OPTIONS="suppressions=$(pwd)/tests/sanitize/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Under ThreadSanitizer, races inside uninstrumented libraries only.
export TSAN_OPTIONS="suppressions=$(pwd)/tests/tsan/tsan.supp${TSAN_OPTIONS:+ $TSAN_OPTIONS}"
passed=0 failed=0 skipped=0 broken=""
outdir=${TEST_OUT:-tests/out}
mkdir -p "$outdir"
jobs=${TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
# GNU time gives each suite's CPU time (Debian's package « time »).
gnu_time=""
[ -x /usr/bin/time ] && /usr/bin/time -q -f '%U' -o /dev/null true 2>/dev/null && gnu_time=/usr/bin/time

# The previous run's wall time per suite orders this run (longest first).
declare -A before=()
if [ -f "$outdir/durations.txt" ]; then
	while read -r wall _ name; do before[$name]=$wall; done <"$outdir/durations.txt"
fi
: >"$outdir/durations.txt"

logname() { echo "$outdir/$(echo "$1" | tr '/' '_').log"; }

# Runs one suite (in the background): its output in its log, then
# "status wall cpu" in the log's .result file.
run_one() {
	local name=$1 log t0 t1 status cpu
	shift
	log=$(logname "$name")
	t0=$(date +%s)
	if [ -n "$gnu_time" ]; then
		"$gnu_time" -q -f '%U %S' -o "$log.cpu" "$@" >"$log" 2>&1
	else
		"$@" >"$log" 2>&1
	fi
	status=$?
	t1=$(date +%s)
	cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$log.cpu" 2>/dev/null)
	rm -f "$log.cpu"
	echo "$status $((t1 - t0)) ${cpu:--}" >"$log.result"
}

# Prints a finished suite's last lines and adds its counts to the totals.
report() {
	local name=$1 log status wall cpu line p=0 f=0 s=0
	log=$(logname "$name")
	read -r status wall cpu <"$log.result"
	rm -f "$log.result"
	echo "== $name"
	tail -n 40 "$log"
	# Wall and CPU seconds (user + system, the suite and the children it
	# waited for) per suite, kept in tests/out/durations.txt: where the time
	# of `make test` goes (it must stay within 8 minutes on 2 cores). On a
	# shared machine the wall time measures the load; the CPU time does not.
	echo "-- $name: $wall s, CPU $cpu s"
	echo "$wall $cpu $name" >>"$outdir/durations.txt"
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

# The suites to run: "name<TAB>command" lines, filtered by ONLY.
suites=()
add() {
	case "$1" in *"${ONLY:-}"*) ;; *) return ;; esac
	suites+=("$1"$'\t'"$2")
}
for t in "$BUILD"/tests/test_* "$BUILD"/tests/spec_*; do
	[ -x "$t" ] || continue
	case "$t" in *.d|*.o) continue ;; esac
	add "$t" "$t"
done
# Under ThreadSanitizer (make test TSAN=1) the unit and thread tests above
# and whole builds are what runs: the end-to-end suites add no threads of
# their own, and would take an hour at TSan's speed.
if [ "${TSAN:-}" = 1 ]; then
	add tests/tsan/tsan_build.sh "sh tests/tsan/tsan_build.sh"
	add tests/tsan/tsan_serve.py "python3 tests/tsan/tsan_serve.py"
else
	for t in tests/*/t_*.sh tests/*/t_*.py tests/*/t_*.mjs; do
		[ -f "$t" ] || continue
		case "$t" in
		*.sh) add "$t" "sh $t" ;;
		*.py) add "$t" "python3 $t" ;;
		*.mjs) add "$t" "node $t" ;;
		esac
	done
fi
# Longest first (stable: unknown suites keep discovery order, after the known).
if [ "$jobs" -gt 1 ]; then
	mapfile -t suites < <(for i in "${!suites[@]}"; do
		printf '%s\t%s\t%s\n' "${before[${suites[$i]%%$'\t'*}]:--1}" "$i" "${suites[$i]}"
	done | sort -t$'\t' -k1,1nr -k2,2n | cut -f3-)
fi

# One Chromium for the browser suites, when there are some to run.
browser_pid=""
if printf '%s\n' "${suites[@]}" | grep -q '\.mjs'$'\t' && command -v node >/dev/null 2>&1; then
	ws="$outdir/browser.ws"
	rm -f "$ws" "$ws.pid"
	if [ -n "$gnu_time" ]; then
		# Its CPU time is the browser suites' too: reported at the end.
		"$gnu_time" -q -f '%U %S' -o "$outdir/browser_server.cpu" \
			node tests/lib/browser_server.mjs "$ws" >"$outdir/browser_server.log" 2>&1 &
	else
		node tests/lib/browser_server.mjs "$ws" >"$outdir/browser_server.log" 2>&1 &
	fi
	browser_pid=$!
	for _ in $(seq 600); do
		[ -s "$ws" ] || ! kill -0 "$browser_pid" 2>/dev/null && break
		sleep 0.1
	done
	if [ -s "$ws" ]; then
		FICHES_BROWSER_WS=$(cat "$ws")
		export FICHES_BROWSER_WS
	fi
fi

declare -A running=()
finish_one() {
	# Reports every suite that has finished.
	local pid log
	for pid in "${!running[@]}"; do
		log=$(logname "${running[$pid]}")
		if [ ! -f "$log.result" ]; then
			kill -0 "$pid" 2>/dev/null && continue
			echo "1 0 -" >"$log.result"	# killed before it could say
		fi
		wait "$pid" 2>/dev/null
		report "${running[$pid]}"
		unset "running[$pid]"
	done
}
for entry in "${suites[@]}"; do
	name=${entry%%$'\t'*} cmd=${entry#*$'\t'}
	while [ "${#running[@]}" -ge "$jobs" ]; do
		wait -n 2>/dev/null
		finish_one
	done
	# shellcheck disable=SC2086
	run_one "$name" $cmd &
	running[$!]=$name
done
while [ "${#running[@]}" -gt 0 ]; do
	wait -n 2>/dev/null
	finish_one
done

if [ -n "$browser_pid" ]; then
	# The server itself (GNU time would not pass SIGTERM on): it closes
	# Chromium and exits, then GNU time writes its CPU time.
	kill "$(cat "$outdir/browser.ws.pid" 2>/dev/null || echo "$browser_pid")" 2>/dev/null
	wait "$browser_pid" 2>/dev/null
	rm -f "$outdir/browser.ws" "$outdir/browser.ws.pid"
	cpu=$(awk '{ printf "%.1f", $1 + $2 }' "$outdir/browser_server.cpu" 2>/dev/null)
	rm -f "$outdir/browser_server.cpu"
	if [ -n "$cpu" ]; then
		echo "-- shared Chromium (the browser suites' pages): CPU $cpu s"
		echo "- $cpu (shared-chromium)" >>"$outdir/durations.txt"
	fi
fi

[ -n "$broken" ] && echo "failing:$broken"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
