#!/usr/bin/env bash
# Tests the LuaJIT binding (bindings/lua/flask_cookie.lua) against real Flask's answers: builds
# the C library with cargo-c, writes the case file (tests/c/session_cases.py, real Flask), runs
# the test with LuaJIT (Debian's luajit2: its luajit package conflicts with libnginx-mod-http-lua).
#
#   bash bindings/lua/run.sh            # debug library
#   PROFILE=release bash bindings/lua/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
# The Python venv with the pinned Flask (scripts/setup-env.sh): every python3 below runs in it.
source scripts/setup-env.sh --venv
command -v luajit >/dev/null || { echo "bindings/lua/run.sh needs luajit (apt-get install -y luajit2)" >&2; exit 1; }
flags=()
[ "${PROFILE:-debug}" = release ] && flags=(--release)
lib=$(bash scripts/cbuild.sh "${flags[@]}")
mkdir -p target/lua-tests
python3 tests/c/session_cases.py --out target/lua-tests/session_cases.txt
FLASK_COOKIE_LIB="$lib/libflask_cookie.so" luajit bindings/lua/test_flask_cookie.lua target/lua-tests/session_cases.txt
