"""Real Flask and the binding exchange random sessions both ways (``tests/interop/random_corpus``'s
cases: every tag, nesting, unicode, floats, big integers, sizes around the compression threshold,
random ASCII keys with fallbacks, random salts, digests and derivations, cookies signed by a
fallback key, tampered cookies, validly signed odd payloads, `now` around expiry).

Per case: ``open`` and ``verify`` (strict and lenient) give Flask's decision and Flask's
canonical JSON; ``dump`` of the session's JSON is Flask's own cookie byte for byte, which Flask
opens back to the same session; ``decode_unverified`` of Flask's cookie gives Flask's JSON and
timestamp.
"""

from __future__ import annotations

import random_corpus as rc
from conftest import agrees, codec_for, fr, outcome


def test_random_case(corpus_case):
    seed, index = corpus_case
    c = rc.Case(index, seed)
    where = (
        f"seed {seed} case {index} (replay: FLASK_COOKIE_PY_SEED={seed} ... -k seed{seed}-case{index}); "
        f"config {fr.config_json(c.cfg)}; cookie {c.cookie[:200]!r} (signed at {c.ts}, "
        f"tampered: {c.tampered}), now {c.now}; session JSON {c.canonical_json[:200]!r}"
    )
    problems = []
    decision = c.ref.decide(c.cookie, c.now)
    verify = c.ref.verify(c.cookie, c.now)
    canonical_sig = fr.is_canonical_signature(c.cookie, c.cfg["digest"])
    for lenient in (False, True):
        mode = "lenient" if lenient else "strict"
        refuse = not lenient and not canonical_sig
        with codec_for(c.cfg, lenient) as codec:
            for name, fn, want in (("open", codec.open, decision), ("verify", codec.verify, verify)):
                wrong = agrees(want, outcome(fn, c.cookie, c.now), refuse=refuse,
                               tag_tolerated=c.tampered == "tag quirk")
                if wrong:
                    problems.append(f"{name} ({mode}): {wrong}")

    with codec_for(c.cfg) as codec:
        # dump: Flask's JSON in, Flask's cookie out (of the value Flask reads from that JSON,
        # which differs from the session for int keys and the like).
        reloaded = c.ref.loads_json(c.canonical_json)
        want_cookie = c.ref.dumps(reloaded, c.ts)
        ours = codec.dump(c.canonical_json, c.ts)
        if ours != want_cookie:
            problems.append(f"dump: cookie differs\n  Flask: {want_cookie[:300]}\n  ours:  {ours[:300]}")
        back = c.ref.decide(ours, c.ts)
        if back["result"] != "ok" or back["json"] != c.ref.canonical(reloaded):
            problems.append(f"dump: Flask does not open the binding's cookie to the session: {back}")

        # decode_unverified: the JSON Flask wrote and its timestamp, as found.
        json_bytes, ts = __import__("flask_cookie_ffi").decode_unverified(c.flask_cookie)
        if json_bytes != c.canonical_json.encode("utf-8") or ts != c.ts:
            problems.append(f"decode_unverified: {json_bytes[:200]!r} at {ts}, Flask wrote "
                            f"{c.canonical_json[:200]!r} at {c.ts}")

    assert not problems, where + "\n" + "\n".join(problems)
