#!/bin/sh
# Installs the Debian packages fiches needs to build and test, when they are
# missing. As root it runs apt-get; otherwise it prints the exact command.
# Usage: scripts/deps.sh [build|test|bench]
set -eu
what=${1:-build}

build_pkgs="build-essential pkg-config gettext libcmark-gfm-dev libcmark-gfm-extensions-dev
libyaml-dev libjansson-dev libpango1.0-dev libcairo2-dev libhyphen-dev hyphen-fr
libqrencode-dev libstemmer-dev libmicrohttpd-dev fonts-dejavu-core fonts-dejavu-extra
fonts-crosextra-carlito libmimalloc-dev libsodium-dev libjs-codemirror uglifyjs libgit2-dev libjpeg-dev zlib1g-dev
libxxhash-dev"
# rsync and openssh-server: tests/publish/t_publish.py publishes over ssh to
# an sshd it starts on a loopback port (skipped when they are missing).
test_pkgs="libcmocka-dev poppler-utils qpdf mandoc chromium curl wrk clang valgrind time
rsync openssh-server"
# Commands that may come from another packaging of the same tool (Node.js
# from NodeSource ships npm): installed from Debian only when missing.
command -v python3 >/dev/null 2>&1 || test_pkgs="$test_pkgs python3"
command -v node >/dev/null 2>&1 || test_pkgs="$test_pkgs nodejs"
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs npm"

bench_pkgs="hugo weasyprint time"

pkgs=$build_pkgs
[ "$what" = test ] && pkgs="$build_pkgs $test_pkgs"
[ "$what" = bench ] && pkgs="$build_pkgs $bench_pkgs"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing
	else
		echo "deps: missing Debian packages. Run:" >&2
		echo "  sudo apt-get install$missing" >&2
		exit 1
	fi
fi

# Browser tests use playwright-core and axe-core from npm, with Debian's chromium.
if [ "$what" = test ] && [ ! -d tests/browser/node_modules/playwright-core ] && [ -f tests/browser/package.json ]; then
	(cd tests/browser && npm ci --no-audit --no-fund --silent 2>/dev/null || npm install --no-audit --no-fund --silent)
fi
exit 0
