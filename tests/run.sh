#!/usr/bin/env bash
# Runs every test: Rust unit, integration and doc tests (known-answer vectors, Python-made
# vectors and real-Flask fixtures), then a fresh random corpus checked against real Flask, then
# the bindings' tests (Python, LuaJIT, C++) and the C tests against real Flask.
#
#   bash tests/run.sh            # the whole suite
#   CASES=2000 bash tests/run.sh # a larger random corpus
#
# Sets itself up first (scripts/setup-env.sh --all): the system tools (installed with apt-get
# as root, else the command to run is printed and nothing else is done), cargo-c (a one-time
# compile) and the Python venv target/venv with the pinned Flask and pytest, which every Python
# step below uses.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS

echo "== setup"
source scripts/setup-env.sh --all

echo "== Rust: unit, integration and doc tests (the workspace)"
cargo test --quiet --workspace
echo "== the CLI against real Flask on a fresh random corpus (${CASES:-400} cases)"
cargo build --quiet --bin flask-cookie
python3 tests/interop/random_corpus.py --bin target/debug/flask-cookie --cases "${CASES:-400}"

echo "== the C library (cargo-c) and the Python binding against real Flask"
# The C library, built by cargo-c (scripts/cbuild.sh: target/<host triple>/debug).
clib=$(bash scripts/cbuild.sh)
# The Python binding (ctypes over the C ABI) against real Flask: fixtures, a fixed and a fresh
# seed, the session layer (SessionConfig, Session) against Flask's test client.
FLASK_COOKIE_LIB="$clib/libflask_cookie.so" python3 -m pytest -q bindings/python/tests

echo "== the LuaJIT binding against real Flask's session cases"
bash bindings/lua/run.sh

echo "== the C++ binding, plain and under ASan/UBSan (about 45 s)"
bash bindings/cpp/run.sh

# The C ABI from C (tests/c): every function, Flask's fixtures and the CLI's answers, threads;
# shared and static libraries, plain, ASan+UBSan and valgrind; the header alone as C99 and C++17;
# pkg-config (about 40 s with the release build done, 75 s from a fresh clone).
echo "== the C ABI from C (tests/c/run.sh)"
bash tests/c/run.sh

echo "== all tests passed ($((SECONDS - start)) s)"
