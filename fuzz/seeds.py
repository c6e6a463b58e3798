#!/usr/bin/env python3
"""Builds the fuzz targets' seed corpora from the fixtures (nothing large is committed).

    python3 fuzz/seeds.py            # writes fuzz/corpus/<target>/seed-<hash>

Sources: fixtures/cookies.json (cookies real Flask wrote or refused, and their JSON),
fixtures/vectors/json_read.json (the JSON dialect), base64.json, http_date_parse.json, zlib.json
(hand-built and mutated zlib streams, for `inflate` and `open_signed`), session_parse_cookie.json
and session_flask.json (Cookie headers).
Seeds are named by content hash, so rerunning adds nothing new and never removes what the
fuzzer found.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIX = ROOT / "fixtures"
OUT = ROOT / "fuzz" / "corpus"
MAX_SEED = 64 * 1024


def load(name: str):
    return json.loads((FIX / name).read_text(encoding="utf-8"))


def write(target: str, data: bytes, counts: dict) -> None:
    if len(data) > MAX_SEED:
        return
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    p = d / ("seed-" + hashlib.sha1(data).hexdigest()[:16])
    if not p.exists():
        p.write_bytes(data)
    counts[target] = counts.get(target, 0) + 1


def payload_json(cookie: str) -> bytes | None:
    """The JSON bytes inside a cookie's payload, as itsdangerous decodes them."""
    parts = cookie.rsplit(".", 2)
    if len(parts) != 3:
        return None
    text = parts[0]
    compressed = text.startswith(".")
    text = text[1:] if compressed else text
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        return zlib.decompress(raw) if compressed else raw
    except Exception:
        return None


def main() -> None:
    counts: dict = {}
    cookies = load("cookies.json")
    jsons: list[bytes] = []
    for case in cookies["open"]:
        c = case["cookie"].encode("utf-8", "surrogatepass")
        write("open_verify", c, counts)
        j = payload_json(case["cookie"])
        if j is not None:
            jsons.append(j)
        if case.get("expect", {}).get("json"):
            jsons.append(case["expect"]["json"].encode("utf-8", "surrogatepass"))
    for case in cookies["dump"]:
        write("open_verify", case["cookie"].encode(), counts)
        jsons.append(case["json"].encode("utf-8", "surrogatepass"))
        # dump_open builds values from raw bytes: the JSON text is as good a start as any.
        write("dump_open", case["json"].encode("utf-8", "surrogatepass"), counts)
    for case in load("vectors/json_read.json")["cases"]:
        jsons.append(bytes.fromhex(case["input"]))
    for j in jsons:
        write("json_read", j, counts)
        # deflate: each byte becomes one character of a string; session JSON is a good start.
        write("deflate", j, counts)
        write("open_signed", b"\x00" + j, counts)
        write("open_signed", b"\x01" + j, counts)
    # zlib streams: the compressed payloads Flask wrote, the hand-built shapes and mutations.
    streams = []
    for case in cookies["open"]:
        value = case["cookie"].rsplit(".", 2)[0]
        if value.startswith("."):
            text = value[1:]
            try:
                streams.append(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            except Exception:
                pass
    vectors = load("vectors/zlib.json")
    streams += [bytes.fromhex(c["stream_hex"]) for c in vectors["shapes"] + vectors["mutations"]]
    for z in streams:
        # inflate: cap byte (255: the default cap), flags 0 (the stream as is), the stream.
        write("inflate", b"\xff\x00" + z, counts)
        # open_signed: mode 5, the bytes are the payload's zlib stream.
        write("open_signed", b"\x05" + z, counts)
    for case in load("vectors/base64.json")["cases"]:
        write("base64_timestamp", bytes.fromhex(case["input_hex"]), counts)
    for case in load("vectors/http_date_parse.json"):
        s = case["in"].get("str")
        if isinstance(s, str):
            write("http_date", s.encode("utf-8", "surrogatepass"), counts)
    # The session layer: Cookie headers Werkzeug parsed, and requests Flask answered.
    for case in load("vectors/session_parse_cookie.json"):
        hs = [bytes.fromhex(h) for h in case["headers"]]
        if len(hs) == 1:
            write("cookie_header", b"\x00" + hs[0], counts)
        else:
            write("cookie_header", b"\x01" + b"\x00".join(hs), counts)
    for case in load("vectors/session_flask.json"):
        if case["cookie_header"] is not None:
            # session_ops: settings and no ops (zero bytes), then the header.
            write("session_ops", bytes(5) + bytes.fromhex(case["cookie_header"]), counts)
    for t, n in sorted(counts.items()):
        print(f"{t}: {n} seeds in {OUT / t}")


if __name__ == "__main__":
    main()
