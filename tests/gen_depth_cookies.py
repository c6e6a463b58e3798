"""Makes the Flask/itsdangerous cookies of tests/depth.rs (run: python3 tests/gen_depth_cookies.py).

Every cookie is signed by Flask's own session serializer (`get_signing_serializer`) or by
itsdangerous's `URLSafeTimedSerializer`, with the clock frozen; hand-written JSON is signed
through the same serializer with its JSON step replaced by the identity. Each result Flask
gives (session, JSON it writes, HTTP status) is asked of Flask here and printed next to it.
"""
import logging
import sys
import time
from unittest import mock

import flask
import itsdangerous
from flask.sessions import session_json_serializer

sys.setrecursionlimit(20000)
logging.disable(logging.CRITICAL)
KEY = "k"
NOW = 1_700_000_000


class Raw:
    """A serializer that writes the given JSON text as it is."""

    @staticmethod
    def dumps(obj):
        return obj

    @staticmethod
    def loads(s):
        return s


def flask_serializer():
    app = flask.Flask(__name__)
    app.secret_key = KEY
    return app, app.session_interface.get_signing_serializer(app)


def sign_raw(text, ts=NOW, serializer=None):
    """`text` signed at `ts` by Flask's serializer (or `serializer`), JSON step skipped."""
    s = serializer or flask_serializer()[1]
    s.serializer = Raw
    payload = s.dump_payload(text)
    signer = s.make_signer()
    # The timestamp bytes as TimestampSigner.sign writes them, for any size.
    n = max(1, (ts.bit_length() + 7) // 8)
    value = payload + b"." + itsdangerous.encoding.base64_encode(ts.to_bytes(n, "big"))
    return itsdangerous.Signer.sign(signer, value).decode()


def flask_dump(obj, ts=NOW):
    app, s = flask_serializer()
    with app.app_context(), mock.patch("time.time", return_value=ts):
        return s.dumps(obj)


def flask_open(cookie, now=NOW):
    app, s = flask_serializer()
    with app.app_context(), mock.patch("time.time", return_value=now):
        try:
            return s.loads(cookie, max_age=2678400)
        except Exception as e:  # noqa: BLE001
            return e


def flask_status(cookie, now=NOW):
    """The HTTP status Flask answers a request carrying `cookie` with (200 or 500)."""
    app = flask.Flask(__name__)
    app.secret_key = KEY

    @app.route("/")
    def index():
        return str(dict(flask.session))

    c = app.test_client()
    c.set_cookie("session", cookie)
    with mock.patch("time.time", return_value=now):
        r = c.get("/")
    return r.status_code, r.get_data(as_text=True)[:60]


def canonical(obj):
    app, _ = flask_serializer()
    with app.app_context():
        return session_json_serializer.dumps(obj)


def show(name, value):
    print(f"{name} = {value!r}")


# 1. A session Flask writes (recursion limit raised) nested exactly 400 levels deep:
#    dict (1) + 396 lists + dict (1) + tuple tag (2).
inner = {"b": (1, "x")}
v = inner
for _ in range(396):
    v = [v]
deep400 = {"a": v}
c = flask_dump(deep400)
show("DEEP_400_COOKIE", c)
show("DEEP_400_JSON", canonical(deep400))
assert flask_open(c) == deep400

# 2. Read at 400 levels (`{" t": "ab"}` is one level) but Flask's JSON for it needs 401.
text = '{"a":' + "[" * 398 + '{" t":"ab"}' + "]" * 398 + "}"
c = sign_raw(text)
show("READ_400_WRITE_401_COOKIE", c)
opened = flask_open(c)
print("# Flask reads it:", type(opened).__name__, "and writes it with",
      canonical(opened).count("[") + canonical(opened).count("{"), "levels")
# 3. The same one level less: read at 399, written at 400 (Flask's JSON given).
text = '{"a":' + "[" * 397 + '{" t":"ab"}' + "]" * 397 + "}"
c = sign_raw(text)
show("READ_399_WRITE_400_COOKIE", c)
show("READ_399_WRITE_400_JSON", canonical(flask_open(c)))

# 4. `{"a":` + 34 000 nested lists: a small compressed cookie (Flask cannot read it).
text = '{"a":' + "[" * 34000 + "]" * 34000 + "}"
show("DEEP_34000_COOKIE", sign_raw(text))

# 5. Validly signed timestamps after the year 9999: Flask answers HTTP 500.
for name, ts in [("Y10000", 253_402_300_800), ("U64_MAX", 2**64 - 1), ("NINE_BYTES", 2**64)]:
    c = sign_raw('{"a":1}', ts=ts)
    show(f"AFTER_9999_{name}_COOKIE", c)
    print("# Flask:", flask_status(c), "| loads:", repr(flask_open(c)))
    t = sign_raw('{"a":1}', ts=ts, serializer=itsdangerous.URLSafeTimedSerializer(KEY))
    show(f"AFTER_9999_{name}_TOKEN", t)
    s = itsdangerous.URLSafeTimedSerializer(KEY)
    with mock.patch("time.time", return_value=NOW):
        for max_age in (None, 10):
            try:
                r = s.loads(t, max_age=max_age)
            except Exception as e:  # noqa: BLE001
                r = e
            print(f"# itsdangerous loads(max_age={max_age}):", type(r).__name__, r)
# The last second Python can hold opens (as signed in the future: expired, a new session).
c = sign_raw('{"a":1}', ts=253_402_300_799)
show("LAST_SECOND_COOKIE", c)
print("# Flask:", flask_status(c))

# 6. Non-dict payloads (tests/claims.rs): Flask's session is dict() of them.
for text in ['[1]', 'null', '{" t":["a",1]}']:
    c = sign_raw(text)
    show("NON_DICT_" + text.encode().hex(), c)
    print("# Flask loads:", repr(flask_open(c)), "| request:", flask_status(c)[0])

# 7. An itsdangerous token holding a lone surrogate (cli/tests/cli.rs).
t = sign_raw('{"a":"x\\udc00y","b":"\\ud83d\\ude00\\u00e9"}',
             serializer=itsdangerous.URLSafeTimedSerializer(KEY))
show("LONE_SURROGATE_TOKEN", t)
print("# itsdangerous loads:", repr(itsdangerous.URLSafeTimedSerializer(KEY).loads(t)))

# 8. Empty keys (tests/claims.rs): an empty fallback key signs a cookie Flask opens; an
#    itsdangerous token signed with the empty secret.
import hashlib
old = itsdangerous.URLSafeTimedSerializer(
    [""], salt="cookie-session", serializer=session_json_serializer,
    signer_kwargs={"key_derivation": "hmac", "digest_method": hashlib.sha1})
with mock.patch("time.time", return_value=NOW):
    c = old.dumps({"a": 1})
show("EMPTY_FALLBACK_COOKIE", c)
app = flask.Flask(__name__)
app.secret_key = "new"
app.config["SECRET_KEY_FALLBACKS"] = [""]
with app.app_context(), mock.patch("time.time", return_value=NOW):
    print("# Flask (SECRET_KEY='new', SECRET_KEY_FALLBACKS=['']) loads:",
          app.session_interface.get_signing_serializer(app).loads(c, max_age=2678400))
    app.secret_key = ""
    print("# Flask with SECRET_KEY='':", app.session_interface.get_signing_serializer(app))
with mock.patch("time.time", return_value=NOW):
    t = itsdangerous.URLSafeTimedSerializer("").dumps({"a": 1})
show("EMPTY_SECRET_TOKEN", t)
print("# itsdangerous loads:", itsdangerous.URLSafeTimedSerializer("").loads(t))
