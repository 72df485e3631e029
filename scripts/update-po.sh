#!/bin/sh
# Regenerates po/fiches.pot from the C sources and merges it into po/fr.po.
# Run from anywhere; works on the repository this script belongs to.
#
# The output is deterministic: files are given to xgettext in sorted order,
# locations are file names only (no line numbers, which would change with every
# edit of the code), and a file whose only change is its POT-Creation-Date is
# left untouched.
# Usage: scripts/update-po.sh
set -eu
cd "$(dirname "$0")/.."

XGETTEXT_OPTS="--from-code=UTF-8 -k_ -kN_ --add-comments --sort-by-file
--add-location=file --package-name=fiches --language=C"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

find generator -name '*.c' | LC_ALL=C sort >"$tmp/files"
# shellcheck disable=SC2086
xgettext $XGETTEXT_OPTS --files-from="$tmp/files" -o "$tmp/fiches.pot" 2>"$tmp/err" ||
	{ cat "$tmp/err" >&2; exit 1; }
# The project has no address for bug reports on messages: drop that warning only.
sed '/--msgid-bugs-address was not specified/,/command line option\./d' "$tmp/err" >&2

# Keeps FILE unless NEW differs from it beyond the creation/revision date lines.
replace_if_changed() {
	file=$1 new=$2
	if [ -f "$file" ] &&
		diff -q -I '^"POT-Creation-Date: ' -I '^"PO-Revision-Date: ' \
			"$file" "$new" >/dev/null 2>&1; then
		rm -f "$new"
		return 1
	fi
	mv "$new" "$file"
}

if replace_if_changed po/fiches.pot "$tmp/fiches.pot"; then
	echo "update-po: po/fiches.pot updated"
else
	echo "update-po: po/fiches.pot unchanged"
fi

cp po/fr.po "$tmp/fr.po"
msgmerge --quiet --update --no-fuzzy-matching --backup=none "$tmp/fr.po" po/fiches.pot
if replace_if_changed po/fr.po "$tmp/fr.po"; then
	echo "update-po: po/fr.po updated"
else
	echo "update-po: po/fr.po unchanged"
fi
msgfmt --statistics -c -o /dev/null po/fr.po
