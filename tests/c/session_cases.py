#!/usr/bin/env python3
"""Writes the case file that tests/c/test_session.c checks: real Flask's session decisions.

    python3 tests/c/session_cases.py --out session_cases.txt

Two kinds of lines, tokens separated by spaces; a string is `x` + its bytes in hex (`x` alone is
the empty string), `-` is None (Python's), booleans are 0/1.

* `S ...`: one case of fixtures/vectors/session_flask.json (600 requests that real Flask 3.1.3
  answered, made by fixtures/vectors/gen_session.py): the app's settings, the `Cookie` header
  the app saw, the view's operations, and what Flask answered (status, `Set-Cookie` values,
  `Vary`, the session as tagged JSON). Plus whether Werkzeug accepts the SameSite and domain
  settings (asked of Werkzeug here: Flask refuses them only when it writes a cookie).

      S idx name domain path approot httponly secure samesite partitioned lifetime refresh
        samesite_ok domain_ok n_fallbacks fallback... now header status non_text_keys session
        n_set_cookie set_cookie... vary n_ops op...

  An op is `get K`, `set K V`, `setdefault K V`, `pop K`, `clear`, `permanent 0|1`, `touch`,
  `modified` (V: tagged JSON text, as Flask's `session_json_serializer` reads it).

* `T ...`: typed access, made now by real Flask (fixed time, key `test key`): a cookie Flask
  signed for a session holding values of every kind, and per key the tagged JSON Flask writes
  for the value and its Python type:

      T cookie now n_keys (key type json value)...

  (type: Python's type name, `str_lone` for a str holding a lone surrogate; value: the text of a
  str or Markup, else `-`.)

* `M cookie`: a cookie validly signed (itsdangerous's Signer, the app's key and salt) whose
  timestamp is not base64: Flask's serializer raises BadTimeSignature("Malformed timestamp"),
  so Flask starts a new session.

* `W ...`: a session written by a Flask view with typed values (`session[k] = v` for an int, a
  str, a bool), saved at `now`: the `Set-Cookie` value Flask sent.

      W now n_values (key type value)... set_cookie
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from unittest import mock

import flask
from flask.json.tag import TaggedJSONSerializer
from werkzeug.http import dump_cookie

ROOT = Path(__file__).resolve().parents[2]
KEY = "test key"
tagged = TaggedJSONSerializer()


def s(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, str):
        v = v.encode("utf-8", "surrogatepass")
    return "x" + v.hex()


def b(v) -> str:
    return "1" if v else "0"


def werkzeug_accepts(**kw) -> bool:
    try:
        dump_cookie("session", "v", **kw)
        return True
    except Exception:  # noqa: BLE001 - Werkzeug's ValueError / UnicodeError
        return False


def session_lines():
    cases = json.loads((ROOT / "fixtures/vectors/session_flask.json").read_text())
    for i, c in enumerate(cases):
        cfg = c["config"]
        samesite_ok = cfg["samesite"] is None or werkzeug_accepts(samesite=cfg["samesite"])
        domain_ok = cfg["domain"] is None or werkzeug_accepts(domain=cfg["domain"])
        t = ["S", str(i), s(cfg["name"]), s(cfg["domain"]), s(cfg["path"]),
             s(cfg["application_root"]), b(cfg["httponly"]), b(cfg["secure"]), s(cfg["samesite"]),
             b(cfg["partitioned"]), str(cfg["lifetime"]), b(cfg["refresh_each_request"]),
             b(samesite_ok), b(domain_ok), str(len(cfg["fallback_keys"]))]
        t += [s(k) for k in cfg["fallback_keys"]]
        header = None if c["cookie_header"] is None else bytes.fromhex(c["cookie_header"])
        t += [str(c["now"]), s(header), str(c["status"]), b(c["non_text_keys"]), s(c["session"])]
        t += [str(len(c["set_cookie"]))] + ["x" + h for h in c["set_cookie"]]
        t += [b("Cookie" in c["vary"]), str(len(c["ops"]))]
        for op in c["ops"]:
            if op[0] in ("get", "pop"):
                t += [op[0], s(op[1])]
            elif op[0] in ("set", "setdefault"):
                t += [op[0], s(op[1]), s(op[2])]
            elif op[0] == "permanent":
                t += [op[0], b(op[1])]
            else:
                t += [op[0]]
        yield " ".join(t)


def pytype(v) -> str:
    if v is True or v is False:
        return "bool"
    if isinstance(v, int):
        return "int"
    return type(v).__name__


TYPED = {
    "uid": 42, "neg": -(2**63), "max": 2**63 - 1, "big": 2**63, "name": "ad\u00e9 \u2603",
    "empty": "", "admin": True, "off": False, "f": 1.5, "none": None, "t": (1, "x"),
    "l": [1, 2], "d": {"k": "v"}, "bytes": b"\x00\xff", "lone": "a\ud800",
}


def typed_line(now: int) -> str:
    from markupsafe import Markup

    data = dict(TYPED)
    data["markup"] = Markup("<b>")
    app = flask.Flask("typed")
    app.secret_key = KEY
    s_ = app.session_interface.get_signing_serializer(app)
    with mock.patch("time.time", lambda: now):
        cookie = s_.dumps(data)
    # What Flask reads back from that cookie: the values the C API must give.
    back = s_.loads(cookie)
    t = ["T", s(cookie), str(now), str(len(back))]
    for k, v in back.items():
        ty = pytype(v)
        if ty == "str" and any(0xD800 <= ord(ch) <= 0xDFFF for ch in v):
            ty = "str_lone"
        t += [s(k), ty, s(tagged.dumps(v)), s(v) if ty in ("str", "Markup") else "-"]
    return " ".join(t)


def written_line(now: int) -> str:
    values = [("uid", "int", 7), ("neg", "int", -(2**63)), ("name", "str", "\u00e9\u2603 x"),
              ("ok", "bool", False), ("yes", "bool", True)]
    app = flask.Flask("written")
    app.secret_key = KEY

    @app.route("/")
    def view():
        for k, _, v in values:
            flask.session[k] = v
        return ""

    with mock.patch("time.time", lambda: now):
        r = app.test_client(use_cookies=False).get("/")
    (set_cookie,) = r.headers.getlist("Set-Cookie")
    t = ["W", str(now), str(len(values))]
    for k, ty, v in values:
        t += [s(k), ty, s(v) if ty == "str" else (b(v) if ty == "bool" else str(v))]
    t.append(s(set_cookie))
    return " ".join(t)


def malformed_line() -> str:
    import hashlib

    import itsdangerous

    signer = itsdangerous.Signer(KEY, salt="cookie-session", key_derivation="hmac",
                                 digest_method=hashlib.sha1)
    cookie = signer.sign("eyJhIjoxfQ.A").decode()
    app = flask.Flask("malformed")
    app.secret_key = KEY
    try:
        app.session_interface.get_signing_serializer(app).loads(cookie)
        raise AssertionError("opened")
    except itsdangerous.BadTimeSignature as e:
        assert "Malformed timestamp" in str(e), e
        assert not isinstance(e, itsdangerous.SignatureExpired)
    return f"M {s(cookie)}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    lines = list(session_lines())
    lines.append(typed_line(1_700_000_000))
    lines.append(written_line(1_700_000_000))
    lines.append(malformed_line())
    Path(args.out).write_text("\n".join(lines) + "\n")
    print(f"{args.out}: {len(lines) - 3} Flask session cases, typed access, typed writes")


if __name__ == "__main__":
    main()
