#!/usr/bin/env python3
"""End to end: the example services of flask-cookie-axum and flask-cookie-actix against the
real Flask app they share the session with (../shared/interop/flask_app.py, or the copy beside
this script), each started on 127.0.0.1 with the same FLASK_* variables.

For each configuration (Flask's default, and a custom one: cookie name, domain with a port, a
path with a space, Secure, SameSite, Partitioned, a short lifetime, refresh off, a fallback
key) and each service:

* cookies both ways: Flask's /login -> the service's /api/visit (and /api/flash) -> Flask's
  /whoami sees what the service wrote (types included: tuple, bytes, permanent, flashes);
* the same request, with the same cookies, to Flask and to the service at the same whole
  second, comparing status, Set-Cookie bytes, Vary, Content-Type and body, for every /api/*
  route and the edge cases: no cookie, a bad signature, an expired cookie, a cookie signed with
  a fallback key, a validly signed cookie whose payload does not decode (Flask's 500), a view
  failing after a change (500 with the session saved), an emptied session (deletion).
  A pair whose cookies were signed in different seconds is sent again (at most 5 times).

Usage: tests/services/run.py [--bin-dir target/debug/examples] [-v]
(tests/services/run.sh builds the examples first). The last line is "N passed, N failed".
"""
import argparse
import base64
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import zlib
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = 10  # seconds, per request and for each server to come up

passed = 0
failed = 0
verbose = False


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        if verbose:
            print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {detail}")


def flask_app_path():
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=HERE, capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        top = ""
    shared = os.path.join(top, "..", "shared", "interop", "flask_app.py") if top else ""
    return shared if shared and os.path.exists(shared) else os.path.join(HERE, "flask_app.py")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, argv, env):
        self.name = name
        self.port = free_port()
        self.proc = subprocess.Popen(argv + ["127.0.0.1", str(self.port)], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     start_new_session=True)
        deadline = time.time() + TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{name} exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                self.request("/api/health")
                return
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"{name} did not answer on port {self.port}")
                time.sleep(0.05)

    def request(self, path, cookies=None):
        """GET path with one Cookie header (cookies: list of "name=value")."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
        try:
            conn.putrequest("GET", path)
            if cookies:
                conn.putheader("Cookie", "; ".join(cookies))
            conn.endheaders()
            r = conn.getresponse()
            body = r.read()
            return {
                "status": r.status,
                "set_cookie": r.headers.get_all("Set-Cookie") or [],
                "vary": r.headers.get_all("Vary") or [],
                "content_type": r.headers.get("Content-Type"),
                "body": body,
            }
        finally:
            conn.close()

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def cookie_pair(set_cookie):
    """The `name=value` a browser sends back for a Set-Cookie value."""
    return set_cookie.split(";", 1)[0]


def signed_at(set_cookie):
    """itsdangerous's timestamp of a session cookie (None for a deletion)."""
    value = cookie_pair(set_cookie).split("=", 1)[1].strip('"')
    parts = value.rsplit(".", 2)
    if len(parts) != 3:
        return None
    ts = parts[1] + "=" * (-len(parts[1]) % 4)
    return int.from_bytes(base64.urlsafe_b64decode(ts), "big")


def same_second(a, b):
    ta = [signed_at(c) for c in a["set_cookie"]]
    tb = [signed_at(c) for c in b["set_cookie"]]
    return ta == tb


def compare(name, flask, service, path, cookies=None):
    """Sends path to both at the same whole second; returns the service's response."""
    for attempt in range(5):
        # Start early in a second so both requests land in it.
        frac = time.time() % 1
        if frac > 0.5:
            time.sleep(1 - frac + 0.01)
        f = flask.request(path, cookies)
        s = service.request(path, cookies)
        if same_second(f, s):
            break
    diffs = [k for k in ("status", "set_cookie", "vary", "content_type", "body") if f[k] != s[k]]
    check(f"{name}: {path}", not diffs,
          "; ".join(f"{k}: Flask {f[k]!r} != service {s[k]!r}" for k in diffs))
    return f, s


def signer_app(env):
    """A Flask app configured from env, to sign cookies the way the shared app does."""
    import flask
    with mock.patch.dict(os.environ, env, clear=True):
        app = flask.Flask("signer")
        app.config.from_prefixed_env()
    return app


def make_cookie(env, data, at=None, key=None, raw_payload=None):
    """name=value of a session cookie for data, signed as Flask signs (at: Unix time)."""
    from flask.sessions import SecureCookieSessionInterface
    from itsdangerous import URLSafeTimedSerializer
    app = signer_app(env)
    si = SecureCookieSessionInterface()
    if raw_payload is not None:
        # A payload that is valid JSON but not valid tagged JSON.
        class Raw:
            @staticmethod
            def dumps(_):
                return raw_payload

            @staticmethod
            def loads(s):
                return json.loads(s)
        s = URLSafeTimedSerializer(key or app.secret_key, salt=si.salt, serializer=Raw,
                                   signer_kwargs={"key_derivation": si.key_derivation,
                                                  "digest_method": si.digest_method})
    elif key is not None:
        s = URLSafeTimedSerializer(key, salt=si.salt, serializer=si.serializer,
                                   signer_kwargs={"key_derivation": si.key_derivation,
                                                  "digest_method": si.digest_method})
    else:
        s = si.get_signing_serializer(app)
    at = time.time() if at is None else at
    with mock.patch("time.time", lambda: at):
        value = s.dumps(data)
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"


def run_config(label, env, bins, app_path):
    base = {k: v for k, v in os.environ.items() if not k.startswith("FLASK_")}
    full_env = {**base, **env}
    flask = Server("flask", [sys.executable, app_path], full_env)
    try:
        for service_name, binary in bins:
            service = Server(service_name, [binary], full_env)
            try:
                run_service(f"{label}/{service_name}", env, flask, service)
            finally:
                service.stop()
    finally:
        flask.stop()


def whoami(flask, cookie):
    r = flask.request("/whoami", [cookie])
    return json.loads(r["body"]) if r["status"] == 200 else {"status": r["status"]}


def run_service(name, env, flask, service):
    lifetime = int(env.get("FLASK_PERMANENT_SESSION_LIFETIME", 31 * 86400))
    # Routes without a cookie.
    for path in ("/api/health", "/api/visit", "/api/peek", "/api/flash", "/api/logout",
                 "/api/vary"):
        compare(name + " (no cookie)", flask, service, path)

    # Flask logs in; the service continues the session; Flask reads what the service wrote.
    login = flask.request("/login")
    check(f"{name}: Flask /login sets a cookie", len(login["set_cookie"]) == 1, login)
    c0 = cookie_pair(login["set_cookie"][0])
    for path in ("/api/health", "/api/peek", "/api/vary"):
        compare(name + " (Flask's login)", flask, service, path, [c0])
    _, s = compare(name + " (Flask's login)", flask, service, "/api/visit", [c0])
    c1 = cookie_pair(s["set_cookie"][0]) if s["set_cookie"] else c0
    who = whoami(flask, c1)
    want = {"user_id": 42, "name": "Zoë", "cart": ["apple", "pear"], "cart_is_tuple": True,
            "avatar": repr(b"\x89PNG"), "axum_visits": 1, "permanent": True, "flashes": []}
    check(f"{name}: Flask /whoami reads the service's cookie", who == want, f"{who} != {want}")
    for path in ("/api/visit", "/api/peek", "/api/vary", "/api/health", "/api/logout"):
        compare(name + " (service's cookie)", flask, service, path, [c1])
    _, s = compare(name + " (service's cookie)", flask, service, "/api/flash", [c1])
    c2 = cookie_pair(s["set_cookie"][0]) if s["set_cookie"] else c1
    who = whoami(flask, c2)
    check(f"{name}: Flask /whoami sees the service's flash",
          who.get("flashes") == [["info", "hello from axum"]] and who.get("axum_visits") == 1, who)
    # Two flashes: the list grows.
    compare(name + " (flashed)", flask, service, "/api/flash", [c2])

    # Edge cases, with cookies made by Flask's own serializer.
    now = int(time.time())
    user = {"user_id": 7, "name": "Ada", "_permanent": True}
    tampered = c0[:-2] + ("AA" if not c0.endswith("AA") else "BB")
    compare(name + " (bad signature)", flask, service, "/api/visit", [tampered])
    old = make_cookie(env, user, at=now - lifetime - 5)
    compare(name + " (expired)", flask, service, "/api/peek", [old])
    compare(name + " (expired)", flask, service, "/api/visit", [old])
    fallbacks = json.loads(env.get("FLASK_SECRET_KEY_FALLBACKS", "[]"))
    if fallbacks:
        rotated = make_cookie(env, user, key=fallbacks[0])
        compare(name + " (fallback key)", flask, service, "/api/peek", [rotated])
        compare(name + " (fallback key)", flask, service, "/api/visit", [rotated])
    bad_payload = make_cookie(env, None, raw_payload='{" u":"not a uuid"}')
    compare(name + " (payload does not decode)", flask, service, "/api/peek", [bad_payload])
    not_a_number = make_cookie(env, {"axum_visits": "three", "user_id": 1})
    compare(name + " (TypeError in the view)", flask, service, "/api/visit", [not_a_number])
    jsonify_fails = make_cookie(env, {"user_id": b"\x00", "_permanent": False})
    compare(name + " (jsonify fails after a change)", flask, service, "/api/visit", [jsonify_fails])
    floaty = make_cookie(env, {"axum_visits": 1.5, "user_id": [1, (2, "é")], "_flashes": "x"})
    compare(name + " (float visits)", flask, service, "/api/visit", [floaty])
    compare(name + " (flashes not a list)", flask, service, "/api/flash", [floaty])
    empty = make_cookie(env, {})
    compare(name + " (empty session)", flask, service, "/api/logout", [empty])
    compare(name + " (empty session)", flask, service, "/api/peek", [empty])
    compare(name + " (other cookies too)", flask, service, "/api/visit",
            ["a=1", c1, "session_x=2"])


def main():
    global verbose
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin-dir", default=os.path.join(HERE, "..", "..", "target", "debug", "examples"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    verbose = args.verbose
    bins = [("axum", os.path.join(args.bin_dir, "axum_flask_api")),
            ("actix", os.path.join(args.bin_dir, "actix_flask_api"))]
    for _, b in bins:
        if not os.access(b, os.X_OK):
            sys.exit(f"{b} missing: run tests/services/run.sh (it builds the examples)")
    app_path = flask_app_path()
    print(f"Flask app: {os.path.relpath(app_path)}")
    configs = [
        ("default", {"FLASK_SECRET_KEY": "e2e default key"}),
        ("custom", {
            "FLASK_SECRET_KEY": "e2e custom key",
            "FLASK_SECRET_KEY_FALLBACKS": '["e2e old key"]',
            "FLASK_SESSION_COOKIE_NAME": "flask_sid",
            "FLASK_SESSION_COOKIE_DOMAIN": "app.example.test:8443",
            "FLASK_SESSION_COOKIE_PATH": "/my app",
            "FLASK_SESSION_COOKIE_SECURE": "true",
            "FLASK_SESSION_COOKIE_HTTPONLY": "false",
            "FLASK_SESSION_COOKIE_SAMESITE": "None",
            "FLASK_SESSION_COOKIE_PARTITIONED": "true",
            "FLASK_PERMANENT_SESSION_LIFETIME": "120",
            "FLASK_SESSION_REFRESH_EACH_REQUEST": "false",
        }),
    ]
    started = time.time()
    for label, env in configs:
        try:
            run_config(label, env, bins, app_path)
        except Exception as e:  # a server that does not start is a failure, not a crash
            check(f"{label}: servers", False, repr(e))
    print(f"({time.time() - started:.1f} s)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
