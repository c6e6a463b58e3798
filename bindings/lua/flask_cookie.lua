--[[
flask_cookie.lua: a LuaJIT FFI binding of the flask-cookie C library (include/flask_cookie.h),
for OpenResty / nginx-lua (Debian's libnginx-mod-http-lua) and plain LuaJIT.

  local fc = require "flask_cookie"
  fc.load("/usr/local/lib/libflask_cookie.so")        -- or fc.load() for the default search
  local cfg = fc.session_config{
      secret_key_file = "/etc/app/secret_key",          -- or secret_key = "..."
      fallback_key_files = { "/etc/app/old_key" },      -- oldest first, as SECRET_KEY_FALLBACKS
      cookie_name = "session", lifetime = 2678400,      -- Flask's defaults otherwise
  }
  local state, s = cfg:open({ "a=1; session=..." })     -- Cookie header values
  s:get("user_id")                                      -- a string, or tagged JSON text

In nginx (see examples/nginx/lua.conf): build the configuration in init_by_lua (before the
workers fork; it is immutable and shared), then in a location:
  access_by_lua_block { flask_session:require{ key = "user_id", redirect = "/login" } }
  header_filter_by_lua_block { flask_session:refresh() }
The per-request session is opened once and kept in ngx.ctx.

With a library that has the session API (flask_cookie_session_*), everything is there. With an
older one (codec only) the binding offers open/require/state; session values and refresh need
the session API (`fc.has_session_api` says which).

Secrets: key bytes are copied into the library configuration and never logged; the Lua strings
holding them are dropped when the configuration is built (Lua strings cannot be wiped).
]]

local ffi = require "ffi"

ffi.cdef [[
typedef uint32_t flask_cookie_result;
typedef struct { uint8_t *data; size_t len; } flask_cookie_buf;
typedef struct { const uint8_t *data; size_t len; } flask_cookie_slice;
typedef struct flask_cookie_config flask_cookie_config;
typedef struct flask_cookie_codec flask_cookie_codec;
const char *flask_cookie_version(void);
void flask_cookie_buf_free(flask_cookie_buf *buf);
flask_cookie_result flask_cookie_config_new(uint32_t preset, flask_cookie_config **config_out);
flask_cookie_result flask_cookie_config_set_keys(flask_cookie_config *config,
    const flask_cookie_slice *keys, size_t keys_len);
flask_cookie_result flask_cookie_config_set_max_age(flask_cookie_config *config, uint64_t max_age);
void flask_cookie_config_free(flask_cookie_config *config);
flask_cookie_result flask_cookie_codec_new(const flask_cookie_config *config,
    flask_cookie_codec **codec_out);
void flask_cookie_codec_free(flask_cookie_codec *codec);
flask_cookie_result flask_cookie_open(const flask_cookie_codec *codec, const uint8_t *cookie,
    size_t cookie_len, uint64_t now, flask_cookie_buf *json_out, uint64_t *signed_at_out);
const char *flask_cookie_result_message(uint32_t result);
bool flask_cookie_result_is_bad_signature(uint32_t result);

typedef struct flask_cookie_session_builder flask_cookie_session_builder;
typedef struct flask_cookie_session_config flask_cookie_session_config;
typedef struct flask_cookie_session flask_cookie_session;
flask_cookie_result flask_cookie_session_builder_new(const flask_cookie_config *codec_config,
    flask_cookie_session_builder **builder_out);
flask_cookie_result flask_cookie_session_builder_set_cookie_name(flask_cookie_session_builder *b,
    const uint8_t *name, size_t len);
flask_cookie_result flask_cookie_session_builder_set_domain(flask_cookie_session_builder *b,
    const uint8_t *domain, size_t len);
flask_cookie_result flask_cookie_session_builder_set_path(flask_cookie_session_builder *b,
    const uint8_t *path, size_t len);
flask_cookie_result flask_cookie_session_builder_set_httponly(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_secure(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_samesite(flask_cookie_session_builder *b,
    const uint8_t *v, size_t len);
flask_cookie_result flask_cookie_session_builder_set_partitioned(flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_set_lifetime(flask_cookie_session_builder *b,
    uint64_t seconds);
flask_cookie_result flask_cookie_session_builder_set_refresh_each_request(
    flask_cookie_session_builder *b, bool v);
flask_cookie_result flask_cookie_session_builder_build(const flask_cookie_session_builder *b,
    flask_cookie_session_config **config_out);
void flask_cookie_session_builder_free(flask_cookie_session_builder *b);
void flask_cookie_session_config_free(flask_cookie_session_config *c);
flask_cookie_result flask_cookie_session_open(const flask_cookie_session_config *c,
    const flask_cookie_slice *headers, size_t n_headers, uint64_t now,
    uint32_t *state_out, flask_cookie_session **session_out, uint64_t *signed_at_out);
void flask_cookie_session_free(flask_cookie_session *s);
flask_cookie_result flask_cookie_session_get_json_into(flask_cookie_session *s,
    const uint8_t *key, size_t key_len, uint8_t *buf, size_t buf_len, size_t *len_out);
flask_cookie_result flask_cookie_session_get_str_into(flask_cookie_session *s,
    const uint8_t *key, size_t key_len, uint8_t *buf, size_t buf_len, size_t *len_out);
flask_cookie_result flask_cookie_session_get_int64(flask_cookie_session *s,
    const uint8_t *key, size_t key_len, int64_t *out);
flask_cookie_result flask_cookie_session_get_bool(flask_cookie_session *s,
    const uint8_t *key, size_t key_len, bool *out);
bool flask_cookie_session_permanent(const flask_cookie_session *s);
flask_cookie_result flask_cookie_session_save_into(const flask_cookie_session_config *c,
    flask_cookie_session *s, uint64_t now, uint32_t *action_out,
    uint8_t *buf, size_t buf_len, size_t *len_out, bool *vary_out);
]]

local M = { version = nil, has_session_api = false }

-- Result, state and save-action values from include/flask_cookie.h (part of the ABI, never
-- renumbered). The session API's values are checked against the header by tests/nginx/run.sh.
local R = {
    OK = 0,
    MALFORMED_TIMESTAMP = 200,
    EXPIRED = 300,
    TIMESTAMP_OUT_OF_RANGE = 600,
    KEY_NOT_FOUND = 700,
    WRONG_TYPE = 701,
    STR_NOT_UTF8 = 703,
    SESSION_NOT_A_DICT = 800,
    SESSION_NON_TEXT_KEY = 801,
    BUFFER_TOO_SMALL = 900,
}
M.R = R
local S = {
    STATE_NO_COOKIE = 0,
    STATE_OPENED = 1,
    STATE_NEW_BAD_SIGNATURE = 2,
    STATE_NEW_EXPIRED = 3,
    STATE_NEW_MALFORMED_TIMESTAMP = 4,
    SAVE_NONE = 0,
    SAVE_SET = 1,
    SAVE_DELETE = 2,
}
M.S = S
local STATE_NAMES = {
    [S.STATE_NO_COOKIE] = "no_cookie",
    [S.STATE_NEW_BAD_SIGNATURE] = "bad_signature",
    [S.STATE_NEW_EXPIRED] = "expired",
    [S.STATE_NEW_MALFORMED_TIMESTAMP] = "malformed_timestamp",
    [S.STATE_OPENED] = "opened",
}

local lib

--- Whether a result is a validly signed cookie that Flask answers with an HTTP 500.
function M.flask_500(rc)
    return (rc >= 400 and rc < 500) or rc == R.TIMESTAMP_OUT_OF_RANGE
        or rc == R.SESSION_NOT_A_DICT or rc == R.SESSION_NON_TEXT_KEY
end

local function check(rc, what)
    if rc ~= R.OK then
        error(what .. ": " .. ffi.string(lib.flask_cookie_result_message(rc)), 3)
    end
end

--- Loads the shared library (a path, or nil for the dynamic linker's search of
--- libflask_cookie.so). Call once per process (init_by_lua in nginx).
function M.load(path)
    lib = ffi.load(path or "flask_cookie")
    M.lib = lib
    M.version = ffi.string(lib.flask_cookie_version())
    M.has_session_api = pcall(function() return lib.flask_cookie_session_open end)
    return M
end

local function read_key_file(path)
    local f, err = io.open(path, "rb")
    if not f then error("flask_cookie: cannot open key file: " .. err, 3) end
    local s = f:read("*a")
    f:close()
    -- One trailing "\n" or "\r\n", as a file written by echo or print ends with one.
    s = s:gsub("\r?\n$", "", 1)
    if #s == 0 then error("flask_cookie: key file " .. path .. " holds an empty key", 3) end
    return s
end

local Config = {}
Config.__index = Config

--- The session configuration: keys, lifetime and Flask's SESSION_COOKIE_* options.
function M.session_config(o)
    assert(lib, "flask_cookie: call load() first")
    local keys = {}
    for _, p in ipairs(o.fallback_key_files or {}) do keys[#keys + 1] = read_key_file(p) end
    for _, k in ipairs(o.fallback_keys or {}) do keys[#keys + 1] = k end
    local secret = o.secret_key or (o.secret_key_file and read_key_file(o.secret_key_file))
    if not secret then error("flask_cookie: secret_key or secret_key_file is required", 2) end
    keys[#keys + 1] = secret
    local slices = ffi.new("flask_cookie_slice[?]", #keys)
    for i, k in ipairs(keys) do
        slices[i - 1].data = k
        slices[i - 1].len = #k
    end
    local lifetime = o.lifetime or 2678400
    local pcfg = ffi.new("flask_cookie_config*[1]")
    check(lib.flask_cookie_config_new(0, pcfg), "config")
    local cfg = pcfg[0]
    local rc = lib.flask_cookie_config_set_keys(cfg, slices, #keys)
    if rc == R.OK then rc = lib.flask_cookie_config_set_max_age(cfg, lifetime) end
    keys, secret, slices = nil, nil, nil

    local self = setmetatable({
        cookie_name = o.cookie_name or "session",
        lifetime = lifetime,
    }, Config)

    if rc == R.OK and M.has_session_api then
        local pb = ffi.new("flask_cookie_session_builder*[1]")
        rc = lib.flask_cookie_session_builder_new(cfg, pb)
        lib.flask_cookie_config_free(cfg)
        cfg = nil
        check(rc, "session builder")
        local b = pb[0]
        local function try(f, ...)
            if rc == R.OK then rc = f(b, ...) end
        end
        try(lib.flask_cookie_session_builder_set_cookie_name, self.cookie_name, #self.cookie_name)
        if o.domain then try(lib.flask_cookie_session_builder_set_domain, o.domain, #o.domain) end
        if o.path then try(lib.flask_cookie_session_builder_set_path, o.path, #o.path) end
        if o.httponly ~= nil then try(lib.flask_cookie_session_builder_set_httponly, o.httponly) end
        if o.secure ~= nil then try(lib.flask_cookie_session_builder_set_secure, o.secure) end
        if o.samesite then try(lib.flask_cookie_session_builder_set_samesite, o.samesite, #o.samesite) end
        if o.partitioned ~= nil then try(lib.flask_cookie_session_builder_set_partitioned, o.partitioned) end
        try(lib.flask_cookie_session_builder_set_lifetime, lifetime)
        try(lib.flask_cookie_session_builder_set_refresh_each_request, o.refresh_each_request ~= false)
        local pc = ffi.new("flask_cookie_session_config*[1]")
        try(lib.flask_cookie_session_builder_build, pc)
        lib.flask_cookie_session_builder_free(b)
        check(rc, "session config")
        self.sconf = ffi.gc(pc[0], lib.flask_cookie_session_config_free)
    else
        if rc == R.OK then
            local pc = ffi.new("flask_cookie_codec*[1]")
            rc = lib.flask_cookie_codec_new(cfg, pc)
            if rc == R.OK then self.codec = ffi.gc(pc[0], lib.flask_cookie_codec_free) end
        end
        lib.flask_cookie_config_free(cfg)
        check(rc, "codec")
    end
    return self
end

local Session = {}
Session.__index = Session

local size_out = ffi.new("size_t[1]")

local function get_into(fn, s, key, buf_len)
    local buf = ffi.new("uint8_t[?]", buf_len)
    local rc = fn(s, key, #key, buf, buf_len, size_out)
    if rc == R.BUFFER_TOO_SMALL then
        local need = tonumber(size_out[0])
        buf = ffi.new("uint8_t[?]", need)
        rc = fn(s, key, #key, buf, need, size_out)
    end
    if rc == R.OK then return ffi.string(buf, size_out[0]), rc end
    return nil, rc
end

--- A top-level value: a string as its UTF-8 bytes, anything else as its tagged JSON text
--- (ASCII). nil when the key is missing.
function Session:get(key)
    local v, rc = get_into(lib.flask_cookie_session_get_str_into, self.ptr, key, 256)
    if rc == R.WRONG_TYPE or rc == R.STR_NOT_UTF8 then
        v, rc = get_into(lib.flask_cookie_session_get_json_into, self.ptr, key, 256)
    end
    if rc == R.OK or rc == R.KEY_NOT_FOUND then return v end
    error("flask_cookie: get " .. key .. ": " .. ffi.string(lib.flask_cookie_result_message(rc)), 2)
end
Session.get_str_or_json = Session.get

--- The tagged JSON text of a top-level value, or nil when missing.
function Session:get_json(key)
    local v, rc = get_into(lib.flask_cookie_session_get_json_into, self.ptr, key, 256)
    if rc == R.OK or rc == R.KEY_NOT_FOUND then return v end
    error("flask_cookie: get_json " .. key .. ": " .. ffi.string(lib.flask_cookie_result_message(rc)), 2)
end

local i64_out = ffi.new("int64_t[1]")
--- An integer value as a LuaJIT int64 cdata (nil when missing; an error for another type).
function Session:get_int64(key)
    local rc = lib.flask_cookie_session_get_int64(self.ptr, key, #key, i64_out)
    if rc == R.OK then return i64_out[0] end
    if rc == R.KEY_NOT_FOUND then return nil end
    error("flask_cookie: get_int64 " .. key .. ": " .. ffi.string(lib.flask_cookie_result_message(rc)), 2)
end

function Session:permanent()
    return lib.flask_cookie_session_permanent(self.ptr)
end

--- Opens the session from the Cookie header values (a string or a list of strings) as Flask's
--- open_session does, as of `now` (Unix seconds; default: the clock). Returns the state name
--- ("no_cookie", "bad_signature", "expired", "malformed_timestamp", "opened", "bad_payload")
--- and, with the session API, the session (nil for "bad_payload").
function Config:open(headers, now)
    if type(headers) == "string" then headers = { headers } end
    headers = headers or {}
    now = now or os.time()
    if self.sconf then
        local n = #headers
        local slices = ffi.new("flask_cookie_slice[?]", math.max(n, 1))
        for i, h in ipairs(headers) do
            slices[i - 1].data = h
            slices[i - 1].len = #h
        end
        local state = ffi.new("uint32_t[1]")
        local ps = ffi.new("flask_cookie_session*[1]")
        local rc = lib.flask_cookie_session_open(self.sconf, slices, n, now, state, ps, nil)
        if rc == R.OK then
            local s = setmetatable({ ptr = ffi.gc(ps[0], lib.flask_cookie_session_free) }, Session)
            return STATE_NAMES[tonumber(state[0])] or "error", s
        end
        if M.flask_500(rc) then return "bad_payload", nil end
        return "error", nil
    end
    -- Codec only: the first name=value pair of the headers (double quotes removed), an
    -- approximation of Werkzeug's parse_cookie.
    local value
    for _, h in ipairs(headers) do
        for pair in (h .. ";"):gmatch("([^;]*);") do
            local k, v = pair:match("^%s*([^=]-)%s*=%s*(.-)%s*$")
            if k == nil then k = pair:match("^%s*(.-)%s*$") v = "" end
            if k == self.cookie_name then
                value = v:match('^"(.*)"$') or v
                break
            end
        end
        if value then break end
    end
    if not value or value == "" then return "no_cookie", nil end
    local json = ffi.new("flask_cookie_buf[1]")
    local rc = lib.flask_cookie_open(self.codec, value, #value, now, json, nil)
    lib.flask_cookie_buf_free(json)
    if rc == R.OK then return "opened", nil end
    if rc == R.EXPIRED then return "expired", nil end
    if rc == R.MALFORMED_TIMESTAMP then return "malformed_timestamp", nil end
    if lib.flask_cookie_result_is_bad_signature(rc) then return "bad_signature", nil end
    if M.flask_500(rc) then return "bad_payload", nil end
    return "error", nil
end

--- save_session: returns the action ("none", "set", "delete"), the Set-Cookie header value
--- (nil for "none") and whether Vary: Cookie is due.
function Config:save(session, now)
    assert(self.sconf, "flask_cookie: save needs the session API")
    now = now or os.time()
    local action = ffi.new("uint32_t[1]")
    local vary = ffi.new("bool[1]")
    local cap = 1024
    local buf = ffi.new("uint8_t[?]", cap)
    local rc = lib.flask_cookie_session_save_into(self.sconf, session.ptr, now, action, buf, cap,
                                                  size_out, vary)
    if rc == R.BUFFER_TOO_SMALL then
        cap = tonumber(size_out[0])
        buf = ffi.new("uint8_t[?]", cap)
        rc = lib.flask_cookie_session_save_into(self.sconf, session.ptr, now, action, buf, cap,
                                                size_out, vary)
    end
    check(rc, "save")
    local a = tonumber(action[0])
    local name = (a == S.SAVE_SET and "set") or (a == S.SAVE_DELETE and "delete") or "none"
    local header = name ~= "none" and ffi.string(buf, size_out[0]) or nil
    return name, header, vary[0]
end

-- ---- nginx helpers (ngx is the global of nginx-lua) -----------------------------------------

--- This request's state and session, opened once (kept in ngx.ctx).
function Config:request_session()
    local ctx = ngx.ctx
    local key = self
    ctx.flask_cookie = ctx.flask_cookie or {}
    local e = ctx.flask_cookie[key]
    if not e then
        local h = ngx.req.get_headers()["cookie"]
        local state, s = self:open(h, ngx.time())
        e = { state = state, session = s }
        ctx.flask_cookie[key] = e
    end
    return e.state, e.session
end

function Config:state()
    return (self:request_session())
end

--- access_by_lua: lets the request through when the session opened (and holds opts.key);
--- otherwise 401, or a 302 to opts.redirect. A validly signed cookie Flask cannot decode is a
--- 500, as in Flask. Returns the session (session API) when the request may go on.
function Config:require(opts)
    opts = opts or {}
    local state, s = self:request_session()
    if state == "bad_payload" or state == "error" then
        return ngx.exit(ngx.HTTP_INTERNAL_SERVER_ERROR)
    end
    local ok = state == "opened"
    if ok and opts.key then
        ok = s ~= nil and s:get_json(opts.key) ~= nil
    end
    if ok then return s end
    if opts.redirect then
        return ngx.redirect(opts.redirect, ngx.HTTP_MOVED_TEMPORARILY)
    end
    return ngx.exit(ngx.HTTP_UNAUTHORIZED)
end

--- header_filter_by_lua: adds the Set-Cookie (and Vary: Cookie) that Flask's save_session
--- would send, unless the response already sets the session cookie.
function Config:refresh()
    if not self.sconf then return end
    local existing = ngx.header["Set-Cookie"]
    if type(existing) == "string" then existing = { existing } end
    for _, v in ipairs(existing or {}) do
        if v:sub(1, #self.cookie_name + 1) == self.cookie_name .. "=" then return end
    end
    local _, s = self:request_session()
    if not s then return end
    local action, header, vary = self:save(s, ngx.time())
    if header then
        local list = existing or {}
        list[#list + 1] = header
        ngx.header["Set-Cookie"] = list
    end
    if vary then
        local v = ngx.header["Vary"]
        if type(v) == "table" then v = table.concat(v, ", ") end
        if not v then
            ngx.header["Vary"] = "Cookie"
        elseif not v:lower():find("cookie", 1, true) then
            ngx.header["Vary"] = v .. ", Cookie"
        end
    end
end

return M
