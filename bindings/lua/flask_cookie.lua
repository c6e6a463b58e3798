-- flask_cookie.lua: Flask's session layer for LuaJIT (OpenResty, nginx-lua) through the C
-- library libflask_cookie (include/flask_cookie.h; build it with scripts/cbuild.sh or install
-- it with `cargo cinstall -p flask-cookie-ffi`).
--
--   local fc = require "flask_cookie"              -- FLASK_COOKIE_LIB=/path/libflask_cookie.so
--   local config = assert(fc.session_config{ secret_key = "test key" })   -- once per worker
--   local s, err = config:open(ngx.var.http_cookie, ngx.time())           -- per request
--   if not s then return ngx.exit(500) end          -- Flask's HTTP 500 (err says why)
--   local uid = s:get_int("user_id")                 -- nil, "no such key in the session"
--   local out = s:save(ngx.time())                   -- { action, set_cookie, vary }
--
-- Errors are returned as `nil, message, code` (code: the C flask_cookie_result). Handles are
-- freed by the garbage collector (ffi.gc) or at once with :free(). A config is immutable (share
-- it across a worker's requests); a session is one request's.
local ffi = require "ffi"

ffi.cdef [[
typedef uint32_t flask_cookie_result;
typedef struct flask_cookie_config flask_cookie_config;
typedef struct flask_cookie_session_builder flask_cookie_session_builder;
typedef struct flask_cookie_session_config flask_cookie_session_config;
typedef struct flask_cookie_session flask_cookie_session;
typedef struct { const uint8_t *data; size_t len; } flask_cookie_slice;
typedef struct { uint8_t *data; size_t len; } flask_cookie_buf;

const char *flask_cookie_version(void);
uint32_t flask_cookie_version_number(void);
const char *flask_cookie_result_message(uint32_t result);
size_t flask_cookie_last_error(uint8_t *buf, size_t buf_len);
void flask_cookie_buf_free(flask_cookie_buf *buf);

flask_cookie_result flask_cookie_config_new(uint32_t preset, flask_cookie_config **config_out);
flask_cookie_result flask_cookie_config_set_keys(flask_cookie_config *config, const flask_cookie_slice *keys, size_t keys_len);
flask_cookie_result flask_cookie_config_set_lenient_base64(flask_cookie_config *config, bool lenient);
void flask_cookie_config_free(flask_cookie_config *config);

flask_cookie_result flask_cookie_session_builder_new(const flask_cookie_config *codec_config, flask_cookie_session_builder **builder_out);
flask_cookie_result flask_cookie_session_builder_set_cookie_name(flask_cookie_session_builder *b, const uint8_t *v, size_t len);
flask_cookie_result flask_cookie_session_builder_set_domain(flask_cookie_session_builder *b, const uint8_t *v, size_t len);
flask_cookie_result flask_cookie_session_builder_set_path(flask_cookie_session_builder *b, const uint8_t *v, size_t len);
flask_cookie_result flask_cookie_session_builder_set_application_root(flask_cookie_session_builder *b, const uint8_t *v, size_t len);
flask_cookie_result flask_cookie_session_builder_set_samesite(flask_cookie_session_builder *b, const uint8_t *v, size_t len);
flask_cookie_result flask_cookie_session_builder_set_httponly(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_secure(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_partitioned(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_refresh_each_request(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_lifetime(flask_cookie_session_builder *b, uint64_t seconds);
flask_cookie_result flask_cookie_session_builder_build(const flask_cookie_session_builder *b, flask_cookie_session_config **config_out);
void flask_cookie_session_builder_free(flask_cookie_session_builder *b);
void flask_cookie_session_config_free(flask_cookie_session_config *c);

flask_cookie_result flask_cookie_session_find_cookie_into(const flask_cookie_session_config *c, const flask_cookie_slice *headers, size_t n, uint8_t *buf, size_t buf_len, size_t *len_out, bool *found_out);
flask_cookie_result flask_cookie_session_open(const flask_cookie_session_config *c, const flask_cookie_slice *headers, size_t n, uint64_t now, uint32_t *state_out, flask_cookie_session **session_out, uint64_t *signed_at_out);
void flask_cookie_session_free(flask_cookie_session *s);
flask_cookie_result flask_cookie_session_get_json_into(const flask_cookie_session *s, const uint8_t *key, size_t key_len, uint8_t *buf, size_t buf_len, size_t *len_out);
flask_cookie_result flask_cookie_session_get_int64(const flask_cookie_session *s, const uint8_t *key, size_t key_len, int64_t *out);
flask_cookie_result flask_cookie_session_get_bool(const flask_cookie_session *s, const uint8_t *key, size_t key_len, bool *out);
flask_cookie_result flask_cookie_session_get_str_into(const flask_cookie_session *s, const uint8_t *key, size_t key_len, uint8_t *buf, size_t buf_len, size_t *len_out);
flask_cookie_result flask_cookie_session_contains(const flask_cookie_session *s, const uint8_t *key, size_t key_len, bool *found_out);
size_t flask_cookie_session_len(const flask_cookie_session *s);
flask_cookie_result flask_cookie_session_to_json(const flask_cookie_session *s, flask_cookie_buf *json_out);
flask_cookie_result flask_cookie_session_set_json(flask_cookie_session *s, const uint8_t *key, size_t key_len, const uint8_t *json, size_t json_len);
flask_cookie_result flask_cookie_session_set_int64(flask_cookie_session *s, const uint8_t *key, size_t key_len, int64_t v);
flask_cookie_result flask_cookie_session_set_bool(flask_cookie_session *s, const uint8_t *key, size_t key_len, bool v);
flask_cookie_result flask_cookie_session_set_str(flask_cookie_session *s, const uint8_t *key, size_t key_len, const uint8_t *v, size_t v_len);
flask_cookie_result flask_cookie_session_remove(flask_cookie_session *s, const uint8_t *key, size_t key_len, bool *removed_out);
flask_cookie_result flask_cookie_session_clear(flask_cookie_session *s);
flask_cookie_result flask_cookie_session_set_permanent(flask_cookie_session *s, bool permanent);
bool flask_cookie_session_permanent(const flask_cookie_session *s);
flask_cookie_result flask_cookie_session_mark_modified(flask_cookie_session *s);
flask_cookie_result flask_cookie_session_touch(flask_cookie_session *s);
bool flask_cookie_session_is_modified(const flask_cookie_session *s);
bool flask_cookie_session_is_accessed(const flask_cookie_session *s);
flask_cookie_result flask_cookie_session_save_into(const flask_cookie_session_config *c, const flask_cookie_session *s, uint64_t now, uint32_t *action_out, uint8_t *buf, size_t buf_len, size_t *len_out, bool *vary_out);
]]

local C = ffi.load(os.getenv("FLASK_COOKIE_LIB") or "flask_cookie")

local _M = { _VERSION = "0.1.0" }

local BUFFER_TOO_SMALL = 900
local STATES = { [0] = "no_cookie", "opened", "new_bad_signature", "new_expired", "new_malformed_timestamp" }
local ACTIONS = { [0] = "none", "set", "delete" }
_M.NOW = ffi.new("uint64_t", -1) -- FLASK_COOKIE_NOW (UINT64_MAX): the system clock

-- Scratch space, reused by every call (LuaJIT runs one Lua state per thread: no sharing).
local len_out = ffi.new("size_t[1]")
local bool_out = ffi.new("bool[1]")
local u32_out = ffi.new("uint32_t[1]")
local u64_out = ffi.new("uint64_t[1]")
local i64_out = ffi.new("int64_t[1]")
local scratch_len = 8192
local scratch = ffi.new("uint8_t[?]", scratch_len)

local function err(code)
    local n = C.flask_cookie_last_error(nil, 0)
    local msg
    if n > 0 then
        local b = ffi.new("uint8_t[?]", n)
        C.flask_cookie_last_error(b, n)
        msg = ffi.string(b, n)
    else
        msg = ffi.string(C.flask_cookie_result_message(code))
    end
    return nil, msg, tonumber(code)
end

-- Calls an `_into` function f(buf, buf_len, len_out) with the scratch buffer, growing it on
-- BUFFER_TOO_SMALL; returns the bytes or nil, message, code.
local function into(f)
    local rc = f(scratch, scratch_len, len_out)
    if rc == BUFFER_TOO_SMALL then
        scratch_len = tonumber(len_out[0]) * 2
        scratch = ffi.new("uint8_t[?]", scratch_len)
        rc = f(scratch, scratch_len, len_out)
    end
    if rc ~= 0 then return err(rc) end
    return ffi.string(scratch, len_out[0])
end

local function time_arg(now)
    if now == nil then return _M.NOW end
    return now
end

-- headers: a string (one Cookie header value), a table of them, or nil.
local function header_slices(headers)
    if headers == nil then return nil, 0 end
    if type(headers) == "string" then headers = { headers } end
    local n = #headers
    local arr = ffi.new("flask_cookie_slice[?]", math.max(n, 1))
    for i = 1, n do
        arr[i - 1].data = headers[i] -- Lua strings stay alive: `headers` is referenced below
        arr[i - 1].len = #headers[i]
    end
    return arr, n
end

function _M.version() return ffi.string(C.flask_cookie_version()) end
function _M.version_number() return tonumber(C.flask_cookie_version_number()) end

local Config = {}
Config.__index = Config
local Session = {}
Session.__index = Session

--- Builds a session configuration. opts: secret_key (required), fallback_keys (oldest first),
--- cookie_name, domain, path, application_root, httponly, secure, samesite, partitioned,
--- lifetime (seconds), refresh_each_request, lenient (Python's base64 for the signature).
--- Flask's defaults for what is left out. Returns the config or nil, message, code.
function _M.session_config(opts)
    if type(opts) ~= "table" or type(opts.secret_key) ~= "string" then
        return nil, "session_config: opts.secret_key (a string) is required", 2
    end
    local keys = {}
    for _, k in ipairs(opts.fallback_keys or {}) do keys[#keys + 1] = k end
    keys[#keys + 1] = opts.secret_key
    local cfgp = ffi.new("flask_cookie_config *[1]")
    local rc = C.flask_cookie_config_new(0, cfgp)
    if rc ~= 0 then return err(rc) end
    local cfg = cfgp[0]
    local slices = ffi.new("flask_cookie_slice[?]", #keys)
    for i, k in ipairs(keys) do
        slices[i - 1].data = k
        slices[i - 1].len = #k
    end
    local bp = ffi.new("flask_cookie_session_builder *[1]")
    rc = C.flask_cookie_config_set_keys(cfg, slices, #keys)
    if rc == 0 and opts.lenient then rc = C.flask_cookie_config_set_lenient_base64(cfg, true) end
    if rc == 0 then rc = C.flask_cookie_session_builder_new(cfg, bp) end
    C.flask_cookie_config_free(cfg)
    if rc ~= 0 then return err(rc) end
    local b = bp[0]
    local function text(f, v)
        if rc ~= 0 or v == nil then return end
        rc = f(b, v, #v)
    end
    text(C.flask_cookie_session_builder_set_cookie_name, opts.cookie_name)
    text(C.flask_cookie_session_builder_set_domain, opts.domain)
    text(C.flask_cookie_session_builder_set_path, opts.path)
    text(C.flask_cookie_session_builder_set_application_root, opts.application_root)
    text(C.flask_cookie_session_builder_set_samesite, opts.samesite)
    local function flag(f, v)
        if rc ~= 0 or v == nil then return end
        rc = f(b, v and true or false)
    end
    flag(C.flask_cookie_session_builder_set_httponly, opts.httponly)
    flag(C.flask_cookie_session_builder_set_secure, opts.secure)
    flag(C.flask_cookie_session_builder_set_partitioned, opts.partitioned)
    flag(C.flask_cookie_session_builder_set_refresh_each_request, opts.refresh_each_request)
    if rc == 0 and opts.lifetime ~= nil then
        rc = C.flask_cookie_session_builder_set_lifetime(b, opts.lifetime)
    end
    local cp = ffi.new("flask_cookie_session_config *[1]")
    if rc == 0 then rc = C.flask_cookie_session_builder_build(b, cp) end
    local a, m, c
    if rc ~= 0 then a, m, c = err(rc) end
    C.flask_cookie_session_builder_free(b)
    if rc ~= 0 then return a, m, c end
    return setmetatable({ handle = ffi.gc(cp[0], C.flask_cookie_session_config_free) }, Config)
end

--- Frees the configuration now (sessions opened with it must not be saved afterwards).
function Config:free()
    if self.handle ~= nil then
        C.flask_cookie_session_config_free(ffi.gc(self.handle, nil))
        self.handle = nil
    end
end

--- The session cookie's value in the Cookie header(s) as Werkzeug picks it, or nil.
function Config:find_cookie(headers)
    local arr, n = header_slices(headers)
    local found = ffi.new("bool[1]")
    local v, m, c = into(function(buf, len, lo)
        return C.flask_cookie_session_find_cookie_into(self.handle, arr, n, buf, len, lo, found)
    end)
    if v == nil then return v, m, c end
    if not found[0] then return nil end
    return v
end

--- Flask's open_session: returns the session (state: "no_cookie", "opened",
--- "new_bad_signature", "new_expired", "new_malformed_timestamp"; signed_at for "opened"),
--- or nil, message, code where Flask answers with an HTTP 500.
function Config:open(headers, now)
    local arr, n = header_slices(headers)
    local sp = ffi.new("flask_cookie_session *[1]")
    local rc = C.flask_cookie_session_open(self.handle, arr, n, time_arg(now), u32_out, sp, u64_out)
    if rc ~= 0 then return err(rc) end
    local state = STATES[tonumber(u32_out[0])]
    return setmetatable({
        handle = ffi.gc(sp[0], C.flask_cookie_session_free),
        config = self, -- kept alive: save needs it
        state = state,
        signed_at = state == "opened" and tonumber(u64_out[0]) or nil,
        _keep = headers,
    }, Session)
end

function Session:free()
    if self.handle ~= nil then
        C.flask_cookie_session_free(ffi.gc(self.handle, nil))
        self.handle = nil
    end
end

--- session[key] as tagged JSON text, or nil, message, code (700: no such key).
function Session:get_json(key)
    return into(function(buf, len, lo)
        return C.flask_cookie_session_get_json_into(self.handle, key, #key, buf, len, lo)
    end)
end

--- session[key] as a string (str or Markup), or nil, message, code (700, 701 wrong type,
--- 703 a lone surrogate).
function Session:get_str(key)
    return into(function(buf, len, lo)
        return C.flask_cookie_session_get_str_into(self.handle, key, #key, buf, len, lo)
    end)
end

--- session[key] as an integer: a Lua number when within +-2^53, else an int64_t cdata; or
--- nil, message, code (700, 701, 702 outside int64).
function Session:get_int(key)
    local rc = C.flask_cookie_session_get_int64(self.handle, key, #key, i64_out)
    if rc ~= 0 then return err(rc) end
    local v = i64_out[0]
    if v >= -9007199254740992LL and v <= 9007199254740992LL then return tonumber(v) end
    return ffi.new("int64_t", v)
end

--- session[key] as a boolean, or nil, message, code (700, 701).
function Session:get_bool(key)
    local rc = C.flask_cookie_session_get_bool(self.handle, key, #key, bool_out)
    if rc ~= 0 then return err(rc) end
    return bool_out[0]
end

function Session:contains(key)
    local rc = C.flask_cookie_session_contains(self.handle, key, #key, bool_out)
    if rc ~= 0 then return err(rc) end
    return bool_out[0]
end

function Session:len() return tonumber(C.flask_cookie_session_len(self.handle)) end

function Session:to_json()
    local buf = ffi.new("flask_cookie_buf[1]")
    local rc = C.flask_cookie_session_to_json(self.handle, buf)
    if rc ~= 0 then return err(rc) end
    local s = ffi.string(buf[0].data, buf[0].len)
    C.flask_cookie_buf_free(buf)
    return s
end

local function ok(rc)
    if rc ~= 0 then return err(rc) end
    return true
end

function Session:set_json(key, json) return ok(C.flask_cookie_session_set_json(self.handle, key, #key, json, #json)) end
function Session:set_int(key, v) return ok(C.flask_cookie_session_set_int64(self.handle, key, #key, v)) end
function Session:set_bool(key, v) return ok(C.flask_cookie_session_set_bool(self.handle, key, #key, v and true or false)) end
function Session:set_str(key, v) return ok(C.flask_cookie_session_set_str(self.handle, key, #key, v, #v)) end

--- session.pop(key, None): true when the key was there.
function Session:remove(key)
    local rc = C.flask_cookie_session_remove(self.handle, key, #key, bool_out)
    if rc ~= 0 then return err(rc) end
    return bool_out[0]
end

function Session:clear() return ok(C.flask_cookie_session_clear(self.handle)) end
function Session:set_permanent(v) return ok(C.flask_cookie_session_set_permanent(self.handle, v and true or false)) end
function Session:permanent() return C.flask_cookie_session_permanent(self.handle) end
function Session:mark_modified() return ok(C.flask_cookie_session_mark_modified(self.handle)) end
function Session:touch() return ok(C.flask_cookie_session_touch(self.handle)) end
function Session:modified() return C.flask_cookie_session_is_modified(self.handle) end
function Session:accessed() return C.flask_cookie_session_is_accessed(self.handle) end

--- Flask's save_session at `now`: { action = "none" | "set" | "delete", set_cookie = the
--- Set-Cookie header value or nil, vary = whether to add Cookie to Vary }, or nil, message,
--- code (Flask's HTTP 500).
function Session:save(now)
    local t = time_arg(now)
    local v, m, c = into(function(buf, len, lo)
        return C.flask_cookie_session_save_into(self.config.handle, self.handle, t, u32_out, buf, len, lo, bool_out)
    end)
    if v == nil then return v, m, c end
    local action = ACTIONS[tonumber(u32_out[0])]
    return { action = action, set_cookie = action ~= "none" and v or nil, vary = bool_out[0] }
end

return _M
