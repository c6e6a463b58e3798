#!/usr/bin/env python3
"""Turns the oracles into a line-based file that the C++ test reads (no JSON parser in C++).

Three sources, all independent of the crate:

* `fixtures/cookies.json`: every `open` and `dump` case made by real Flask 3.1.3 (group
  `fixture`);
* a fresh corpus made now by real Flask (`tests/interop/flaskref.py`) with a random key and
  random sessions, all under one configuration (group `fresh`, used by the thread test);
* one cookie per error class, built with itsdangerous's own signer so that it is validly
  signed where it must be, with Flask's decision on it checked here (group `code`).

    python3 bindings/cpp/tests/gen_cases.py OUT [--seed N] [--fresh N]

Line format, space-separated; strings are `x` + hex of their UTF-8 bytes, `-` is "none":

    CFG  = PRESET KEYS SALT DIGEST DERIVATION MAX_AGE   (KEYS: comma-joined, oldest first;
                                                         MAX_AGE: seconds or `none`)
    open GROUP NAME CFG COOKIE NOW RESULT SIGNED_AT JSON SESSION_JSON VRESULT VSIGNED_AT
         CANONICAL_SIGNATURE PAYLOAD_IS_CANONICAL
    dump GROUP NAME CFG JSON TIMESTAMP COOKIE
    code GROUP NAME CFG COOKIE NOW EXPECTED_CODE FLASK_RESULT MAX_COOKIE MAX_INFLATED MAX_DEPTH

RESULT/VRESULT/FLASK_RESULT are Flask's: ok, bad_signature, expired, bad_payload, crash.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tests" / "interop"))

import flaskref as fr  # noqa: E402
from itsdangerous.encoding import base64_encode, int_to_bytes  # noqa: E402

T0 = 1_700_000_000


def hx(s: str | bytes | None) -> str:
    if s is None:
        return "-"
    if isinstance(s, str):
        s = s.encode("utf-8", "surrogatepass")
    return "x" + s.hex()


def key_bytes(k) -> bytes:
    """A key from the fixture file ({"text"}/{"hex"}) or from flaskref (str/bytes)."""
    if isinstance(k, dict):
        return k["text"].encode() if "text" in k else bytes.fromhex(k["hex"])
    return k.encode() if isinstance(k, str) else k


def cfg_fields(cfg: dict) -> str:
    keys = [*cfg["fallback_keys"], cfg["secret_key"]]
    max_age = "none" if cfg["max_age"] is None else str(cfg["max_age"])
    return " ".join(
        [
            cfg["preset"],
            ",".join(hx(key_bytes(k)) for k in keys),
            hx(cfg["salt"]),
            cfg["digest"],
            cfg["key_derivation"],
            max_age,
        ]
    )


def num(x) -> str:
    return "-" if x is None else str(int(x))


def open_line(group: str, name: str, cfg: dict, cookie: str, now: int, expect: dict,
              verify: dict, canonical: bool, payload_canonical: bool) -> str:
    return " ".join(
        [
            "open", group, hx(name), cfg_fields(cfg), hx(cookie), str(now),
            expect["result"], num(expect.get("signed_at")), hx(expect.get("json")),
            hx(expect.get("session_json")), verify["result"], num(verify.get("signed_at")),
            "1" if canonical else "0", "1" if payload_canonical else "0",
        ]
    )


def dump_line(group: str, name: str, cfg: dict, json_text: str, ts: int, cookie: str) -> str:
    return " ".join(["dump", group, hx(name), cfg_fields(cfg), hx(json_text), str(ts), hx(cookie)])


def fixture_lines() -> list[str]:
    doc = json.loads((ROOT / "fixtures" / "cookies.json").read_text())
    out = []
    for c in doc["open"]:
        out.append(open_line("fixture", c["name"], c["config"], c["cookie"], c["now"],
                             c["expect"], c["verify"], c["canonical_signature"],
                             c.get("payload_is_canonical", True)))
    for c in doc["dump"]:
        if c.get("flask_roundtrip", True):
            cookie = c["cookie"]
        else:  # Flask itself reads this JSON as another value: its cookie for that value
            cookie = c["reloaded_cookie"]
        out.append(dump_line("fixture", c["name"], c["config"], c["json"], c["timestamp"], cookie))
    return out


def fresh_lines(r: random.Random, n: int) -> list[str]:
    """Fresh sessions signed by real Flask under one random configuration."""
    cfg = fr.config(secret_key=fr.rand_ascii_key(r),
                    fallback_keys=[fr.rand_ascii_key(r) for _ in range(r.randrange(0, 3))])
    ref = fr.Ref(cfg)
    stranger = fr.Ref(fr.config(secret_key=fr.rand_ascii_key(r)))
    out = []
    for i in range(n):
        value = fr.rand_session(r)
        ts = T0 - r.randrange(0, 40 * 86400)
        json_text = ref.canonical(value)
        # What Flask writes for this JSON text: its cookie for the value it reads back.
        cookie = ref.dumps(ref.loads_json(json_text), ts)
        out.append(dump_line("fresh", f"fresh dump {i}", cfg, json_text, ts, cookie))
        now = T0
        if r.random() < 0.2:
            cookie, _ = fr.tamper(r, cookie, stranger.dumps(value, ts))
        expect = ref.decide(cookie, now)
        verify = ref.verify(cookie, now)
        out.append(open_line("fresh", f"fresh open {i}", cfg, cookie, now, expect, verify,
                             fr.is_canonical_signature(cookie, cfg["digest"]), True))
    return out


def code_lines() -> list[str]:
    """One cookie per error class, validly signed by itsdangerous where the class needs it."""
    cfg = fr.config(secret_key="test key")
    ref = fr.Ref(cfg)
    good = ref.dumps({"a": 1}, T0)
    assert good == "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", good  # spec section 9

    def b64(b: bytes) -> str:
        return base64_encode(b).decode()

    big = b'{"a":"' + b"a" * 2_000_000 + b'"}'
    cases = [
        # name, cookie, now, expected code, Flask's result class, limits
        ("tampered payload", "eyJhIjoyfQ" + good[10:], T0, 100, "bad_signature", None),
        ("no dot", "eyJhIjoxfQ", T0, 100, "bad_signature", None),
        ("signed with another key", fr.Ref(fr.config(secret_key="other")).dumps({"a": 1}, T0),
         T0, 100, "bad_signature", None),
        ("longer than max_cookie_len", good, T0, 101, "ok", (len(good) - 1, 0, 0)),
        ("timestamp of 9 bytes",
         ref.sign_untimed("eyJhIjoxfQ." + b64(b"\x01" * 9)), T0, 200, "bad_signature", None),
        ("timestamp after 9999",
         ref.sign_untimed("eyJhIjoxfQ." + b64(int_to_bytes(253402300800))), 253402300800,
         600, "crash", None),
        ("expired by one second", good, T0 + fr.FLASK_MAX_AGE + 1, 300, "expired", None),
        ("signed in the future", good, T0 - 1, 300, "expired", None),
        ("payload not base64", ref.sign_payload("a", T0), T0, 400, "bad_payload", None),
        ("payload not zlib", ref.sign_payload("." + b64(b"not zlib"), T0), T0, 401,
         "bad_payload", None),
        ("payload inflates past 1 MiB",
         ref.sign_payload("." + b64(zlib.compress(big)), T0), T0, 402, "ok", None),
        ("payload not UTF-8", ref.sign_payload(b64(b'{"a":"\xff"}'), T0), T0, 403,
         "bad_payload", None),
        ("payload not JSON", ref.sign_payload(b64(b'{"a":'), T0), T0, 404, "bad_payload", None),
        ("payload with a bad UUID tag", ref.sign_payload(b64(b'{"x":{" u":"zz"}}'), T0), T0,
         405, "bad_payload", None),
    ]
    # itsdangerous (no ensure_ascii): a validly signed string with a lone surrogate opens in
    # Python; open returns it with a \u escape, which reads back to the same value.
    its_cfg = fr.config(preset="itsdangerous", secret_key="secret")
    its = fr.Ref(its_cfg)
    cases = [(*c, cfg) for c in cases]
    cases.append(("lone surrogate without ensure_ascii",
                  its.sign_payload(b64(b'{"a":"\\udc00"}'), T0), T0, 0, "ok", None, its_cfg))
    out = []
    for name, cookie, now, code, flask_result, limits, c_cfg in cases:
        got = fr.Ref(c_cfg).decide(cookie, now)["result"]
        assert got == flask_result, f"{name}: Flask says {got}, expected {flask_result}"
        lim = limits or (0, 0, 0)
        out.append(" ".join(["code", "code", hx(name), cfg_fields(c_cfg), hx(cookie), str(now),
                             str(code), flask_result, *map(str, lim)]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--fresh", type=int, default=int(os.environ.get("FRESH", "200")))
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else random.SystemRandom().randrange(2**32)
    lines = [*fixture_lines(), *fresh_lines(random.Random(seed), a.fresh), *code_lines()]
    Path(a.out).write_text("\n".join(lines) + "\n")
    print(f"gen_cases: {len(lines)} lines (seed {seed}, Flask {fr.versions()['flask']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
