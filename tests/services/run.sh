#!/usr/bin/env bash
# End to end: builds the axum and actix example services, then runs them against the real Flask
# app they share the session cookie with (tests/services/run.py; its docstring says what is
# compared). Prints "N passed, N failed" last.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The Python venv with the pinned Flask and gunicorn (scripts/setup-env.sh).
source scripts/setup-env.sh --venv
cargo build --quiet -p flask-cookie-axum -p flask-cookie-actix --examples
exec python3 tests/services/run.py --bin-dir target/debug/examples "$@"
