"""SessionConfig and Session against real Flask 3.1: the 600 requests Flask answered in
fixtures/vectors/session_flask.json replayed, and live requests through Flask's test client
(the oracle) at a frozen time: Flask's Set-Cookie, Vary, and its reading of our cookies."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from unittest import mock

import flask
import pytest

import flask_cookie_ffi as fc

ROOT = Path(__file__).resolve().parents[3]
KAT = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
KEY = "test key"


def cases():
    return json.loads((ROOT / "fixtures/vectors/session_flask.json").read_text())


def _accepts(**kw):
    from werkzeug.http import dump_cookie

    try:
        dump_cookie("s", "v", **kw)
        return True
    except Exception:  # noqa: BLE001
        return False


def test_flask_vectors():
    done = excluded = 0
    for i, c in enumerate(cases()):
        cfg = c["config"]
        ss_ok = cfg["samesite"] is None or _accepts(samesite=cfg["samesite"])
        dom_ok = cfg["domain"] is None or _accepts(domain=cfg["domain"])
        kw = dict(cookie_name=cfg["name"], path=cfg["path"], application_root=cfg["application_root"],
                  httponly=cfg["httponly"], secure=cfg["secure"], partitioned=cfg["partitioned"],
                  lifetime=cfg["lifetime"], refresh_each_request=cfg["refresh_each_request"],
                  samesite=cfg["samesite"] if ss_ok else None, domain=cfg["domain"] if dom_ok else None,
                  lenient=True)
        try:
            config = fc.SessionConfig(KEY, cfg["fallback_keys"], **kw)
        except fc.ConfigError:
            assert not (cfg["domain"] or "").isascii(), i  # the documented non-ASCII rule
            excluded += 1
            continue
        lazy = not (ss_ok and dom_ok)
        header = bytes.fromhex(c["cookie_header"]) if c["cookie_header"] else None
        try:
            s = config.open(header, now=c["now"])
        except fc.SessionNonTextKey:
            assert c["non_text_keys"], i
            excluded += 1
            continue
        except (fc.BadPayload, fc.TimestampOutOfRange, fc.SessionNotADict):
            assert c["status"] == 500, i
            done += 1
            continue
        for op in c["ops"]:
            if op[0] == "get":
                try:
                    s.get_json(op[1])
                except fc.SessionKeyError:
                    pass
            elif op[0] == "set":
                s.set_json(op[1], op[2])
            elif op[0] == "setdefault":
                if op[1] not in s:
                    s.set_json(op[1], op[2])
            elif op[0] == "pop":
                s.remove(op[1])
            elif op[0] == "clear":
                s.clear()
            elif op[0] == "permanent":
                s.permanent = op[1]
            elif op[0] == "touch":
                s.touch()
            elif op[0] == "modified":
                s.mark_modified()
        try:
            out = s.save(now=c["now"])
            status = 500 if lazy and out.action != fc.SaveAction.NONE else 200
        except (fc.SaveError, fc.DumpError):
            status = 500
        assert status == c["status"], i
        if status == 200:
            want = [bytes.fromhex(h).decode("latin-1") for h in c["set_cookie"]]
            assert ([out.set_cookie] if out.set_cookie else []) == want, i
            assert out.vary_cookie == ("Cookie" in c["vary"]), i
            assert s.to_json() == c["session"], i
            if want:
                assert (out.action == fc.SaveAction.DELETE) == ("; Max-Age=0" in want[0]), i
        done += 1
        s.close()
        config.close()
    assert done + excluded == 600 and done > 540


class Frozen(datetime.datetime):
    now_ts = 1_700_000_000

    @classmethod
    def now(cls, tz=None):
        return datetime.datetime.fromtimestamp(cls.now_ts, tz)


def flask_app(**settings):
    app = flask.Flask("live")
    app.secret_key = KEY
    app.config.update(settings)
    app.add_url_rule("/", "v", lambda: app.config["TEST_VIEW"]())
    return app


SETTINGS = [
    {},
    {"SESSION_COOKIE_NAME": "sid", "SESSION_COOKIE_SAMESITE": "Lax", "SESSION_COOKIE_SECURE": True,
     "SESSION_COOKIE_DOMAIN": "example.com", "SESSION_COOKIE_PATH": "/app"},
    {"SESSION_COOKIE_HTTPONLY": False, "SESSION_COOKIE_PARTITIONED": True, "APPLICATION_ROOT": "/x y",
     "PERMANENT_SESSION_LIFETIME": datetime.timedelta(seconds=3600), "SESSION_REFRESH_EACH_REQUEST": False},
]


def ours(settings) -> fc.SessionConfig:
    life = settings.get("PERMANENT_SESSION_LIFETIME", datetime.timedelta(days=31))
    return fc.SessionConfig(
        KEY, cookie_name=settings.get("SESSION_COOKIE_NAME", "session"),
        domain=settings.get("SESSION_COOKIE_DOMAIN"), path=settings.get("SESSION_COOKIE_PATH"),
        application_root=settings.get("APPLICATION_ROOT", "/"),
        httponly=settings.get("SESSION_COOKIE_HTTPONLY", True), secure=settings.get("SESSION_COOKIE_SECURE", False),
        samesite=settings.get("SESSION_COOKIE_SAMESITE"), partitioned=settings.get("SESSION_COOKIE_PARTITIONED", False),
        lifetime=life, refresh_each_request=settings.get("SESSION_REFRESH_EACH_REQUEST", True))


def flask_request(app, view, cookie=None, now=1_700_000_000):
    app.config["TEST_VIEW"] = view
    Frozen.now_ts = now
    with mock.patch("time.time", lambda: now), mock.patch("flask.sessions.datetime", Frozen):
        headers = [("Cookie", cookie)] if cookie else []
        return app.test_client(use_cookies=False).get("/", headers=headers)


@pytest.mark.parametrize("settings", SETTINGS)
@pytest.mark.parametrize("permanent", [False, True])
def test_live_writes_match_flask(settings, permanent):
    now = 1_700_000_000
    values = {"uid": 42, "name": "ad\u00e9", "admin": True}

    def view():
        for k, v in values.items():
            flask.session[k] = v
        flask.session.permanent = permanent
        return ""

    r = flask_request(flask_app(**settings), view, now=now)
    with ours(settings) as config:
        s = config.open(None, now=now)
        assert s.state == fc.SessionState.NO_COOKIE
        s.set_int("uid", 42)
        s.set_str("name", "ad\u00e9")
        s.set_bool("admin", True)
        s.permanent = permanent
        out = s.save(now=now)
    assert out.action == fc.SaveAction.SET
    assert [out.set_cookie] == r.headers.getlist("Set-Cookie")
    assert out.vary_cookie == ("Cookie" in r.headers.getlist("Vary"))


@pytest.mark.parametrize("settings", SETTINGS)
def test_live_reads_and_refresh_match_flask(settings):
    """Flask writes a cookie; we open it, read it, touch it and save as Flask does on the next
    request (refresh of a permanent session, Vary), and Flask reads what we wrote."""
    name = settings.get("SESSION_COOKIE_NAME", "session")
    app = flask_app(**settings)

    def write():
        flask.session.update({"uid": 7, "name": "\u2603", "ok": False, "t": (1, 2)})
        flask.session.permanent = True
        return ""

    r = flask_request(app, write)
    cookie = r.headers["Set-Cookie"].split(";")[0]
    later = 1_700_000_100

    def read():
        flask.session.get("uid")
        return ""

    r2 = flask_request(app, read, cookie=cookie, now=later)
    with ours(settings) as config:
        s = config.open([f"other=1; {cookie}"], now=later)
        assert s.state == fc.SessionState.OPENED and s.signed_at == 1_700_000_000
        assert (s.get_int("uid"), s.get_str("name"), s.get_bool("ok")) == (7, "\u2603", False)
        assert s.get_json("t") == '{" t":[1,2]}'
        with pytest.raises(fc.WrongType):
            s.get_int("name")
        with pytest.raises(fc.SessionKeyError):
            s.get_int("nope")
        out = s.save(now=later)
        assert ([out.set_cookie] if out.set_cookie else []) == r2.headers.getlist("Set-Cookie")
        assert out.vary_cookie == ("Cookie" in r2.headers.getlist("Vary"))
        # Expired for Flask and for us at the lifetime plus one second.
        life = int(settings.get("PERMANENT_SESSION_LIFETIME", datetime.timedelta(days=31)).total_seconds())
        gone = 1_700_000_000 + life + 1
        assert config.open([cookie], now=gone).state == fc.SessionState.NEW_EXPIRED
        seen = {}

        def peek():
            seen.update(dict(flask.session))
            return ""

        flask_request(app, peek, cookie=cookie, now=gone)
        assert seen == {}
        # Flask reads the cookie we write.
        s = config.open(None, now=later)
        s.set_str("user", "ada")
        ours_cookie = s.save(now=later).set_cookie.split(";")[0]
        flask_request(app, peek, cookie=ours_cookie, now=later)
        assert seen == {"user": "ada"}
    assert cookie.startswith(name + "=")


def test_find_cookie_and_states():
    with fc.SessionConfig(KEY) as config:
        assert config.find_cookie(["a=1", f"session={KAT}; session=x"]) == KAT
        assert config.find_cookie("a=1") is None
        assert config.find_cookie("session=") == ""
        assert config.open(f"session={KAT}", now=1_700_000_000).state == fc.SessionState.OPENED
        tampered = "session=" + KAT.replace("eyJhIjoxfQ", "eyJhIjoyfQ")
        assert config.open(tampered, now=1_700_000_000).state == fc.SessionState.NEW_BAD_SIGNATURE
    with pytest.raises(fc.ConfigError):
        fc.SessionConfig(KEY, samesite="sideways")
    assert fc.version_number() == 100
