#!/usr/bin/env python3
"""Writes tests/c/known_answers.h: cookies made, and decisions taken, by real Flask 3.1.3 /
itsdangerous 2.2.0 (through tests/interop/flaskref.py), for the C tests (tests/c/test_api.c).

Every cookie here is signed by Flask's own serializer; every expected result comes from
Flask's decision on it (`Ref.decide`), mapped to the C ABI's result codes. Nothing here comes
from flask-cookie. Deterministic; CI regenerates it and fails on any difference.

    python3 tests/c/gen_known_answers.py
"""

from __future__ import annotations

import base64
import json
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "interop"))

import flaskref as fr  # noqa: E402

T = 1700000000
BIG_LEN = 2 * 1024 * 1024  # the inflated JSON is BIG_LEN + 8 bytes: past the 1 MiB default cap


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def c_str(s: str) -> str:
    out = []
    for ch in s.encode("utf-8"):
        if ch in (0x22, 0x5C):
            out.append("\\" + chr(ch))
        elif 0x20 <= ch < 0x7F:
            out.append(chr(ch))
        else:
            out.append("\\%03o" % ch)
    return '"' + "".join(out) + '"'


def main() -> None:
    flask = fr.Ref(fr.config())  # key "test key", Flask's defaults
    lines: list[str] = []

    def define(name: str, value: str, comment: str) -> None:
        lines.append(f"/* {comment} */")
        lines.append(f"#define {name} {c_str(value)}")

    def decided(name: str, cookie: str, now: int, want: str, comment: str, message: str | None = None):
        got = flask.decide(cookie, now)
        assert got["result"] == want, (name, got)
        if message is not None:
            assert message in got.get("message", ""), (name, got)
        define(name, cookie, f"{comment}; Flask at {now}: {got['result']}"
               + (f" ({got['exception']}: {got['message'][:60]})" if "exception" in got else ""))
        return got

    # A compressed session (Flask's own compression decision and zlib bytes).
    comp_value = {"v": "a" * 200, "n": [1, 2, 3]}
    comp = flask.dumps(comp_value, T)
    assert comp.startswith(".")
    got = decided("KA_COMPRESSED", comp, T, "ok", "Flask's cookie for {'v': 'a'*200, 'n': [1, 2, 3]} at T")
    define("KA_COMPRESSED_JSON", got["json"], "Flask's canonical JSON of it")

    # Fallback keys: an old key signed it; [old, new] opens it.
    old = fr.Ref(fr.config(secret_key="old key"))
    define("KA_OLD_KEY_COOKIE", old.dumps({"a": 1}, T), "{'a': 1} signed by Flask with key 'old key' at T")
    rot = fr.Ref(fr.config(secret_key="test key", fallback_keys=["old key"]))
    assert rot.decide(old.dumps({"a": 1}, T), T)["result"] == "ok"

    # Digest, derivation and salt.
    cfg = fr.Ref(fr.config(digest="sha256", key_derivation="concat", salt="my-salt"))
    define("KA_SHA256_CONCAT_SALT", cfg.dumps({"a": 1}, T),
           "{'a': 1}, Flask with digest sha256, key derivation concat, salt 'my-salt', at T")
    cfg = fr.Ref(fr.config(digest="sha512", key_derivation="none", salt=""))
    define("KA_SHA512_NONE_EMPTY_SALT", cfg.dumps({"a": 1}, T),
           "{'a': 1}, Flask with digest sha512, key derivation none, empty salt, at T")

    # itsdangerous's own URLSafeTimedSerializer("secret"): insertion order, no tags, no max_age.
    its = fr.Ref(fr.config(preset="itsdangerous", secret_key="secret"))
    its_value = {"b": 1, "a": [1, 2], "c": "\u00e9"}
    define("KA_ITSDANGEROUS", its.dumps(its_value, T),
           "URLSafeTimedSerializer('secret').dumps({'b': 1, 'a': [1, 2], 'c': 'e-acute'}) at T")
    define("KA_ITSDANGEROUS_JSON", its.canonical(its_value), "its JSON (itsdangerous's compact json.dumps)")

    # ensure_ascii off: Flask's signer over json.dumps(..., ensure_ascii=False).
    raw = json.dumps({"a": "\u00e9"}, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()
    define("KA_NO_ENSURE_ASCII", flask.sign_payload(fr.payload_text(raw), T),
           "Flask's signer over json.dumps({'a': 'e-acute'}, ensure_ascii=False) at T")

    # More Flask cookies: a lone surrogate (ensure_ascii escapes it), the last second before the
    # year 10000, nesting, and a tag-like key under itsdangerous (no tags there).
    define("KA_LONE_SURROGATE", flask.dumps({"a": "\ud800"}, T), "{'a': '\\ud800'} at T")
    define("KA_YEAR_9999", flask.dumps({"a": 1}, 253402300799), "{'a': 1} at 253402300799")
    define("KA_DEPTH3", flask.dumps({"a": [[1]]}, T), "{'a': [[1]]} at T")
    define("KA_DEPTH4", flask.dumps({"a": [[[1]]]}, T), "{'a': [[[1]]]} at T")
    define("KA_ITS_TAGLIKE", its.dumps({" t": [1]}, T), "URLSafeTimedSerializer('secret').dumps({' t': [1]}) at T")

    # Validly signed cookies Flask cannot decode (BadPayload), one per stage.
    decided("KA_BAD_BASE64", flask.sign_payload("a", T), T, "bad_payload",
            "payload 'a' (not base64), validly signed", "base64")
    decided("KA_BAD_ZLIB", flask.sign_payload("." + b64(b"not zlib"), T), T, "bad_payload",
            "'.' + base64('not zlib'), validly signed", "zlib")
    decided("KA_BAD_UTF8", flask.sign_payload(b64(b'{"a":"\xff"}'), T), T, "bad_payload",
            "base64 of JSON with a 0xFF byte, validly signed", "load the payload")
    decided("KA_BAD_JSON", flask.sign_payload(b64(b'{"a":'), T), T, "bad_payload",
            "base64 of '{\"a\":' (truncated JSON), validly signed", "load the payload")
    decided("KA_BAD_TAG", flask.sign_payload(b64(b'{" u":"zz"}'), T), T, "bad_payload",
            "base64 of '{\" u\":\"zz\"}' (not a UUID), validly signed", "load the payload")

    # A payload that inflates past the 1 MiB cap: Flask opens it (it has no cap).
    big_json = b'{"a":"' + b"x" * BIG_LEN + b'"}'
    big = flask.sign_payload("." + b64(zlib.compress(big_json)), T)
    got = decided("KA_BIG", big, T, "ok", f"zlib of {{\"a\": 'x' * {BIG_LEN}}}, validly signed")
    assert got["json"].encode() == big_json
    lines.append(f"#define KA_BIG_X_COUNT {BIG_LEN}")

    # Timestamps: malformed, and after the year 9999.
    decided("KA_MALFORMED_TS", flask.sign_untimed("eyJhIjoxfQ.A"), T, "bad_signature",
            "'eyJhIjoxfQ.A' signed without a timestamp signer", "Malformed timestamp")
    decided("KA_YEAR_10000", flask.dumps({"a": 1}, 253402300800), T, "crash",
            "{'a': 1} signed by Flask at 253402300800 (year 10000)")

    # Ages: the spec's vector 1, one second too old and one second early.
    v1 = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
    assert flask.decide(v1, T + fr.FLASK_MAX_AGE)["result"] == "ok"
    got = flask.decide(v1, T + fr.FLASK_MAX_AGE + 1)
    assert got["result"] == "expired", got
    define("KA_EXPIRED_MESSAGE", got["message"], "Flask's message for vector 1 at T + 2678401")
    assert flask.decide(v1, T - 1)["result"] == "expired"
    # Python's lenient base64: an extra '=' after the signature still opens in Flask.
    assert flask.decide(v1 + "=", T)["result"] == "ok"
    assert flask.decide(v1 + "==", T)["result"] == "ok"
    # ... and so does a last character that differs only in the unused low bits ('E' -> 'F'),
    # while one that changes a MAC bit ('E' -> 'I') does not.
    assert flask.decide(v1[:-1] + "F", T)["result"] == "ok"
    assert flask.decide(v1[:-1] + "I", T)["result"] == "bad_signature"

    out = HERE / "known_answers.h"
    text = (
        "/* GENERATED by tests/c/gen_known_answers.py with real Flask "
        f"{fr.versions()['flask']}, itsdangerous {fr.versions()['itsdangerous']}, "
        f"zlib {fr.versions()['zlib']} -- do not edit.\n"
        " * T = 1700000000; the Flask cookies use key \"test key\" unless said otherwise. */\n"
        "#ifndef KNOWN_ANSWERS_H\n#define KNOWN_ANSWERS_H\n\n"
        + "\n".join(lines)
        + "\n\n#endif /* KNOWN_ANSWERS_H */\n"
    )
    out.write_text(text)
    print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
