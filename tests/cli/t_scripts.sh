#!/bin/sh
# Every shell script of the repository parses under the shell its first
# line names: the bench and CI scripts run rarely (make bench, .ci/run), so
# a quoting slip there (an apostrophe inside a single-quoted awk program,
# say) would otherwise show only after minutes of timed rounds.
# Run from the repository root.
set -u
passed=0 failed=0
for f in $(find scripts bench .ci tests -name node_modules -prune -o -type f \
		\( -name '*.sh' -o -path .ci/run \) -print | sort); do
	# tests/run.sh starts under sh and runs itself again under bash.
	if head -n 1 "$f" | grep -q bash || grep -q '^\[ -n "\${BASH_VERSION:-}" \] || exec bash' "$f"; then
		shell=bash
	else
		shell=sh
	fi
	if err=$($shell -n "$f" 2>&1); then
		echo "ok - $f parses under $shell"
		passed=$((passed + 1))
	else
		echo "FAIL - $f does not parse under $shell: $err"
		failed=$((failed + 1))
	fi
done
# The check itself must be able to fail: a script with an unclosed quote.
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT INT TERM
printf "#!/bin/sh\nawk '{ print \"Hugo's\" }'\n{ echo\n" >"$tmp"
if sh -n "$tmp" 2>/dev/null; then
	echo "FAIL - sh -n accepted a script with an unclosed quote"
	failed=$((failed + 1))
else
	echo "ok - sh -n refuses a script with an unclosed quote"
	passed=$((passed + 1))
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
