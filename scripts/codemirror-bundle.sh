#!/bin/sh
# Writes the workshop's CodeMirror, built into fiches (edit_assets.c): the
# files of Debian's libjs-codemirror the editing page uses, in the order
# they must run, as one script OUT.js, and CodeMirror's style sheet as
# OUT.css. One request instead of six, and the script minified by
# uglifyjs (Debian package uglifyjs) when it is installed: 400 KB of
# Debian's unminified source become about 170 KB to transfer and parse.
#
# The minified script is used only when it is proven sound here, at build
# time: uglifyjs parses it back, it still defines every mode and command
# the editor names, and it is smaller. Otherwise the plain concatenation is
# built in (same behaviour, larger), and the reason is printed. Without
# libjs-codemirror both files are empty: the editor keeps its plain text
# area, as it does when the files cannot be served.
#
# Usage: sh scripts/codemirror-bundle.sh CMDIR OUT   (OUT without extension)
set -eu
LC_ALL=C
export LC_ALL
cmdir=$1 out=$2
files="lib/codemirror.js addon/mode/overlay.js mode/markdown/markdown.js mode/yaml/yaml.js
mode/yaml-frontmatter/yaml-frontmatter.js addon/edit/continuelist.js"
# What editor.js asks of CodeMirror by name: each must be in the bundle.
names='"markdown" "yaml" "yaml-frontmatter" newlineAndIndentContinueMarkdownList fromTextArea overlayMode'

mkdir -p "$(dirname "$out")"
plain=$out.plain.js
: >"$plain"
for f in $files; do
	if [ ! -f "$cmdir/$f" ]; then
		echo "codemirror-bundle: $cmdir/$f missing (libjs-codemirror): the editor keeps a plain text area" >&2
		: >"$out.js.tmp"
		: >"$out.css.tmp"
		mv "$out.js.tmp" "$out.js"
		mv "$out.css.tmp" "$out.css"
		rm -f "$plain"
		exit 0
	fi
	# Each file ends with its own newline and semicolon: no statement runs into the next.
	cat "$cmdir/$f" >>"$plain"
	printf '\n;\n' >>"$plain"
done
cp "$cmdir/lib/codemirror.css" "$out.css.tmp"

sound() {
	uglifyjs "$1" -o /dev/null 2>/dev/null || return 1
	for n in $names; do
		grep -q -F -e "$n" "$1" || return 1
	done
	[ "$(wc -c <"$1")" -lt "$(wc -c <"$plain")" ]
}

if command -v uglifyjs >/dev/null 2>&1; then
	# --compress only what is safe for any script (no unsafe options); names mangled.
	if uglifyjs "$plain" --compress --mangle -o "$out.min.js" 2>"$out.min.log" && sound "$out.min.js"; then
		mv "$out.min.js" "$out.js.tmp"
	else
		echo "codemirror-bundle: uglifyjs's output did not prove sound; Debian's unminified files are built in" >&2
		cat "$out.min.log" >&2 || true
		cp "$plain" "$out.js.tmp"
	fi
	rm -f "$out.min.js" "$out.min.log"
else
	echo "codemirror-bundle: no uglifyjs (Debian package uglifyjs): Debian's unminified files are built in" >&2
	cp "$plain" "$out.js.tmp"
fi
rm -f "$plain"
mv "$out.js.tmp" "$out.js"
mv "$out.css.tmp" "$out.css"
