#!/bin/sh
# Smoke run of every fuzz target (make test): builds them with clang
# (skipped with a message when clang is missing), replays the kept crash
# inputs, then fuzzes each for FUZZ_SMOKE_SECONDS (5 s: a smoke test; the
# long runs are `make fuzz`). Fails on any crash.
cd "$(dirname "$0")/../.."
if ! command -v "${FUZZ_CC:-clang}" >/dev/null 2>&1; then
	echo "skip: ${FUZZ_CC:-clang} not found, fuzz targets not built"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
mkdir -p build
# Built on every core: compiling with the sanitizers is most of this test's time.
if ! make --no-print-directory -j"$(nproc 2>/dev/null || echo 2)" fuzz-build >build/fuzz-build.log 2>&1; then
	tail -n 30 build/fuzz-build.log; rm -f build/fuzz-build.log
	echo "FAIL building the fuzz targets"
	echo "0 passed, 1 failed"
	exit 1
fi
rm -f build/fuzz-build.log
FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-5} exec sh tests/fuzz/run.sh
