"""Shared set-up: import paths, the seeds of the random corpus, helpers mapping Flask's decisions
(``tests/interop/flaskref.py``, real Flask 3.1) to the binding's result codes.

Seeds: a fixed one (always the same cases) and a fresh one per run, printed in pytest's header;
``FLASK_COOKIE_PY_SEED=N`` replays a fresh seed, ``FLASK_COOKIE_PY_CASES=N`` sets the number of
cases per seed (default 300).
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "bindings" / "python"))
sys.path.insert(0, str(ROOT / "tests" / "interop"))

import flask_cookie_ffi as fc  # noqa: E402
import flaskref as fr  # noqa: E402

FIXED_SEED = 20241124
_env_seed = os.environ.get("FLASK_COOKIE_PY_SEED")
FRESH_SEED = int(_env_seed) if _env_seed else random.SystemRandom().randrange(2**48)
CASES = int(os.environ.get("FLASK_COOKIE_PY_CASES", "300"))


def pytest_report_header(config):
    return [
        f"flask_cookie_ffi: library {fc.library_path()} (version {fc.version()})",
        f"random corpus: fixed seed {FIXED_SEED}, fresh seed {FRESH_SEED}, {CASES} cases each "
        f"(replay: FLASK_COOKIE_PY_SEED={FRESH_SEED} FLASK_COOKIE_PY_CASES={CASES})",
    ]


def pytest_generate_tests(metafunc):
    if "corpus_case" in metafunc.fixturenames:
        params = [(seed, i) for seed in (FIXED_SEED, FRESH_SEED) for i in range(CASES)]
        metafunc.parametrize("corpus_case", params, ids=[f"seed{s}-case{i}" for s, i in params])


def codec_for(cfg: dict, lenient: bool = False, **options) -> fc.Codec:
    """The binding's codec for a flaskref configuration."""
    return fc.Codec(
        [*cfg["fallback_keys"], cfg["secret_key"]],
        preset=cfg["preset"],
        salt=cfg["salt"],
        digest=cfg["digest"],
        key_derivation=cfg["key_derivation"],
        max_age=cfg["max_age"],
        lenient=lenient,
        **options,
    )


# Flask's decision (flaskref's "result") -> the result codes the binding may give for it.
CODES = {
    "bad_signature": {100, 101, 200},  # itsdangerous: BadSignature and its BadTimeSignature
    "expired": {300},
    "bad_payload": {400, 401, 402, 403, 404, 405},
    "crash": {600},  # a timestamp after 9999: Python's datetime raises (Flask's HTTP 500)
}


def outcome(fn, *args):
    """``("ok", value)`` or ``("error", exception)`` (a binding exception only)."""
    try:
        return "ok", fn(*args)
    except fc.FlaskCookieError as e:
        return "error", e


def agrees(decision: dict, got, *, refuse: bool = False, tag_tolerated: bool = False) -> str | None:
    """``None`` when the binding's ``got`` (from :func:`outcome` of ``open`` or ``verify``)
    matches Flask's ``decision``, else what is wrong. ``refuse``: the signature text is not
    canonical and the codec is strict, so it must be a bad signature whatever Flask says."""
    kind, value = got
    flask = decision["result"]
    if refuse:
        if kind == "error" and value.code == 100:
            return None
        return f"non-canonical signature in strict mode must be BAD_SIGNATURE, got {value!r}"
    if flask == "ok":
        if kind == "error":
            if tag_tolerated and value.code == 405 and "not supported" in value.detail:
                return None
            return f"Flask opens it ({decision.get('json', '')[:200]!r}), binding raised {value!r}"
        if isinstance(value, int):  # verify
            return None if value == decision["signed_at"] else f"signed_at {value} != Flask's {decision['signed_at']}"
        if value.signed_at != decision["signed_at"]:
            return f"signed_at {value.signed_at} != Flask's {decision['signed_at']}"
        wanted = [decision.get("json"), decision.get("session_json")]
        if value.json not in wanted:
            return f"JSON differs:\n  Flask: {wanted[0]!r}\n  ours:  {value.json!r}"
        return None
    if kind == "ok":
        return f"Flask: {flask} {decision.get('exception')}: {decision.get('message')}; binding accepted: {value!r}"
    if value.code not in CODES[flask]:
        return f"Flask: {flask} {decision.get('exception')}: {decision.get('message')}; binding: {value!r}"
    if flask == "expired" and decision["message"].lower() not in value.detail.lower():
        return f"expired, but the message {value.detail!r} does not state Flask's {decision['message']!r}"
    return None


def pytest_terminal_summary(terminalreporter):
    # Also at the end, where -q still shows it next to the result.
    terminalreporter.write_line(
        f"flask_cookie_ffi random corpus: fixed seed {FIXED_SEED}, fresh seed {FRESH_SEED}, "
        f"{CASES} cases each (replay: FLASK_COOKIE_PY_SEED={FRESH_SEED})"
    )
