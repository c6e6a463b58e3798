#!/usr/bin/env python3
"""Writes the case file that tests/c/test_fixtures.c checks: every case of
fixtures/cookies.json (real Flask's decisions and cookies), each open case in strict and lenient
mode, with Flask's expected result mapped to the C ABI's result codes, plus what the
flask-cookie CLI answers on the same case (the C ABI must give the same results as the CLI),
plus one cookie made now by real Flask that inflates past the 1 MiB cap.

    python3 tests/c/fixture_cases.py --cli target/release/flask-cookie --out cases.txt

Format: one case a line, fields separated by tabs; byte strings in hex, `-` when absent; a list
of accepted result codes separated by commas.

    C  preset digest derivation max_age|none lenient salt max_inflated_len|0 key,key,...
    O  name cookie now open_codes signed_at json alt_json verify_codes verify_signed_at
       cli_open_exit cli_open_json cli_verify_exit
    D  name json timestamp cookie open_json cli_cookie

`C` makes the codec used by the lines after it (keys oldest first, as the C ABI takes them).
The mapping from Flask's decision to result codes (include/flask_cookie.h, docs/compatibility.md's error table):
ok -> 0 (also 405 when Flask opened a malformed tag this crate refuses, see tests/fixtures.rs);
bad_signature -> 100 (or 200 when itsdangerous says "Malformed timestamp"); expired -> 300; bad_payload -> 400
(base64), 401 (zlib), 403/404/405 (loading the JSON); crash (a timestamp after 9999) -> 600.
In strict mode (the default) a cookie whose signature text is not canonical must be 100.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT / "tests" / "interop"))

PRESETS = {"flask": 0, "itsdangerous": 1}
DIGESTS = {"sha1": 0, "sha256": 1, "sha512": 2}
DERIVATIONS = {"hmac": 0, "django-concat": 1, "concat": 2, "none": 3}
T = 1700000000


def key_bytes(k: dict) -> bytes:
    return k["text"].encode("utf-8") if "text" in k else bytes.fromhex(k["hex"])


def hx(b: bytes | str | None) -> str:
    if b is None:
        return "-"
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogatepass")
    return b.hex()


def codes(xs) -> str:
    return ",".join(str(x) for x in xs)


def bad_signature_codes(e: dict) -> list[int]:
    # itsdangerous says "Malformed timestamp" both for a valid signature over an unreadable
    # timestamp (200) and for a bad signature over a timestamp past 9999 (100: the header's
    # MALFORMED_TIMESTAMP is for validly signed cookies only). Either way Flask starts a new
    # session.
    return [100, 200] if "Malformed timestamp" in e.get("message", "") else [100]


def open_codes(case: dict, lenient: bool) -> list[int]:
    if not lenient and not case["canonical_signature"]:
        return [100]
    e = case["expect"]
    r = e["result"]
    if r == "ok":
        return [0] if case.get("payload_is_canonical", True) else [0, 405]
    if r == "bad_signature":
        return bad_signature_codes(e)
    if r == "expired":
        return [300]
    if r == "crash":
        return [600]
    if r == "bad_payload":
        m = e.get("message", "")
        if m.startswith("Could not base64"):
            return [400]
        if m.startswith("Could not zlib"):
            return [401]
        if m.startswith("Could not load"):
            return [403, 404, 405]
    raise SystemExit(f"{case['name']}: cannot map Flask's decision {e}")


def verify_codes(case: dict, lenient: bool) -> list[int]:
    if not lenient and not case["canonical_signature"]:
        return [100]
    v = case["verify"]
    r = v["result"]
    if r == "ok":
        return [0]
    if r == "bad_signature":
        return bad_signature_codes(v)
    if r == "expired":
        return [300]
    if r == "crash":
        return [600]
    raise SystemExit(f"{case['name']}: cannot map Flask's verify decision {v}")


class Cli:
    """Runs the flask-cookie CLI on a configuration."""

    def __init__(self, binary: str, tmp: str):
        self.binary = binary
        self.tmp = tmp
        self.n = 0

    def args(self, cfg: dict, lenient: bool) -> list | None:
        self.n += 1
        path = os.path.join(self.tmp, f"key{self.n}")
        with open(path, "wb") as f:
            f.write(key_bytes(cfg["secret_key"]))
        argv = [
            "--preset", cfg["preset"], "--salt", cfg["salt"], "--digest", cfg["digest"],
            "--key-derivation", cfg["key_derivation"],
            "--max-age", "none" if cfg["max_age"] is None else str(cfg["max_age"]),
            "--secret-key-file", path,
        ]
        for k in cfg["fallback_keys"]:
            b = key_bytes(k)
            if b"\0" in b:
                return None  # not expressible on a command line
            argv += ["--fallback-key", os.fsdecode(b)]
        if lenient:
            argv.append("--lenient")
        return argv

    def run(self, cmd: str, argv: list, stdin: bytes = b"") -> tuple[int, bytes]:
        p = subprocess.run([self.binary, cmd, *argv], input=stdin, capture_output=True, env={"PATH": os.environ.get("PATH", "")})
        if p.returncode not in (0, 1, 2, 3):
            raise SystemExit(f"CLI {cmd} failed with {p.returncode}: {p.stderr.decode(errors='replace')}")
        out = p.stdout[:-1] if p.stdout.endswith(b"\n") else p.stdout
        return p.returncode, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True, help="the flask-cookie binary")
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixtures", default=str(ROOT / "fixtures" / "cookies.json"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    a = ap.parse_args()
    doc = json.loads(Path(a.fixtures).read_text())
    lines: list[str] = []

    def config_line(cfg: dict, lenient: bool, max_inflated: int = 0) -> str:
        keys = [*cfg["fallback_keys"], cfg["secret_key"]]
        return "\t".join([
            "C", str(PRESETS[cfg["preset"]]), str(DIGESTS[cfg["digest"]]),
            str(DERIVATIONS[cfg["key_derivation"]]),
            "none" if cfg["max_age"] is None else str(cfg["max_age"]),
            "1" if lenient else "0", hx(cfg["salt"]), str(max_inflated),
            ",".join(key_bytes(k).hex() for k in keys),
        ])

    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(a.jobs) as pool:
        cli = Cli(a.cli, tmp)
        jobs = []
        for case in doc["open"]:
            for lenient in (False, True):
                argv = cli.args(case["config"], lenient)
                cookie = case["cookie"].encode("utf-8", "surrogatepass")
                now = str(case["now"])
                if argv is None:
                    o = v = None
                else:
                    o = pool.submit(cli.run, "open", [*argv, "--now", now, "--", cookie])
                    v = pool.submit(cli.run, "verify", [*argv, "--now", now, "--", cookie])
                jobs.append(("O", case, lenient, o, v))
        for case in doc["dump"]:
            argv = cli.args(case["config"], False)
            d = None
            if argv is not None:
                d = pool.submit(cli.run, "dump", [*argv, "--timestamp", str(case["timestamp"])],
                                case["json"].encode("utf-8", "surrogatepass"))
            jobs.append(("D", case, False, d, None))

        last_config = None
        for kind, case, lenient, o, v in jobs:
            cfg_line = config_line(case["config"], lenient)
            if cfg_line != last_config:
                lines.append(cfg_line)
                last_config = cfg_line
            name = case["name"].replace("\t", " ").replace("\n", " ") + (" (lenient)" if lenient else "")
            if kind == "O":
                e, ver = case["expect"], case["verify"]
                oc, vc = open_codes(case, lenient), verify_codes(case, lenient)
                ok = 0 in oc
                cli_o = o.result() if o else None
                cli_v = v.result() if v else None
                lines.append("\t".join([
                    "O", name, hx(case["cookie"]), str(case["now"]), codes(oc),
                    str(e["signed_at"]) if ok else "-",
                    hx(e.get("json")) if ok else "-",
                    hx(e.get("session_json")) if ok else "-",
                    codes(vc), str(ver["signed_at"]) if 0 in vc else "-",
                    str(cli_o[0]) if cli_o else "-", hx(cli_o[1]) if cli_o and cli_o[0] == 0 else "-",
                    str(cli_v[0]) if cli_v else "-",
                ]))
            else:
                roundtrip = case.get("flask_roundtrip", True)
                want_json = case["json"] if roundtrip else case["reloaded_json"]
                want_cookie = case["cookie"] if roundtrip else case["reloaded_cookie"]
                cli_d = o.result() if o else None
                lines.append("\t".join([
                    "D", name, hx(case["json"]), str(case["timestamp"]), hx(want_cookie), hx(want_json),
                    hx(cli_d[1]) if cli_d and cli_d[0] == 0 else "-",
                ]))

        # A payload that inflates past the 1 MiB cap, signed now by real Flask (which opens it).
        import flaskref as fr  # noqa: E402 - imports Flask: only when writing cases

        cfg = fr.config(secret_key="big key")
        ref = fr.Ref(cfg)
        big_json = b'{"a":"' + b"y" * (3 << 20) + b'"}'
        cookie = ref.sign_payload("." + base64.urlsafe_b64encode(zlib.compress(big_json, 9)).decode().rstrip("="), T)
        got = ref.decide(cookie, T)
        assert got["result"] == "ok" and got["json"].encode() == big_json, got["result"]
        cj = fr.config_json(cfg)
        argv = cli.args(cj, False)
        cli_o = cli.run("open", [*argv, "--now", str(T), "--", cookie])
        cli_v = cli.run("verify", [*argv, "--now", str(T), "--", cookie])
        lines.append(config_line(cj, False))
        lines.append("\t".join(["O", "flask-made cookie inflating to 3 MiB past the default cap",
                                hx(cookie), str(T), "402", "-", "-", "-", "0", str(T),
                                str(cli_o[0]), "-", str(cli_v[0])]))
        lines.append(config_line(cj, False, len(big_json)))
        lines.append("\t".join(["O", "the same with max_inflated_len = its inflated size",
                                hx(cookie), str(T), "0", str(T), hx(got["json"]), "-", "0", str(T),
                                "-", "-", "-"]))

    Path(a.out).write_text("\n".join(lines) + "\n")
    n_open = sum(1 for line in lines if line.startswith("O\t"))
    n_dump = sum(1 for line in lines if line.startswith("D\t"))
    print(f"wrote {a.out}: {n_open} open cases, {n_dump} dump cases")


if __name__ == "__main__":
    main()
