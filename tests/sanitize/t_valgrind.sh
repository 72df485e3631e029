#!/bin/sh
# Valgrind memcheck of a full build of content/ (without PDF): fails on any
# memory error or definitely-lost byte. Skipped when valgrind is missing or
# when $FICHES is a sanitizer build (ASan and Valgrind do not mix).
cd "$(dirname "$0")/../.."
FICHES=${FICHES:-build/fiches}
case "$FICHES" in
*sanitize*)
	echo "skip: $FICHES is built with sanitizers"
	echo "0 passed, 0 failed, 1 skipped"; exit 0 ;;
esac
if ! command -v valgrind >/dev/null 2>&1; then
	echo "skip: valgrind not found"
	echo "0 passed, 0 failed, 1 skipped"; exit 0
fi
out=$(mktemp -d)
log=$out.log
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --track-origins=yes --log-file="$log" \
	"$FICHES" build --no-pdf -j 2 -o "$out/public" >/dev/null 2>"$out.err"
status=$?
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -n 1)
lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -n 1 | tr -d ,)
echo "valgrind: exit $status, ${errors:-?} errors, ${lost:-0} bytes definitely lost"
if [ "$status" -eq 0 ] && [ "${errors:-1}" -eq 0 ] && [ "${lost:-0}" -eq 0 ]; then
	echo "ok   memcheck of a full build of content/"
	echo "1 passed, 0 failed"
	rm -rf "$out" "$log" "$out.err"
	exit 0
fi
grep -E '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|.*definitely lost|   (at|by) )' "$log" | head -n 40
cat "$out.err" | tail -n 5
echo "FAIL memcheck of a full build of content/ (log: $log)"
echo "0 passed, 1 failed"
rm -rf "$out"
exit 1
