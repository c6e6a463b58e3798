"""Loading ``libflask_cookie`` and declaring the C ABI of ``include/flask_cookie.h`` for ctypes.

Every function gets its ``argtypes`` and ``restype``, so ctypes converts and checks each argument
(a Python ``int`` can never be passed where a pointer is expected, a 64-bit value is never
truncated to a C ``int``).
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from ctypes import (
    POINTER, Structure, c_bool, c_char_p, c_int64, c_size_t, c_uint8, c_uint32, c_uint64,
)
from pathlib import Path

#: The environment variable naming the shared library to load (a path).
LIB_ENV = "FLASK_COOKIE_LIB"

#: ``FLASK_COOKIE_NOW`` and ``FLASK_COOKIE_NO_MAX_AGE`` (both ``UINT64_MAX``).
U64_MAX = 2**64 - 1


class Slice(Structure):
    """``flask_cookie_slice``: borrowed bytes (``data`` may be NULL only when ``len`` is 0)."""

    _fields_ = [("data", ctypes.c_void_p), ("len", c_size_t)]


class Buf(Structure):
    """``flask_cookie_buf``: bytes owned by the caller, released by ``flask_cookie_buf_free``."""

    _fields_ = [("data", POINTER(c_uint8)), ("len", c_size_t)]


class _Config(Structure):
    """Opaque ``flask_cookie_config``."""


class _Codec(Structure):
    """Opaque ``flask_cookie_codec``."""


class _SessionBuilder(Structure):
    """Opaque ``flask_cookie_session_builder``."""


class _SessionConfig(Structure):
    """Opaque ``flask_cookie_session_config``."""


class _Session(Structure):
    """Opaque ``flask_cookie_session``."""


ConfigP = POINTER(_Config)
CodecP = POINTER(_Codec)
SessionBuilderP = POINTER(_SessionBuilder)
SessionConfigP = POINTER(_SessionConfig)
SessionP = POINTER(_Session)
Result = c_uint32  # flask_cookie_result

# name: (restype, argtypes), in the header's order.
PROTOTYPES = {
    "flask_cookie_version": (c_char_p, []),
    "flask_cookie_buf_free": (None, [POINTER(Buf)]),
    "flask_cookie_codec_new": (Result, [ConfigP, POINTER(CodecP)]),
    "flask_cookie_codec_free": (None, [CodecP]),
    "flask_cookie_open": (Result, [CodecP, c_char_p, c_size_t, c_uint64, POINTER(Buf), POINTER(c_uint64)]),
    "flask_cookie_verify": (Result, [CodecP, c_char_p, c_size_t, c_uint64, POINTER(c_uint64)]),
    "flask_cookie_dump": (Result, [CodecP, c_char_p, c_size_t, c_uint64, POINTER(Buf)]),
    "flask_cookie_config_new": (Result, [c_uint32, POINTER(ConfigP)]),
    "flask_cookie_config_set_keys": (Result, [ConfigP, POINTER(Slice), c_size_t]),
    "flask_cookie_config_set_salt": (Result, [ConfigP, c_char_p, c_size_t]),
    "flask_cookie_config_set_digest": (Result, [ConfigP, c_uint32]),
    "flask_cookie_config_set_key_derivation": (Result, [ConfigP, c_uint32]),
    "flask_cookie_config_set_max_age": (Result, [ConfigP, c_uint64]),
    "flask_cookie_config_set_lenient_base64": (Result, [ConfigP, c_bool]),
    "flask_cookie_config_set_json": (Result, [ConfigP, c_bool, c_bool, c_bool]),
    "flask_cookie_config_set_limits": (Result, [ConfigP, c_size_t, c_size_t, c_size_t]),
    "flask_cookie_config_free": (None, [ConfigP]),
    "flask_cookie_decode_unverified": (
        Result,
        [c_char_p, c_size_t, POINTER(Buf), POINTER(c_uint64), POINTER(c_bool)],
    ),
    "flask_cookie_result_message": (c_char_p, [c_uint32]),
    "flask_cookie_result_is_bad_signature": (c_bool, [c_uint32]),
    "flask_cookie_last_error": (c_size_t, [POINTER(c_uint8), c_size_t]),
    "flask_cookie_version_number": (c_uint32, []),
    # The session API.
    "flask_cookie_session_builder_new": (Result, [ConfigP, POINTER(SessionBuilderP)]),
    "flask_cookie_session_builder_set_cookie_name": (Result, [SessionBuilderP, c_char_p, c_size_t]),
    "flask_cookie_session_builder_set_domain": (Result, [SessionBuilderP, c_char_p, c_size_t]),
    "flask_cookie_session_builder_set_path": (Result, [SessionBuilderP, c_char_p, c_size_t]),
    "flask_cookie_session_builder_set_application_root": (Result, [SessionBuilderP, c_char_p, c_size_t]),
    "flask_cookie_session_builder_set_samesite": (Result, [SessionBuilderP, c_char_p, c_size_t]),
    "flask_cookie_session_builder_set_httponly": (Result, [SessionBuilderP, c_bool]),
    "flask_cookie_session_builder_set_secure": (Result, [SessionBuilderP, c_bool]),
    "flask_cookie_session_builder_set_partitioned": (Result, [SessionBuilderP, c_bool]),
    "flask_cookie_session_builder_set_refresh_each_request": (Result, [SessionBuilderP, c_bool]),
    "flask_cookie_session_builder_set_lifetime": (Result, [SessionBuilderP, c_uint64]),
    "flask_cookie_session_builder_build": (Result, [SessionBuilderP, POINTER(SessionConfigP)]),
    "flask_cookie_session_builder_free": (None, [SessionBuilderP]),
    "flask_cookie_session_config_free": (None, [SessionConfigP]),
    "flask_cookie_session_find_cookie": (
        Result, [SessionConfigP, POINTER(Slice), c_size_t, POINTER(Buf), POINTER(c_bool)]),
    "flask_cookie_session_open": (
        Result,
        [SessionConfigP, POINTER(Slice), c_size_t, c_uint64, POINTER(c_uint32), POINTER(SessionP),
         POINTER(c_uint64)],
    ),
    "flask_cookie_session_free": (None, [SessionP]),
    "flask_cookie_session_get_json": (Result, [SessionP, c_char_p, c_size_t, POINTER(Buf)]),
    "flask_cookie_session_get_int64": (Result, [SessionP, c_char_p, c_size_t, POINTER(c_int64)]),
    "flask_cookie_session_get_bool": (Result, [SessionP, c_char_p, c_size_t, POINTER(c_bool)]),
    "flask_cookie_session_get_str": (Result, [SessionP, c_char_p, c_size_t, POINTER(Buf)]),
    "flask_cookie_session_contains": (Result, [SessionP, c_char_p, c_size_t, POINTER(c_bool)]),
    "flask_cookie_session_len": (c_size_t, [SessionP]),
    "flask_cookie_session_to_json": (Result, [SessionP, POINTER(Buf)]),
    "flask_cookie_session_set_json": (Result, [SessionP, c_char_p, c_size_t, c_char_p, c_size_t]),
    "flask_cookie_session_set_int64": (Result, [SessionP, c_char_p, c_size_t, c_int64]),
    "flask_cookie_session_set_bool": (Result, [SessionP, c_char_p, c_size_t, c_bool]),
    "flask_cookie_session_set_str": (Result, [SessionP, c_char_p, c_size_t, c_char_p, c_size_t]),
    "flask_cookie_session_remove": (Result, [SessionP, c_char_p, c_size_t, POINTER(c_bool)]),
    "flask_cookie_session_clear": (Result, [SessionP]),
    "flask_cookie_session_set_permanent": (Result, [SessionP, c_bool]),
    "flask_cookie_session_permanent": (c_bool, [SessionP]),
    "flask_cookie_session_mark_modified": (Result, [SessionP]),
    "flask_cookie_session_touch": (Result, [SessionP]),
    "flask_cookie_session_is_modified": (c_bool, [SessionP]),
    "flask_cookie_session_is_accessed": (c_bool, [SessionP]),
    "flask_cookie_session_find_cookie_into": (
        Result,
        [SessionConfigP, POINTER(Slice), c_size_t, POINTER(c_uint8), c_size_t, POINTER(c_size_t), POINTER(c_bool)],
    ),
    "flask_cookie_session_get_json_into": (
        Result, [SessionP, c_char_p, c_size_t, POINTER(c_uint8), c_size_t, POINTER(c_size_t)]),
    "flask_cookie_session_get_str_into": (
        Result, [SessionP, c_char_p, c_size_t, POINTER(c_uint8), c_size_t, POINTER(c_size_t)]),
    "flask_cookie_session_save_into": (
        Result,
        [SessionConfigP, SessionP, c_uint64, POINTER(c_uint32), POINTER(c_uint8), c_size_t, POINTER(c_size_t),
         POINTER(c_bool)],
    ),
    "flask_cookie_session_save": (
        Result, [SessionConfigP, SessionP, c_uint64, POINTER(c_uint32), POINTER(Buf), POINTER(c_bool)]),
}


def library_file_name() -> str:
    if sys.platform == "win32":
        return "flask_cookie.dll"
    if sys.platform == "darwin":
        return "libflask_cookie.dylib"
    return "libflask_cookie.so"


def candidates() -> list[Path]:
    """Where the library is looked for when ``FLASK_COOKIE_LIB`` is not set: what cargo-c
    builds (``cargo cbuild -p flask-cookie-ffi [--release]``, ``scripts/cbuild.sh``) in the
    repository's ``target/<host triple>/release`` then ``.../debug`` (this file is
    ``bindings/python/flask_cookie_ffi/``), then the same under the current directory."""
    name = library_file_name()
    roots = [Path(__file__).resolve().parents[3], Path.cwd()]
    out: list[Path] = []
    for root in roots:
        for profile in ("release", "debug"):
            for p in sorted((root / "target").glob(f"*/{profile}/{name}")):
                if p not in out:
                    out.append(p)
    return out


def find_library() -> Path:
    env = os.environ.get(LIB_ENV)
    if env:
        p = Path(env)
        if not p.is_file():
            raise OSError(f"{LIB_ENV}={env!r}: no such file")
        return p
    for p in candidates():
        if p.is_file():
            return p
    looked = ", ".join(str(p) for p in candidates())
    raise OSError(
        f"libflask_cookie not found (looked in {looked}): run `scripts/cbuild.sh --release` "
        f"or set {LIB_ENV} to the library's path"
    )


def declare(lib: ctypes.CDLL) -> ctypes.CDLL:
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


_lib: ctypes.CDLL | None = None
_lib_lock = threading.Lock()


def lib() -> ctypes.CDLL:
    """The loaded, declared library (loaded on first use)."""
    global _lib
    if _lib is None:
        with _lib_lock:
            if _lib is None:
                _lib = declare(ctypes.CDLL(str(find_library())))
    return _lib


def last_error(l: ctypes.CDLL) -> str:
    """This thread's last failure's detailed message (call right after the failure)."""
    n = l.flask_cookie_last_error(None, 0)
    if n == 0:
        return ""
    buf = (c_uint8 * n)()
    got = l.flask_cookie_last_error(buf, n)
    return bytes(buf[: min(n, got)]).decode("utf-8", "replace")
