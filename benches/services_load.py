#!/usr/bin/env python3
"""Load test (issue 11, item 5): requests/s on loopback of

* the Flask app (tests/services/flask_app.py, or ../shared/interop/flask_app.py) under gunicorn,
  as many sync workers as cores, on /api/visit with a login cookie;
* the axum example service (release build) on the same route with the same cookie;
* the same axum answer without the session layer (/bench/visit);
* for the split, axum's /api/peek with the same cookie (opens the session, writes no cookie).

Targets: axum >= 20x Flask, and the layer costs < 10 % (1 - visit/bench). For each axum route
it also prints the axum process's CPU time per request (user and system, over the measured run,
from /proc): what the layer costs the server, apart from wrk's share of the cores. The load
generator is wrk (Debian's `wrk`) when installed, else ab (apache2-utils); each run is bounded
(wrk: --duration seconds, ab: --requests requests) after a short warm-up. Figures vary with the
machine and what else runs on it: the script reports them, "met" or "not met", and exits 0.

With --ab BINARY... (benches/services_ab.sh) it instead runs builds of the example service
against each other on /api/visit, alternating, --rounds times each (wrk only, no Flask server:
the login cookie is made by Flask's serializer), and prints each run and each build's means: for
changes too small for one run of the comparison above to show.

Needs gunicorn (benches/requirements-services.txt) and wrk or ab.
Usage: python3 benches/services_load.py [--duration 5] [--connections 32] [--requests 20000]
       (or benches/services_load.sh ARGS). Writes the figures to target/services_load.json
       (--results; $SERVICES_LOAD_RESULTS), which benches/compare.py's end-to-end rows read.
"""
import argparse
import datetime
import json
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KEY = "load test key"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port, proc, name):
    deadline = time.time() + 30
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"{name} exited")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", "/api/health")
            c.getresponse().read()
            c.close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{name} did not come up")


def start(argv, env, name, port):
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    wait_up(port, p, name)
    return p


def stop(p):
    if p.poll() is None:
        os.killpg(p.pid, signal.SIGTERM)
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait(timeout=10)


def cpu_seconds(pid):
    """(user, system) CPU seconds of process `pid`, all its threads (Linux /proc); None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            # After the command name in parentheses: state, ppid, ... utime is field 14, stime 15.
            fields = f.read().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick
    except (OSError, ValueError, IndexError):
        return None


def load(url, cookie, args, pid=None):
    """requests/s, the number of non-2xx answers, socket errors, and the server's (user, system)
    CPU time per request in microseconds (process `pid`, when given and readable; else None)."""
    if shutil.which("wrk"):
        cmd = ["wrk", "-t", "1", "-c", str(args.connections), "-d", f"{args.duration}s",
               "--timeout", "5s", "-H", f"Cookie: {cookie}", url]
        warm = cmd[:]
        warm[warm.index("-d") + 1] = "1s"
        subprocess.run(warm, capture_output=True, timeout=60)
        before = cpu_seconds(pid) if pid else None
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=args.duration + 60).stdout
        after = cpu_seconds(pid) if pid else None
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
        requests = int(re.search(r"(\d+) requests in", out).group(1))
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
        errors = re.search(r"Socket errors:.*", out)
        cpu = None
        if before is not None and after is not None:
            cpu = tuple((a - b) / requests * 1e6 for a, b in zip(after, before))
        return rps, int(bad.group(1)) if bad else 0, errors.group(0) if errors else "", cpu
    if shutil.which("ab"):
        cmd = ["ab", "-q", "-k", "-n", str(args.requests), "-c", str(args.connections),
               "-H", f"Cookie: {cookie}", url]
        subprocess.run(cmd[:5] + ["1000"] + cmd[6:], capture_output=True, timeout=120)
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=600).stdout
        rps = float(re.search(r"Requests per second:\s+([\d.]+)", out).group(1))
        bad = re.search(r"Non-2xx responses:\s+(\d+)", out)
        return rps, int(bad.group(1)) if bad else 0, "", None
    sys.exit("no load generator: apt-get install wrk (or apache2-utils for ab)")


def service_env():
    """The environment of a server: this one without FLASK_* variables, and the load test key."""
    return {**{k: v for k, v in os.environ.items() if not k.startswith("FLASK_")},
            "FLASK_SECRET_KEY": KEY}


def ab(args):
    """Builds of the example service against each other (--ab): see the module docstring."""
    if not shutil.which("wrk"):
        sys.exit("--ab needs wrk (apt-get install wrk)")
    from flask import Flask
    from flask.sessions import SecureCookieSessionInterface

    app = Flask("ab")
    app.secret_key = KEY
    # What the Flask app's /login puts in the session.
    cookie = "session=" + SecureCookieSessionInterface().get_signing_serializer(app).dumps(
        {"user_id": 42, "name": "Zoë", "cart": ("apple", "pear"), "avatar": b"\x89PNG"})
    runs = {binary: [] for binary in args.ab}
    for _ in range(args.rounds):
        for binary in args.ab:
            port = free_port()
            server = start([binary, "127.0.0.1", str(port)], service_env(), binary, port)
            try:
                rps, _, _, cpu = load(f"http://127.0.0.1:{port}/api/visit", cookie, args,
                                      pid=server.pid)
            finally:
                stop(server)
            user, system = cpu or (float("nan"), float("nan"))
            runs[binary].append((rps, user, system))
            print(f"{binary} {rps:.0f} {user:.2f} {system:.2f}")
    print("means (req/s, user us/request, system us/request):")
    for binary, figures in runs.items():
        rps, user, system = (sum(f[i] for f in figures) / len(figures) for i in range(3))
        print(f"{binary} {rps:.0f} {user:.2f} {system:.2f}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=5, help="seconds per wrk run")
    ap.add_argument("--requests", type=int, default=20000, help="requests per ab run")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--results", default=os.environ.get(
        "SERVICES_LOAD_RESULTS", os.path.join(ROOT, "target", "services_load.json")),
        help="where to write the figures as JSON (read by benches/compare.py)")
    ap.add_argument("--ab", nargs="+", metavar="BINARY",
                    help="builds of the example service to run against each other instead")
    ap.add_argument("--rounds", type=int, default=6, help="rounds of --ab runs")
    args = ap.parse_args()
    if args.ab:
        return ab(args)
    if not args.no_build:
        subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "flask-cookie-axum",
                        "--example", "axum_flask_api"], cwd=ROOT, check=True)
    binary = os.path.join(ROOT, "target", "release", "examples", "axum_flask_api")
    shared = os.path.join(ROOT, "..", "shared", "interop", "flask_app.py")
    app_dir = os.path.dirname(shared) if os.path.exists(shared) else os.path.join(ROOT, "tests", "services")
    env = service_env()
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        sys.exit("gunicorn missing: pip install -r benches/requirements-services.txt")

    fport, aport = free_port(), free_port()
    flask = start([sys.executable, "-m", "gunicorn", "-w", str(cores), "-b", f"127.0.0.1:{fport}",
                   "--chdir", app_dir, "--log-level", "warning", "flask_app:app"], env, "gunicorn", fport)
    axum = None
    try:
        axum = start([binary, "127.0.0.1", str(aport)], env, "axum", aport)
        c = http.client.HTTPConnection("127.0.0.1", fport, timeout=10)
        c.request("GET", "/login")
        r = c.getresponse()
        r.read()
        cookie = r.getheader("Set-Cookie").split(";", 1)[0]
        c.close()
        tool = "wrk" if shutil.which("wrk") else "ab"
        bound = f"{args.duration} s" if tool == "wrk" else f"{args.requests} requests"
        print(f"load generator: {tool}, {args.connections} connections, {bound} per run, "
              f"{cores} cores (shared with the servers)")
        results, cpu_us = {}, {}
        for name, url in (("flask", f"http://127.0.0.1:{fport}/api/visit"),
                          ("axum", f"http://127.0.0.1:{aport}/api/visit"),
                          ("axum_no_session", f"http://127.0.0.1:{aport}/bench/visit"),
                          # Opens the (non-permanent) login session, writes no cookie.
                          ("axum_peek", f"http://127.0.0.1:{aport}/api/peek")):
            rps, bad, errors, cpu = load(url, cookie, args,
                                         pid=axum.pid if name.startswith("axum") else None)
            results[name] = rps
            server_cpu = ""
            if cpu is not None:
                user, system = cpu
                cpu_us[name] = {"user": round(user, 2), "system": round(system, 2)}
                server_cpu = (f"   server CPU {user + system:.2f} us/request "
                              f"(user {user:.2f}, system {system:.2f})")
            print(f"{name:16} {rps:12.0f} req/s   non-2xx: {bad}  {errors}{server_cpu}")
    finally:
        if axum:
            stop(axum)
        stop(flask)
    record = {
        "measured_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "axum_rps": round(results["axum"]),
        "flask_gunicorn_rps": round(results["flask"]),
        "axum_no_session_rps": round(results["axum_no_session"]),
        "axum_peek_rps": round(results["axum_peek"]),
        # The axum process's CPU time (user and system, all threads) per request, per route.
        "axum_cpu_us_per_request": cpu_us,
        "load_generator": tool,
        "connections": args.connections,
        "bound": bound,
        "cores": cores,
        "gunicorn_workers": cores,
        "load_average_before": round(load_before, 2),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, "w", encoding="utf-8") as f:
        json.dump(record, f, indent=1)
        f.write("\n")
    print(f"figures written to {os.path.relpath(args.results)}")
    ratio = results["axum"] / results["flask"]
    cost = 1 - results["axum"] / results["axum_no_session"]
    print(f"axum / Flask (gunicorn -w {cores}): {ratio:.1f}x   target >= 20x: "
          f"{'met' if ratio >= 20 else 'not met'}")
    print(f"session layer cost: {cost * 100:.1f} %   target < 10 %: "
          f"{'met' if cost < 0.10 else 'not met'}")
    print(f"  of which opening only (/api/peek, no Set-Cookie): "
          f"{(1 - results['axum_peek'] / results['axum_no_session']) * 100:.1f} %")
    if {"axum", "axum_no_session", "axum_peek"} <= cpu_us.keys():
        def total(name):
            return cpu_us[name]["user"] + cpu_us[name]["system"]

        def added(name, part):
            return cpu_us[name][part] - cpu_us["axum_no_session"][part]

        bare = total("axum_no_session")
        print(f"server CPU per request: {bare:.2f} us without the layer; the layer adds "
              f"{total('axum') - bare:.2f} us on /api/visit (user {added('axum', 'user'):.2f}, "
              f"system {added('axum', 'system'):.2f}), {total('axum_peek') - bare:.2f} us on "
              f"/api/peek (wrk's work and the client side of loopback not counted)")


if __name__ == "__main__":
    main()
