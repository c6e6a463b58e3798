#!/usr/bin/env python3
"""The flask-cookie CLI contract, implemented with real Flask: a reference to check
random_corpus.py itself (`random_corpus.py --bin tests/interop/reference_cli.py --cases 30`).

    reference_cli.py open|verify [OPTIONS] [--] COOKIE
    reference_cli.py dump [OPTIONS] < tagged.json

Exit status: 0 valid; 1 bad signature or malformed cookie; 2 expired; 3 undecodable payload;
64 usage error. Without --lenient a signature that is not canonical base64 is refused (exit 1),
as the crate does by default.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import flaskref as fr  # noqa: E402

EXIT = {"ok": 0, "bad_signature": 1, "crash": 1, "expired": 2, "bad_payload": 3}


class Parser(argparse.ArgumentParser):
    def error(self, message):
        print(f"usage error: {message}", file=sys.stderr)
        sys.exit(64)


def main() -> int:
    ap = Parser(prog="flask-cookie")
    ap.add_argument("command", choices=["open", "verify", "dump"])
    ap.add_argument("cookie", nargs="?")
    ap.add_argument("--secret-key")
    ap.add_argument("--secret-key-file")
    ap.add_argument("--fallback-key", action="append", default=[])
    ap.add_argument("--salt")
    ap.add_argument("--digest", default="sha1", choices=list(fr.DIGESTS))
    ap.add_argument("--key-derivation", choices=fr.DERIVATIONS)
    ap.add_argument("--max-age", type=int)
    ap.add_argument("--now", type=int)
    ap.add_argument("--timestamp", type=int)
    ap.add_argument("--lenient", action="store_true")
    ap.add_argument("--preset", default="flask", choices=["flask", "itsdangerous"])
    argv = sys.argv[1:]
    tail = []
    if "--" in argv:
        i = argv.index("--")
        argv, tail = argv[:i], argv[i + 1:]
    a = ap.parse_args(argv)
    if tail:
        if a.cookie is not None or len(tail) != 1:
            ap.error("one COOKIE expected")
        a.cookie = tail[0]
    key = a.secret_key
    if key is None and a.secret_key_file:
        key = Path(a.secret_key_file).read_bytes().rstrip(b"\r\n")
    if key is None:
        key = os.environ.get("FLASK_SECRET_KEY")
    if not key:
        ap.error("no secret key")
    kwargs = {"digest": a.digest}
    if a.salt is not None:
        kwargs["salt"] = a.salt
    if a.key_derivation:
        kwargs["key_derivation"] = a.key_derivation
    if a.max_age is not None:
        kwargs["max_age"] = a.max_age
    cfg = fr.config(a.preset, key, a.fallback_key, **kwargs)
    ref = fr.Ref(cfg)
    now = a.now if a.now is not None else int(time.time())
    if a.command == "dump":
        if a.cookie is not None:
            ap.error("dump takes no cookie")
        try:
            value = ref.loads_json(sys.stdin.buffer.read().decode("utf-8"))
        except Exception as e:  # noqa: BLE001
            print(f"invalid JSON: {e}", file=sys.stderr)
            return 64
        ts = a.timestamp if a.timestamp is not None else now
        print(ref.dumps(value, ts))
        return 0
    if a.cookie is None:
        ap.error("missing COOKIE")
    if not a.lenient and not fr.is_canonical_signature(a.cookie, a.digest):
        print("bad signature: signature is not canonical base64", file=sys.stderr)
        return 1
    d = ref.decide(a.cookie, now) if a.command == "open" else ref.verify(a.cookie, now)
    if d["result"] == "ok":
        if a.command == "open":
            out = d["json"] + "\n"
            sys.stdout.buffer.write(out.encode("utf-8"))
        return 0
    print(f"{d['result']}: {d.get('exception')}: {d.get('message')}", file=sys.stderr)
    return EXIT[d["result"]]


if __name__ == "__main__":
    sys.exit(main())
