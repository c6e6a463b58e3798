#!/usr/bin/env python3
"""Differential test of Flask's session layer: the test driver against a real Flask app.

Each case is a random configuration (cookie name, Domain with ports, leading dots and non-ASCII,
APPLICATION_ROOT and SESSION_COOKIE_PATH needing quoting, every flag, SameSite spellings, valid
or not, lifetimes, refresh off, fallback keys) and one to four requests against it, each with
random Cookie headers (none, empty, valid, tampered, expired, from the future, fallback-signed,
quoted, duplicated, among other apps' cookies, several headers, non-UTF-8 bytes, non-dict and bad
payloads, all made with Flask's own serializer; sometimes the cookie the previous answer set) and
random view operations. The driver (`examples/respond.rs`, one long-lived process per
configuration, issue 10's contract) and a real Flask app (the route below applies the operations
through `flask.session`, called as a WSGI app with `time.time` and `flask.sessions.datetime`
frozen at the request's `now`) must agree on the status, every Set-Cookie byte, Vary and the
session after the operations; where Werkzeug raises for the configuration itself, the driver must
refuse to start.

    cargo build --example respond
    python3 tests/interop/session_diff.py                          # fresh seed, 1000 cases
    python3 tests/interop/session_diff.py --seed 7 --cases 5000 --jobs 2
    python3 tests/interop/session_diff.py --seed 7 --only 12 -v    # one case, verbosely
    python3 tests/interop/session_diff.py --self-test              # Flask against itself
    target/venvs/flask-2.2.5/bin/python tests/interop/session_diff.py --against python3
                                                       # an old Flask against Flask 3.1.3

`--serve` makes this script a driver with the respond contract itself, answering with the Flask
it runs on (so `--self-test` is the harness against a second, independently constructed Flask
app in another process, and `--against PYTHON` compares the in-process Flask with the Flask of
another interpreter, e.g. an old Flask in a venv against the system's 3.1.3).

How the harness builds the request: the environ comes from Werkzeug's `EnvironBuilder` (GET /,
http://localhost/), and `HTTP_COOKIE` is set to the Cookie header values (latin-1 code points,
one per byte, as PEP 3333 and the contract say) joined with "," -- what gunicorn and Werkzeug's
dev server do with repeated headers (`--cookie-join semicolon` joins with ";" instead, as
Werkzeug's sansio `Request.cookies` would). No header means no `HTTP_COOKIE`.

The view (one route) applies the operations in order through the `flask.session` proxy:
`get` session.get(k); `set` session[k] = v; `setdefault` session.setdefault(k, v); `pop`
session.pop(k, None); `clear` session.clear(); `permanent` session.permanent = b; `touch`
len(session) (touches the session without reading a key: in Flask 3.1.3 every access through
the proxy sets `accessed`, before 3.1.3 `len` did not); `modified` session.modified = True.
Values arrive as Flask tagged JSON text and are loaded with the app's own serializer.

Deliberate differences are excluded BY NAMED RULE, counted and printed (`rules:` line), each
checked to give the driver's documented answer (examples/respond.rs):

* `non-text-key`: the payload's dict() has non-str keys: the driver answers 500 "non_text_key".
* `non-ascii-domain`: a non-ASCII SESSION_COOKIE_DOMAIN (no IDNA nameprep): 500
  "non_ascii_domain" where Flask writes or deletes the cookie.
* `sig-not-canonical`: the session cookie's signature text is not canonical: the strict driver
  may differ, the `--lenient` driver must then agree with Flask.
* `dump-after-9999`: `now` after the year 9999: 500 "dump_error" where Flask writes a cookie.
* `session-not-dumpable` (not a difference): Flask cannot dump the session's JSON itself (mixed
  int/str keys under sort_keys); status, Set-Cookie and Vary still compare.

Where Werkzeug raises for the configuration itself (unknown SameSite, bad Domain labels) the
driver may refuse to start, or answer every request exactly as Flask does (500 where Flask
writes or deletes the cookie). When the Flask in this process is older than 3.1.3 (a venv of
tests/interop/venvs.sh), VERSION_RULES, each gated to the versions its source explains,
classify the differences Flask's and Werkzeug's changes explain (docs/compatibility-sessions.md).
The seed is printed first; the last line is `N passed, M failed`; exit status 0 when every case
agrees.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import select
import shlex
import subprocess
import sys
import tempfile
import warnings
from datetime import datetime, timedelta, timezone
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import flask  # noqa: E402
import itsdangerous  # noqa: E402
from flask import Flask  # noqa: E402
from flask.sessions import SecureCookieSessionInterface  # noqa: E402
from importlib.metadata import version as _dist_version  # noqa: E402
from werkzeug.test import EnvironBuilder, run_wsgi_app  # noqa: E402

import flaskref as fr  # noqa: E402
import random_corpus as rc  # noqa: E402

FLASK_VERSION = _dist_version("flask")
WERKZEUG_VERSION = _dist_version("werkzeug")


def _vtuple(v: str) -> tuple:
    return tuple(int(x) for x in v.split(".")[:3] if x.isdigit())


FLASK_V = _vtuple(FLASK_VERSION)
HAS_FALLBACKS = FLASK_V >= (3, 1)  # SECRET_KEY_FALLBACKS
HAS_PARTITIONED = FLASK_V >= (3, 1)  # SESSION_COOKIE_PARTITIONED (Werkzeug 3.1's partitioned=)
REFERENCE = FLASK_V >= (3, 1, 3)  # the version the session layer follows
T0 = 1_700_000_000
DEFAULT_LIFETIME = 31 * 86400
JOINERS = {"comma": ",", "semicolon": ";"}

warnings.simplefilter("ignore")  # Werkzeug's cookie-size warning; the driver reports it its own way


# ---------------------------------------------------------------------------
# Configurations
# ---------------------------------------------------------------------------

NAMES = ["session", "session", "session", "sess", "my_session", "__Host-session", "SESSION",
         "a b", "s.id", "caf\u00e9", "\u00e9", "x=y", "k\u00fcche", "s!#$%&'*+-.^_`|~", ""]
DOMAINS = ["example.com", ".example.com", "example.com:8080", ".example.com:443", "localhost",
           "localhost:5000", "EXAMPLE.com", "sub.example.co.uk", "b\u00fccher.example",
           ".B\u00fccher.Example:8443", "xn--bcher-kva.example", "\u4f8b\u3048.\u30c6\u30b9\u30c8",
           "127.0.0.1", "127.0.0.1:8000", "[::1]:8000", ".", "", ":80", "a..b", "x" * 64 + ".com",
           "ex ample.com", "stra\u00dfe.de", "\u00e9.", "..example.com"]
PATHS = ["/", "/app", "/app/", "/a b", "/\u00fc", "/a;b", "/%7Euser", "", "/a?b#c", '/a"b',
         "relative", "/caf\u00e9/x", "/a,b:c=d@e", "/~x/[y]", "//double", "/\u4f8b"]
SAMESITES = ["Lax", "Strict", "None", "lax", "strict", "none", "LAX", "nOnE", "StRiCt", "",
             "Lax ", " lax", "Lx", "no", "secure", "lax;", "Non"]
LIFETIMES = [0, 1, 60, 3600, 86400, DEFAULT_LIFETIME, 365 * 86400, 10**8, 10**10, 2 * 10**11, 3 * 10**11]


def rand_config(r: random.Random) -> dict:
    def key() -> str:
        k = fr.rand_ascii_key(r)
        return k if not k.startswith("-") else "k" + k

    cfg: dict = {"secret_key": key(), "fallback_keys": []}
    if HAS_FALLBACKS and r.random() < 0.4:
        cfg["fallback_keys"] = [key() for _ in range(r.choice([1, 1, 2, 3]))]
    cfg["cookie_name"] = r.choice(NAMES) if r.random() < 0.3 else None
    cfg["cookie_domain"] = r.choice(DOMAINS) if r.random() < 0.35 else None
    cfg["cookie_path"] = r.choice(PATHS) if r.random() < 0.25 else None
    cfg["application_root"] = r.choice(PATHS) if r.random() < 0.25 else None
    cfg["httponly"] = r.random() < 0.85
    cfg["secure"] = r.random() < 0.3
    cfg["samesite"] = None
    if r.random() < 0.4:
        cfg["samesite"] = r.choice(SAMESITES[:9] if r.random() < 0.8 else SAMESITES[9:])
    cfg["partitioned"] = r.random() < 0.15
    cfg["lifetime"] = r.choice(LIFETIMES) if r.random() < 0.5 else None
    if cfg["lifetime"] is None and r.random() < 0.2:
        cfg["lifetime"] = r.randrange(0, 10**9)
    cfg["refresh"] = r.random() < 0.75
    return cfg


def lifetime_of(cfg: dict) -> int:
    return DEFAULT_LIFETIME if cfg["lifetime"] is None else cfg["lifetime"]


def config_argv(cfg: dict) -> list[str]:
    """The driver's options for a configuration (the contract's spelling; absent = Flask's default)."""
    argv = ["--secret-key", cfg["secret_key"]]
    for k in cfg["fallback_keys"]:
        argv += ["--fallback-key", k]
    for opt, name in (("--cookie-name", "cookie_name"), ("--cookie-domain", "cookie_domain"),
                      ("--cookie-path", "cookie_path"), ("--application-root", "application_root"),
                      ("--samesite", "samesite")):
        if cfg[name] is not None:
            argv += [opt, cfg[name]]
    if not cfg["httponly"]:
        argv.append("--no-httponly")
    if cfg["secure"]:
        argv.append("--secure")
    if cfg["partitioned"]:
        argv.append("--partitioned")
    if cfg["lifetime"] is not None:
        argv += ["--lifetime", str(cfg["lifetime"])]
    if not cfg["refresh"]:
        argv.append("--no-refresh-each-request")
    return argv


def parse_config_argv(argv: list[str]) -> dict:
    """The inverse of config_argv (the --serve driver's option parser)."""
    ap = argparse.ArgumentParser(prog="session_diff.py --serve")
    ap.add_argument("--serve", action="store_true")
    ap.add_argument("--cookie-join", default=";")  # the text joining Cookie values (the driver's option)
    ap.add_argument("--secret-key", required=True)
    ap.add_argument("--fallback-key", action="append", default=[])
    ap.add_argument("--cookie-name")
    ap.add_argument("--cookie-domain")
    ap.add_argument("--cookie-path")
    ap.add_argument("--application-root")
    ap.add_argument("--no-httponly", action="store_true")
    ap.add_argument("--secure", action="store_true")
    ap.add_argument("--samesite")
    ap.add_argument("--partitioned", action="store_true")
    ap.add_argument("--lifetime", type=int)
    ap.add_argument("--no-refresh-each-request", action="store_true")
    ap.add_argument("--lenient", action="store_true")  # Flask always decodes base64 leniently
    a = ap.parse_args(argv)
    return {
        "secret_key": a.secret_key, "fallback_keys": a.fallback_key, "cookie_name": a.cookie_name,
        "cookie_domain": a.cookie_domain, "cookie_path": a.cookie_path,
        "application_root": a.application_root, "httponly": not a.no_httponly, "secure": a.secure,
        "samesite": a.samesite, "partitioned": a.partitioned, "lifetime": a.lifetime,
        "refresh": not a.no_refresh_each_request, "cookie_join": a.cookie_join,
    }


# ---------------------------------------------------------------------------
# The Flask side
# ---------------------------------------------------------------------------


class _FrozenDatetime(datetime):
    """`flask.sessions.datetime` during a request: `now()` (and `utcnow()`, for old Flask) is the
    request's `now`."""

    frozen = 0

    @classmethod
    def now(cls, tz=None):  # noqa: D102
        return datetime.fromtimestamp(cls.frozen, tz) if tz is not None else datetime.fromtimestamp(cls.frozen)

    @classmethod
    def utcnow(cls):  # noqa: D102
        return datetime.fromtimestamp(cls.frozen, timezone.utc).replace(tzinfo=None)


@contextlib.contextmanager
def frozen_clock(now: int):
    """itsdangerous's TimestampSigner.get_timestamp is int(time.time()); Flask's
    get_expiration_time is datetime.now(timezone.utc) (+ the lifetime)."""
    _FrozenDatetime.frozen = now
    with mock.patch("time.time", lambda: float(now)), \
            mock.patch.object(flask.sessions, "datetime", _FrozenDatetime):
        yield


class RecordingInterface(SecureCookieSessionInterface):
    """Flask's interface unchanged; it only remembers what open/save did (for rules and reports)."""

    def open_session(self, app, request):
        self.picked = None
        with contextlib.suppress(Exception):
            self.picked = request.cookies.get(self.get_cookie_name(app))
        self.opened = None
        self.open_error = None
        self.save_errors = []
        self.accessed_at_save = None
        try:
            s = super().open_session(app, request)
        except Exception as e:  # noqa: BLE001 - re-raised: Flask answers 500
            self.open_error = f"{type(e).__name__}: {e}"[:200]
            raise
        self.opened = s
        self.opened_keys = sorted(repr(k) for k in s) if s is not None else []
        self.opened_nonstr = s is not None and any(not isinstance(k, str) for k in s)
        return s

    def save_session(self, app, session, response):
        if not self.save_errors:
            # Before save_session itself reads `permanent` (which, before Flask 3.1.3, sets it).
            self.accessed_at_save = getattr(session, "accessed", None)
        try:
            return super().save_session(app, session, response)
        except Exception as e:  # noqa: BLE001 - re-raised
            self.save_errors.append(f"{type(e).__name__}: {e}"[:200])
            raise


OPS = ["get", "set", "setdefault", "pop", "clear", "permanent", "touch", "modified"]


class FlaskSide:
    """One Flask app for one configuration; `respond(request)` answers as the contract says."""

    def __init__(self, cfg: dict, join: str = ","):
        self.cfg = cfg
        self.join = join
        app = Flask("session_diff")
        app.config["SECRET_KEY"] = cfg["secret_key"]
        if HAS_FALLBACKS:
            app.config["SECRET_KEY_FALLBACKS"] = list(cfg["fallback_keys"])
        for conf, name in (("SESSION_COOKIE_NAME", "cookie_name"), ("SESSION_COOKIE_DOMAIN", "cookie_domain"),
                           ("SESSION_COOKIE_PATH", "cookie_path"), ("APPLICATION_ROOT", "application_root"),
                           ("SESSION_COOKIE_SAMESITE", "samesite")):
            if cfg[name] is not None:
                app.config[conf] = cfg[name]
        app.config["SESSION_COOKIE_HTTPONLY"] = cfg["httponly"]
        app.config["SESSION_COOKIE_SECURE"] = cfg["secure"]
        if HAS_PARTITIONED:
            app.config["SESSION_COOKIE_PARTITIONED"] = cfg["partitioned"]
        if cfg["lifetime"] is not None:
            app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=cfg["lifetime"])
        app.config["SESSION_REFRESH_EACH_REQUEST"] = cfg["refresh"]
        app.logger.disabled = True  # the 500s are expected
        app.session_interface = RecordingInterface()
        self.app = app
        self.ops: list = []
        self.op_results: list = []

        @app.route("/")
        def view():
            from flask import session

            # Every operation goes through the proxy, as a view's would (in Flask 3.1.3 each
            # access sets `accessed`; the harness never touches the proxy itself).
            ser = app.session_interface.serializer
            for op in self.ops:
                kind = op[0]
                if kind == "get":
                    self.op_results.append(session.get(op[1]))
                elif kind == "set":
                    session[op[1]] = ser.loads(op[2])
                elif kind == "setdefault":
                    self.op_results.append(session.setdefault(op[1], ser.loads(op[2])))
                elif kind == "pop":
                    self.op_results.append(session.pop(op[1], None))
                elif kind == "clear":
                    session.clear()
                elif kind == "permanent":
                    session.permanent = op[1]
                elif kind == "touch":
                    self.op_results.append(len(session))
                elif kind == "modified":
                    session.modified = True
                else:
                    raise ValueError(f"unknown op {op!r}")
            return "ok"

        self.config_error = self._config_error()

    def _config_error(self) -> str | None:
        """Why Werkzeug's dump_cookie raises for this configuration's attributes, whatever the
        session (then Flask answers 500 to every request that sets or deletes the cookie, and the
        driver must refuse the configuration)."""
        app, iface = self.app, self.app.session_interface
        with app.app_context():
            kwargs = dict(domain=iface.get_cookie_domain(app), path=iface.get_cookie_path(app),
                          secure=iface.get_cookie_secure(app), httponly=iface.get_cookie_httponly(app),
                          samesite=iface.get_cookie_samesite(app))
            if HAS_PARTITIONED:
                kwargs["partitioned"] = iface.get_cookie_partitioned(app)
            name = iface.get_cookie_name(app)
            try:
                resp = app.response_class()
                resp.set_cookie(name, "x", **kwargs)
                resp.delete_cookie(name, **kwargs)
            except Exception as e:  # noqa: BLE001
                return f"{type(e).__name__}: {e}"
        return None

    def respond(self, req: dict) -> dict:
        environ = EnvironBuilder(path="/", base_url="http://localhost/").get_environ()
        environ.pop("HTTP_COOKIE", None)
        if req.get("cookies"):
            environ["HTTP_COOKIE"] = self.join.join(req["cookies"])
        self.ops = req.get("ops", [])
        self.op_results = []
        iface = self.app.session_interface
        with frozen_clock(int(req["now"])), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            app_iter, status, headers = run_wsgi_app(self.app.wsgi_app, environ, buffered=True)
            with contextlib.suppress(Exception):
                app_iter.close()
            code = int(status.split()[0])
            # Werkzeug's size warning (dump_cookie, MAX_COOKIE_SIZE 4093) on a cookie it sent.
            too_large = code == 200 and any("cookie is too large" in str(w.message) for w in caught)
            answer = {"status": code, "set_cookie": headers.getlist("Set-Cookie"),
                      "vary": headers.getlist("Vary"), "session": None}
            facts = {"too_large": too_large, "picked": iface.picked, "open_error": iface.open_error, "save_errors": iface.save_errors,
                     "accessed": iface.accessed_at_save,
                     "opened_keys": getattr(iface, "opened_keys", None) if iface.open_error is None else None,
                     "opened_nonstr": getattr(iface, "opened_nonstr", None) if iface.open_error is None else None}
            if code == 200:
                sess = iface.opened  # the request context's session (what save_session got)
                with self.app.app_context():
                    try:
                        answer["session"] = iface.serializer.dumps(dict(sess))
                    except Exception as e:  # noqa: BLE001 - e.g. mixed int/str keys under sort_keys
                        facts["session_error"] = f"{type(e).__name__}: {e}"[:200]
                        answer["session"] = None
        return answer, facts


def serve(argv: list[str]) -> int:
    """The respond contract, answered by the Flask in this interpreter."""
    cfg = parse_config_argv(argv)
    side = FlaskSide(cfg, cfg["cookie_join"])
    if side.config_error:
        print(f"error: Flask refuses this configuration: {side.config_error}", file=sys.stderr)
        return 64
    out = sys.stdout
    for line in sys.stdin:
        req = json.loads(line)
        answer, facts = side.respond(req)
        if facts.get("too_large"):
            answer["too_large"] = True  # as examples/respond.rs reports Werkzeug's size warning
        out.write(json.dumps(answer, ensure_ascii=True) + "\n")
        out.flush()
    return 0


# ---------------------------------------------------------------------------
# Requests
# ---------------------------------------------------------------------------

OTHER_COOKIES = ["_ga=GA1.2.1234567890.1700000000", "csrftoken=abcDEF123", "theme=dark", "a=1",
                 'q="quoted value"', "empty=", "flag", "  spaced  =  v  ", "lang=fr-CH",
                 "x=\u00e9t\u00e9", "u8=\u00c3\u00a9", "bin=\u00ff\u00fe\u0080", "semi=a,b",
                 'esc="a\\073b\\"c"', "session2=abc", "Session=notours", "=novalue", "sess=zz"]
fr_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
KEYS = ["user", "user", "cart", "k", "_permanent", "_flashes", "csrf_token", "\u00e9", "", " t", "x y"]
PERMANENT_VALUES = [True, True, False, 1, 0, "", "x", [], [0], None, 0.0, {"a": 1}]
NON_DICT_PAYLOADS = [
    "null", "[]", '""', "0", "1", "true", "false", '"ab"', '"abc"', '["ab"]', '["ab","cd"]',
    '["abc"]', "[[1,2]]", '[["a",1],["b",2]]', '[["a",1],["a",2]]', '[[1,"x"],["a","y"]]',
    '[{" t":["k","v"]}]', '{" t":[["a",1]]}', '{" t":[]}', '{" b":""}', '{" b":"YWI="}',
    '{" m":"ab"}', '{" m":""}', '[[[1],2]]', '[[null,1]]', '[[1.5,1],[2.5,2]]', '[[true,1]]',
    '{" u":"12345678123456781234567812345678"}', '[["_permanent",true],["user","x"]]',
    '[[{" t":[1,2]},3]]', '[[{" b":"eA=="},1]]', '"\\u00e9\\u00e9"', "[[1,2],[3]]", '{" t":["ab"]}',
]
BAD_JSON_PAYLOADS = ['{"a":', "{'a':1}", "nope", '{"a":1}x', '{" t":5}', '{" d":"nope"}',
                     '{" u":"zz"}', '{" b":"***"}', '{"a":NaN}', "", " ", '{"a":1,}']


class Request:
    """One request line (cookies, now, ops) and what made it."""

    def __init__(self, cookies: list[str], now: int, ops: list, made: list[str]):
        self.cookies, self.now, self.ops, self.made = cookies, now, ops, made

    def line(self) -> dict:
        return {"cookies": self.cookies, "now": self.now, "ops": self.ops}


def cookie_name(cfg: dict) -> str:
    return "session" if cfg["cookie_name"] is None else cfg["cookie_name"]


def rand_session_value(r: random.Random) -> dict:
    if r.random() < 0.06:
        # Around Werkzeug's 4093-byte warning: incompressible text of a length near it.
        n = r.randrange(3880, 4000)  # zlib gets about 6 bits a character back: a cookie near 4093 bytes
        return {"big": "".join(r.choice(fr_ALPHABET) for _ in range(n))}
    s = fr.rand_session(r)
    if r.random() < 0.35:
        s["_permanent"] = r.choice(PERMANENT_VALUES)
    return s


class Maker:
    """Makes session cookie values for one configuration with Flask's own serializer."""

    def __init__(self, cfg: dict, r: random.Random):
        self.cfg, self.r = cfg, r
        self.codec_cfg = fr.config("flask", cfg["secret_key"], cfg["fallback_keys"] if HAS_FALLBACKS else [],
                                   max_age=lifetime_of(cfg))
        self.ref = fr.Ref(self.codec_cfg)

    def signer(self, key: str) -> fr.Ref:
        return fr.Ref(dict(self.codec_cfg, secret_key=key, fallback_keys=[]))

    def value(self, now: int) -> tuple[str, str]:
        """(kind, cookie value) for the session cookie."""
        r, cfg = self.r, self.cfg
        life = lifetime_of(cfg)
        fresh_ts = max(0, now - r.choice([0, 0, 1, min(life, r.randrange(0, 10**6)), life]))
        kind = r.choices(
            ["valid", "expired", "future", "tampered", "fallback", "other_key", "empty", "garbage",
             "non_dict", "bad_json", "bad_payload", "late_timestamp", "non_ascii_signed", "untimed"],
            [30, 6, 3, 6, 8, 4, 4, 3, 10, 4, 3, 1, 2, 1])[0]
        session = rand_session_value(r)
        if kind == "valid":
            return kind, self.ref.dumps(session, fresh_ts)
        if kind == "expired":
            return kind, self.ref.dumps(session, max(0, now - life - r.choice([1, 2, 10**6])))
        if kind == "future":
            return kind, self.ref.dumps(session, now + r.choice([1, 60, 10**6]))
        if kind == "tampered":
            good = self.ref.dumps(session, fresh_ts)
            other = self.signer("other " + cfg["secret_key"]).dumps(session, fresh_ts)
            how, v = fr.tamper(r, good, other)
            return f"tampered/{how}", v
        if kind == "fallback":
            if cfg["fallback_keys"]:
                return kind, self.signer(r.choice(cfg["fallback_keys"])).dumps(session, fresh_ts)
            return "other_key", self.signer(cfg["secret_key"] + "!").dumps(session, fresh_ts)
        if kind == "other_key":
            return kind, self.signer(r.choice(["x", cfg["secret_key"][:-1] or "y", "dev"])).dumps(session, fresh_ts)
        if kind == "empty":
            return kind, ""
        if kind == "garbage":
            return kind, r.choice(["x", "a.b.c", "....", "eyJhIjoxfQ", "eyJhIjoxfQ.ZVPxAA", "\u00e9\u00ff.\u0080"])
        signer = self.signer(cfg["secret_key"])
        if kind == "non_dict":
            text = r.choice(NON_DICT_PAYLOADS)
            return f"non_dict {text}", signer.sign_payload(fr.payload_text(text.encode()), fresh_ts)
        if kind == "bad_json":
            text = r.choice(BAD_JSON_PAYLOADS)
            return f"bad_json {text}", signer.sign_payload(fr.payload_text(text.encode()), fresh_ts)
        if kind == "bad_payload":
            how, payload = rc.rand_signed_payload(r, self.ref.canonical(session))
            return f"bad_payload/{how}", signer.sign_payload(payload, fresh_ts)
        if kind == "late_timestamp":
            ts = fr.base64_encode((253402300800 + r.randrange(10**6)).to_bytes(8, "big")).decode()
            payload = fr.payload_text(b'{"a":1}')
            mac = itsdangerous.Signer(signer.s.secret_keys, salt=signer.s.salt, key_derivation="hmac")
            return kind, mac.sign(f"{payload}.{ts}".encode()).decode()
        if kind == "non_ascii_signed":
            # Signed over the UTF-8 of latin-1 code points: what itsdangerous sees for raw bytes.
            payload = fr.payload_text(b'{"a":1}') + r.choice(["\u00e9", "\u00ff", "\u0080"])
            return kind, signer.sign_payload(payload, fresh_ts)
        return kind, signer.sign_untimed(fr.payload_text(b'{"a":1}'))


def quote_value(r: random.Random, v: str) -> str:
    """A client quoting the value (Werkzeug unquotes `"..."` and its backslash escapes)."""
    how = r.choice(["plain", "octal", "backslash"])
    if how == "octal" and v:
        i = r.randrange(len(v))
        return '"' + v[:i] + "\\%03o" % (ord(v[i]) & 0xFF) + v[i + 1:] + '"'
    if how == "backslash" and v:
        i = r.randrange(len(v))
        return '"' + v[:i] + "\\" + v[i:] + '"'
    return f'"{v}"'


def rand_cookies(r: random.Random, cfg: dict, maker: Maker, now: int, previous: str | None) -> tuple[list, list]:
    """Cookie header values and what they hold."""
    made: list[str] = []
    x = r.random()
    if x < 0.12:
        return [], ["no header"]
    if x < 0.17:
        return [r.choice(["", " ", ";", "; ;"])], ["empty header"]
    name = cookie_name(cfg)
    pairs: list[str] = []
    for _ in range(r.choice([1, 1, 1, 1, 2, 2, 3])):
        if previous is not None and r.random() < 0.5:
            value, kind = previous, "previous answer"
            previous = None
        else:
            kind, value = maker.value(now)
        if r.random() < 0.08:
            value, kind = quote_value(r, value), kind + " (quoted)"
        n = name
        if r.random() < 0.04:
            n = r.choice([name.upper(), name + " ", " " + name, name.encode("utf-8").decode("latin-1")])
            kind += f" (name {n!r})"
        sep = r.choice(["=", "=", "=", " = "])
        pairs.append(f"{n}{sep}{value}")
        made.append(kind)
    for _ in range(r.choice([0, 0, 1, 2, 4])):
        pairs.insert(r.randrange(len(pairs) + 1), r.choice(OTHER_COOKIES))
    if r.random() < 0.15:
        made.append("several headers")
        k = r.randrange(1, len(pairs) + 1)
        groups = [pairs[:k], pairs[k:]] if k < len(pairs) else [pairs]
        return ["; ".join(g) for g in groups], made
    sep = r.choice(["; ", "; ", ";", " ; "])
    text = sep.join(pairs)
    if r.random() < 0.05:
        text += r.choice([";", "; ", " "])
    return [text], made


def rand_value_text(r: random.Random, ser) -> str:
    return ser.dumps(fr.rand_value(r))


def rand_ops(r: random.Random, ser, keys: list[str]) -> list:
    n = r.choice([0, 0, 1, 1, 2, 3, 4, 6])
    ops: list = []
    for _ in range(n):
        kind = r.choices(OPS, [14, 14, 5, 6, 3, 6, 5, 4])[0]
        k = r.choice(keys) if keys and r.random() < 0.4 else r.choice(KEYS)
        if kind == "get" or kind == "pop":
            ops.append([kind, k])
        elif kind in ("set", "setdefault"):
            if k == "_permanent" and r.random() < 0.7:
                ops.append([kind, k, ser.dumps(r.choice(PERMANENT_VALUES))])
            else:
                ops.append([kind, k, rand_value_text(r, ser)])
        elif kind == "permanent":
            ops.append([kind, r.random() < 0.7])
        else:
            ops.append([kind])
    return ops


class Case:
    def __init__(self, index: int, seed: int):
        self.index = index
        r = random.Random(f"session_diff/{seed}/{index}")
        self.r = r
        self.cfg = rand_config(r)
        self.maker = Maker(self.cfg, r)
        self.n_requests = r.choice([1, 1, 2, 2, 3, 4])
        self.now = r.randrange(T0 - 10**8, T0 + 10**8)

    def next_request(self, previous: str | None, ser) -> Request:
        r = self.r
        life = lifetime_of(self.cfg)
        if life > 10**9 and r.random() < 0.9:
            life = 10**6  # mostly keep `now` in this millennium (rule dump-after-9999 otherwise)
        self.now += r.choice([0, 1, 60, 3600, 86400, life, life + 1])
        cookies, made = rand_cookies(r, self.cfg, self.maker, self.now, previous)
        ops = rand_ops(r, ser, ["user", "cart"])
        return Request(cookies, self.now, ops, made)


def set_cookie_value(header: str, name: str) -> str | None:
    """The value a browser would send back for a Set-Cookie of ours (None: a deletion/other)."""
    head = header.split(";", 1)[0]
    prefix = name.encode("utf-8").decode("latin-1") + "="
    if not head.startswith(prefix) or "Max-Age=0" in header:
        return None
    return head[len(prefix):]


# ---------------------------------------------------------------------------
# The driver
# ---------------------------------------------------------------------------


class Driver:
    """A long-lived driver process for one configuration."""

    TIMEOUT = 30.0

    def __init__(self, command: list[str], argv: list[str]):
        self.argv = [*command, *argv]
        self.err = tempfile.TemporaryFile()
        self.p = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.err)
        self.buf = b""

    def stderr(self) -> str:
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")[-1000:]

    def ask(self, line: dict) -> dict | None:
        """The answer, or None when the process exited without one (a refused configuration)."""
        assert self.p.stdin and self.p.stdout
        try:
            self.p.stdin.write((json.dumps(line, ensure_ascii=True) + "\n").encode())
            self.p.stdin.flush()
        except (BrokenPipeError, OSError):
            self.p.wait(timeout=self.TIMEOUT)
            return None
        fd = self.p.stdout.fileno()
        while b"\n" not in self.buf:
            ready, _, _ = select.select([fd], [], [], self.TIMEOUT)
            if not ready:
                raise RuntimeError(f"driver gave no answer in {self.TIMEOUT} s")
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                self.p.wait(timeout=self.TIMEOUT)
                return None
            self.buf += chunk
        out, self.buf = self.buf.split(b"\n", 1)
        return json.loads(out.decode("utf-8", "surrogatepass"))

    def close(self) -> int | None:
        with contextlib.suppress(Exception):
            if self.p.stdin:
                self.p.stdin.close()
        try:
            return self.p.wait(timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return self.p.wait()


# ---------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------

def _host(domain: str) -> str:
    return domain.partition(":")[0].lstrip(".")


def _rule_non_text_key(cfg, req, flask_a, facts, drv):
    # The crate's Dict has text keys only: a payload whose dict() has non-str keys (a list of
    # pairs such as [[1, 2]], signed with the app's key) is refused with HTTP 500 "non_text_key",
    # where Flask keeps the session (docs/compatibility.md; examples/respond.rs).
    return (facts.get("opened_nonstr") is True and drv.get("status") == 500
            and drv.get("error") == "non_text_key" and drv.get("set_cookie") == [])


def _rule_non_ascii_domain(cfg, req, flask_a, facts, drv):
    # A non-ASCII SESSION_COOKIE_DOMAIN needs IDNA 2003 nameprep, which the crate does not
    # implement: each request that writes or deletes the cookie fails with HTTP 500
    # "non_ascii_domain" (Flask writes Domain=xn--...). The driver must fail exactly where
    # Flask writes a cookie.
    return (cfg["cookie_domain"] is not None and not _host(cfg["cookie_domain"]).isascii()
            and drv.get("status") == 500 and drv.get("error") == "non_ascii_domain"
            and drv.get("set_cookie") == [] and (bool(flask_a["set_cookie"]) or flask_a["status"] == 500))


DT_MAX = 253402300799  # 9999-12-31T23:59:59Z


def _rule_dump_after_9999(cfg, req, flask_a, facts, drv):
    # docs/compatibility.md: the codec refuses to dump with a timestamp after the year
    # 9999 (Flask writes a cookie nobody can open): the driver answers 500 "dump_error" where
    # Flask writes the cookie.
    return (req.now > DT_MAX and drv.get("status") == 500 and drv.get("error") == "dump_error"
            and drv.get("set_cookie") == [] and flask_a["status"] == 200
            and any(set_cookie_value(h, cookie_name(cfg)) for h in flask_a["set_cookie"]))


# Deliberate differences of the session layer against Flask 3.1.3, by name: (predicate on the
# case's configuration and request, Flask's answer and what Flask did (facts), the driver's
# answer) -> True when the rule explains the difference, and the driver gave its documented
# answer. Listed in the docstring of examples/respond.rs.
RULES: dict = {
    "non-text-key": _rule_non_text_key,
    "non-ascii-domain": _rule_non_ascii_domain,
    "dump-after-9999": _rule_dump_after_9999,
}


def _strip_attr(header: str, attr: str) -> str:
    return "; ".join(p for p in header.split("; ") if p != attr)


def _vr_vary_accessed(cfg, req, flask_a, facts, drv):
    # Flask < 3.1.3 sets `accessed` only in get/setdefault/__getitem__ and on writes
    # (on_update); `len`, `in`, pop of a missing key and `session.modified = True` do not.
    return (flask_a["vary"] == [] and drv.get("vary") == ["Cookie"] and bool(req.ops)
            and facts.get("accessed") is False
            and all(flask_a[f] == drv.get(f) for f in ("status", "set_cookie", "session")))


def _vr_partitioned(cfg, req, flask_a, facts, drv):
    # SESSION_COOKIE_PARTITIONED is new in Flask 3.1 (Werkzeug 3.1's partitioned=, which also
    # forces Secure): an older Flask ignores the setting.
    if not cfg["partitioned"] or flask_a["status"] != drv.get("status"):
        return False
    ours = [_strip_attr(h, "Partitioned") for h in drv.get("set_cookie", [])]
    if not cfg["secure"]:
        ours = [_strip_attr(h, "Secure") for h in ours]
    return ours == flask_a["set_cookie"] and ours != drv.get("set_cookie")


FALSY_PAYLOADS = {"0", "false", "0.0"}


def _vr_falsy_payload(cfg, req, flask_a, facts, drv):
    # Werkzeug before 3.1: CallbackDict does dict.__init__(self, initial or ()), so a falsy
    # non-dict payload (0, false) opens as an empty session; Werkzeug 3.1 does dict(0): HTTP 500.
    # (`error` is the Rust driver's reason; the --serve driver, Flask 3.1.3 itself, gives none.)
    return (drv.get("status") == 500 and drv.get("error") in ("not_a_dict", None) and facts.get("opened_keys") == []
            and any(m.startswith("non_dict ") and m.split(" ")[1] in FALSY_PAYLOADS for m in req.made))


def _attrs(header: str) -> dict:
    parts = header.split("; ")
    out = {"<name=value>": parts[0]}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        out[k] = v
    return out


def _differing_attrs(flask_a, drv) -> set | None:
    """The Set-Cookie attributes that differ when all else is equal (None: something else differs)."""
    if any(flask_a.get(f) != drv.get(f) for f in ("status", "session")):
        return None
    a, b = flask_a["set_cookie"], drv.get("set_cookie", [])
    if len(a) != len(b):
        return None
    names: set = set()
    for x, y in zip(a, b):
        ax, ay = _attrs(x), _attrs(y)
        names |= {k for k in set(ax) | set(ay) if ax.get(k) != ay.get(k)}
    return names


def _only_attr(*allowed):
    def pred(cfg, req, flask_a, facts, drv):
        names = _differing_attrs(flask_a, drv)
        if names is None or not names or not names <= set(allowed):
            return False
        # Vary may differ too, by the accessed rule
        return flask_a["vary"] == drv.get("vary") or facts.get("accessed") is False
    return pred


def _vr_request_bytes(cfg, req, flask_a, facts, drv):
    # Werkzeug before 2.3 decodes the Cookie header as UTF-8 (errors="replace") before parsing, so
    # non-ASCII names and values read differently (3.x keeps latin-1 code points).
    return any(ord(ch) > 127 for h in req.cookies for ch in h) or any(ord(ch) > 127 for ch in cookie_name(cfg))


def _vr_quoted(cfg, req, flask_a, facts, drv):
    # Werkzeug before 2.3 parses and unquotes cookies with another grammar (_cookie_parse_impl).
    return any('"' in h or "\\" in h or "," in h for h in req.cookies) or len(req.cookies) > 1


# Classifiers of the differences between an older Flask (in this process) and the session
# layer's Flask 3.1.3 semantics (the driver). Used only when the Flask here is older than 3.1.3.
def _vr_vary_failed_save(cfg, req, flask_a, facts, drv):
    # Flask before 3.1.3: save_session reads `session.permanent` (SecureCookieSession.get sets
    # `accessed`), so when writing the cookie fails (e.g. an invalid SameSite) the retry on the
    # 500 response adds Vary: Cookie even for a view that never touched the session.
    return (flask_a["status"] == 500 == drv.get("status") and bool(facts.get("save_errors"))
            and flask_a["vary"] == ["Cookie"] and drv.get("vary") == [] and flask_a["set_cookie"] == drv.get("set_cookie"))


def _vr_ascii_domain_label(cfg, req, flask_a, facts, drv):
    # Werkzeug before 2.3 IDNA-encodes only non-ASCII domains: `a..b` or a 64-character label
    # is written as it is, where Werkzeug 3 (and the driver) fail the write.
    return (drv.get("status") == 500 and drv.get("error") in ("domain_label", None)
            and (cfg["cookie_domain"] or "").isascii() and flask_a["status"] == 200)


def _vr_empty_domain(cfg, req, flask_a, facts, drv):
    # Flask before 3.0: get_cookie_domain returns `rv if rv else None`, so an empty
    # SESSION_COOKIE_DOMAIN writes no Domain (3.0+ passes "" on and Werkzeug writes `Domain=`).
    if cfg["cookie_domain"] != "" or flask_a["status"] != drv.get("status") or flask_a["session"] != drv.get("session"):
        return False
    ours = [_strip_attr(h, "Domain=") for h in drv.get("set_cookie", [])]
    if cfg["partitioned"] and not HAS_PARTITIONED:
        ours = [_strip_attr(h, "Partitioned") for h in ours]
        if not cfg["secure"]:
            ours = [_strip_attr(h, "Secure") for h in ours]
    return ours == flask_a["set_cookie"] and (flask_a["vary"] == drv.get("vary") or facts.get("accessed") is False)


WZ_V = _vtuple(WERKZEUG_VERSION)
_OLD_WZ = WZ_V < (2, 3)
VERSION_RULES: dict = {
    name: pred for name, pred, applies in [
        ("vary-on-any-access (Flask < 3.1.3)", _vr_vary_accessed, FLASK_V < (3, 1, 3)),
        ("vary-on-failed-save (Flask < 3.1.3)", _vr_vary_failed_save, FLASK_V < (3, 1, 3)),
        ("partitioned (Flask < 3.1)", _vr_partitioned, not HAS_PARTITIONED),
        ("empty-domain-omitted (Flask < 3.0)", _vr_empty_domain, FLASK_V < (3, 0)),
        ("falsy-payload-opens-empty (Werkzeug < 3.1)", _vr_falsy_payload, WZ_V < (3, 1)),
        ("domain-attribute (Werkzeug < 2.3)", _only_attr("Domain"), _OLD_WZ),
        ("path-attribute (Werkzeug < 2.3)", _only_attr("Path"), _OLD_WZ),
        ("domain-and-path-attributes (Werkzeug < 2.3)", _only_attr("Domain", "Path", "Partitioned", "Secure"), _OLD_WZ),
        ("ascii-domain-not-idna-checked (Werkzeug < 2.3)", _vr_ascii_domain_label, _OLD_WZ),
        ("request-non-ascii (Werkzeug < 2.3 decodes Cookie as UTF-8)", _vr_request_bytes, _OLD_WZ),
        ("request-quoting-or-commas (Werkzeug < 2.3 cookie grammar)", _vr_quoted, _OLD_WZ),
    ] if applies
}


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------

STATS: dict[str, int] = {}


def count(key: str, n: int = 1) -> None:
    STATS[key] = STATS.get(key, 0) + n


def describe(a: dict | None) -> str:
    return "no answer (process exited)" if a is None else json.dumps(a, ensure_ascii=True)[:1500]


def reproducer(command: list[str], argv: list[str], line: dict) -> str:
    return (f"echo {shlex.quote(json.dumps(line, ensure_ascii=True))} | "
            f"{' '.join(shlex.quote(x) for x in [*command, *argv])}")


def compare(cfg, req: Request, flask_a: dict, facts: dict, drv: dict | None) -> tuple[list[str], list[str]]:
    """(problems, rules applied)."""
    if drv is None:
        return ["the driver exited without an answer (refused the configuration?)"], []
    diffs = []
    for field in ("status", "set_cookie", "vary", "session"):
        if flask_a.get(field) != drv.get(field):
            if field == "session" and flask_a["status"] == 200 and "session_error" in facts:
                continue  # judged by rule below
            diffs.append(field)
    if flask_a["status"] == 200 and facts.get("too_large") != bool(drv.get("too_large")):
        # Not in the contract's four fields: the driver's "too_large" must be Werkzeug's warning.
        diffs.append("too_large")
    applied = []
    if flask_a["status"] == 200 and "session_error" in facts:
        applied.append("session-not-dumpable")  # Flask itself cannot write the session's JSON
    if not diffs:
        return [], applied
    for name, pred in RULES.items():
        if pred(cfg, req, flask_a, facts, drv):
            return [], [*applied, name]
    if not REFERENCE:
        for name, pred in VERSION_RULES.items():
            if pred(cfg, req, flask_a, facts, drv):
                return [], [*applied, name]
    problems = []
    for field in diffs:
        if field == "too_large":
            problems.append(f"too_large differs: Werkzeug warned {facts.get('too_large')}, driver {drv.get('too_large')}")
            continue
        problems.append(f"{field} differs:\n        Flask:  {json.dumps(flask_a.get(field), ensure_ascii=True)[:800]}"
                        f"\n        driver: {json.dumps(drv.get(field), ensure_ascii=True)[:800]}")
    return problems, applied


def config_version_rule(cfg: dict, flask_error: str | None, ours: dict | None) -> str | None:
    """Why an older Flask and the driver disagree on accepting a configuration (None: unexplained)."""
    domain = cfg["cookie_domain"] or ""
    if flask_error and "Setting 'domain'" in flask_error and ours is not None and _OLD_WZ:
        # Werkzeug before 2.3 refuses a Domain without a dot (localhost, "", "." ...).
        return "domain-without-dot-refused (Werkzeug < 2.3)"
    if flask_error is None and ours is None and domain.isascii() and _OLD_WZ:
        # Werkzeug before 2.3 IDNA-encodes only non-ASCII domains ("a..b" passes).
        return "ascii-domain-not-idna-checked (Werkzeug < 2.3)"
    return None


def check_case(c: Case, command: list[str], join: str, verbose: bool) -> list[str]:
    cfg = c.cfg
    argv = config_argv(cfg)
    side = FlaskSide(cfg, join)
    ser = side.app.session_interface.serializer
    count("configs")
    for k in ("cookie_name", "cookie_domain", "cookie_path", "application_root", "samesite", "lifetime"):
        if cfg[k] is not None:
            count(f"config {k}")
    for k in ("partitioned", "secure"):
        if cfg[k]:
            count(f"config {k}")
    if not cfg["httponly"]:
        count("config no-httponly")
    if not cfg["refresh"]:
        count("config no-refresh")
    if cfg["fallback_keys"]:
        count("config fallback keys")
    header = f"case {c.index}: config {json.dumps(cfg, ensure_ascii=True)}"
    drv = Driver(command, argv)
    lenient = None
    problems: list[str] = []
    try:
        previous = None
        for i in range(c.n_requests):
            req = c.next_request(previous, ser)
            line = req.line()
            ours = drv.ask(line)
            if not REFERENCE and (side.config_error is not None) != (ours is None):
                rule = config_version_rule(cfg, side.config_error, ours)
                if rule:
                    count("rule " + rule)
                    return problems
            if side.config_error is not None and i == 0:
                # Werkzeug raises for these attributes at every cookie it writes. The driver may
                # refuse the configuration at start, or answer as Flask does (500 where Flask
                # writes or deletes the cookie): both are checked.
                count("config Werkzeug raises on write")
                if ours is None:
                    count("config refused by the driver")
                    if verbose:
                        print(f"{header}\n      refused: Flask {side.config_error}; driver: {drv.stderr()[:300]}")
                    return problems
                count("config answered per request by the driver")
            flask_a, facts = side.respond(req.line())
            for m in req.made or ["no cookie"]:
                count("cookie " + m.split(" ")[0].split("/")[0])
            for op in req.ops:
                count("op " + op[0])
            count(f"status {flask_a['status']}")
            count("set-cookie " + ("none" if not flask_a["set_cookie"] else
                                   "delete" if "Max-Age=0" in flask_a["set_cookie"][0] else "set"))
            if flask_a["vary"]:
                count("vary Cookie")
            if facts.get("open_error"):
                count("open error " + facts["open_error"].split(":")[0])
            if facts.get("too_large"):
                count("set-cookie too large (Werkzeug warns)")
            if ours is None:
                problems.append(f"request {i}: the driver exited without an answer (exit {drv.p.poll()}), "
                                f"Flask accepts this configuration\n      driver stderr: {drv.stderr()[:500]}"
                                f"\n      reproduce: {reproducer(command, argv, line)}")
                return problems
            found, applied = compare(cfg, req, flask_a, facts, ours)
            picked = facts.get("picked")
            if found and picked and not fr.is_canonical_signature(picked, "sha1"):
                # sig-not-canonical: the session cookie's signature is not the canonical spelling
                # of its MAC (padding, unused bits, characters base64 skips): Flask accepts it,
                # the crate refuses it unless --lenient. The lenient driver must agree with Flask.
                if lenient is None:
                    lenient = Driver(command, [*argv, "--lenient"])
                got = lenient.ask(line)
                found, applied = compare(cfg, req, flask_a, facts, got)
                applied.append("sig-not-canonical")
                if found:
                    found.insert(0, f"(the --lenient driver: {describe(got)})")
                    found.append(f"reproduce (lenient): {reproducer(command, [*argv, '--lenient'], line)}")
            for rule in applied:
                count("rule " + rule)
            if found or verbose:
                detail = (f"request {i}: {json.dumps(line, ensure_ascii=True)[:1500]}\n"
                          f"      made: {req.made}; facts: {json.dumps(facts, ensure_ascii=True)[:400]}"
                          f"{'; rules ' + str(applied) if applied else ''}\n"
                          f"      Flask:  {describe(flask_a)}\n      driver: {describe(ours)}")
                if found:
                    problems.append(detail + "\n      " + "\n      ".join(found)
                                    + f"\n      reproduce: {reproducer(command, argv, line)}")
                else:
                    print(f"{header}\n      {detail}")
            previous = None
            for h in flask_a["set_cookie"]:
                previous = set_cookie_value(h, cookie_name(cfg)) or previous
    finally:
        drv.close()
        if lenient is not None:
            lenient.close()
    if problems:
        problems.insert(0, header)
    return problems


def worker(args: tuple) -> tuple[int, int, list[str], dict]:
    seed, indices, command, join, verbose = args
    passed = failed = 0
    reports = []
    for i in indices:
        try:
            problems = check_case(Case(i, seed), command, join, verbose)
        except Exception as e:  # noqa: BLE001 - a harness error is a failure, not a crash
            import traceback

            problems = [f"case {i}: harness error {type(e).__name__}: {e}\n{traceback.format_exc()[-1500:]}"]
        if problems:
            failed += 1
            reports.append(f"DIVERGENCE (seed {seed}, case {i}):\n    " + "\n    ".join(problems))
        else:
            passed += 1
    return passed, failed, reports, STATS


def main() -> int:
    if "--serve" in sys.argv[1:]:
        return serve(sys.argv[1:])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="reproduce a run (default: fresh)")
    ap.add_argument("--cases", type=int, default=1000, help="number of configurations (default 1000)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "debug" / "examples" / "respond"),
                    help="the driver (default target/debug/examples/respond: cargo build --example respond)")
    ap.add_argument("--against", metavar="PYTHON", default=None,
                    help="use `PYTHON session_diff.py --serve` (that interpreter's Flask) as the driver")
    ap.add_argument("--self-test", action="store_true",
                    help="the driver is this Flask in a second process (the harness against itself)")
    ap.add_argument("--cookie-join", choices=sorted(JOINERS), default="comma",
                    help="how several Cookie headers become HTTP_COOKIE (default comma, as gunicorn)")
    ap.add_argument("--only", type=int, default=None, help="run only this case index")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**48)
    me = os.path.relpath(__file__, os.getcwd())
    if args.self_test or args.against:
        python = sys.executable if args.self_test else args.against
        command = [python, str(Path(__file__).resolve()), "--serve"]
        who = f"{python} {me} --serve"
    else:
        command = [os.path.abspath(args.bin)]
        who = args.bin
    # The driver joins several Cookie values as the harness does (the driver's --cookie-join).
    command += ["--cookie-join", JOINERS[args.cookie_join]]
    print(f"seed {seed} ({args.cases} cases; Flask {FLASK_VERSION}, Werkzeug {WERKZEUG_VERSION} "
          f"against {who}; reproduce with: python3 {me} --seed {seed} --cases {args.cases}"
          f"{' --self-test' if args.self_test else ''})", flush=True)
    if not args.self_test and not args.against and not os.path.exists(command[0]):
        print(f"error: no driver at {args.bin} (cargo build --example respond)", file=sys.stderr)
        print(f"0 passed, {args.cases} failed")
        return 1
    join = JOINERS[args.cookie_join]
    indices = [args.only] if args.only is not None else list(range(args.cases))
    jobs = max(1, min(args.jobs, len(indices)))
    chunks = [(seed, indices[j::jobs], command, join, args.verbose) for j in range(jobs)]
    if jobs == 1:
        results = [worker(chunks[0])]
    else:
        import multiprocessing

        with multiprocessing.Pool(jobs) as pool:
            results = pool.map(worker, chunks)
    passed = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    stats: dict[str, int] = {}
    for r in results:
        for line in r[2]:
            print(line, flush=True)
        for k, v in r[3].items():
            stats[k] = stats.get(k, 0) + v
    rules = {k: v for k, v in stats.items() if k.startswith("rule ")}
    print("cases: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items()) if not k.startswith("rule ")))
    print("rules: " + (", ".join(f"{k[5:]} {v}" for k, v in sorted(rules.items())) or "none applied"))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
