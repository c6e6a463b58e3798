#!/usr/bin/env bash
# Two (or more) builds of the axum example service against each other on /api/visit, in
# alternating runs, for changes too small for one services_load.py run to show (that run's
# figures move by several per cent with the host).
#
#   bash benches/services_ab.sh ROUNDS SECONDS BINARY...
#
# BINARY: target/release/examples/axum_flask_api built at each commit to compare (copy each
# aside, e.g. `git worktree add /tmp/old OLD && (cd /tmp/old && cargo build --release -p
# flask-cookie-axum --example axum_flask_api)`). benches/services_load.py --ab does the work:
# each round starts each binary on 127.0.0.1, warms it up for 1 s, runs wrk (1 thread, 32
# connections, SECONDS) with Flask's /login cookie and stops it; it prints each run's
# requests/s and the server's user and system CPU time per request (from /proc), then each
# binary's means. Needs wrk and the Python venv (scripts/setup-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
    echo "usage: bash benches/services_ab.sh ROUNDS SECONDS BINARY..." >&2
    exit 2
fi
rounds=$1 seconds=$2
shift 2
source scripts/setup-env.sh --venv >/dev/null
exec python3 benches/services_load.py --no-build --rounds "$rounds" --duration "$seconds" --ab "$@"
