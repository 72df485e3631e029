#!/bin/sh
# bench/search/run.sh [N]: the search budget on a synthetic corpus of N
# fiches (default 10000) and on the TAT corpus: index size against the HTML,
# load time and query time in Debian's chromium (performance.now() around
# each query, snippets included) and a phone typing (CPU 4x slower, file://
# and http with gzip: first results, each keystroke, bytes per query).
# Report: bench/search/report.md.
#
#   FICHES   the fiches binary (default build/fiches)
# The corpus comes from bench/gencorpus (bench/work/cN, reused when present).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$(dirname "$here")")
cd "$root"
N=${1:-10000}
FICHES=${FICHES:-build/fiches}
work=$root/bench/work/search
mkdir -p "$work"
corpus=$root/bench/work/c$N
if [ ! -f "$corpus/content/site.yaml" ]; then
	make -s -C bench >/dev/null
	corpus=$work/c$N
	rm -rf "$corpus"
	bench/work/bin/gencorpus "$N" "$corpus"
fi
# The build replaces its output directory: nothing is deleted first (mass
# deletions slow every file creation on this ext4 for a minute).
"$FICHES" build --no-pdf -C "$corpus" --templates templates -o "$work/site$N"
"$FICHES" build --no-pdf -C . -o "$work/tat"
node "$here/bench.mjs" "$work/tat" "$work/site$N" "$N" >"$here/report.md"
cat "$here/report.md"
