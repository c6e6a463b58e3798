#!/usr/bin/env bash
# Two (or more) builds of the axum example service against each other on /api/visit, in
# alternating runs, for changes too small for one services_load.py run to show (that run's
# figures move by several per cent with the host).
#
#   bash benches/services_ab.sh ROUNDS SECONDS BINARY...
#
# BINARY: target/release/examples/axum_flask_api built at each commit to compare (copy each
# aside, e.g. `git worktree add /tmp/old OLD && (cd /tmp/old && cargo build --release -p
# flask-cookie-axum --example axum_flask_api)`). Each round starts each binary on 127.0.0.1,
# warms it up for 1 s, then runs wrk (1 thread, 32 connections, SECONDS) with Flask's /login
# cookie (made by Flask itself, key "load test key") and stops it. Per run it prints the
# requests/s and the server's user and system CPU time per request (from /proc); at the end,
# each binary's means. Needs wrk and the Python venv (scripts/setup-env.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
    echo "usage: bash benches/services_ab.sh ROUNDS SECONDS BINARY..." >&2
    exit 2
fi
rounds=$1 seconds=$2
shift 2
command -v wrk >/dev/null || { echo "needs wrk (apt-get install wrk)" >&2; exit 2; }
source scripts/setup-env.sh --venv >/dev/null
cookie=$(python3 - <<'PY'
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

app = Flask("ab")
app.secret_key = "load test key"
s = SecureCookieSessionInterface().get_signing_serializer(app)
# What ../shared/interop/flask_app.py's /login puts in the session.
print("session=" + s.dumps({"user_id": 42, "name": "Zoë", "cart": ("apple", "pear"),
                            "avatar": b"\x89PNG"}))
PY
)
tick=$(getconf CLK_TCK)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
cpu() { awk '{print $14, $15}' "/proc/$1/stat"; }
results=$(mktemp)
for _ in $(seq "$rounds"); do
    for bin in "$@"; do
        port=$(free_port)
        FLASK_SECRET_KEY="load test key" "$bin" 127.0.0.1 "$port" >/dev/null 2>&1 &
        pid=$!
        python3 - "$port" <<'PY'
import http.client, sys, time
for _ in range(100):
    try:
        c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=2)
        c.request("GET", "/api/health")
        c.getresponse().read()
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("the service did not come up")
PY
        url="http://127.0.0.1:$port/api/visit"
        wrk -t1 -c32 -d1s --timeout 5s -H "Cookie: $cookie" "$url" >/dev/null
        read -r u1 s1 < <(cpu "$pid")
        out=$(wrk -t1 -c32 -d"${seconds}s" --timeout 5s -H "Cookie: $cookie" "$url")
        read -r u2 s2 < <(cpu "$pid")
        kill "$pid"
        wait "$pid" 2>/dev/null || true
        pid=
        n=$(awk '/requests in/{print $1}' <<<"$out")
        rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
        line=$(python3 -c "print('%s %.0f %.2f %.2f' % ('$bin', $rps, ($u2 - $u1) / $tick / $n * 1e6, ($s2 - $s1) / $tick / $n * 1e6))")
        echo "$line" | tee -a "$results"
    done
done
echo "means (req/s, user us/request, system us/request):"
awk '{r[$1] += $2; u[$1] += $3; s[$1] += $4; n[$1]++}
     END {for (b in r) printf "%s %.0f %.2f %.2f\n", b, r[b] / n[b], u[b] / n[b], s[b] / n[b]}' "$results"
rm -f "$results"
