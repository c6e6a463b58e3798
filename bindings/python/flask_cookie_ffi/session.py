"""Flask's session layer through the C ABI: :class:`SessionConfig` (an app's session settings)
and :class:`Session` (one request's session), as Flask 3.1's ``SecureCookieSessionInterface``.

>>> from flask_cookie_ffi import SessionConfig
>>> with SessionConfig("test key") as config:
...     s = config.open(["session=eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"], now=1700000060)
...     (s.state.name, s.get_int("a"))
('OPENED', 1)
"""

from __future__ import annotations

import ctypes
import datetime as _dt
import enum
import threading
from typing import Iterable, NamedTuple, Optional, Sequence, Union

from . import _native
from ._native import Buf, Slice

Key = Union[str, bytes, bytearray, memoryview]


class SessionState(enum.IntEnum):
    """``flask_cookie_session_state``: where a session comes from."""

    NO_COOKIE = 0
    OPENED = 1
    NEW_BAD_SIGNATURE = 2
    NEW_EXPIRED = 3
    NEW_MALFORMED_TIMESTAMP = 4


class SaveAction(enum.IntEnum):
    """``flask_cookie_save_action``: what saving asks of the response."""

    NONE = 0
    SET = 1
    DELETE = 2


class Saved(NamedTuple):
    """What :meth:`Session.save` returns."""

    action: SaveAction
    set_cookie: Optional[str]
    """The ``Set-Cookie`` header's value (without ``Set-Cookie: ``; its bytes as latin-1 text,
    as Werkzeug's headers hold it), or ``None``."""
    vary_cookie: bool
    """Whether to add ``Cookie`` to the response's ``Vary``."""


def _pkg():
    """The package, for its argument helpers and errors (imported late: it imports this)."""
    import flask_cookie_ffi as pkg

    return pkg


def _take(lib, buf: Buf) -> bytes:
    try:
        return ctypes.string_at(buf.data, buf.len) if buf.len else b""
    finally:
        lib.flask_cookie_buf_free(ctypes.byref(buf))


def _headers(headers) -> tuple:
    """``Cookie`` header values (one ``str``/``bytes`` or a list of them; ``str`` as latin-1,
    the bytes on the wire) as a C array of slices, with the bytes kept alive."""
    if headers is None:
        headers = []
    elif isinstance(headers, (str, bytes, bytearray, memoryview)):
        headers = [headers]
    raw = [h.encode("latin-1") if isinstance(h, str) else bytes(h) for h in headers]
    bufs = [ctypes.create_string_buffer(h, len(h)) for h in raw]
    arr = (Slice * max(len(bufs), 1))()
    for i, b in enumerate(bufs):
        arr[i].data = ctypes.cast(b, ctypes.c_void_p)
        arr[i].len = len(raw[i])
    return arr, len(bufs), bufs


def _text(value: Optional[str], what: str) -> tuple:
    if value is None:
        return None, 0
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    b = value.encode("utf-8")
    return b, len(b)


class SessionConfig:
    """A Flask app's session settings and its keys, checked and ready; immutable, so one
    instance may serve any number of threads.

    ``secret_key`` and ``fallback_keys`` (oldest first) are ``SECRET_KEY`` and
    ``SECRET_KEY_FALLBACKS``; the others are Flask's settings of the same name, with Flask's
    defaults: ``cookie_name`` (``SESSION_COOKIE_NAME``), ``domain``, ``path``,
    ``application_root``, ``httponly``, ``secure``, ``samesite``, ``partitioned``, ``lifetime``
    (``PERMANENT_SESSION_LIFETIME``, seconds or a ``timedelta``) and ``refresh_each_request``.
    ``lenient``: decode the signature's base64 as Python does. A ``samesite`` or ``domain``
    that Werkzeug refuses raises :class:`~flask_cookie_ffi.ConfigError` here (Flask: an HTTP
    500 at every response that sets the cookie).
    """

    def __init__(
        self,
        secret_key: Key,
        fallback_keys: Iterable[Key] = (),
        *,
        cookie_name: str = "session",
        domain: Optional[str] = None,
        path: Optional[str] = None,
        application_root: str = "/",
        httponly: bool = True,
        secure: bool = False,
        samesite: Optional[str] = None,
        partitioned: bool = False,
        lifetime: Union[int, _dt.timedelta] = 2678400,
        refresh_each_request: bool = True,
        lenient: bool = False,
    ):
        pkg = _pkg()
        self._handle = None
        lib = _native.lib()
        self._lib = lib
        self._free = lib.flask_cookie_session_config_free
        keys = [pkg._bytes(k, "a key") for k in [*fallback_keys, secret_key]]
        if isinstance(lifetime, _dt.timedelta):
            lifetime = int(lifetime.total_seconds())
        life = pkg._u64(lifetime, "lifetime")
        config = _native.ConfigP()
        pkg._check(lib, lib.flask_cookie_config_new(0, ctypes.byref(config)))
        key_bufs = [ctypes.create_string_buffer(k, len(k)) for k in keys]
        builder = _native.SessionBuilderP()
        try:
            slices = (Slice * len(key_bufs))()
            for i, b in enumerate(key_bufs):
                slices[i].data = ctypes.cast(b, ctypes.c_void_p)
                slices[i].len = len(keys[i])
            pkg._check(lib, lib.flask_cookie_config_set_keys(config, slices, len(keys)))
            if lenient:
                pkg._check(lib, lib.flask_cookie_config_set_lenient_base64(config, True))
            pkg._check(lib, lib.flask_cookie_session_builder_new(config, ctypes.byref(builder)))
            b = builder
            for fn, v, what in (
                (lib.flask_cookie_session_builder_set_cookie_name, cookie_name, "cookie_name"),
                (lib.flask_cookie_session_builder_set_domain, domain, "domain"),
                (lib.flask_cookie_session_builder_set_path, path, "path"),
                (lib.flask_cookie_session_builder_set_application_root, application_root, "application_root"),
                (lib.flask_cookie_session_builder_set_samesite, samesite, "samesite"),
            ):
                pkg._check(lib, fn(b, *_text(v, what)))
            pkg._check(lib, lib.flask_cookie_session_builder_set_httponly(b, bool(httponly)))
            pkg._check(lib, lib.flask_cookie_session_builder_set_secure(b, bool(secure)))
            pkg._check(lib, lib.flask_cookie_session_builder_set_partitioned(b, bool(partitioned)))
            pkg._check(lib, lib.flask_cookie_session_builder_set_refresh_each_request(b, bool(refresh_each_request)))
            pkg._check(lib, lib.flask_cookie_session_builder_set_lifetime(b, life))
            handle = _native.SessionConfigP()
            code = lib.flask_cookie_session_builder_build(b, ctypes.byref(handle))
            if code == 802:  # INVALID_COOKIE_SETTING
                raise pkg.ConfigError(code, _native.last_error(lib))
            pkg._check(lib, code)
            self._handle = handle
        finally:
            for kb in key_bufs:
                ctypes.memset(kb, 0, len(kb))
            lib.flask_cookie_session_builder_free(builder)
            lib.flask_cookie_config_free(config)

    def close(self) -> None:
        """Frees the configuration (sessions opened with it stay readable). Idempotent; do not
        call it while another thread uses the configuration."""
        handle, self._handle = self._handle, None
        if handle:
            self._free(handle)

    def __enter__(self) -> "SessionConfig":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def _h(self):
        if not self._handle:
            raise ValueError("this SessionConfig is closed")
        return self._handle

    def find_cookie(self, headers) -> Optional[str]:
        """The session cookie's value in the ``Cookie`` header(s) as Werkzeug picks it
        (``request.cookies.get(name)``), or ``None``."""
        pkg = _pkg()
        arr, n, _keep = _headers(headers)
        buf = Buf()
        found = ctypes.c_bool()
        pkg._check(self._lib, self._lib.flask_cookie_session_find_cookie(self._h(), arr, n, ctypes.byref(buf), ctypes.byref(found)))
        value = _take(self._lib, buf)
        return value.decode("utf-8") if found.value else None

    def open(self, headers=None, now=None) -> "Session":
        """Flask's ``open_session`` on the request's ``Cookie`` header value(s) at ``now``
        (Unix seconds, an aware ``datetime``, ``None`` for the clock). Raises
        :class:`~flask_cookie_ffi.BadPayload`, :class:`~flask_cookie_ffi.TimestampOutOfRange`
        or :class:`SessionError` where Flask answers with an HTTP 500."""
        pkg = _pkg()
        arr, n, _keep = _headers(headers)
        state = ctypes.c_uint32()
        handle = _native.SessionP()
        signed_at = ctypes.c_uint64()
        code = self._lib.flask_cookie_session_open(
            self._h(), arr, n, pkg._time(now, "now"), ctypes.byref(state), ctypes.byref(handle), ctypes.byref(signed_at))
        _check(self._lib, code)
        return Session(self, handle, SessionState(state.value), signed_at.value or None)


class SessionError(Exception):
    """Base of the session layer's own errors; ``code`` is the C result."""

    def __init__(self, code: int, detail: str):
        self.code = code
        self.detail = detail
        super().__init__(f"{detail} ({code})")


class SessionNotADict(SessionError):
    """Validly signed, but Python's ``dict()`` of the payload fails: Flask's HTTP 500 (800)."""


class SessionNonTextKey(SessionError):
    """A key that is not a ``str`` (801): Flask keeps it; the library refuses it."""


class SessionKeyError(SessionError, KeyError):
    """No such key (700)."""


class WrongType(SessionError, TypeError):
    """The value is not of the type asked for (701), or a str with a lone surrogate (703)."""


class IntOutOfRange(SessionError, OverflowError):
    """An integer outside int64 (702)."""


class SaveError(SessionError):
    """Saving fails as Flask would (an ``Expires`` after 9999, 803)."""


_SESSION_ERRORS = {700: SessionKeyError, 701: WrongType, 702: IntOutOfRange, 703: WrongType,
                   800: SessionNotADict, 801: SessionNonTextKey, 803: SaveError}


def _check(lib, code: int) -> None:
    if code == 0:
        return
    cls = _SESSION_ERRORS.get(code)
    if cls is not None:
        raise cls(code, _native.last_error(lib))
    _pkg()._check(lib, code)


class Session:
    """One request's session (``flask.session``): top-level keys read and written as tagged
    JSON text or as ``int``/``str``/``bool``, with Flask's ``modified`` and ``accessed``
    tracking. Not thread-safe: one thread at a time."""

    def __init__(self, config: SessionConfig, handle, state: SessionState, signed_at):
        self._config = config  # kept alive: save needs it
        self._lib = config._lib
        self._free = self._lib.flask_cookie_session_free
        self._handle = handle
        self._lock = threading.Lock()
        self.state = state
        """Where the session comes from (:class:`SessionState`)."""
        self.signed_at = signed_at
        """The cookie's signing time for an opened session, else ``None``."""

    def close(self) -> None:
        handle, self._handle = self._handle, None
        if handle:
            self._free(handle)

    def __del__(self) -> None:
        self.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _h(self):
        if not self._handle:
            raise ValueError("this Session is closed")
        return self._handle

    @staticmethod
    def _key(key: str) -> bytes:
        if not isinstance(key, str):
            raise TypeError(f"a session key must be a str, not {type(key).__name__}")
        return key.encode("utf-8")

    def get_json(self, key: str) -> str:
        """``session[key]`` as tagged JSON text. Raises :class:`SessionKeyError`."""
        k = self._key(key)
        buf = Buf()
        _check(self._lib, self._lib.flask_cookie_session_get_json(self._h(), k, len(k), ctypes.byref(buf)))
        return _take(self._lib, buf).decode("utf-8")

    def get_int(self, key: str) -> int:
        k = self._key(key)
        out = ctypes.c_int64()
        _check(self._lib, self._lib.flask_cookie_session_get_int64(self._h(), k, len(k), ctypes.byref(out)))
        return out.value

    def get_bool(self, key: str) -> bool:
        k = self._key(key)
        out = ctypes.c_bool()
        _check(self._lib, self._lib.flask_cookie_session_get_bool(self._h(), k, len(k), ctypes.byref(out)))
        return out.value

    def get_str(self, key: str) -> str:
        k = self._key(key)
        buf = Buf()
        _check(self._lib, self._lib.flask_cookie_session_get_str(self._h(), k, len(k), ctypes.byref(buf)))
        return _take(self._lib, buf).decode("utf-8")

    def __contains__(self, key: str) -> bool:
        k = self._key(key)
        out = ctypes.c_bool()
        _check(self._lib, self._lib.flask_cookie_session_contains(self._h(), k, len(k), ctypes.byref(out)))
        return out.value

    def __len__(self) -> int:
        return self._lib.flask_cookie_session_len(self._h())

    def to_json(self) -> str:
        """The whole session as tagged JSON (what the cookie would hold)."""
        buf = Buf()
        _check(self._lib, self._lib.flask_cookie_session_to_json(self._h(), ctypes.byref(buf)))
        return _take(self._lib, buf).decode("utf-8")

    def set_json(self, key: str, tagged_json: str) -> None:
        k = self._key(key)
        v = tagged_json.encode("utf-8", "surrogatepass")
        _check(self._lib, self._lib.flask_cookie_session_set_json(self._h(), k, len(k), v, len(v)))

    def set_int(self, key: str, value: int) -> None:
        k = self._key(key)
        if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
            raise TypeError("set_int needs an int within int64 (use set_json for others)")
        _check(self._lib, self._lib.flask_cookie_session_set_int64(self._h(), k, len(k), value))

    def set_bool(self, key: str, value: bool) -> None:
        k = self._key(key)
        _check(self._lib, self._lib.flask_cookie_session_set_bool(self._h(), k, len(k), bool(value)))

    def set_str(self, key: str, value: str) -> None:
        k = self._key(key)
        v = value.encode("utf-8")
        _check(self._lib, self._lib.flask_cookie_session_set_str(self._h(), k, len(k), v, len(v)))

    def remove(self, key: str) -> bool:
        """``session.pop(key, None)``; whether the key was there."""
        k = self._key(key)
        out = ctypes.c_bool()
        _check(self._lib, self._lib.flask_cookie_session_remove(self._h(), k, len(k), ctypes.byref(out)))
        return out.value

    def clear(self) -> None:
        _check(self._lib, self._lib.flask_cookie_session_clear(self._h()))

    @property
    def permanent(self) -> bool:
        return self._lib.flask_cookie_session_permanent(self._h())

    @permanent.setter
    def permanent(self, value: bool) -> None:
        _check(self._lib, self._lib.flask_cookie_session_set_permanent(self._h(), bool(value)))

    @property
    def modified(self) -> bool:
        return self._lib.flask_cookie_session_is_modified(self._h())

    @property
    def accessed(self) -> bool:
        return self._lib.flask_cookie_session_is_accessed(self._h())

    def mark_modified(self) -> None:
        _check(self._lib, self._lib.flask_cookie_session_mark_modified(self._h()))

    def touch(self) -> None:
        _check(self._lib, self._lib.flask_cookie_session_touch(self._h()))

    def save(self, now=None) -> Saved:
        """Flask's ``save_session`` at ``now``: the ``Set-Cookie`` value (or its deletion, or
        nothing) and whether ``Vary: Cookie`` is due."""
        pkg = _pkg()
        action = ctypes.c_uint32()
        buf = Buf()
        vary = ctypes.c_bool()
        code = self._lib.flask_cookie_session_save(
            self._config._h(), self._h(), pkg._time(now, "now"), ctypes.byref(action), ctypes.byref(buf), ctypes.byref(vary))
        _check(self._lib, code)
        # The header's bytes as latin-1 text, as Werkzeug holds header values (a non-ASCII
        # cookie name is sent as its UTF-8 bytes).
        header = _take(self._lib, buf).decode("latin-1")
        a = SaveAction(action.value)
        return Saved(a, header if a != SaveAction.NONE else None, vary.value)
