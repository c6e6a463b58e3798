#!/usr/bin/env python3
"""Agreement of the flask-cookie CLI with real Flask on random sessions it has never seen.

Each case: a random session (every tag, nesting, unicode, floats, big ints, sizes around the
compression threshold), random ASCII keys with fallbacks, signed by real Flask at a random time,
opened at a random `now` around expiry, sometimes tampered with. The CLI must give Flask's
decision (exit status) and Flask's canonical JSON; its `verify` must agree; its `dump` of the
session must be Flask's own cookie byte for byte, and Flask must open it.

    python3 tests/interop/random_corpus.py                 # fresh seed, 300 cases
    python3 tests/interop/random_corpus.py --seed 42 --cases 500 --bin target/release/flask-cookie
    python3 tests/interop/random_corpus.py --seed 42 --only 17 -v   # one case, verbosely

Exit status 0 when every case agrees, 1 otherwise. The last line is `N passed, M failed`.

Deliberate difference, by rule: the crate accepts only the canonical spelling of the signature
unless `--lenient` is given, so a cookie whose signature text is not canonical must exit 1 without
`--lenient` and match Flask with it.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import flaskref as fr  # noqa: E402

# "crash" is a timestamp after 9999 (Flask's HTTP 500): exit 3, as a bad payload.
EXIT = {"ok": 0, "bad_signature": 1, "crash": 3, "expired": 2, "bad_payload": 3}
T0 = 1700000000


def rand_config(r: random.Random) -> dict:
    def key() -> str:
        k = fr.rand_ascii_key(r)
        return k if not k.startswith("-") else "k" + k

    preset = "itsdangerous" if r.random() < 0.08 else "flask"
    kwargs = {}
    if r.random() < 0.15:
        kwargs["digest"] = r.choice(list(fr.DIGESTS))
    if r.random() < 0.15:
        kwargs["key_derivation"] = r.choice(fr.DERIVATIONS)
    if r.random() < 0.1:
        kwargs["salt"] = r.choice(["", "my-salt", "cookie-session2", "s p a c e"])
    max_age = r.choice([fr.FLASK_MAX_AGE, fr.FLASK_MAX_AGE, 0, 1, 60, 3600, 86400 * 365, r.randrange(10**8)])
    fallbacks = [key() for _ in range(r.choice([0, 0, 1, 1, 2, 3]))]
    return fr.config(preset, key(), fallbacks, max_age=max_age, **kwargs)


def rand_plain_json(r: random.Random, depth: int = 0):
    """A JSON-native value without lone surrogates (for the itsdangerous preset)."""
    x = r.random()
    if depth < 3 and x < 0.3:
        if r.random() < 0.5:
            return [rand_plain_json(r, depth + 1) for _ in range(r.randrange(4))]
        return {fr.rand_key(r).encode("utf-8", "replace").decode("utf-8", "replace"): rand_plain_json(r, depth + 1)
                for _ in range(r.randrange(4))}
    v = fr.rand_value(r, 9)
    if isinstance(v, str):
        return v.encode("utf-8", "replace").decode("utf-8")
    if isinstance(v, (bool, int, float)) or v is None:
        return v
    return str(v)


class Case:
    def __init__(self, index: int, seed: int):
        self.index = index
        r = random.Random(f"{seed}/{index}")
        self.cfg = rand_config(r)
        self.ref = fr.Ref(self.cfg)
        if self.cfg["preset"] == "flask":
            self.session = fr.rand_session(r)
        else:
            self.session = {"v": rand_plain_json(r)} if r.random() < 0.7 else rand_plain_json(r)
        self.ts = r.randrange(T0 - 10**8, T0 + 10**8)
        keys = [*self.cfg["fallback_keys"], self.cfg["secret_key"]]
        signing_key = keys[-1] if r.random() < 0.75 else r.choice(keys)
        signer_cfg = dict(self.cfg, secret_key=signing_key, fallback_keys=[])
        self.flask_cookie = self.ref.dumps(self.session, self.ts)
        cookie = fr.Ref(signer_cfg).dumps(self.session, self.ts) if signing_key != keys[-1] else self.flask_cookie
        self.tampered = None
        if r.random() < 0.08:
            # Validly signed but odd payload (only key holders can make these).
            self.tampered, payload = rand_signed_payload(r, self.canonical_json_of(self.session))
            cookie = fr.Ref(signer_cfg).sign_payload(payload, self.ts)
        elif r.random() < 0.3:
            other = fr.Ref(dict(signer_cfg, secret_key="not " + signing_key)).dumps(self.session, self.ts)
            self.tampered, cookie = fr.tamper(r, cookie, other)
        self.cookie = cookie
        max_age = self.cfg["max_age"]
        age = r.choice([0, 1, max_age - 1, max_age, r.randrange(max_age + 1), r.randrange(max_age + 1),
                        max_age + 1, -1, -r.randrange(1, 10**6), max_age + r.randrange(1, 10**7)])
        self.now = max(0, self.ts + age)
        self.canonical_json = self.ref.canonical(self.session)

    def canonical_json_of(self, value) -> str:
        return self.ref.canonical(value)


def rand_signed_payload(r: random.Random, json_text: str) -> tuple[str, str]:
    data = json_text.encode("utf-8")
    kind = r.choice(["truncated json", "garbage json", "tag quirk", "bad zlib", "trailing zlib data",
                     "other zlib level", "padded base64", "whitespace json", "invalid utf-8"])
    if kind == "truncated json":
        return kind, fr.payload_text(data[: r.randrange(len(data))])
    if kind == "garbage json":
        return kind, fr.payload_text(r.randbytes(r.randrange(1, 30)))
    if kind == "tag quirk":
        quirk = r.choice(['{" t":"abc"}', '{" di":{"abcd":1}}', '{" m":5}', '{" d":"nope"}', '{" u":"{%s}"}' % ("ab" * 16),
                          '{" b":"abc"}', '{" t":5}', '{" di":{}}', '{" x":[{" t":[1]}]}', '{" b":"-_-_"}'])
        return kind, fr.payload_text(('{"k":%s,"j":%s}' % (quirk, json_text)).encode())
    z = fr.payload_text(data, True)
    if kind == "bad zlib":
        raw = fr.base64_decode(z[1:])
        i = r.randrange(len(raw))
        return kind, "." + fr.base64_encode(raw[:i] + bytes([raw[i] ^ (1 << r.randrange(8))]) + raw[i + 1:]).decode()
    if kind == "trailing zlib data":
        return kind, "." + fr.base64_encode(fr.base64_decode(z[1:]) + r.randbytes(r.randrange(1, 9))).decode()
    if kind == "other zlib level":
        return kind, fr.payload_text(data, True, r.choice([0, 1, 9]))
    if kind == "padded base64":
        return kind, fr.payload_text(data) + "=" * r.randrange(1, 3)
    if kind == "whitespace json":
        return kind, fr.payload_text(b" " + data.replace(b":", b" : ", 3) + b"\n")
    return kind, fr.payload_text(data[:-1] + b"\xff" + data[-1:])


def run(argv: list[str], stdin: bytes | None = None, timeout: float = 20.0):
    try:
        p = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b"", b"timeout"
    return p.returncode, p.stdout, p.stderr


STATS: dict[str, int] = {}


def dump_problems(c, got: str, want_cookie: str, reloaded, who: str) -> list[str]:
    """What is wrong with the cookie `who` dumped for case `c` (any case with `ref` and `ts`): it
    must be Flask's own `want_cookie` byte for byte, and Flask must open it to `reloaded`."""
    if got != want_cookie:
        return [f"dump: cookie differs\n      Flask: {want_cookie[:300]}\n      {who + ':':<6} {got[:300]}"]
    back = c.ref.decide(got, c.ts)
    if back["result"] != "ok" or back["json"] != c.ref.canonical(reloaded):
        return [f"dump: Flask does not open the {who}'s cookie: {str(back)[:300]}"]
    return []


def check_case(c: Case, binary: list[str], verbose: bool) -> list[str]:
    problems: list[str] = []
    base = fr.parse_config_argv(c.cfg)
    expect = c.ref.decide(c.cookie, c.now)
    for k in (f"flask {expect['result']}", "compressed" if c.flask_cookie.startswith(".") else "uncompressed",
              "tampered" if c.tampered else "untampered"):
        STATS[k] = STATS.get(k, 0) + 1
    verify = c.ref.verify(c.cookie, c.now)
    canonical_sig = fr.is_canonical_signature(c.cookie, c.cfg["digest"])
    utf8 = c.cfg["preset"] == "itsdangerous"

    def expected_stdout(e: dict) -> list[bytes]:
        outs = [e["json"]]
        if "session_json" in e:
            outs.append(e["session_json"])
        return [o.encode("utf-8" if utf8 else "ascii") + b"\n" for o in outs]

    modes = [("strict", [])] if canonical_sig else [("strict", []), ("lenient", ["--lenient"])]
    for mode, extra in modes:
        refuse = mode == "strict" and not canonical_sig
        # open
        argv = [*binary, "open", *base, *extra, "--now", str(c.now), "--", c.cookie]
        code, out, err = run(argv)
        want = 1 if refuse else EXIT[expect["result"]]
        if code != want:
            problems.append(
                f"open ({mode}): exit {code}, expected {want} (Flask: {expect['result']}"
                f"{' ' + expect.get('exception', '') + ': ' + expect.get('message', '')[:120] if 'exception' in expect else ''}"
                f"{'; signature not canonical' if refuse else ''})\n      stderr: {err.decode(errors='replace')[:300]}"
            )
        elif want == 0 and out not in expected_stdout(expect):
            problems.append(
                f"open ({mode}): JSON differs\n      Flask: {expected_stdout(expect)[0][:300]!r}\n      CLI:   {out[:300]!r}"
            )
        # verify
        argv = [*binary, "verify", *base, *extra, "--now", str(c.now), "--", c.cookie]
        code, out, err = run(argv)
        want = 1 if refuse else EXIT[verify["result"]]
        if code != want or (code == 0 and out):
            problems.append(
                f"verify ({mode}): exit {code}, expected {want} (Flask: {verify['result']}), stdout {out[:100]!r}"
                f"\n      stderr: {err.decode(errors='replace')[:300]}"
            )
    # dump: the session's canonical JSON on stdin must give Flask's own cookie.
    reloaded = c.ref.loads_json(c.canonical_json)
    want_cookie = c.ref.dumps(reloaded, c.ts)
    argv = [*binary, "dump", *base, "--timestamp", str(c.ts)]
    code, out, err = run(argv, stdin=c.canonical_json.encode("utf-8"))
    if code != 0:
        problems.append(f"dump: exit {code}\n      stderr: {err.decode(errors='replace')[:300]}")
    else:
        got = out.decode("utf-8", "replace").rstrip("\n")
        problems.extend(dump_problems(c, got, want_cookie, reloaded, "CLI"))
    if verbose or problems:
        header = (
            f"case {c.index}: config {json.dumps(fr.config_json(c.cfg))}\n"
            f"      session JSON {c.canonical_json[:300]}\n"
            f"      cookie {c.cookie[:300]!r} (signed at {c.ts}{', tampered: ' + c.tampered if c.tampered else ''}),"
            f" now {c.now}, Flask: {expect['result']}"
        )
        if problems:
            problems.insert(0, header)
        else:
            print(header)
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="reproduce a run (default: fresh)")
    ap.add_argument("--cases", type=int, default=300, help="number of random sessions (default 300)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "debug" / "flask-cookie"),
                    help="the flask-cookie binary (default target/debug/flask-cookie)")
    ap.add_argument("--only", type=int, default=None, help="run only this case index")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**48)
    print(f"seed {seed} ({args.cases} cases; reproduce with --seed {seed} --cases {args.cases})", flush=True)
    binary = [os.path.abspath(args.bin)] if os.sep in args.bin else [args.bin]
    if binary[0].endswith(".py"):
        binary = [sys.executable, *binary]
    if not os.path.exists(binary[-1]) and os.sep in args.bin:
        print(f"error: no CLI binary at {args.bin} (cargo build first, or pass --bin)", file=sys.stderr)
        print(f"0 passed, {args.cases} failed")
        return 1

    passed = failed = 0
    indices = [args.only] if args.only is not None else range(args.cases)
    for i in indices:
        try:
            case = Case(i, seed)
            problems = check_case(case, binary, args.verbose)
        except Exception as e:  # noqa: BLE001 - a harness error is a failure, not a crash
            problems = [f"case {i}: harness error {type(e).__name__}: {e}"]
        if problems:
            failed += 1
            print(f"DIVERGENCE (seed {seed}, case {i}):\n    " + "\n    ".join(problems), flush=True)
        else:
            passed += 1
    print("corpus: " + ", ".join(f"{k} {v}" for k, v in sorted(STATS.items())))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
