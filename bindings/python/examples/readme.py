"""The Python binding (ctypes over the C library): open, check and write a Flask session cookie.
README example; bindings/python/tests/test_api.py runs it."""
from flask_cookie_ffi import Codec, InvalidCookie

with Codec.flask("test key", fallback_keys=["an older key"]) as codec:  # keys oldest first
    json_text, signed_at = codec.open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", now=1700000000)
    assert (json_text, signed_at) == ('{"a":1}', 1700000000)  # canonical tagged JSON
    assert codec.dump(json_text, timestamp=1700000000) == "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"
    try:
        codec.open("tampered.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE")  # now=None: the clock
    except InvalidCookie as e:  # Flask would start a new, empty session
        print(type(e).__name__, e.code, e.detail)  # BadSignature 100 bad signature: ...
