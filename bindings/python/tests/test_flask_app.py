"""A real Flask app and the binding exchange session cookies over Flask's test client, with the
real clock: Flask's ``session`` set in a view is opened by the binding, and a session written by
the binding is what Flask's view sees. Also explicit Flask-vs-binding comparisons at pinned
times: every tag, bytes keys, key rotation, expiry at the boundary, tampering at every position.
"""

from __future__ import annotations

import binascii
import json
import zlib
from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
from flask import Flask, session
from flask.json.tag import TaggedJSONSerializer
from itsdangerous import BadPayload as ItsBadPayload
from itsdangerous import URLSafeTimedSerializer
from markupsafe import Markup

import flask_cookie_ffi as fc
from conftest import agrees, codec_for, fr, outcome

T0 = 1700000000
SESSION = {
    "user_id": 42,
    "cart": ("apple", b"\x00\xff", Markup("<b>x</b>")),
    "uuid": UUID("12345678-1234-5678-1234-567812345678"),
    "when": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    " t": [1, 2.5, None, True],
    "big": 2**100,
    "text": "caf\u00e9 \U0001f600 \ud800",
    "nested": {" di": {"a": [float("inf"), float("nan")]}},
    "long": "xyz" * 200,  # compressed
}


def make_app(secret_key, fallbacks=()):
    app = Flask("flask_cookie_ffi_test")
    app.config.update(SECRET_KEY=secret_key, SECRET_KEY_FALLBACKS=list(fallbacks))

    @app.post("/set")
    def set_session():
        session.clear()
        session.update(SESSION)
        return "ok"

    @app.get("/get")
    def get_session():
        # What Flask read, written back with Flask's own serializer.
        return app.session_interface.serializer.dumps(dict(session))

    return app


def flask_json(app, value) -> str:
    with app.app_context():
        return app.session_interface.get_signing_serializer(app).serializer.dumps(value)


def cookie_of(client) -> str:
    return client.get_cookie("session").value


@pytest.mark.parametrize("secret", ["dev key", b"\x00\xffraw bytes key"], ids=["str-key", "bytes-key"])
def test_flask_view_to_binding_to_flask_view(secret):
    app = make_app(secret)
    client = app.test_client()
    assert client.post("/set").status_code == 200
    flask_cookie = cookie_of(client)
    with fc.Codec.flask(secret) as codec:
        opened = codec.open(flask_cookie)  # the clock: Flask signed a moment ago
        assert opened.json == flask_json(app, SESSION)
        assert abs(opened.signed_at - datetime.now(timezone.utc).timestamp()) < 60
        # The binding writes the session back (now); Flask's view reads the same session.
        ours = codec.dump(opened.json)
    other = app.test_client()
    other.set_cookie("session", ours)
    got = other.get("/get").get_data(as_text=True)
    assert got == opened.json
    # And at the value level, through Flask's own TaggedJSONSerializer.
    value = TaggedJSONSerializer().loads(got)
    assert value["cart"] == ("apple", b"\x00\xff", Markup("<b>x</b>"))
    assert value["uuid"] == SESSION["uuid"] and value["when"] == SESSION["when"]


def test_key_rotation_with_flask():
    old, new = "old key", "new key"
    rotated = make_app(new, [old])
    # A cookie the binding signed with the old key: Flask (new key, old as fallback) accepts it.
    with fc.Codec.flask(old) as before:
        cookie = before.dump(flask_json(rotated, {"u": 1}))
    client = rotated.test_client()
    client.set_cookie("session", cookie)
    assert client.get("/get").get_data(as_text=True) == '{"u":1}'
    # Flask signs with the newest key: the binding needs it; oldest first, the last signs.
    client.post("/set")
    flask_cookie = cookie_of(client)
    with fc.Codec.flask(old) as only_old, pytest.raises(fc.BadSignature):
        only_old.open(flask_cookie)
    with fc.Codec([old, new]) as both, fc.Codec.flask(new, [old]) as same:
        assert both.open(flask_cookie).json == same.open(flask_cookie).json == flask_json(rotated, SESSION)
        assert both.dump('{"a":1}', T0) == fr.Ref(fr.config(secret_key=new, fallback_keys=[old])).dumps({"a": 1}, T0)


@pytest.mark.parametrize("max_age", [0, 1, 60, fr.FLASK_MAX_AGE, 10**8, None])
@pytest.mark.parametrize("signer", ["flask", "binding"])
def test_expiry_boundaries(max_age, signer):
    cfg = fr.config(secret_key="expiry key", max_age=max_age)
    ref = fr.Ref(cfg)
    ts = T0 + 12345
    with codec_for(cfg) as codec:
        json_text = ref.canonical(SESSION)
        cookie = ref.dumps(SESSION, ts) if signer == "flask" else codec.dump(json_text, ts)
        assert cookie == ref.dumps(SESSION, ts)
        ages = [0, 1, -1, -10**6] + ([max_age - 1, max_age, max_age + 1, max_age + 10**6] if max_age else [10**9])
        seen = set()
        for age in ages:
            now = ts + age
            decision = ref.decide(cookie, now)
            seen.add(decision["result"])
            for fn in (codec.open, codec.verify):
                wrong = agrees(decision, outcome(fn, cookie, now))
                assert wrong is None, f"age {age} ({fn.__name__}): {wrong}"
            # The rule itself, independently of flaskref: age == max_age passes, more or
            # negative expires (itsdangerous 2.2: `age > max_age` or `age < 0`).
            if max_age is not None:
                assert (decision["result"] == "ok") == (0 <= age <= max_age), (age, decision)
        if max_age is not None:
            assert seen == {"ok", "expired"}
        else:
            assert seen == {"ok"}  # no max_age: no age check at all, the future included


def test_expiry_maps_to_flasks_exception_class():
    cfg = fr.config(secret_key="k", max_age=100)
    ref = fr.Ref(cfg)
    cookie = ref.dumps({"a": 1}, T0)
    with codec_for(cfg) as codec:
        for now, exc_name, our_class in ((T0 + 101, "SignatureExpired", fc.Expired),
                                         (T0 - 1, "SignatureExpired", fc.Expired)):
            assert ref.decide(cookie, now)["exception"] == exc_name
            with pytest.raises(our_class) as e:
                codec.open(cookie, now)
            assert isinstance(e.value, fc.InvalidCookie) and fc.is_bad_signature(e.value.code)


def test_tampering_at_every_position_agrees_with_flask():
    cfg = fr.config(secret_key="tamper key", fallback_keys=["older"])
    ref = fr.Ref(cfg)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
    checked = 0
    with codec_for(cfg) as strict, codec_for(cfg, lenient=True) as lenient:
        for value in ({"a": 1}, SESSION):
            cookie = ref.dumps(value, T0)
            variants = [cookie[:n] for n in range(len(cookie))]  # every truncation
            for i, ch in enumerate(cookie):  # every position, two replacement characters
                for rep in (alphabet[(alphabet.index(ch) + 1) % 64], alphabet[(alphabet.index(ch) + 33) % 64]):
                    variants.append(cookie[:i] + rep + cookie[i + 1:])
            variants.append(fr.Ref(dict(cfg, secret_key="other key", fallback_keys=[])).dumps(value, T0))
            for bad in variants:
                decision = ref.decide(bad, T0)
                canonical = fr.is_canonical_signature(bad, "sha1")
                assert agrees(decision, outcome(strict.open, bad, T0), refuse=not canonical) is None, bad
                assert agrees(decision, outcome(lenient.open, bad, T0)) is None, bad
                checked += 1
    assert checked > 1000


# Validly signed payloads Flask cannot decode: Python's exception inside BadPayload decides the
# exact code (binascii -> 400, zlib -> 401, UTF-8 -> 403, JSON -> 404, a tag -> 405).
BAD_PAYLOADS = [
    ("not base64", "a", binascii.Error, 400),
    ("zlib garbage", "." + fr.base64_encode(b"not zlib at all").decode(), zlib.error, 401),
    ("truncated zlib", "." + fr.base64_encode(zlib.compress(b'{"a":1}' * 50)[:10]).decode(), zlib.error, 401),
    ("invalid UTF-8", fr.payload_text(b'{"a":"\xff"}', False), UnicodeDecodeError, 403),
    ("invalid JSON", fr.payload_text(b'{"a":', False), json.JSONDecodeError, 404),
    ("tuple of an int", fr.payload_text(b'{"a":{" t":5}}', False), TypeError, 405),
    ("bytes of an int", fr.payload_text(b'{"a":{" b":5}}', False), TypeError, 405),
    ("bad UUID", fr.payload_text(b'{"a":{" u":"nope"}}', False), ValueError, 405),
]


@pytest.mark.parametrize("name,payload,py_error,code", BAD_PAYLOADS, ids=[b[0] for b in BAD_PAYLOADS])
def test_bad_payload_codes(name, payload, py_error, code):
    cfg = fr.config(secret_key="payload key")
    ref = fr.Ref(cfg)
    cookie = ref.sign_payload(payload, T0)
    with ref.ctx(T0), pytest.raises(ItsBadPayload) as flask_error:
        ref.s.loads(cookie, max_age=cfg["max_age"])
    inner = flask_error.value.original_error
    while inner.__cause__ is not None:  # itsdangerous wraps binascii.Error in BadData
        inner = inner.__cause__
    assert isinstance(inner, py_error), repr(inner)
    with codec_for(cfg) as codec:
        with pytest.raises(fc.BadPayload) as e:
            codec.open(cookie, T0)
        assert e.value.code == code, e.value
        assert not fc.is_bad_signature(e.value.code)
        assert codec.verify(cookie, T0) == T0  # the signature and age are fine


def test_inflated_size_limit():
    # Flask has no limit; the binding's (default 1 MiB, or as configured) refuses past it (402).
    cfg = fr.config(secret_key="k")
    ref = fr.Ref(cfg)
    value = {"v": "a" * 5000}
    cookie = ref.dumps(value, T0)
    assert cookie.startswith(".")
    with codec_for(cfg) as default, codec_for(cfg, max_inflated_len=1000) as small:
        assert default.open(cookie, T0).json == ref.decide(cookie, T0)["json"]
        with pytest.raises(fc.BadPayload) as e:
            small.open(cookie, T0)
        assert e.value.code == fc.Result.BAD_PAYLOAD_TOO_LARGE


def test_cookie_length_limit():
    cfg = fr.config(secret_key="k")
    ref = fr.Ref(cfg)
    cookie = ref.dumps({"v": "ab"}, T0)
    with codec_for(cfg, max_cookie_len=len(cookie)) as exact, codec_for(cfg, max_cookie_len=len(cookie) - 1) as short:
        assert exact.verify(cookie, T0) == T0
        with pytest.raises(fc.BadSignature) as e:
            short.open(cookie, T0)
        assert e.value.code == fc.Result.COOKIE_TOO_LONG


@pytest.mark.parametrize("digest", ["sha1", "sha256", "sha512"])
@pytest.mark.parametrize("derivation", fr.DERIVATIONS)
def test_itsdangerous_preset(digest, derivation):
    signer_kwargs = {"digest_method": fr.DIGESTS[digest], "key_derivation": derivation}
    s = URLSafeTimedSerializer("token key", salt="reset", signer_kwargs=signer_kwargs)
    value = {"z": 1, "a": ["caf\u00e9", 2.5, None], "\u00e9": {"b": True}}
    with fr.Ref(fr.config("itsdangerous", "token key")).ctx(T0):
        token = s.dumps(value)
    with fc.Codec.itsdangerous("token key", salt="reset", digest=digest, key_derivation=derivation) as codec:
        opened = codec.open(token, T0 + 10**9)  # no max_age by default
        assert json.loads(opened.json) == value
        assert opened.json == json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        assert codec.dump(opened.json, T0) == token


def test_json_options_match_itsdangerous_serializer_kwargs():
    s = URLSafeTimedSerializer("k", serializer_kwargs={"sort_keys": True, "ensure_ascii": True})
    value = {"z": "\u00e9", "a": 1}
    with fr.Ref(fr.config("itsdangerous", "k")).ctx(T0):
        token = s.dumps(value)
    with fc.Codec.itsdangerous("k", sort_keys=True, ensure_ascii=True) as codec:
        assert codec.dump('{"z":"\u00e9","a":1}', T0) == token
    with fc.Codec.itsdangerous("k") as plain:
        assert plain.dump('{"z":"\u00e9","a":1}', T0) != token


def test_dump_errors_where_python_fails():
    # A lone surrogate with ensure_ascii off: Python cannot encode the JSON as UTF-8.
    with pytest.raises(UnicodeEncodeError):
        URLSafeTimedSerializer("k").dumps("\udc00")
    with fc.Codec.itsdangerous("k") as codec:
        with pytest.raises(fc.DumpError) as e:
            codec.dump('"\\udc00"', T0)
        assert e.value.code == fc.Result.DUMP_UNSUPPORTED
        with pytest.raises(fc.DumpError) as e:
            codec.dump('{"a":', T0)
        assert e.value.code == fc.Result.DUMP_INVALID_JSON
    # After the year 9999: Flask writes a cookie it cannot open; the binding refuses.
    late = 253402300800
    ref = fr.Ref(fr.config(secret_key="k", max_age=None))
    assert ref.decide(ref.dumps({"a": 1}, late), late)["result"] != "ok"
    with fc.Codec.flask("k") as codec, pytest.raises(fc.DumpError) as e:
        codec.dump('{"a":1}', late)
    assert e.value.code == fc.Result.DUMP_UNSUPPORTED


def test_timestamp_after_9999_is_an_http_500_not_a_new_session():
    # Flask signs it; opening it, datetime raises ValueError inside itsdangerous (HTTP 500).
    late = 253402300800
    ref = fr.Ref(fr.config(secret_key="k"))
    cookie = ref.dumps({"a": 1}, late)
    assert ref.decide(cookie, T0)["result"] == "crash"
    with fc.Codec.flask("k") as codec:
        for call in (codec.open, codec.verify):
            with pytest.raises(fc.TimestampOutOfRange) as e:
                call(cookie, T0)
            assert e.value.code == fc.Result.TIMESTAMP_OUT_OF_RANGE
            assert not isinstance(e.value, fc.InvalidCookie)
