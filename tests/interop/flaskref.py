"""Real Flask / itsdangerous as the reference: shared by fixtures/generate.py and
tests/interop/random_corpus.py.

Everything here goes through Flask's own objects: an ``app = Flask(...)`` with
``SECRET_KEY``/``SECRET_KEY_FALLBACKS`` and ``app.session_interface.get_signing_serializer(app)``
inside ``app.app_context()`` (sorted keys, ``ensure_ascii``), or itsdangerous's
``URLSafeTimedSerializer(key)`` with its defaults. The clock is pinned by patching
``TimestampSigner.get_timestamp``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import math
import random
import struct
import sys
import zlib
from datetime import datetime, timedelta, timezone
from unittest import mock
from uuid import UUID

import flask
import itsdangerous
import markupsafe
import werkzeug
from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import (
    BadPayload,
    BadSignature,
    SignatureExpired,
    TimestampSigner,
    URLSafeTimedSerializer,
)
from itsdangerous.encoding import base64_decode, base64_encode, bytes_to_int
from markupsafe import Markup

from importlib.metadata import version as _dist_version

FLASK_MAX_AGE = 2678400
DIGESTS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
DERIVATIONS = ["hmac", "django-concat", "concat", "none"]
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def versions() -> dict:
    return {
        "flask": _dist_version("flask"),
        "itsdangerous": _dist_version("itsdangerous"),
        "werkzeug": _dist_version("werkzeug"),
        "markupsafe": _dist_version("markupsafe"),
        "python": sys.version.split()[0],
        "zlib": zlib.ZLIB_RUNTIME_VERSION,
    }


# ---------------------------------------------------------------------------
# Configuration
# ---------------------------------------------------------------------------


def key_json(key: str | bytes) -> dict:
    """A key as the fixture stores it: ``{"text": str}`` (UTF-8) or ``{"hex": ...}``."""
    if isinstance(key, str):
        return {"text": key}
    return {"hex": key.hex()}


def config(
    preset: str = "flask",
    secret_key: str | bytes = "test key",
    fallback_keys: list | tuple = (),
    salt: str | None = None,
    digest: str = "sha1",
    key_derivation: str | None = None,
    max_age: int | None | str = "default",
) -> dict:
    if preset == "flask":
        salt = "cookie-session" if salt is None else salt
        key_derivation = key_derivation or "hmac"
        max_age = FLASK_MAX_AGE if max_age == "default" else max_age
    else:
        salt = "itsdangerous" if salt is None else salt
        key_derivation = key_derivation or "django-concat"
        max_age = None if max_age == "default" else max_age
    return {
        "preset": preset,
        "secret_key": secret_key,
        "fallback_keys": list(fallback_keys),
        "salt": salt,
        "digest": digest,
        "key_derivation": key_derivation,
        "max_age": max_age,
    }


def config_json(cfg: dict) -> dict:
    out = dict(cfg)
    out["secret_key"] = key_json(cfg["secret_key"])
    out["fallback_keys"] = [key_json(k) for k in cfg["fallback_keys"]]
    return out


_cache: dict = {}


class Ref:
    """Flask's (or itsdangerous's) serializer for one configuration."""

    def __init__(self, cfg: dict):
        self.cfg = cfg
        if cfg["preset"] == "flask":
            iface_attrs = {
                "salt": cfg["salt"],
                "key_derivation": cfg["key_derivation"],
            }
            if cfg["digest"] != "sha1":
                iface_attrs["digest_method"] = staticmethod(DIGESTS[cfg["digest"]])
            iface = type("FixtureSessionInterface", (SecureCookieSessionInterface,), iface_attrs)
            app = Flask("flask_cookie_fixtures")
            app.config["SECRET_KEY"] = cfg["secret_key"]
            app.config["SECRET_KEY_FALLBACKS"] = list(cfg["fallback_keys"])
            app.session_interface = iface()
            self.app = app
            with app.app_context():
                self.s = app.session_interface.get_signing_serializer(app)
            self.session_class = iface.session_class
        else:
            keys = [*cfg["fallback_keys"], cfg["secret_key"]]
            kwargs = {}
            if cfg["salt"] != "itsdangerous":
                kwargs["salt"] = cfg["salt"]
            signer_kwargs = {}
            if cfg["key_derivation"] != "django-concat":
                signer_kwargs["key_derivation"] = cfg["key_derivation"]
            if cfg["digest"] != "sha1":
                signer_kwargs["digest_method"] = DIGESTS[cfg["digest"]]
            if signer_kwargs:
                kwargs["signer_kwargs"] = signer_kwargs
            self.app = None
            self.s = URLSafeTimedSerializer(keys if len(keys) > 1 else keys[0], **kwargs)
            self.session_class = None

    @contextlib.contextmanager
    def ctx(self, now: int):
        with contextlib.ExitStack() as stack:
            if self.app is not None:
                stack.enter_context(self.app.app_context())
            stack.enter_context(
                mock.patch.object(TimestampSigner, "get_timestamp", lambda _self: now)
            )
            yield

    def canonical(self, value) -> str:
        """The JSON Flask writes for ``value`` (``serializer.serializer.dumps``)."""
        with self.ctx(0):
            return self.s.serializer.dumps(value)

    def loads_json(self, text: str):
        with self.ctx(0):
            return self.s.serializer.loads(text)

    def dumps(self, value, timestamp: int) -> str:
        with self.ctx(timestamp):
            return self.s.dumps(value)

    def sign_payload(self, payload: str | bytes, timestamp: int) -> str:
        """Signs arbitrary payload text with this configuration's newest key."""
        with self.ctx(timestamp):
            return self.s.make_signer().sign(payload).decode("utf-8")

    def sign_untimed(self, value: str | bytes) -> str:
        """Signs with a plain Signer (no timestamp) under this configuration's key."""
        signer = itsdangerous.Signer(
            self.s.secret_keys,
            salt=self.s.salt,
            key_derivation=self.cfg["key_derivation"],
            digest_method=DIGESTS[self.cfg["digest"]],
        )
        return signer.sign(value).decode("utf-8")

    def decide(self, cookie: str, now: int) -> dict:
        """Flask's decision on ``cookie`` at ``now``: ``serializer.loads(cookie, max_age)``."""
        max_age = self.cfg["max_age"]
        with self.ctx(now):
            try:
                value, dt = self.s.loads(cookie, max_age=max_age, return_timestamp=True)
            except SignatureExpired as e:
                return _expired(e)
            except BadSignature as e:
                return _err("bad_signature", e)
            except BadPayload as e:
                out = _err("bad_payload", e)
                out["signed_at"] = self.verify(cookie, now)["signed_at"]
                return out
            except Exception as e:  # noqa: BLE001 - Flask answers with a 500
                return _err("crash", e)
            out = {"result": "ok", "signed_at": (dt - EPOCH) // timedelta(seconds=1)}
            try:
                out["json"] = self.s.serializer.dumps(value)
            except Exception as e:  # noqa: BLE001 - e.g. RecursionError: Flask reads deeper than it writes
                out["json"] = None
                out["json_error"] = f"{type(e).__name__}: {e}"
                return out
            if self.session_class is not None and not isinstance(value, dict):
                # Flask's open_session does session_class(data): null is an empty session.
                try:
                    out["session_json"] = self.s.serializer.dumps(dict(self.session_class(value)))
                except Exception as e:  # noqa: BLE001
                    out["session_error"] = f"{type(e).__name__}: {e}"
            return out

    def verify(self, cookie: str, now: int) -> dict:
        """The signature and expiry decision only (what ``verify`` must return)."""
        max_age = self.cfg["max_age"]
        with self.ctx(now):
            for signer in self.s.iter_unsigners():
                try:
                    _, dt = signer.unsign(cookie, max_age=max_age, return_timestamp=True)
                except SignatureExpired as e:
                    return _expired(e)
                except BadSignature as e:
                    return _err("bad_signature", e)
                except Exception as e:  # noqa: BLE001
                    return _err("crash", e)
                return {"result": "ok", "signed_at": (dt - EPOCH) // timedelta(seconds=1)}
        raise AssertionError("no signer")


def _expired(e: SignatureExpired) -> dict:
    out = _err("expired", e)
    out["signed_at"] = (e.date_signed - EPOCH) // timedelta(seconds=1)
    return out


def _err(kind: str, e: BaseException) -> dict:
    msg = str(e)
    if len(msg) > 300:
        msg = msg[:300] + "..."
    return {"result": kind, "exception": type(e).__name__, "message": msg}


def payload_text(json_bytes: bytes, compress: bool | None = None, level: int = -1) -> str:
    """itsdangerous's dump_payload on raw JSON bytes; ``compress`` None means its own rule."""
    compressed = zlib.compress(json_bytes, level)
    if compress is None:
        compress = len(compressed) < len(json_bytes) - 1
    if compress:
        return "." + base64_encode(compressed).decode("ascii")
    return base64_encode(json_bytes).decode("ascii")


def is_canonical_signature(cookie: str, digest: str) -> bool:
    """True when the text after the last '.' is the unpadded URL-safe base64 of some MAC."""
    if "." not in cookie:
        return True
    sig = cookie.rsplit(".", 1)[1]
    n = DIGESTS[digest]().digest_size
    if len(sig) != (n * 8 + 5) // 6:
        return False
    if any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in sig):
        return False
    raw = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
    return base64.urlsafe_b64encode(raw).decode().rstrip("=") == sig


def timestamp_of(cookie: str):
    try:
        return bytes_to_int(base64_decode(cookie.rsplit(".", 2)[1]))
    except Exception:  # noqa: BLE001
        return None


# ---------------------------------------------------------------------------
# Random sessions
# ---------------------------------------------------------------------------

TAG_KEYS = [" di", " t", " b", " m", " u", " d"]
DT_MIN = -62135596800
DT_MAX = 253402300799

_CHAR_POOLS = [
    (30, lambda r: chr(r.randrange(0x61, 0x7B))),
    (15, lambda r: chr(r.randrange(0x20, 0x7F))),
    (8, lambda r: chr(r.choice([*range(0x20), 0x7F]))),
    (8, lambda r: chr(r.randrange(0x80, 0x800))),
    (8, lambda r: chr(r.choice([r.randrange(0x800, 0xD800), r.randrange(0xE000, 0x10000)]))),
    (6, lambda r: chr(r.randrange(0x10000, 0x110000))),
    (2, lambda r: chr(r.randrange(0xD800, 0xE000))),
    (4, lambda r: r.choice(['"', "\\", "/", "\u2028", "\ufeff", "\uffff", "\U0001f600"])),
]
_POOL_WEIGHTS = [w for w, _ in _CHAR_POOLS]


def rand_str(r: random.Random, maxlen: int = 12) -> str:
    n = r.choice([0, 1, 2, r.randrange(0, maxlen + 1), r.randrange(0, maxlen + 1)])
    pools = r.choices(_CHAR_POOLS, _POOL_WEIGHTS, k=1 + r.randrange(2))
    return "".join(r.choice(pools)[1](r) for _ in range(n))


def rand_key(r: random.Random) -> str:
    x = r.random()
    if x < 0.08:
        return r.choice(TAG_KEYS)
    if x < 0.12:
        return r.choice(TAG_KEYS) + r.choice(["__", "_", "x", ""])
    if x < 0.5:
        return "".join(chr(r.randrange(0x61, 0x7B)) for _ in range(r.randrange(1, 8)))
    return rand_str(r, 8)


_SPECIAL_FLOATS = [
    0.0, -0.0, 1e16, 1e-05, 1.5e-07, 1000000000000000.0, 0.0001, 1e22, 1e-7, 0.1, 1 / 3,
    float("nan"), float("inf"), float("-inf"), 5e-324, 2.2250738585072014e-308,
    2.225073858507201e-308, 1.7976931348623157e308, 9007199254740993.0, 123456789012345680.0,
    0.30000000000000004, 100.0, -1.5, 1e100, 9.999999999999999e15,
]


def rand_float(r: random.Random) -> float:
    x = r.random()
    if x < 0.3:
        return r.choice(_SPECIAL_FLOATS)
    if x < 0.6:
        return struct.unpack("<d", r.randbytes(8))[0]
    if x < 0.8:
        return r.uniform(-1, 1) * 10.0 ** r.randrange(-25, 25)
    return round(r.uniform(-1000, 1000), r.randrange(0, 6))


def rand_int(r: random.Random) -> int:
    x = r.random()
    if x < 0.4:
        return r.randrange(-1000, 1000)
    if x < 0.6:
        return r.choice([0, -1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64, 2**64 - 1, 2**70, -(2**70)])
    if x < 0.9:
        return r.randrange(-(2**200), 2**200)
    digits = r.randrange(20, 400)
    return r.choice([1, -1]) * r.randrange(10 ** (digits - 1), 10**digits)


def rand_datetime(r: random.Random) -> datetime:
    x = r.random()
    if x < 0.6:
        secs = r.randrange(0, 4102444800)
    elif x < 0.9:
        secs = r.randrange(DT_MIN + 100 * 366 * 86400, DT_MAX + 1)
    else:
        secs = r.randrange(DT_MIN, DT_MAX + 1)
    dt = EPOCH + timedelta(seconds=secs)
    if r.random() < 0.2:
        dt = dt.replace(microsecond=r.randrange(1, 1000000))
    if r.random() < 0.3:
        dt = dt.replace(tzinfo=None)
    return dt


def rand_value(r: random.Random, depth: int = 0):
    container = depth < 5 and r.random() < 0.35 - depth * 0.05
    if container:
        kind = r.choice(["list", "tuple", "dict", "dict", "tagdict"])
        n = r.randrange(0, 5)
        if kind == "list":
            return [rand_value(r, depth + 1) for _ in range(n)]
        if kind == "tuple":
            return tuple(rand_value(r, depth + 1) for _ in range(n))
        if kind == "tagdict":
            return {r.choice(TAG_KEYS): rand_value(r, depth + 1)}
        return {rand_key(r): rand_value(r, depth + 1) for _ in range(n)}
    kind = r.choices(
        ["none", "bool", "int", "float", "str", "bytes", "markup", "uuid", "datetime"],
        [3, 3, 10, 8, 16, 5, 3, 3, 4],
    )[0]
    if kind == "none":
        return None
    if kind == "bool":
        return r.random() < 0.5
    if kind == "int":
        return rand_int(r)
    if kind == "float":
        return rand_float(r)
    if kind == "str":
        return rand_str(r, 20)
    if kind == "bytes":
        return r.randbytes(r.randrange(0, 24))
    if kind == "markup":
        return Markup(rand_str(r, 10))
    if kind == "uuid":
        return UUID(int=r.getrandbits(128))
    return rand_datetime(r)


def rand_session(r: random.Random) -> dict:
    x = r.random()
    if x < 0.05:
        return {}
    if x < 0.25:
        # Around the compression threshold: compressible text of a random length.
        unit = r.choice(["a", "ab", "xyz", "\u00e9", "\u20ac", "0123456789"])
        n = r.randrange(0, 40)
        s = (unit * n)[:n]
        return {r.choice(["v", "user", "k"]): s} if r.random() < 0.7 else {"v": s, "n": r.randrange(100)}
    if x < 0.35:
        # Bigger sessions: usually compressed.
        return {f"k{i}": rand_value(r, 1) for i in range(r.randrange(10, 40))}
    sess = {rand_key(r): rand_value(r, 1) for _ in range(r.randrange(1, 7))}
    if r.random() < 0.05:
        # int keys: sorted numerically, then written as strings (not a round trip)
        sess["ints"] = {r.randrange(-5, 20): rand_value(r, 2) for _ in range(r.randrange(1, 4))}
    return sess


def rand_ascii_key(r: random.Random) -> str:
    alphabet = "".join(chr(c) for c in range(0x21, 0x7F))
    return "".join(r.choice(alphabet) for _ in range(r.randrange(1, 40)))


def tamper(r: random.Random, cookie: str, other: str) -> tuple[str, str]:
    """One random alteration of ``cookie`` (``other`` is a cookie of another key)."""
    kind = r.choice(
        ["flip_payload", "flip_timestamp", "flip_signature", "truncate", "drop_part", "swap",
         "pad_signature", "unused_bits", "other_key", "mixed_alphabet", "extend"]
    )
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    parts = cookie.rsplit(".", 2)

    def flip(s: str) -> str:
        if not s:
            return "A"
        i = r.randrange(len(s))
        c = r.choice([c for c in alphabet if c != s[i]])
        return s[:i] + c + s[i + 1 :]

    if kind == "flip_payload":
        head = parts[0]
        i0 = 1 if head.startswith(".") else 0
        return kind, head[:i0] + flip(head[i0:]) + "." + parts[1] + "." + parts[2]
    if kind == "flip_timestamp":
        return kind, parts[0] + "." + flip(parts[1]) + "." + parts[2]
    if kind == "flip_signature":
        return kind, parts[0] + "." + parts[1] + "." + flip(parts[2])
    if kind == "truncate":
        return kind, cookie[: r.randrange(len(cookie))]
    if kind == "drop_part":
        i = r.randrange(3)
        return kind, ".".join(p for j, p in enumerate(parts) if j != i)
    if kind == "swap":
        return kind, parts[1] + "." + parts[0] + "." + parts[2]
    if kind == "pad_signature":
        return kind, cookie + r.choice(["=", "==", "==="])
    if kind == "unused_bits":
        sig = parts[2]
        v = alphabet.index(sig[-1])
        unused = (6 * len(sig)) % 8
        mask = (1 << unused) - 1
        if mask == 0:
            return kind, flip(cookie)
        v2 = (v & ~mask) | r.choice([m for m in range(mask + 1) if m != v & mask])
        return kind, cookie[:-1] + alphabet[v2]
    if kind == "other_key":
        return kind, other
    if kind == "mixed_alphabet":
        return kind, cookie.replace("-", "+").replace("_", "/")
    return kind, cookie + r.choice(["A", ".", "..x", "\u00e9"])


def parse_config_argv(cfg: dict) -> list[str]:
    """CLI options for a configuration (keys must be str)."""
    argv = ["--preset", cfg["preset"], "--secret-key", cfg["secret_key"]]
    for k in cfg["fallback_keys"]:
        argv += ["--fallback-key", k]
    argv += ["--salt", cfg["salt"], "--digest", cfg["digest"], "--key-derivation", cfg["key_derivation"]]
    if cfg["max_age"] is not None:
        argv += ["--max-age", str(cfg["max_age"])]
    return argv


__all__ = [
    "Ref", "config", "config_json", "key_json", "versions", "payload_text", "rand_session",
    "rand_value", "rand_ascii_key", "tamper", "is_canonical_signature", "timestamp_of",
    "FLASK_MAX_AGE", "DIGESTS", "DERIVATIONS", "TAG_KEYS", "Markup", "UUID", "math",
    "flask", "itsdangerous", "werkzeug", "markupsafe", "base64_decode", "base64_encode",
]
