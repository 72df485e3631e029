#!/bin/sh
# Checks the French catalogue (po/fr.po):
#  1. every message of the C sources has a French translation, none is fuzzy,
#     and msgfmt -c accepts the catalogue (placeholders, header);
#  2. the French text follows the typography of the catalogue (U+202F before
#     : ; ? ! and inside « », typographic apostrophe);
#  3. build/fiches, run in French, prints a translated diagnostic.
# Run from the repository root. FICHES may name the binary; BUILD the build tree.
set -u
BUILD=${BUILD:-build}
FICHES=${FICHES:-$BUILD/fiches}
passed=0 failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; failed=$((failed + 1)); }
# Prints the msgids of a PO file on stdin, one a line, indented (header left out).
list_msgids() {
	awk '/^msgid "/ { id = substr($0, 8, length($0) - 8); inid = 1; next }
	     inid && /^"/ { id = id substr($0, 2, length($0) - 2); next }
	     inid { if (id != "") print "    " id; inid = 0 }'
}
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
nnbsp=$(printf '\342\200\257')

# --- 1. Completeness ------------------------------------------------------
for tool in xgettext msgmerge msgfmt msgattrib msgexec; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		fail "$tool not found (Debian package gettext)"
		finish
	fi
done

# Same options as scripts/update-po.sh (keep them in step).
find generator -name '*.c' | LC_ALL=C sort >"$tmp/files"
if xgettext --from-code=UTF-8 -k_ -kN_ --add-comments --sort-by-file \
	--add-location=file --package-name=fiches --language=C \
	--files-from="$tmp/files" -o "$tmp/fiches.pot" 2>"$tmp/xgettext.err" &&
	[ -s "$tmp/fiches.pot" ]; then
	ok "xgettext extracts the messages of generator/**/*.c"
else
	cat "$tmp/xgettext.err"
	fail "xgettext failed or found no message"
	finish
fi

cp po/fr.po "$tmp/fr.po"
if msgmerge --quiet --update --no-fuzzy-matching --backup=none "$tmp/fr.po" "$tmp/fiches.pot"; then
	ok "po/fr.po merges with the current messages"
else
	fail "msgmerge failed on po/fr.po"
	finish
fi

if msgfmt --statistics -c -o /dev/null "$tmp/fr.po" >"$tmp/stats" 2>&1; then
	ok "msgfmt -c accepts po/fr.po (placeholders, header)"
else
	cat "$tmp/stats"
	fail "msgfmt -c rejects po/fr.po"
fi
stats=$(grep -E 'translated message|untranslated|fuzzy' "$tmp/stats" | tail -n 1)
translated=$(echo "$stats" | sed -nE 's/^([0-9]+) translated.*/\1/p')
fuzzy=$(echo "$stats" | sed -nE 's/.* ([0-9]+) fuzzy.*/\1/p')
untranslated=$(echo "$stats" | sed -nE 's/.* ([0-9]+) untranslated.*/\1/p')
translated=${translated:-0} fuzzy=${fuzzy:-0} untranslated=${untranslated:-0}
if [ "$untranslated" -eq 0 ] && [ "$translated" -gt 0 ]; then
	ok "all $translated messages are translated"
else
	fail "$untranslated untranslated messages (run scripts/update-po.sh, then translate in po/fr.po):"
	msgattrib --untranslated --no-obsolete --no-wrap "$tmp/fr.po" | list_msgids
fi
if [ "$fuzzy" -eq 0 ]; then
	ok "no fuzzy message"
else
	fail "$fuzzy fuzzy messages (check the translation, then remove the fuzzy mark):"
	msgattrib --only-fuzzy --no-obsolete --no-wrap "$tmp/fr.po" | list_msgids
fi

# --- 2. Typography ----------------------------------------------------------
# One line per faulty translation: "problem<TAB>msgid".
# shellcheck disable=SC2016
msgexec -i "$tmp/fr.po" sh -c '
	[ -n "$MSGEXEC_MSGID" ] || exit 0
	s=$(cat)
	[ -n "$s" ] || exit 0
	id=$(printf "%s" "$MSGEXEC_MSGID" | tr "\n" " ")
	case "$s" in *"'\''"*) printf "straight apostrophe or quote\t%s\n" "$id" ;; esac
	if printf "%s\n" "$s" | LC_ALL=C grep -Eq " [:;?!]( |\$)"; then
		printf "plain space before : ; ? ! (use U+202F)\t%s\n" "$id"
	fi
	if printf "%s\n" "$s" | LC_ALL=C grep -q "« \| »"; then
		printf "plain space inside « » (use U+202F)\t%s\n" "$id"
	fi
	if printf "%s\n" "$s" | LC_ALL=C grep -Eq "«[^ '"$nnbsp"']|[^ '"$nnbsp"']»"; then
		printf "« » without U+202F inside\t%s\n" "$id"
	fi
' >"$tmp/typo" 2>&1
if [ -s "$tmp/typo" ]; then
	fail "typography of po/fr.po:"
	sed 's/^/    /' "$tmp/typo"
else
	ok "typography of po/fr.po (U+202F, « », ’)"
fi

# --- 3. The program speaks French -------------------------------------------
if [ ! -x "$FICHES" ]; then
	fail "$FICHES not found: run make"
	finish
fi
mo=$BUILD/locale/fr/LC_MESSAGES/fiches.mo
if [ ! -f "$mo" ]; then
	fail "$mo not found: run make"
	finish
fi
if [ po/fr.po -nt "$mo" ]; then
	echo "note: $mo is older than po/fr.po: run make"
fi
localedir=$(cd "$BUILD/locale" && pwd)

site=$tmp/site
mkdir -p "$site"
cp -R tests/fixtures/basic/content "$site/content"
cp -R templates "$site/templates"
fiche=$site/content/actions/01-atelier-habitants.md
sed 's/^themes: \[cadre-de-vie\]$/themes: [cadre-de-vi]/' "$fiche" >"$tmp/fiche" && mv "$tmp/fiche" "$fiche"
if grep -q '^themes: \[cadre-de-vi\]$' "$fiche"; then
	ok "fixture broken: themes: [cadre-de-vi]"
else
	fail "could not break the fixture (no 'themes: [cadre-de-vie]' line in $fiche)"
	finish
fi

FICHES_LOCALEDIR=$localedir LANGUAGE=fr LC_ALL=C.UTF-8 NO_COLOR=1 \
	"$FICHES" check -C "$site" >"$tmp/fr.out" 2>&1
status=$?
sed 's/^/    | /' "$tmp/fr.out"
if [ "$status" -eq 1 ]; then
	ok "fiches check exits with 1 (content error)"
else
	fail "fiches check exits with $status, expected 1"
fi
q_open="«$nnbsp" q_close="$nnbsp»"
if grep -q "01-atelier-habitants\.md:[0-9:]*: erreur" "$tmp/fr.out"; then
	ok "the level is printed in French (erreur)"
else
	fail "no 'erreur' diagnostic for 01-atelier-habitants.md"
fi
expected="thème ${q_open}cadre-de-vi${q_close} introuvable"
if grep -qF "$expected" "$tmp/fr.out"; then
	ok "unknown theme in French: $expected"
else
	fail "no French message for the unknown theme (expected: $expected)"
fi
if grep -qF "(vouliez-vous dire ${q_open}cadre-de-vie${q_close}$nnbsp?)" "$tmp/fr.out"; then
	ok "suggestion in French: vouliez-vous dire ${q_open}cadre-de-vie${q_close}$nnbsp?"
else
	fail "no French suggestion for cadre-de-vie"
fi
if grep -q "unknown\|did you mean" "$tmp/fr.out"; then
	fail "English text in the French output"
else
	ok "no English text in the French output"
fi

# Without LANGUAGE=fr, the messages stay in English.
FICHES_LOCALEDIR=$localedir LANGUAGE= LC_ALL=C.UTF-8 NO_COLOR=1 \
	"$FICHES" check -C "$site" >"$tmp/en.out" 2>&1
if grep -q "error: unknown theme 'cadre-de-vi'" "$tmp/en.out"; then
	ok "English without LANGUAGE=fr"
else
	sed 's/^/    | /' "$tmp/en.out"
	fail "expected the English message without LANGUAGE=fr"
fi

finish
