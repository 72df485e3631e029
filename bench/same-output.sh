#!/bin/sh
# bench/same-output.sh [REV]: does this tree's fiches write the same site as REV's?
#
# An optimisation must not change a byte of the output. This builds REV's
# fiches (default: where this branch left main, `git merge-base HEAD main`,
# so that changes merged by others are not counted) from `git archive` into
# bench/work/ref-COMMIT (kept), and this tree's build/fiches (make), then
# runs both on
#   - the TAT site (the repository's content/), and
#   - a bench corpus (bench/gencorpus, SIZE fiches, default 1000),
# each with --no-pdf into a fresh directory, and compares the two trees
# file by file (names and bytes; .fiches-manifest included, which records
# the size and hash of every file). Exit 0 when every tree is identical,
# 1 with the differing files listed otherwise.
#
#   SIZE=200 bench/same-output.sh      # a smaller corpus
#   bench/same-output.sh HEAD~3        # against another revision
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"

rev=${1:-$(git merge-base HEAD main)}
SIZE=${SIZE:-1000}
case $SIZE in '' | *[!0-9]*) echo "same-output.sh: SIZE must be a number" >&2; exit 2 ;; esac
commit=$(git rev-parse --verify "$rev^{commit}") || { echo "same-output.sh: unknown revision '$rev'" >&2; exit 2; }
work=$root/bench/work
ref=$work/ref-$(echo "$commit" | cut -c1-12)
cmp_dir=$work/same-output

# REV's program, built once per commit from its own sources.
if [ ! -x "$ref/build/fiches" ]; then
	echo "== building $rev ($commit) in $ref"
	rm -rf "$ref"
	mkdir -p "$ref"
	git archive "$commit" | tar -x -C "$ref"
	make -s -C "$ref" build/fiches >"$work/ref-build.log" 2>&1 ||
		{ echo "same-output.sh: building $rev failed, see $work/ref-build.log" >&2; exit 2; }
fi
echo "== building this tree"
make -s build/fiches >/dev/null
make -s -C bench >/dev/null

# The bench corpus, as bench/run.sh makes it (repository templates linked in).
corpus=$work/same-c$SIZE
if [ ! -f "$corpus/.complete" ]; then
	rm -rf "$corpus"
	"$work/bin/gencorpus" "$SIZE" "$corpus" >/dev/null
	ln -s "$root/templates" "$corpus/templates"
	touch "$corpus/.complete"
fi

status=0
# compare NAME DIR: builds DIR with both programs and compares the outputs.
compare() {
	name=$1 dir=$2
	rm -rf "$cmp_dir/$name-ref" "$cmp_dir/$name-new"
	mkdir -p "$cmp_dir"
	if ! "$ref/build/fiches" build -q --no-pdf -C "$dir" -o "$cmp_dir/$name-ref" >"$cmp_dir/$name-ref.log" 2>&1; then
		echo "same-output.sh: $rev's build of $name failed, see $cmp_dir/$name-ref.log" >&2
		status=2
		return
	fi
	if ! build/fiches build -q --no-pdf -C "$dir" -o "$cmp_dir/$name-new" >"$cmp_dir/$name-new.log" 2>&1; then
		echo "$name: this tree's build FAILED, see $cmp_dir/$name-new.log"
		status=1
		return
	fi
	nfiles=$(find "$cmp_dir/$name-new" -type f | wc -l | tr -d ' ')
	if diff -r -q "$cmp_dir/$name-ref" "$cmp_dir/$name-new" >"$cmp_dir/$name.diff" 2>&1; then
		echo "$name: identical ($nfiles files)"
		rm -rf "$cmp_dir/$name-ref" "$cmp_dir/$name-new"
	else
		echo "$name: DIFFERENT ($(wc -l <"$cmp_dir/$name.diff" | tr -d ' ') entries, trees kept in $cmp_dir):"
		head -n 20 "$cmp_dir/$name.diff"
		status=1
	fi
}

compare tat "$root"
compare "c$SIZE" "$corpus"
exit $status
