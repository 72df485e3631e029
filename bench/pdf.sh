#!/bin/sh
# Booklet speed: fiches typesetting the complete guide, side by side with
# WeasyPrint making a PDF of the same booklet's print HTML (public/print/), in one
# run, alternating, ROUNDS times; prints medians, peak memory, page counts and ratios.
# `fiches booklet` lays the booklet's parts out on two threads (generator/pdf/part_lanes.c):
# the CPU column (user + system) shows what both took; FICHES_LAYOUT_LANES=1 keeps one.
# Usage: bench/pdf.sh   (after `make`; needs the Debian packages weasyprint and time)
set -eu
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-5}
FICHES=${FICHES:-build/fiches}
out=bench/work/pdf
mkdir -p "$out"
command -v weasyprint >/dev/null || { echo "bench/pdf.sh: install the Debian package weasyprint" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "bench/pdf.sh: install the Debian package time" >&2; exit 1; }
"$FICHES" build -q -o "$out/site"
html="$out/site/print/guide-complet.html"
: > "$out/raw.txt"
i=1
while [ "$i" -le "$ROUNDS" ]; do
	/usr/bin/time -f "fiches %e %M %U %S" -a -o "$out/raw.txt" "$FICHES" booklet guide-complet -q -o "$out/fiches.pdf"
	/usr/bin/time -f "weasyprint %e %M %U %S" -a -o "$out/raw.txt" weasyprint -q "$html" "$out/weasyprint.pdf"
	i=$((i + 1))
done
median() { grep "^$1 " "$out/raw.txt" | awk '{print '"$2"'}' | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
fw=$(median fiches '$2'); fm=$(median fiches '$3'); ww=$(median weasyprint '$2'); wm=$(median weasyprint '$3')
fc=$(median fiches '$4 + $5'); wc=$(median weasyprint '$4 + $5')
fp=$(pdfinfo "$out/fiches.pdf" | awk '/^Pages/ {print $2}')
wp=$(pdfinfo "$out/weasyprint.pdf" | awk '/^Pages/ {print $2}')
echo "| tool | wall s (median of $ROUNDS) | CPU s | peak MiB | pages |"
echo "| --- | ---: | ---: | ---: | ---: |"
echo "| fiches booklet guide-complet | $fw | $fc | $((fm / 1024)) | $fp |"
echo "| weasyprint print/guide-complet.html | $ww | $wc | $((wm / 1024)) | $wp |"
echo "ratio WeasyPrint / fiches, wall time: $(echo "$ww $fw" | awk '{printf "%.1f", $1 / $2}')"
