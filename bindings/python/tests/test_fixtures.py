"""Every case of ``fixtures/cookies.json`` (made by real Flask 3.1.3, see ``tests/fixtures.rs``
for the fields) through the binding, with the rules of ``tests/fixtures.rs``:

* open and verify, strict and lenient: Flask's decision and canonical JSON (or, for a
  non-dict payload, what ``open_session`` makes of it); a non-canonical signature is a bad
  signature in strict mode;
* a refused malformed tag (405 "not supported") stands in for Flask's value only when the signed
  JSON is not what Flask writes (``payload_is_canonical: false``), as in the Rust test;
* dump: Flask's JSON gives Flask's cookie byte for byte (or the reloaded value's cookie when
  Flask itself does not round-trip that JSON).
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, agrees, codec_for, outcome

DOC = json.loads((ROOT / "fixtures" / "cookies.json").read_text("utf-8"))


def key(k: dict):
    return k["text"] if "text" in k else bytes.fromhex(k["hex"])


def config(cfg: dict) -> dict:
    return dict(cfg, secret_key=key(cfg["secret_key"]), fallback_keys=[key(k) for k in cfg["fallback_keys"]])


def test_fixture_file_is_flasks():
    assert DOC["versions"]["flask"] == "3.1.3"
    assert len(DOC["open"]) > 500 and len(DOC["dump"]) > 300


@pytest.mark.parametrize("lenient", [False, True], ids=["strict", "lenient"])
@pytest.mark.parametrize("case", DOC["open"], ids=[c["name"] for c in DOC["open"]])
def test_open_and_verify(case, lenient):
    refuse = not lenient and not case["canonical_signature"]
    tolerated = not case.get("payload_is_canonical", True)
    with codec_for(config(case["config"]), lenient) as codec:
        problems = []
        for name, fn, want in (("open", codec.open, case["expect"]), ("verify", codec.verify, case["verify"])):
            wrong = agrees(want, outcome(fn, case["cookie"], case["now"]), refuse=refuse, tag_tolerated=tolerated)
            if wrong:
                problems.append(f"{name}: {wrong}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", DOC["dump"], ids=[c["name"] for c in DOC["dump"]])
def test_dump(case):
    if case["flask_roundtrip"]:
        want = case["cookie"]
    else:
        want = case["reloaded_cookie"]
    with codec_for(config(case["config"])) as codec:
        assert codec.dump(case["json"], case["timestamp"]) == want
