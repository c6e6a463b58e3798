#!/usr/bin/env bash
# Runs every test: Rust unit, integration and doc tests (known-answer vectors, Python-made
# vectors and real-Flask fixtures), then a fresh random corpus checked against real Flask, then
# the bindings' tests (Python, LuaJIT, C++) and the C tests against real Flask.
#
#   bash tests/run.sh            # the whole suite
#   CASES=2000 bash tests/run.sh # a larger random corpus
set -euo pipefail
cd "$(dirname "$0")/.."

# Real Flask, pinned, for the interop tests (no-op when already installed).
if ! python3 -c 'import sys, importlib.metadata as m
want = {l.split("==")[0].lower(): l.split("==")[1] for l in open("fixtures/requirements.txt").read().split() if "==" in l}
sys.exit(any(m.version(k) != v for k, v in want.items()))' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check -r fixtures/requirements.txt
fi
# pytest, pinned, for the Python binding's tests (same check).
if ! python3 -c 'import sys, importlib.metadata as m
want = {l.split("==")[0].lower(): l.split("==")[1] for l in open("bindings/python/requirements-test.txt").read().split() if "==" in l}
sys.exit(any(m.version(k) != v for k, v in want.items()))' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check -r bindings/python/requirements-test.txt
fi

cargo test --quiet --workspace
cargo build --quiet  # the CLI
python3 tests/interop/random_corpus.py --bin target/debug/flask-cookie --cases "${CASES:-400}"
# The C library, built by cargo-c (scripts/cbuild.sh: target/<host triple>/debug).
clib=$(bash scripts/cbuild.sh)
# The Python binding (ctypes over the C ABI) against real Flask: fixtures, a fixed and a fresh
# seed, the session layer (SessionConfig, Session) against Flask's test client.
FLASK_COOKIE_LIB="$clib/libflask_cookie.so" python3 -m pytest -q bindings/python/tests

# The LuaJIT binding (bindings/lua) against real Flask's session cases.
bash bindings/lua/run.sh

# The C++ binding (bindings/cpp): its tests, plain and under ASan/UBSan (about 45 s).
bash bindings/cpp/run.sh

# The C ABI from C (tests/c): every function, Flask's fixtures and the CLI's answers, threads;
# shared and static libraries, plain, ASan+UBSan and valgrind; the header alone as C99 and C++17;
# pkg-config (about 40 s with the release build done, 75 s from a fresh clone).
bash tests/c/run.sh
