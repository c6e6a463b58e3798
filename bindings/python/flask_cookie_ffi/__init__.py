"""flask_cookie_ffi: Flask's signed session cookies through flask-cookie's C ABI (pure ctypes).

Opens, verifies and writes Flask's session cookies byte for byte as Flask 3.1 does, by calling
``libflask_cookie`` (``scripts/cbuild.sh --release``, cargo-c). No dependency beyond the standard
library; the library is found through ``$FLASK_COOKIE_LIB`` or where cargo-c builds it in the
repository (``target/<host triple>/release`` then ``.../debug``). Flask's session layer
(``SessionConfig``, ``Session``) is in :mod:`flask_cookie_ffi.session`.

>>> from flask_cookie_ffi import Codec, Expired
>>> with Codec.flask("test key") as codec:
...     codec.open("eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE", now=1700000000)
Opened(json='{"a":1}', signed_at=1700000000)

JSON goes in and out as text: canonical tagged JSON as Flask writes it (``{" t": [...]}`` for a
tuple, ``{" b": "..."}`` for bytes...), to be parsed by the caller. ``open`` returns the payload
as signed, whatever its type; Flask's session is ``dict()`` of it (a validly signed ``[1]`` or
``null`` comes back as ``[1]`` or ``null``: applying ``dict()`` is the caller's part).
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import operator
import threading
from typing import Iterable, NamedTuple, Optional, Union

from . import _native
from ._native import U64_MAX, Buf, Slice

__all__ = [
    "Codec", "Opened", "Unverified", "Result", "decode_unverified", "version", "library_path",
    "FlaskCookieError", "InvalidCookie", "BadSignature", "MalformedTimestamp", "Expired",
    "TimestampOutOfRange", "BadPayload", "DumpError", "ConfigError", "ArgumentError", "InternalError",
    "SessionConfig", "Session", "SessionState", "SaveAction", "Saved", "SessionError",
    "SessionNotADict", "SessionNonTextKey", "SessionKeyError", "WrongType", "IntOutOfRange",
    "SaveError", "version_number",
]

Key = Union[str, bytes, bytearray, memoryview]


class Result(enum.IntEnum):
    """``flask_cookie_result``: the C ABI's result codes (never renumbered)."""

    OK = 0
    NULL_ARGUMENT = 1
    INVALID_ARGUMENT = 2
    PANIC = 3
    INVALID_CONFIG = 4
    BAD_SIGNATURE = 100
    COOKIE_TOO_LONG = 101
    MALFORMED_TIMESTAMP = 200
    EXPIRED = 300
    BAD_PAYLOAD_BASE64 = 400
    BAD_PAYLOAD_ZLIB = 401
    BAD_PAYLOAD_TOO_LARGE = 402
    BAD_PAYLOAD_UTF8 = 403
    BAD_PAYLOAD_JSON = 404
    BAD_PAYLOAD_TAG = 405
    DUMP_INVALID_JSON = 500
    DUMP_UNSUPPORTED = 501
    TIMESTAMP_OUT_OF_RANGE = 600
    KEY_NOT_FOUND = 700
    WRONG_TYPE = 701
    INT_OUT_OF_RANGE = 702
    STR_NOT_UTF8 = 703
    SESSION_NOT_A_DICT = 800
    SESSION_NON_TEXT_KEY = 801
    INVALID_COOKIE_SETTING = 802
    SAVE_COOKIE_ERROR = 803
    BUFFER_TOO_SMALL = 900


# ---------------------------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------------------------


class FlaskCookieError(Exception):
    """A call failed. ``code`` is the C result (an ``int``, a :class:`Result` when known);
    ``detail`` is ``flask_cookie_last_error``'s message. Never contains a key or the cookie."""

    def __init__(self, code: int, detail: str = ""):
        try:
            code = Result(code)
        except ValueError:
            pass
        self.code = code
        self.detail = detail
        name = code.name if isinstance(code, Result) else str(int(code))
        super().__init__(f"{detail or _static_message(int(code))} ({name} {int(code)})")


class InvalidCookie(FlaskCookieError):
    """Flask would start a new, empty session for this cookie (codes 100-399,
    ``flask_cookie_result_is_bad_signature``)."""


class BadSignature(InvalidCookie):
    """Not validly signed by any key, not shaped like a signed cookie (100), or too long (101).
    itsdangerous: ``BadSignature``."""


class MalformedTimestamp(InvalidCookie):
    """Validly signed, but the timestamp is unreadable: not base64, more than 8 bytes (200).
    itsdangerous: ``BadTimeSignature``."""


class Expired(InvalidCookie):
    """Validly signed, but older than ``max_age`` or signed in the future (300).
    itsdangerous: ``SignatureExpired``."""


class BadPayload(FlaskCookieError):
    """Validly signed, but the payload does not decode (400-405, see ``code``): Flask answers
    with an HTTP 500. itsdangerous: ``BadPayload``."""


class TimestampOutOfRange(FlaskCookieError):
    """Validly signed, but the timestamp is after the year 9999 (600). Not an
    :class:`InvalidCookie`: itsdangerous raises Python's ``ValueError``/``OverflowError`` from
    ``datetime``, and Flask answers with an HTTP 500."""


class DumpError(FlaskCookieError):
    """``dump``: the input is not tagged JSON (500) or cannot be written with these options
    (501)."""


class ConfigError(FlaskCookieError, ValueError):
    """The configuration cannot make a codec: no key, an empty secret (newest) key with the
    ``flask`` preset (4). Empty fallback keys, and an empty key with the ``itsdangerous``
    preset, are accepted, as in Flask and itsdangerous."""


class ArgumentError(FlaskCookieError, ValueError):
    """An argument is NULL (1) or out of range (2): an unknown digest, a negative time..."""


class InternalError(FlaskCookieError):
    """A bug in the library: a panic was caught at the C boundary (3). The call had no effect."""


def _error_class(code: int) -> type:
    if code in (100, 101):
        return BadSignature
    if code == 200:
        return MalformedTimestamp
    if code == 300:
        return Expired
    if code == 600:
        return TimestampOutOfRange
    if 400 <= code <= 405:
        return BadPayload
    if code in (500, 501):
        return DumpError
    if code in (4, 802):
        return ConfigError
    if code in (1, 2):
        return ArgumentError
    if code == 3:
        return InternalError
    return FlaskCookieError


def _static_message(code: int) -> str:
    return _native.lib().flask_cookie_result_message(code).decode("utf-8", "replace")


def _check(lib: ctypes.CDLL, code: int) -> None:
    """Raises the exception for a non-zero result, with this thread's detailed message (read at
    once: the next failing call would replace it)."""
    if code != 0:
        detail = _native.last_error(lib)
        raise _error_class(code)(code, detail)


# ---------------------------------------------------------------------------------------------
# Arguments
# ---------------------------------------------------------------------------------------------


def _bytes(value, what: str, errors: str = "strict") -> bytes:
    """``str`` as UTF-8 (what itsdangerous's ``want_bytes`` does), bytes-likes as they are."""
    if isinstance(value, str):
        return value.encode("utf-8", errors)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"{what} must be str or bytes, not {type(value).__name__}")


def _u64(value, what: str, allow_max: bool = False) -> int:
    """A non-negative integer below ``UINT64_MAX`` (which the C ABI reserves for "now" and "no
    max_age"); ``bool`` and ``float`` are refused."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not bool")
    try:
        n = operator.index(value)
    except TypeError:
        raise TypeError(f"{what} must be an int, not {type(value).__name__}") from None
    if n < 0 or n > U64_MAX or (n == U64_MAX and not allow_max):
        raise ArgumentError(Result.INVALID_ARGUMENT, f"{what} {n} is out of range (0..2**64-2)")
    return n


def _time(value, what: str) -> int:
    """``None``: the system clock; an ``int`` (Unix seconds) or an aware ``datetime``."""
    if value is None:
        return U64_MAX
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ArgumentError(Result.INVALID_ARGUMENT, f"{what} must be an aware datetime")
        value = int(value.timestamp() // 1)
    return _u64(value, what)


def _size(value, what: str) -> int:
    n = _u64(0 if value is None else value, what)
    if n > ctypes.c_size_t(-1).value:
        raise ArgumentError(Result.INVALID_ARGUMENT, f"{what} {n} does not fit a size_t")
    return n


_PRESETS = {"flask": 0, "itsdangerous": 1}
_DIGESTS = {"sha1": 0, "sha256": 1, "sha512": 2}
_DERIVATIONS = {"hmac": 0, "django-concat": 1, "concat": 2, "none": 3}
_DEFAULT = object()


def _choice(table: dict, value: str, what: str) -> int:
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    try:
        return table[value.lower()]
    except KeyError:
        raise ArgumentError(
            Result.INVALID_ARGUMENT, f"unknown {what} {value!r} (expected one of {', '.join(table)})"
        ) from None


# ---------------------------------------------------------------------------------------------
# Codec
# ---------------------------------------------------------------------------------------------


class Opened(NamedTuple):
    """What :meth:`Codec.open` returns."""

    json: str
    """The payload as canonical tagged JSON (for Flask's options, as Flask writes it): a JSON
    object for every cookie Flask writes, but a validly signed non-dict payload (``[1]``,
    ``null``) as it is; Flask's session is ``dict()`` of it."""
    signed_at: int
    """The signing time, Unix seconds."""


class Codec:
    """A configured codec: keys derived once, then any number of ``open``, ``verify`` and
    ``dump`` calls, from any number of threads.

    ``keys`` is one key or a list of keys **oldest first** (Flask's
    ``[*SECRET_KEY_FALLBACKS, SECRET_KEY]``): the last one signs, all of them verify. A ``str``
    key means its UTF-8 bytes, as in Flask. ``preset`` is ``"flask"`` (salt ``cookie-session``,
    HMAC-SHA1 with the ``hmac`` derivation, tagged JSON with sorted keys and ``ensure_ascii``,
    ``max_age`` 31 days) or ``"itsdangerous"`` (``URLSafeTimedSerializer``'s defaults: salt
    ``itsdangerous``, ``django-concat``, untagged compact JSON, no ``max_age``); every other
    argument left out keeps the preset's value.

    * ``digest``: ``"sha1"``, ``"sha256"`` or ``"sha512"``;
    * ``key_derivation``: ``"hmac"``, ``"django-concat"``, ``"concat"`` or ``"none"``;
    * ``max_age``: seconds (an ``int`` or a ``timedelta``, like Flask's
      ``PERMANENT_SESSION_LIFETIME``), or ``None`` for no age check;
    * ``lenient``: decode the signature's base64 as Python does (by default only its canonical
      spelling, which every cookie Flask writes has);
    * ``sort_keys``, ``ensure_ascii``, ``tagged``: the JSON options (a missing one keeps the
      preset's);
    * ``max_cookie_len``, ``max_inflated_len``, ``max_depth``: limits (``None`` or 0: the
      library's default, 65536 bytes, 1 MiB, 400 levels). ``dump`` refuses to write a cookie
      longer than ``max_cookie_len`` (:class:`DumpError`, 501). Levels count JSON arrays and
      objects, the outermost being level 1 (``{"a": [1]}`` is 2; a tuple, ``{" t": [...]}``,
      2).

    Free it with :meth:`close` or a ``with`` block (it is also freed when garbage collected).
    """

    def __init__(
        self,
        keys: Union[Key, Iterable[Key]],
        *,
        preset: str = "flask",
        salt: Optional[Key] = None,
        digest: Optional[str] = None,
        key_derivation: Optional[str] = None,
        max_age=_DEFAULT,
        lenient: bool = False,
        sort_keys: Optional[bool] = None,
        ensure_ascii: Optional[bool] = None,
        tagged: Optional[bool] = None,
        max_cookie_len: Optional[int] = None,
        max_inflated_len: Optional[int] = None,
        max_depth: Optional[int] = None,
    ):
        self._handle = None
        self._lock = threading.Condition()
        self._busy = 0
        lib = _native.lib()
        self._lib = lib
        # Kept for __del__, which may run while the module is being torn down.
        self._codec_free = lib.flask_cookie_codec_free

        if isinstance(keys, (str, bytes, bytearray, memoryview)):
            keys = [keys]
        key_bytes = [_bytes(k, "a key") for k in keys]
        preset_id = _choice(_PRESETS, preset, "preset")
        calls = []
        if salt is not None:
            s = _bytes(salt, "salt")
            calls.append(lambda c: lib.flask_cookie_config_set_salt(c, s, len(s)))
        if digest is not None:
            d = _choice(_DIGESTS, digest, "digest")
            calls.append(lambda c: lib.flask_cookie_config_set_digest(c, d))
        if key_derivation is not None:
            k = _choice(_DERIVATIONS, key_derivation, "key derivation")
            calls.append(lambda c: lib.flask_cookie_config_set_key_derivation(c, k))
        if max_age is not _DEFAULT:
            if max_age is None:
                m = U64_MAX
            elif isinstance(max_age, _dt.timedelta):
                m = _u64(int(max_age.total_seconds()), "max_age")
            else:
                m = _u64(max_age, "max_age")
            calls.append(lambda c: lib.flask_cookie_config_set_max_age(c, m))
        if lenient:
            calls.append(lambda c: lib.flask_cookie_config_set_lenient_base64(c, True))
        if (sort_keys, ensure_ascii, tagged) != (None, None, None):
            default = preset_id == 0
            j = tuple(default if v is None else bool(v) for v in (sort_keys, ensure_ascii, tagged))
            calls.append(lambda c: lib.flask_cookie_config_set_json(c, *j))
        if (max_cookie_len, max_inflated_len, max_depth) != (None, None, None):
            lim = (
                _size(max_cookie_len, "max_cookie_len"),
                _size(max_inflated_len, "max_inflated_len"),
                _size(max_depth, "max_depth"),
            )
            calls.append(lambda c: lib.flask_cookie_config_set_limits(c, *lim))

        config = _native.ConfigP()
        _check(lib, lib.flask_cookie_config_new(preset_id, ctypes.byref(config)))
        # Temporary C copies of the keys, wiped as soon as the library has copied them.
        key_bufs = [ctypes.create_string_buffer(k, len(k)) for k in key_bytes]
        try:
            slices = (Slice * max(len(key_bufs), 1))()
            for i, b in enumerate(key_bufs):
                slices[i].data = ctypes.cast(b, ctypes.c_void_p)
                slices[i].len = len(b)
            _check(lib, lib.flask_cookie_config_set_keys(config, slices, len(key_bufs)))
            for call in calls:
                _check(lib, call(config))
            codec = _native.CodecP()
            _check(lib, lib.flask_cookie_codec_new(config, ctypes.byref(codec)))
            self._handle = codec
        finally:
            for b in key_bufs:
                ctypes.memset(b, 0, len(b))
            lib.flask_cookie_config_free(config)

    @classmethod
    def flask(cls, secret_key: Key, fallback_keys: Iterable[Key] = (), **options) -> "Codec":
        """Flask's session cookie: ``SECRET_KEY`` and ``SECRET_KEY_FALLBACKS`` (oldest first)."""
        return cls([*fallback_keys, secret_key], preset="flask", **options)

    @classmethod
    def itsdangerous(cls, secret_key: Key, fallback_keys: Iterable[Key] = (), **options) -> "Codec":
        """itsdangerous's ``URLSafeTimedSerializer`` with its defaults."""
        return cls([*fallback_keys, secret_key], preset="itsdangerous", **options)

    # -- lifetime ------------------------------------------------------------------------------

    def _enter(self):
        with self._lock:
            if self._handle is None:
                raise ValueError("this Codec is closed")
            self._busy += 1
            return self._handle

    def _leave(self) -> None:
        with self._lock:
            self._busy -= 1
            if self._busy == 0:
                self._lock.notify_all()

    def close(self) -> None:
        """Frees the codec (waits for calls running in other threads). Idempotent."""
        lock = getattr(self, "_lock", None)
        if lock is None:
            return
        with lock:
            while self._busy:
                lock.wait()
            handle, self._handle = self._handle, None
        if handle:
            self._codec_free(handle)

    @property
    def closed(self) -> bool:
        return self._handle is None

    def __enter__(self) -> "Codec":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle:
            self._handle = None
            self._codec_free(handle)

    def __repr__(self) -> str:
        return f"<flask_cookie_ffi.Codec {'closed' if self.closed else 'open'}>"

    # -- operations ----------------------------------------------------------------------------

    def open(self, cookie: Key, now=None) -> Opened:
        """Verifies ``cookie`` as of ``now`` (Unix seconds or an aware ``datetime``; ``None``:
        the clock) as Flask's ``open_session`` does and decodes it: returns the payload as
        canonical tagged JSON (as signed, whatever its type: see :class:`Opened`) and the
        signing time. Raises :class:`BadSignature`, :class:`MalformedTimestamp`,
        :class:`Expired` (all :class:`InvalidCookie`: Flask would start a new session),
        :class:`BadPayload` or :class:`TimestampOutOfRange` (Flask: HTTP 500). Without
        ``ensure_ascii`` (the ``itsdangerous`` preset) a lone surrogate is written as a
        ``\\uXXXX`` escape, which reads back to the same value."""
        data = _bytes(cookie, "cookie")
        t = _time(now, "now")
        lib = self._lib
        buf = Buf()
        signed_at = ctypes.c_uint64()
        handle = self._enter()
        try:
            code = lib.flask_cookie_open(handle, data, len(data), t, ctypes.byref(buf), ctypes.byref(signed_at))
            _check(lib, code)
            json = ctypes.string_at(buf.data, buf.len) if buf.len else b""
        finally:
            lib.flask_cookie_buf_free(ctypes.byref(buf))
            self._leave()
        return Opened(json.decode("utf-8"), signed_at.value)

    def verify(self, cookie: Key, now=None) -> int:
        """Checks signature and age only (a validly signed cookie with an undecodable payload
        passes) and returns the signing time."""
        data = _bytes(cookie, "cookie")
        t = _time(now, "now")
        lib = self._lib
        signed_at = ctypes.c_uint64()
        handle = self._enter()
        try:
            _check(lib, lib.flask_cookie_verify(handle, data, len(data), t, ctypes.byref(signed_at)))
        finally:
            self._leave()
        return signed_at.value

    def dump(self, json_text: Key, timestamp=None) -> str:
        """The cookie Flask writes for the session ``json_text`` (tagged JSON, as :meth:`open`
        returns it) signed with the newest key at ``timestamp`` (``None``: the clock). Raises
        :class:`DumpError`."""
        # surrogatepass: a str holding a lone surrogate reaches the library, which refuses the
        # invalid UTF-8 with DUMP_INVALID_JSON and its message.
        data = _bytes(json_text, "json_text", "surrogatepass")
        t = _time(timestamp, "timestamp")
        lib = self._lib
        buf = Buf()
        handle = self._enter()
        try:
            _check(lib, lib.flask_cookie_dump(handle, data, len(data), t, ctypes.byref(buf)))
            cookie = ctypes.string_at(buf.data, buf.len) if buf.len else b""
        finally:
            lib.flask_cookie_buf_free(ctypes.byref(buf))
            self._leave()
        return cookie.decode("ascii")


class Unverified(NamedTuple):
    """What :func:`decode_unverified` returns. **Nothing in it is checked.**"""

    json: bytes
    """The payload's JSON as found (maybe not even UTF-8)."""
    timestamp: Optional[int]
    """The timestamp, or ``None`` when it does not decode to a time Python can hold (not
    base64, more than 8 bytes, after the year 9999)."""


def decode_unverified(cookie: Key) -> Unverified:
    """**Checks nothing**: the payload and timestamp of ``cookie``, for debugging. Anyone can
    write a cookie that decodes. Raises :class:`BadSignature` (no ``.``), :class:`BadPayload`."""
    data = _bytes(cookie, "cookie")
    lib = _native.lib()
    buf = Buf()
    ts = ctypes.c_uint64()
    has_ts = ctypes.c_bool()
    try:
        code = lib.flask_cookie_decode_unverified(data, len(data), ctypes.byref(buf), ctypes.byref(ts), ctypes.byref(has_ts))
        _check(lib, code)
        json = ctypes.string_at(buf.data, buf.len) if buf.len else b""
    finally:
        lib.flask_cookie_buf_free(ctypes.byref(buf))
    return Unverified(json, ts.value if has_ts.value else None)


def version() -> str:
    """The loaded library's version, e.g. ``"0.1.0"``."""
    return _native.lib().flask_cookie_version().decode("ascii")


def library_path() -> str:
    """The path of the library this module loads."""
    return str(_native.find_library())


def is_bad_signature(code: int) -> bool:
    """``flask_cookie_result_is_bad_signature``: would Flask start a new session?"""
    return bool(_native.lib().flask_cookie_result_is_bad_signature(int(code)))


def version_number() -> int:
    """``flask_cookie_version_number``: ``major * 10000 + minor * 100 + patch``."""
    return int(_native.lib().flask_cookie_version_number())


from .session import (  # noqa: E402  (uses the helpers above)
    IntOutOfRange,
    SaveAction,
    SaveError,
    Saved,
    Session,
    SessionConfig,
    SessionError,
    SessionKeyError,
    SessionNonTextKey,
    SessionNotADict,
    SessionState,
    WrongType,
)
