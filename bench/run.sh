#!/bin/sh
# bench/run.sh [SIZES...]: times fiches, Hugo, the single-core CPU floor and
# the write floor on the same synthetic corpora, in one run, and reports
# medians, ratios and whether issue 16's targets are met.
#
#   SIZES    numbers of fiches (default: 1000 10000)
#   ROUNDS   timed rounds per tool and size (default 5)
#   FICHES   the fiches binary (default build/fiches, built by the root Makefile)
#   SETTLE   seconds to wait after the last removal before timing (default 370)
#   SEED     corpus seed (default: gencorpus's own)
#
# Each round runs the tools one after the other, so a machine that
# slows down during the run (thermal limits, a noisy neighbour) penalises all
# alike; medians then drop the outliers. Every build writes into a fresh,
# absent output directory: a cold full build, never an incremental one.
# The input files are in the page cache (an untimed warm-up run reads them
# first), so the figures measure work, not reading the disk.
#
# No output is deleted before the end of the run, and each timed run starts
# after a sync: on ext4 without a journal, creating a file skips every inode
# freed in the last minutes (five if not yet written back), so a tool timed
# right after another's output was removed paid for that removal, by the
# order of the tools. The corpora are only generated again when gencorpus
# or the Hugo templates changed, for the same reason.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
cd "$root"

SIZES=${*:-1000 10000}
ROUNDS=${ROUNDS:-5}
FICHES=${FICHES:-build/fiches}
work=$root/bench/work
out=$work/out
logs=$work/logs
raw=$work/raw.txt
report=$work/report.md

case $ROUNDS in '' | *[!0-9]* | 0) echo "run.sh: ROUNDS must be a positive integer" >&2; exit 2 ;; esac
for n in $SIZES; do
	case $n in '' | *[!0-9]*) echo "run.sh: size '$n' is not a number" >&2; exit 2 ;; esac
done

# GNU time gives peak RSS (%M); the shell keyword does not.
if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y time >/dev/null
	else
		echo "run.sh: /usr/bin/time missing: apt-get install time" >&2
		exit 3
	fi
fi

make -s -C bench >/dev/null
rm -f "$raw" "$work/growth-failed"

# Availability of each tool, decided once. fiches is being written while this
# harness exists, so a missing or broken binary is reported, not fatal.
fiches_ok=0 fiches_why="not built ($FICHES missing; run make)"
if [ -x "$FICHES" ]; then
	if "$FICHES" --version >/dev/null 2>&1; then
		fiches_ok=1
		fiches_version=$("$FICHES" --version 2>&1 | head -n 1)
	else
		fiches_why="'$FICHES --version' fails"
	fi
fi
hugo_ok=0 hugo_why="not installed (apt-get install hugo)"
if command -v hugo >/dev/null; then
	hugo_ok=1
	hugo_version=$(hugo version | head -n 1)
fi

# measure TOOL SIZE ROUND CMD...: appends "tool size round status wall KiB user sys".
# The previous runs' files are written back first (untimed), so that no
# run pays for another's.
measure() {
	tool=$1 size=$2 round=$3
	shift 3
	sync
	tf=$out/time.txt
	status=0
	/usr/bin/time -f '%e %M %U %S' -o "$tf" "$@" >"$logs/$tool-$size.log" 2>&1 || status=$?
	# On failure GNU time writes "Command exited..." first; the figures are last.
	# shellcheck disable=SC2046 # splitting the four figures is the point
	set -- $(tail -n 1 "$tf") 0 0 0 0
	echo "$tool $size $round $status $1 $2 $3 $4" >>"$raw"
	return "$status"
}

count_html() { find "$1" -name '*.html' 2>/dev/null | wc -l | tr -d ' '; }

# removed DIR...: removes the trees and notes when, for settle.
removed() {
	rm -rf "$@"
	date +%s >"$work/removed-at"
}

# settle: waits, before the first timed round, until the last removal (this
# run's, or the end of a previous run's) is six minutes old. ext4 without a
# journal (this machine's disk) skips, for every file it creates, each inode
# freed in the last 60 s, or 360 s while the inode's table block is not yet
# written back: a 10 000-fiche build 20 s after removing a previous run's
# outputs took 5.8 s instead of 2.1 s, 8.2 s of it in the kernel
# (docs/HACKING.md, session 14), and a minute's wait after a sync was not
# enough (session 17, search17: the search's 8 440 fragments still paid
# 2.2 s of system time 70 s after a removal, 0.9 s after 2 min, 0.16 s
# after 6 min). SETTLE=seconds shortens it for a quick look.
settle() {
	sync
	[ -f "$work/removed-at" ] || return 0
	left=$(($(cat "$work/removed-at") + ${SETTLE:-370} - $(date +%s)))
	if [ "$left" -gt 0 ]; then
		echo "== waiting ${left} s: files removed less than six minutes ago slow file creation"
		sleep "$left"
	fi
}

# Outputs of an interrupted run, removed before anything is timed.
if [ -e "$out" ]; then
	removed "$out"
fi
mkdir -p "$out" "$logs"

# What a corpus is made from: regenerated only when that changes.
stamp="$(cksum <"$work/bin/gencorpus") $(find bench/hugo-layouts -type f -exec cksum {} + | sort | cksum) ${SEED:-}"
corpus_info=""
for n in $SIZES; do
	c=$work/c$n
	echo "== corpus c$n"
	if [ -f "$c/.stamp" ] && [ "$(cat "$c/.stamp")" = "$stamp" ]; then
		info=$(cat "$c/.info")
		echo "$info (kept)"
	else
		removed "$c"
		info=$("$work/bin/gencorpus" "$n" "$c" ${SEED:+"$SEED"})
		echo "$info"
		cp -R bench/hugo-layouts "$c/hugo/layouts"
		# fiches uses DIR/templates when present: point it at the repository's
		# templates, so the bench measures the templates the project ships.
		ln -s "$root/templates" "$c/templates"
		echo "$info" >"$c/.info"
		echo "$stamp" >"$c/.stamp"
	fi
	mdfiles=$(find "$c/content" -name '*.md' | wc -l | tr -d ' ')
	mb=$(find "$c/content" -type f -exec cat {} + | wc -c | awk '{ printf "%.1f", $1 / 1e6 }')
	body=$(echo "$info" | sed -n 's/.*average body \([0-9]*\) bytes.*/\1/p')
	corpus_info="$corpus_info| $n | $mdfiles | $mb | $body |
"
done

# An untimed warm-up per tool and size: checks that the corpus builds,
# counts the pages each tool writes, and fills the page cache.
fiches_pages="" hugo_pages=""
for n in $SIZES; do
	c=$work/c$n
	if [ "$fiches_ok" = 1 ]; then
		if "$FICHES" build --no-pdf -C "$c" -o "$out/fiches-warm-$n" >"$logs/fiches-$n-warmup.log" 2>&1; then
			fiches_pages="$fiches_pages $n:$(count_html "$out/fiches-warm-$n")"
			# The files the build writes, for the write floor.
			(cd "$out/fiches-warm-$n" && find . -type f -printf '%s %P\n') >"$work/files-$n.txt"
		else
			st=$?
			fiches_ok=0
			fiches_why="build of c$n failed (exit $st), see bench/work/logs/fiches-$n-warmup.log"
			echo "fiches: $fiches_why" >&2
			head -n 20 "$logs/fiches-$n-warmup.log" >&2
		fi
	fi
	if [ "$hugo_ok" = 1 ]; then
		if hugo --quiet -s "$c/hugo" -d "$out/hugo-warm-$n" >"$logs/hugo-$n-warmup.log" 2>&1; then
			hugo_pages="$hugo_pages $n:$(count_html "$out/hugo-warm-$n")"
		else
			hugo_ok=0
			hugo_why="build of c$n failed, see bench/work/logs/hugo-$n-warmup.log"
			echo "hugo: $hugo_why" >&2
		fi
	fi
	"$work/bin/floor" "$c/content" >"$logs/floor-$n-warmup.log"
done

settle
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
: >"$work/load.txt"
for n in $SIZES; do
	c=$work/c$n
	r=1
	while [ "$r" -le "$ROUNDS" ]; do
		load=$(cut -d' ' -f1 /proc/loadavg)
		echo "$load" >>"$work/load.txt"
		printf '== c%s round %s/%s (load %s):' "$n" "$r" "$ROUNDS" "$load"
		if [ "$fiches_ok" = 1 ]; then
			measure fiches "$n" "$r" "$FICHES" build --no-pdf -C "$c" -o "$out/fiches-$n-$r" || true
			printf ' fiches %ss' "$(tail -n 1 "$raw" | cut -d' ' -f5)"
		fi
		if [ "$hugo_ok" = 1 ]; then
			measure hugo "$n" "$r" hugo --quiet -s "$c/hugo" -d "$out/hugo-$n-$r" || true
			printf ' hugo %ss' "$(tail -n 1 "$raw" | cut -d' ' -f5)"
		fi
		measure floor "$n" "$r" "$work/bin/floor" "$c/content" || true
		printf ' floor %ss' "$(tail -n 1 "$raw" | cut -d' ' -f5)"
		if [ -f "$work/files-$n.txt" ]; then
			if measure writesync "$n" "$r" "$work/bin/writefloor" "$work/files-$n.txt" "$out/write-$n-$r"; then
				# The creation alone, as writefloor timed it inside the run.
				created=$(sed -n 's/.*created in \([0-9.]*\) s.*/\1/p' "$logs/writesync-$n.log")
				tail -n 1 "$raw" | awk -v c="$created" '{ $1 = "write"; $5 = c; print }' >>"$raw"
				printf ' write %ss (with sync %ss)' "$created" "$(tail -n 2 "$raw" | head -n 1 | cut -d' ' -f5)"
			fi
		fi
		echo
		r=$((r + 1))
	done
done
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

# Medians and ratios, printed and written as Markdown.
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
loads=$(sort -n "$work/load.txt" | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }')
{
	echo "# fiches benchmark"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPU(s) ${cpu:+($cpu)}, $ROUNDS rounds, medians."
	echo "Load average (1, 5, 15 min): $load_start at the start, $load_end at the end; $loads (1 min) when the rounds began."
	echo
	echo "- fiches: $( [ "$fiches_ok" = 1 ] && echo "$fiches_version" || echo "not available: $fiches_why")"
	echo "- Hugo: $( [ "$hugo_ok" = 1 ] && echo "$hugo_version" || echo "not available: $hugo_why")"
	echo "- floor: libyaml $(pkg-config --modversion yaml-0.1) + cmark-gfm $(pkg-config --modversion libcmark-gfm), one thread"
	echo "- write: bench/writefloor creating the files of fiches' output (same paths and sizes, filler bytes) on two threads, nothing else; write+sync: then one syncfs, as fiches does before swapping its tree in"
	echo
	echo "Corpus (bench/gencorpus):"
	echo
	echo "| fiches | .md files | content MB | average body (bytes) |"
	echo "| ---: | ---: | ---: | ---: |"
	printf '%s' "$corpus_info"
	echo
	awk -v sizes="$SIZES" -v fok="$fiches_ok" -v hok="$hugo_ok" -v growth_flag="$work/growth-failed" \
		-v fwhy="$fiches_why" -v hwhy="$hugo_why" \
		-v fpages="$fiches_pages" -v hpages="$hugo_pages" '
	function median(list,   a, n, i, j, t) {
		n = split(list, a, " ")
		for (i = 2; i <= n; i++)   # insertion sort: n is the round count
			for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		if (n == 0) return ""
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	function pages(spec, n,   a, k, i, p) {
		k = split(spec, a, " ")
		for (i = 1; i <= k; i++) { split(a[i], p, ":"); if (p[1] == n) return p[2] }
		return "-"
	}
	function ratio(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : sprintf("%.2f", a / b) }
	# ratio_row(LABEL, F, A, B[, C]): a row of the ratio table, F[A] / F[B]
	# (/ (F[B] + F[C]) when C is given) at each size.
	function ratio_row(label, f, a, b, c,   line, i, d) {
		line = "| " label " |"
		for (i = 1; i <= ns; i++) {
			d = f[b SUBSEP sz[i]]
			if (c != "") d = d + f[c SUBSEP sz[i]]
			line = line " " ratio(f[a SUBSEP sz[i]], d) " |"
		}
		print line
	}
	# exact(A, B): A / B unrounded, for judging a target (a memory ratio of 0.2533
	# is not within a quarter, though it prints as 0.25).
	function exact(a, b) { return (a == "" || b == "" || b + 0 == 0) ? "n/a" : a / b }
	# target(VALUE, OP, LIMIT): "met" or "NOT MET" ("n/a" without a value).
	function target(v, op, lim) {
		if (v == "n/a") return "n/a"
		return (op == ">=" ? v + 0 >= lim : v + 0 <= lim) ? "met" : "NOT MET"
	}
	{
		k = $1 SUBSEP $2
		if ($4 != 0) { failed[k]++; next }
		wall[k] = wall[k] " " $5; rss[k] = rss[k] " " $6; cpu[k] = cpu[k] " " ($7 + $8)
		walls[k] = walls[k] (walls[k] == "" ? "" : ", ") $5
	}
	END {
		ns = split(sizes, sz, " ")
		split("fiches hugo floor write writesync", tools, " ")
		print "| fiches | tool | wall s | single rounds, wall s | CPU s (user+sys) | peak MiB | HTML pages |"
		print "| ---: | --- | ---: | --- | ---: | ---: | ---: |"
		for (i = 1; i <= ns; i++) for (t = 1; t <= 5; t++) {
			n = sz[i]; tool = tools[t]; k = tool SUBSEP n
			name = tool == "writesync" ? "write+sync" : tool
			if (tool == "fiches" && !fok) { printf "| %s | fiches | not available | | | | |\n", n; continue }
			if (tool == "hugo" && !hok) { printf "| %s | hugo | not available | | | | |\n", n; continue }
			if ((tool == "write" || tool == "writesync") && wall[k] == "" && !failed[k]) continue
			if (wall[k] == "") { printf "| %s | %s | failed (%d runs) | | | | |\n", n, name, failed[k]; continue }
			W[k] = median(wall[k]); M[k] = median(rss[k]) / 1024; C[k] = median(cpu[k])
			pg = tool == "fiches" ? pages(fpages, n) : tool == "hugo" ? pages(hpages, n) : \
			     tool == "floor" ? "(in memory)" : "(files only)"
			if (tool == "write")
				printf "| %s | write | %.2f | %s | | | %s |\n", n, W[k], walls[k], pg
			else
				printf "| %s | %s | %.2f | %s | %.2f | %.1f | %s |\n", n, name, W[k], walls[k], C[k], M[k], pg
		}
		print ""
		hdr = "| ratio |"; for (i = 1; i <= ns; i++) hdr = hdr " " sz[i] " fiches |"; print hdr
		hdr = "| --- |"; for (i = 1; i <= ns; i++) hdr = hdr " ---: |"; print hdr
		ratio_row("Hugo / fiches, wall time (higher: fiches faster)", W, "hugo", "fiches")
		ratio_row("fiches / Hugo, peak memory (lower: fiches leaner)", M, "fiches", "hugo")
		ratio_row("fiches / write floor, wall time (creating the files alone)", W, "fiches", "write")
		ratio_row("fiches / write+sync floor, wall time", W, "fiches", "writesync")
		ratio_row("Hugo / write floor, wall time", W, "hugo", "write")
		ratio_row("fiches / CPU floor, wall time", W, "fiches", "floor")
		ratio_row("fiches / (CPU floor + write floor), wall time", W, "fiches", "floor", "write")
		if (ns >= 2) {
			lo = sz[1]; hi = sz[ns]
			print ""
			printf "Scaling %s → %s fiches (×%g input), wall-time ratio: fiches %s, Hugo %s, CPU floor %s, write floor %s.\n", \
				lo, hi, hi / lo, ratio(W["fiches" SUBSEP hi], W["fiches" SUBSEP lo]), \
				ratio(W["hugo" SUBSEP hi], W["hugo" SUBSEP lo]), ratio(W["floor" SUBSEP hi], W["floor" SUBSEP lo]), \
				ratio(W["write" SUBSEP hi], W["write" SUBSEP lo])
			# Linear growth: ×k input may cost at most 1.05 k times the time
			# (10 000 fiches at most 10.5 times 1 000), on wall time as the
			# target is stated; CPU time is shown beside it.
			limit = 1.05 * hi / lo
			fw = ratio(W["fiches" SUBSEP hi], W["fiches" SUBSEP lo])
			fc = ratio(C["fiches" SUBSEP hi], C["fiches" SUBSEP lo])
			if (fok && fw != "n/a") {
				met = exact(W["fiches" SUBSEP hi], W["fiches" SUBSEP lo]) <= limit
				printf "Linear growth of fiches: wall ×%s, CPU ×%s, limit ×%.2f: %s.\n", fw, fc, limit, \
					met ? "met" : "NOT MET (a cost that grows faster than the corpus)"
				if (!met) print "fail" >growth_flag
			}
		}
		# Issue 16 targets, at the sizes measured.
		print ""
		print "| target (issue 16) | measured | |"
		print "| --- | ---: | --- |"
		for (i = 1; i <= ns; i++) {
			n = sz[i]
			want = n >= 10000 ? 10 : n >= 1000 ? 5 : 0
			if (!want) continue
			v = ratio(W["hugo" SUBSEP n], W["fiches" SUBSEP n])
			printf "| %s fiches: at least %d× faster than Hugo | %s× | %s |\n", n, want, v, target(exact(W["hugo" SUBSEP n], W["fiches" SUBSEP n]), ">=", want)
		}
		for (i = 1; i <= ns; i++) {
			v = ratio(M["fiches" SUBSEP sz[i]], M["hugo" SUBSEP sz[i]])
			printf "| %s fiches: peak memory at most 1/4 of Hugo'"'"'s | %s | %s |\n", sz[i], v, target(exact(M["fiches" SUBSEP sz[i]], M["hugo" SUBSEP sz[i]]), "<=", 0.25)
		}
		if (ns >= 2)
			printf "| %s fiches at most %.1f× the time of %s | ×%s | %s |\n", hi, limit, lo, fw, target(exact(W["fiches" SUBSEP hi], W["fiches" SUBSEP lo]), "<=", limit)
		if (!fok) { print ""; print "fiches: not available (" fwhy ")." }
		if (!hok) { print ""; print "Hugo: not available (" hwhy ")." }
	}' "$raw"
	echo
	echo "Raw figures (tool size round status wall-s peak-KiB user-s sys-s): bench/work/raw.txt."
} >"$report"

# The outputs go only now that nothing is timed any more.
removed "$out"

echo
cat "$report"
echo
echo "report: bench/work/report.md"
# make bench fails when fiches grows faster than its input.
if [ -f "$work/growth-failed" ]; then
	echo "run.sh: fiches' time grows faster than the corpus (see the report)" >&2
	exit 1
fi
