#!/usr/bin/env bash
# Load (issue 12, item 5): requests/s and latency through one nginx worker serving a small
# static file, with the Flask session check (flask_session_require on, plus the session
# variables in a response header when the session API is there) against the same nginx
# without it, in one run. Bounded and loopback only: `wrk` (Debian package) for DURATION
# seconds per round, ROUNDS rounds alternating the two servers, CONNS connections, one thread.
#
#   bash benches/nginx_load.sh [DURATION=5] [ROUNDS=3] [CONNS=16]
#
# Three servers: plain, `flask_session_require on` (the session decoded as Flask does), and
# `flask_session_require signature` (signature and age only).
# Prints, per variant, the median round's requests/s and its p50/p99 latency, and the overhead.
# The machine is shared: the figures vary with what else runs (the report says so).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# The Python venv with the pinned Flask (scripts/setup-env.sh): every python3 below runs in it.
source scripts/setup-env.sh --venv
duration="${1:-5}"
rounds="${2:-3}"
conns="${3:-16}"

command -v wrk >/dev/null || { echo "benches/nginx_load.sh: needs wrk (apt-get install -y wrk)" >&2; exit 2; }
command -v nginx >/dev/null || { echo "benches/nginx_load.sh: needs nginx nginx-dev (apt-get install -y nginx nginx-dev)" >&2; exit 2; }

bash bindings/nginx/build.sh "$root/target/nginx" >/dev/null
module="$root/target/nginx/ngx_http_flask_session_module.so"

tmp="$(mktemp -d /tmp/flask-nginx-load.XXXXXX)"
chmod 755 "$tmp"
npid=""
cleanup() {
    [ -n "$npid" ] && kill "$npid" 2>/dev/null && wait "$npid" 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
plain_port="$(free_port)"
check_port="$(free_port)"
sig_port="$(free_port)"
secret="load-secret-$RANDOM"
printf '%s\n' "$secret" >"$tmp/secret"
mkdir -p "$tmp/www" "$tmp/logs" "$tmp/temp"
printf 'hello\n' >"$tmp/www/index.html"

# A logged-in session as Flask writes it (user_id, name, a tuple), signed now.
cookie="$(python3 - "$secret" <<'EOF'
import sys
from flask import Flask
app = Flask(__name__)
app.secret_key = sys.argv[1]
s = app.session_interface.get_signing_serializer(app)
print(s.dumps({"user_id": 42, "name": "Zoë", "cart": ("apple", "pear")}))
EOF
)"

extra=""
if grep -q flask_cookie_session_open include/flask_cookie.h; then
    extra='add_header X-User-Id $flask_session_user_id;'
fi

cat >"$tmp/nginx.conf" <<EOF
load_module $module;
daemon off;
master_process on;
worker_processes 1;
error_log $tmp/logs/error.log warn;
pid $tmp/nginx.pid;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $tmp/temp/body;
    proxy_temp_path $tmp/temp/proxy;
    fastcgi_temp_path $tmp/temp/fastcgi;
    uwsgi_temp_path $tmp/temp/uwsgi;
    scgi_temp_path $tmp/temp/scgi;
    root $tmp/www;
    flask_session_secret_key_file $tmp/secret;
    server {
        listen 127.0.0.1:$plain_port;
        location / { }
    }
    server {
        listen 127.0.0.1:$sig_port;
        location / {
            flask_session_require signature;
        }
    }
    server {
        listen 127.0.0.1:$check_port;
        location / {
            flask_session_require on;
            $extra
        }
    }
}
EOF
nginx -p "$tmp" -c "$tmp/nginx.conf" &
npid=$!
for _ in $(seq 1 50); do
    curl -s -o /dev/null "http://127.0.0.1:$check_port/" && break
    sleep 0.1
done

# Sanity: the check passes with the cookie and denies without it.
with="$(curl -s -o /dev/null -w '%{http_code}' -H "Cookie: session=$cookie" "http://127.0.0.1:$check_port/")"
without="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$check_port/")"
if [ "$with" != 200 ] || [ "$without" != 401 ]; then
    echo "sanity check failed: with cookie $with, without $without" >&2
    exit 1
fi

wpid="$(pgrep -P "$npid" | head -1)"
cpu_ticks() { # the worker's user + system CPU time, in clock ticks
    awk '{print $14 + $15}' "/proc/$wpid/stat"
}
run() { # $1 port, $2 output
    local t0 t1
    t0="$(cpu_ticks)"
    wrk -t1 -c"$conns" -d"${duration}s" --latency -H "Cookie: session=$cookie" \
        "http://127.0.0.1:$1/" >"$2"
    t1="$(cpu_ticks)"
    echo "worker_ticks $((t1 - t0))" >>"$2"
}

# Warm-up, then alternate.
wrk -t1 -c"$conns" -d1s "http://127.0.0.1:$plain_port/" >/dev/null
for i in $(seq 1 "$rounds"); do
    run "$plain_port" "$tmp/plain.$i"
    run "$check_port" "$tmp/check.$i"
    run "$sig_port" "$tmp/sig.$i"
done

# Under CPU contention the A/B figures above swing by tens of percent between rounds; a
# profile of the worker is steadier: the share of its CPU samples spent in the module (the
# session check and the library), when perf is there.
perf_share() { # $1 port, $2 label
    local pd="$tmp/perf.$2"
    wrk -t1 -c"$conns" -d"$((duration + 1))s" -H "Cookie: session=$cookie" "http://127.0.0.1:$1/" >/dev/null &
    local wk=$!
    sleep 0.5
    perf record -q -p "$wpid" -o "$pd" -- sleep "$duration" >/dev/null 2>&1 || true
    wait "$wk" || true
    perf report -i "$pd" --sort dso --stdio 2>/dev/null | awk -v label="$2" '
        /^#/ || NF < 2 { next }
        { gsub("%", "", $1); total += $1; if ($2 ~ /kernel/) k += $1; if ($2 ~ /flask_session_module/) m += $1 }
        END { if (total > 0) printf "perf: %s: module %.1f %% of the worker CPU samples (%.1f %% of its user-space samples)\n", label, m, 100 * m / (total - k) }'
}
perf_lines=""
if command -v perf >/dev/null 2>&1; then
    perf_lines="$(perf_share "$check_port" on; perf_share "$sig_port" signature)"
fi

python3 - "$tmp" "$rounds" "$duration" "$conns" "$(getconf CLK_TCK)" "$extra" <<'EOF'
import re, statistics, sys
tmp, rounds, duration, conns = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
tck = int(sys.argv[5])

def to_ms(s):
    m = re.fullmatch(r"([\d.]+)(us|ms|s)", s)
    v = float(m.group(1))
    return v / 1000 if m.group(2) == "us" else v * 1000 if m.group(2) == "s" else v

def parse(path):
    t = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", t).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", t, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", t, re.M).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
    n = int(re.search(r"(\d+) requests in", t).group(1))
    ticks = int(re.search(r"worker_ticks (\d+)", t).group(1))
    cpu_us = ticks / tck * 1e6 / n
    return rps, p50, p99, int(non2xx.group(1)) if non2xx else 0, cpu_us

res = {}
for v in ("plain", "check", "sig"):
    rows = [parse(f"{tmp}/{v}.{i}") for i in range(1, rounds + 1)]
    if any(r[3] for r in rows):
        sys.exit(f"{v}: non-2xx responses under load")
    rows.sort()
    res[v] = rows
    print(f"{v:6} rounds req/s: " + ", ".join(f"{r[0]:.0f}" for r in rows)
          + "; worker CPU us/request: " + ", ".join(f"{r[4]:.2f}" for r in rows))
print(f"one worker, wrk -t1 -c{conns} -d{duration}s x {rounds} rounds each, alternating")
for v in ("plain", "check", "sig"):
    rps, p50, p99, _, _ = res[v][len(res[v]) // 2]
    cpu = statistics.median(r[4] for r in res[v])
    print(f"{v:6} median round: {rps:9.0f} req/s   p50 {p50:.3f} ms   p99 {p99:.3f} ms"
          f"   worker CPU {cpu:.2f} us/request (median)")
mp = statistics.median(r[0] for r in res["plain"])
cp = statistics.median(r[4] for r in res["plain"])
for v, what in (("check", "flask_session_require on" + (" + $flask_session_user_id" if sys.argv[6] else "")),
                ("sig", "flask_session_require signature")):
    mc = statistics.median(r[0] for r in res[v])
    cc = statistics.median(r[4] for r in res[v])
    print(f"overhead of {what}: {100 * (mp - mc) / mp:.1f} % of requests/s; "
          f"{100 * (cc - cp) / cp:.1f} % of the worker's CPU per request (+{cc - cp:.2f} us)")
EOF
[ -n "$perf_lines" ] && echo "$perf_lines"
uptime
