#!/bin/sh
# Runs the fuzz targets named on the command line (default: all built ones)
# for FUZZ_SECONDS each (or until FUZZ_CPU_SECONDS of CPU time), after replaying every kept crash input in
# tests/fuzz/regressions/<target>/. The working corpus is build/fuzz/corpus,
# seeded by seeds.py; new crashes land in build/fuzz/crashes/<target>/.
# Prints one line of figures per target and a final "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
FUZZ_SECONDS=${FUZZ_SECONDS:-300}
dir=build/fuzz
[ $# -gt 0 ] || set -- $(cd $dir && ls fuzz_* 2>/dev/null)
python3 tests/fuzz/seeds.py >/dev/null || exit 1
passed=0 failed=0
for t in "$@"; do
	bin=$dir/$t
	if [ ! -x "$bin" ]; then
		echo "FAIL $t: not built"; failed=$((failed + 1)); continue
	fi
	corpus=$dir/corpus/$t crashes=$dir/crashes/$t logs=${FUZZ_LOGS:-$dir/logs}
	mkdir -p "$corpus" "$crashes" "$logs"
	cp -n "$dir/seeds/$t"/* "$corpus"/ 2>/dev/null
	opts="-timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=2048"
	[ -f "tests/fuzz/$t.dict" ] && opts="$opts -dict=tests/fuzz/$t.dict"
	case $t in
	fuzz_markdown) opts="$opts -max_len=65536" ;;
	fuzz_http_path|fuzz_paths) opts="$opts -max_len=4096" ;;
	*) opts="$opts -max_len=16384" ;;
	esac
	reg=tests/fuzz/regressions/$t
	if [ -d "$reg" ] && [ -n "$(ls "$reg")" ]; then
		if ! "$bin" $opts "$reg"/* >"$logs/$t.regressions.log" 2>&1; then
			echo "FAIL $t: a kept regression input fails again (see $logs/$t.regressions.log)"
			failed=$((failed + 1)); continue
		fi
	fi
	# FUZZ_CPU_SECONDS: run until the target has used that much CPU time
	# (long runs under `nice` on a shared machine), in as many rounds as needed.
	start=$(date +%s) cpu=0 execs=0 round=0 status=0
	: >"$logs/$t.log"
	while :; do
		if [ -n "${FUZZ_CPU_SECONDS:-}" ]; then
			left=$((FUZZ_CPU_SECONDS - cpu))
			[ "$left" -gt 0 ] || break
		else
			[ "$round" -eq 0 ] || break
			left=$FUZZ_SECONDS
		fi
		round=$((round + 1))
		/usr/bin/time -f '%U %S' -o "$logs/$t.cpu" \
			"$bin" $opts -max_total_time="$left" -print_final_stats=1 \
			-artifact_prefix="$crashes/" "$corpus" >"$logs/$t.round.log" 2>&1
		status=$?
		cat "$logs/$t.round.log" >>"$logs/$t.log"
		used=$(awk 'END { printf "%d", $1 + $2 + 0.5 }' "$logs/$t.cpu")
		cpu=$((cpu + used))
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$t.round.log" | tail -n 1)
		execs=$((execs + ${n:-0}))
		[ "$status" -eq 0 ] || break
	done
	secs=$(( $(date +%s) - start ))
	last=$(grep -aE '^#[0-9]+' "$logs/$t.log" | tail -n 1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	files=$(ls "$corpus" | wc -l)
	line="$t: $execs executions, cov ${cov:-?}, ft ${ft:-?}, corpus $files, ${secs} s wall, ${cpu} s CPU"
	if [ "$status" -eq 0 ]; then
		echo "ok   $line"; passed=$((passed + 1))
	else
		echo "FAIL $line: exit $status, see $logs/$t.log and $crashes/"
		grep -aE '^(==[0-9]+==ERROR|SUMMARY|.*runtime error)' "$logs/$t.log" | head -n 5
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
