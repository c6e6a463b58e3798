#!/usr/bin/env python3
"""Differential test against real Flask on MUTATED cookies.

Each case: a random configuration and session (every tag, nesting, unicode, floats, huge
integers, sizes on both sides of the compression threshold; sometimes a validly signed odd
payload: deep nesting, 4300/4301-digit integers, a zlib bomb, a cookie past 64 KiB), signed by
real Flask, then mutated one to three times (flipped, inserted or deleted characters, truncation,
swapped or dropped parts, padding, other keys, fallback keys, a payload or timestamp altered and
validly re-signed, the session's zlib stream altered at the bit level or built by hand in a shape
only a lenient inflater reads, then re-signed) and opened at a time on either side of expiry.
The crate (through `examples/batch.rs`, one long-lived process per worker) must reach Flask's
decision for `open` and `verify`, and Flask's canonical JSON when valid; Flask must open the
crate's `dump` of the session, which must be Flask's own cookie byte for byte.

    python3 tests/interop/differential.py                         # fresh seed, 2000 cases
    python3 tests/interop/differential.py --seed 7 --cases 20000 --jobs 2
    python3 tests/interop/differential.py --seed 7 --only 123 -v  # one case, verbosely

Deliberate divergences are excluded BY RULE (a predicate on the cookie), each checked to give
the crate's documented answer, and listed in docs/compatibility.md:

* `sig-not-canonical`: the signature text is not the canonical spelling: strict mode must say
  bad signature; lenient mode must then agree with Flask.
* `cookie-too-long`: the cookie is longer than 65 536 bytes: bad signature.
* `inflated-too-large`: the payload inflates to more than 1 MiB: bad payload.
* `too-deep`: the payload's JSON nests deeper than 400 levels: bad payload.

Exit status 0 when every case agrees; the last line is `N passed, M failed`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import flaskref as fr  # noqa: E402
import random_corpus as rc  # noqa: E402


def _load_gen_zlib():
    """fixtures/vectors/gen_zlib.py: the bit-level deflate writer and stream mutations."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_zlib", ROOT / "fixtures/vectors/gen_zlib.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gz = _load_gen_zlib()

MAX_COOKIE_LEN = 65536
MAX_INFLATED = 1 << 20
MAX_DEPTH = 400
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
INSERTS = ALPHABET + ".=+/ \t%\u00e9~"

# The crate's answer -> the Flask decisions it stands for.
SAME = {
    "ok": {"ok"},
    "expired": {"expired"},
    "bad_signature": {"bad_signature"},
    # BadTimeSignature is a BadSignature.
    "malformed_timestamp": {"bad_signature"},
    # A timestamp after 9999: datetime raises in itsdangerous, Flask's HTTP 500.
    "timestamp_out_of_range": {"crash"},
    "bad_payload": {"bad_payload"},
}


# ---------------------------------------------------------------------------
# The crate, as a long-lived process
# ---------------------------------------------------------------------------


class Batch:
    def __init__(self, binary: str):
        self.p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, encoding="utf-8", errors="surrogatepass", bufsize=1)

    def ask(self, **req) -> dict:
        assert self.p.stdin and self.p.stdout
        self.p.stdin.write(json.dumps(req, ensure_ascii=True) + "\n")
        self.p.stdin.flush()
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"batch process died (exit {self.p.wait()})")
        return json.loads(line)

    def close(self) -> None:
        if self.p.stdin:
            self.p.stdin.close()
        self.p.wait()


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------


def json_depth(text: str) -> int:
    """Deepest array/object nesting of a JSON text (brackets outside strings)."""
    depth = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


def odd_payload(r: random.Random, json_text: str) -> tuple[str, bytes, bool | None]:
    """A validly signable payload Flask would never write itself: (kind, JSON bytes, compress)."""
    kind = r.choice(["deep", "deep", "bigint", "bomb", "long", "long_json"])
    if kind == "deep":
        n = r.choice([r.randrange(1, 600), MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, r.randrange(400, 3000)])
        opener, closer = r.choice([("[", "]"), ('{"a":', "}"), ('{" t":[', "]}"), ('{" di":{"x":', "}}")])
        return f"deep {n}", (opener * n + "1" + closer * n).encode(), None
    if kind == "bigint":
        digits = r.choice([4299, 4300, 4300, 4301, 5000])
        sign = r.choice(["", "-"])
        return f"bigint {digits}", ('{"n":%s%s}' % (sign, "9" * digits)).encode(), None
    if kind == "bomb":
        n = r.choice([MAX_INFLATED - 9, MAX_INFLATED - 8, MAX_INFLATED - 7, 2 * MAX_INFLATED, 3 << 20])
        return f"bomb {n}", b'{"a":"' + b"a" * (n - 8) + b'"}', None
    # Uncompressed text around the 64 KiB cookie cap (the payload is base64 of it).
    n = r.choice([47000, 49000, 49100, 49110, 49120, 49130, 51000])
    s = "".join(r.choice(ALPHABET) for _ in range(n))
    return f"long {n}", ('{"s":"%s"}' % s).encode(), False


def mutate(r: random.Random, cookie: str, ref: fr.Ref, cfg: dict, ts: int, session) -> tuple[str, str]:
    kind = r.choice(
        ["flip", "insert", "delete", "truncate", "swap", "drop", "pad", "tamper", "other_key",
         "fallback_key", "resign_payload", "resign_timestamp", "resign_json", "dup_dot",
         "resign_zlib", "resign_zlib"]
    )
    parts = cookie.rsplit(".", 2)
    if kind == "flip" and cookie:
        i = r.randrange(len(cookie))
        return kind, cookie[:i] + r.choice(INSERTS) + cookie[i + 1:]
    if kind == "insert":
        i = r.randrange(len(cookie) + 1)
        return kind, cookie[:i] + r.choice(INSERTS) + cookie[i:]
    if kind == "delete" and cookie:
        i = r.randrange(len(cookie))
        return kind, cookie[:i] + cookie[i + 1:]
    if kind == "truncate":
        return kind, cookie[: r.randrange(len(cookie) + 1)]
    if kind == "swap" and len(parts) == 3:
        p = parts[:]
        r.shuffle(p)
        return kind, ".".join(p)
    if kind == "drop" and len(parts) == 3:
        i = r.randrange(3)
        return kind, ".".join(p for j, p in enumerate(parts) if j != i)
    if kind == "pad" and len(parts) == 3:
        i = r.randrange(3)
        parts[i] += r.choice(["=", "==", "===", "====", "A=", "=A"])
        return kind, ".".join(parts)
    # (fr.tamper's unused_bits needs a signature ending in a base64 character, not padding.)
    if kind == "tamper" and len(parts) == 3 and parts[2] and parts[2][-1] in ALPHABET:
        other = fr.Ref(dict(cfg, secret_key="other " + cfg["secret_key"], fallback_keys=[])).dumps(session, ts)
        return fr.tamper(r, cookie, other)
    if kind == "other_key":
        key = r.choice(["other " + cfg["secret_key"], cfg["secret_key"][:-1] or "x", cfg["secret_key"] + " "])
        return kind, fr.Ref(dict(cfg, secret_key=key, fallback_keys=[])).dumps(session, ts)
    if kind == "fallback_key" and cfg["fallback_keys"]:
        key = r.choice(cfg["fallback_keys"])
        return kind, fr.Ref(dict(cfg, secret_key=key, fallback_keys=[])).dumps(session, ts)
    signer = fr.Ref(dict(cfg, fallback_keys=[]))
    if kind == "resign_payload" and len(parts) == 3:
        # The payload's text altered, then validly signed: base64, marker and zlib paths.
        p = parts[0]
        how = r.choice(["flip", "marker", "truncate", "pad", "junk"])
        if how == "flip" and p:
            i = r.randrange(len(p))
            p = p[:i] + r.choice(ALPHABET) + p[i + 1:]
        elif how == "marker":
            p = p[1:] if p.startswith(".") else "." + p
        elif how == "truncate":
            p = p[: r.randrange(len(p) + 1)]
        elif how == "pad":
            p += r.choice(["=", "==", "A", "+/"])
        else:
            i = r.randrange(len(p) + 1)
            p = p[:i] + r.choice(["!", " ", "*", "\u00e9"]) + p[i:]
        if "." in p[1:]:
            p = p[0] + p[1:].replace(".", "")
        return f"resign_payload/{how}", signer.sign_payload(p, ts)
    if kind == "resign_json":
        text = ref.canonical(session).encode()
        how = r.choice(["flip", "delete", "insert", "compress_raw"])
        b = bytearray(text)
        if how == "flip" and b:
            i = r.randrange(len(b))
            b[i] = r.randrange(256)
        elif how == "delete" and b:
            del b[r.randrange(len(b))]
        elif how == "insert":
            b.insert(r.randrange(len(b) + 1), r.choice(b' ,:[]{}"\\0e-+.\x00\xff'))
        elif how == "compress_raw":
            comp = zlib.compress(bytes(b))
            i = r.randrange(len(comp))
            comp = comp[:i] + bytes([comp[i] ^ (1 << r.randrange(8))]) + comp[i + 1:]
            return f"resign_json/{how}", signer.sign_payload("." + fr.base64_encode(comp).decode(), ts)
        return f"resign_json/{how}", signer.sign_payload(fr.payload_text(bytes(b)), ts)
    if kind == "resign_zlib":
        # The session's JSON in a zlib stream altered at the bit level (block headers, code
        # lengths, counts, truncation, header bytes, adler32, trailing data) or built by hand in
        # a shape that only a lenient inflater reads (fixtures/vectors/gen_zlib.py), validly
        # signed: Flask's zlib.decompress and the crate must agree on every stream.
        how, stream = gz.differential_stream(r, ref.canonical(session).encode())
        return f"resign_zlib/{how}", signer.sign_payload("." + fr.base64_encode(stream).decode(), ts)
    if kind == "resign_timestamp" and len(parts) == 3:
        # A timestamp part Flask never writes, validly signed.
        t = r.choice([
            fr.base64_encode(r.randbytes(r.randrange(0, 11))).decode(),
            fr.base64_encode((253402300800 + r.randrange(10**6)).to_bytes(8, "big")).decode(),
            fr.base64_encode((253402300799).to_bytes(5, "big")).decode(),
            parts[1] + "=", parts[1] + "A", parts[1][:-1], "", "!!",
        ])
        value = parts[0] + "." + t
        mac_signer = fr.itsdangerous.Signer(
            signer.s.secret_keys, salt=signer.s.salt, key_derivation=cfg["key_derivation"],
            digest_method=fr.DIGESTS[cfg["digest"]])
        return kind, mac_signer.sign(value.encode()).decode()
    if kind == "dup_dot":
        i = r.randrange(len(cookie) + 1)
        return kind, cookie[:i] + "." + cookie[i:]
    return "none", cookie


class Case:
    def __init__(self, index: int, seed: int):
        self.index = index
        r = random.Random(f"differential/{seed}/{index}")
        self.cfg = rc.rand_config(r)
        self.ref = fr.Ref(self.cfg)
        if self.cfg["preset"] == "flask":
            self.session = fr.rand_session(r)
        else:
            self.session = {"v": rc.rand_plain_json(r)} if r.random() < 0.7 else rc.rand_plain_json(r)
        self.ts = r.randrange(rc.T0 - 10**8, rc.T0 + 10**8)
        self.flask_cookie = self.ref.dumps(self.session, self.ts)
        self.canonical_json = self.ref.canonical(self.session)
        self.mutations: list[str] = []
        cookie = self.flask_cookie
        if r.random() < 0.04:
            kind, data, compress = odd_payload(r, self.canonical_json)
            self.mutations.append("odd " + kind)
            cookie = fr.Ref(dict(self.cfg, fallback_keys=[])).sign_payload(fr.payload_text(data, compress), self.ts)
        if r.random() < 0.9:
            for _ in range(r.choice([1, 1, 1, 2, 3])):
                kind, cookie = mutate(r, cookie, self.ref, self.cfg, self.ts, self.session)
                self.mutations.append(kind)
        self.cookie = cookie
        max_age = self.cfg["max_age"]
        age = r.choice([0, 1, max_age - 1, max_age, r.randrange(max_age + 1), max_age + 1, -1,
                        -r.randrange(1, 10**6), max_age + r.randrange(1, 10**7)])
        self.now = max(0, self.ts + age)


def payload_facts(cookie: str) -> dict:
    """What the rules need to know about a cookie's payload (as Python decodes it)."""
    facts = {"inflated": None, "depth": 0}
    try:
        value = cookie.rsplit(".", 2)[0]
        compressed = value.startswith(".")
        data = fr.base64_decode(value[1:] if compressed else value)
        if compressed:
            d = zlib.decompressobj()
            data = d.decompress(data, MAX_INFLATED + 1)
            facts["inflated"] = len(data)
        facts["depth"] = json_depth(data.decode("utf-8", "replace"))
    except Exception:  # noqa: BLE001 - the rule then does not apply
        pass
    return facts


def rules(c: Case, cookie: str) -> list[str]:
    """The declared divergences that apply to this cookie."""
    out = []
    if len(cookie.encode("utf-8", "surrogatepass")) > MAX_COOKIE_LEN:
        out.append("cookie-too-long")
        return out
    if not fr.is_canonical_signature(cookie, c.cfg["digest"]):
        out.append("sig-not-canonical")
    facts = payload_facts(cookie)
    if facts["inflated"] is not None and facts["inflated"] > MAX_INFLATED:
        out.append("inflated-too-large")
    if facts["depth"] > MAX_DEPTH:
        out.append("too-deep")
    return out


STATS: dict[str, int] = {}


def count(key: str) -> None:
    STATS[key] = STATS.get(key, 0) + 1


def check_case(c: Case, batch: Batch, verbose: bool) -> list[str]:
    problems: list[str] = []
    cfg_json = fr.config_json(c.cfg)
    expect = c.ref.decide(c.cookie, c.now)
    verify = c.ref.verify(c.cookie, c.now)
    applied = rules(c, c.cookie)
    count(f"flask {expect['result']}")
    for m in c.mutations or ["unmutated"]:
        count("mutation " + m.split("/")[0].split(" ")[0] if not m.startswith("odd") else "odd " + m.split(" ")[1])
        if m.startswith("resign_zlib/") and m is c.mutations[-1]:
            # The stream the cookie carries, and what Flask made of it.
            count(f"zlib {m.split('/')[1].split('+')[0]}: flask {expect['result']}")
    for rule in applied:
        count("rule " + rule)

    def ours(op: str, lenient: bool) -> dict:
        return batch.ask(op=op, config=cfg_json, lenient=lenient, cookie=c.cookie, now=c.now)

    payload_rule = "inflated-too-large" in applied or "too-deep" in applied
    modes = [False] if "sig-not-canonical" not in applied else [False, True]
    for lenient in modes:
        mode = "lenient" if lenient else "strict"
        o = ours("open", lenient)
        v = ours("verify", lenient)
        if "cookie-too-long" in applied or ("sig-not-canonical" in applied and not lenient):
            for what, got in (("open", o), ("verify", v)):
                if got["result"] != "bad_signature":
                    problems.append(f"{what} ({mode}): {got}, expected bad_signature by rule {applied}")
            continue
        # verify: Flask's signature/age decision.
        if verify["result"] not in SAME.get(v["result"], set()):
            problems.append(f"verify ({mode}): {v['result']} ({v.get('error')}), Flask {verify['result']}"
                            f" ({verify.get('exception')}: {verify.get('message', '')[:150]})")
        elif v["result"] == "ok" and v["signed_at"] != verify["signed_at"]:
            problems.append(f"verify ({mode}): signed_at {v['signed_at']}, Flask {verify['signed_at']}")
        # open
        if payload_rule and verify["result"] == "ok":
            if o["result"] != "bad_payload":
                problems.append(f"open ({mode}): {o}, expected bad_payload by rule {applied}")
            continue
        if expect["result"] not in SAME.get(o["result"], set()):
            problems.append(f"open ({mode}): {o['result']} ({o.get('error')}), Flask {expect['result']}"
                            f" ({expect.get('exception')}: {expect.get('message', '')[:150]})")
        elif o["result"] == "ok":
            if expect.get("json") is None and "RecursionError" in expect.get("json_error", ""):
                # Flask reads deeper than it writes (about 330 levels): only the decision compares.
                count("flask opened but cannot write (depth)")
            elif o["json"] != expect.get("json"):
                problems.append(f"open ({mode}): JSON differs\n      Flask: {str(expect.get('json'))[:300]}"
                                f"\n      ours:  {o['json'][:300]}")
            if o["signed_at"] != expect["signed_at"]:
                problems.append(f"open ({mode}): signed_at {o['signed_at']}, Flask {expect['signed_at']}")
    # dump: our cookie for the session is Flask's, and Flask opens it.
    # (Through its canonical JSON, as Flask reads it: int keys become strings and re-sort.)
    reloaded = c.ref.loads_json(c.canonical_json)
    want_cookie = c.ref.dumps(reloaded, c.ts)
    d = batch.ask(op="dump", config=cfg_json, json=c.canonical_json, timestamp=c.ts)
    if d["result"] != "ok":
        problems.append(f"dump: {d}")
    else:
        problems.extend(rc.dump_problems(c, d["cookie"], want_cookie, reloaded, "crate"))
    if verbose or problems:
        header = (
            f"case {c.index}: config {json.dumps(cfg_json)}\n"
            f"      session JSON {c.canonical_json[:300]}\n"
            f"      mutations {c.mutations}; rules {applied}\n"
            f"      cookie {c.cookie[:300]!r} (signed at {c.ts}), now {c.now}, Flask: {expect['result']}"
        )
        if problems:
            problems.insert(0, header)
        else:
            print(header)
    return problems


def worker(args: tuple) -> tuple[int, int, list[str], dict]:
    seed, indices, binary, verbose = args
    batch = Batch(binary)
    passed = failed = 0
    reports = []
    for i in indices:
        try:
            problems = check_case(Case(i, seed), batch, verbose)
        except Exception as e:  # noqa: BLE001 - a harness error is a failure, not a crash
            problems = [f"case {i}: harness error {type(e).__name__}: {e}"]
            batch.close()
            batch = Batch(binary)
        if problems:
            failed += 1
            reports.append(f"DIVERGENCE (seed {seed}, case {i}):\n    " + "\n    ".join(problems))
        else:
            passed += 1
    batch.close()
    return passed, failed, reports, STATS


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=None, help="reproduce a run (default: fresh)")
    ap.add_argument("--cases", type=int, default=2000, help="number of cases (default 2000)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--bin", default=str(ROOT / "target" / "debug" / "examples" / "batch"),
                    help="the batch process (default target/debug/examples/batch: cargo build --example batch)")
    ap.add_argument("--only", type=int, default=None, help="run only this case index")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(2**48)
    me = os.path.relpath(__file__, os.getcwd())
    print(f"seed {seed} ({args.cases} cases; reproduce with: python3 {me} --seed {seed} --cases {args.cases})",
          flush=True)
    if not os.path.exists(args.bin):
        print(f"error: no batch process at {args.bin} (cargo build --example batch)", file=sys.stderr)
        print(f"0 passed, {args.cases} failed")
        return 1
    indices = [args.only] if args.only is not None else list(range(args.cases))
    jobs = max(1, min(args.jobs, len(indices)))
    chunks = [(seed, indices[j::jobs], args.bin, args.verbose) for j in range(jobs)]
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
    print("cases: " + ", ".join(f"{k} {v}" for k, v in sorted(stats.items())))
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
