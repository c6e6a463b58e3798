--[[
flask_cookie_nginx.lua: Flask's session check in nginx-lua (Debian's libnginx-mod-http-lua,
OpenResty), over the LuaJIT binding flask_cookie.lua. The Lua twin of
ngx_http_flask_session_module (bindings/nginx): same decisions, same state names.

  env FLASK_COOKIE_LIB=/usr/local/lib/libflask_cookie.so;     # main context: where the library is
  http {
      lua_package_path '/path/to/bindings/lua/?.lua;;';
      init_by_lua_block {                                      -- once, in the master, before fork
          flask_session = require("flask_cookie_nginx").new{
              secret_key_file = "/etc/nginx/flask/secret_key",
              fallback_key_files = { "/etc/nginx/flask/old_secret_key" },   -- oldest first
              -- cookie_name, domain, path, secure, httponly, samesite, partitioned, lifetime,
              -- refresh_each_request: as flask_cookie.session_config, Flask's defaults otherwise
          }
      }
      location /reports/ {
          access_by_lua_block {
              local s = flask_session:require{ key = "user_id" }   -- 401 (or redirect) otherwise
              ngx.req.set_header("X-User-Id", flask_session:get("user_id"))
          }
      }
      location /static/ { header_filter_by_lua_block { flask_session:refresh() } }
  }

The configuration is immutable and shared by the workers (built before they fork); each
request's session is opened once and kept in ngx.ctx. Key files are read once, at startup (so
they may be readable by root only); keys are never logged. Lua strings holding the keys cannot
be wiped: they are dropped once the configuration is built and left to the garbage collector.
]]

local fc = require "flask_cookie"

local _M = {}
local Check = {}
Check.__index = Check

-- flask_cookie.lua's state names -> $flask_session_state's.
local STATE = {
    no_cookie = "no_cookie",
    opened = "opened",
    new_bad_signature = "bad_signature",
    new_expired = "expired",
    new_malformed_timestamp = "malformed_timestamp",
}

local function read_key_file(path)
    local f, e = io.open(path, "rb")
    if not f then error("flask_cookie_nginx: cannot open key file: " .. e, 3) end
    local s = f:read("*a")
    f:close()
    -- One trailing "\n" or "\r\n" is removed, as a file written by echo or print ends with one.
    s = s:gsub("\r?\n$", "", 1)
    if #s == 0 then error("flask_cookie_nginx: key file " .. path .. " holds an empty key", 3) end
    return s
end

--- opts: secret_key_file (or secret_key), fallback_key_files (or fallback_keys), and the
--- session settings of flask_cookie.session_config. Raises on a bad configuration (nginx then
--- refuses to start, as with a bad directive).
function _M.new(opts)
    local o = {}
    for k, v in pairs(opts) do o[k] = v end
    if o.secret_key_file then o.secret_key = read_key_file(o.secret_key_file) end
    if o.fallback_key_files then
        local keys = {}
        for _, p in ipairs(o.fallback_key_files) do keys[#keys + 1] = read_key_file(p) end
        for _, k in ipairs(o.fallback_keys or {}) do keys[#keys + 1] = k end
        o.fallback_keys = keys
    end
    o.secret_key_file, o.fallback_key_files = nil, nil
    local config, msg = fc.session_config(o)
    o = nil
    if not config then error("flask_cookie_nginx: " .. msg, 2) end
    return setmetatable({ config = config, cookie_name = opts.cookie_name or "session" }, Check)
end

--- This request's state and session (nil for "bad_payload": a validly signed cookie that Flask
--- answers with an HTTP 500), opened once per request.
function Check:session()
    local ctx = ngx.ctx
    local e = ctx[self]
    if not e then
        local s = self.config:open(ngx.req.get_headers()["cookie"], ngx.time())
        if s then
            e = { state = STATE[s.state] or "error", session = s }
        else
            e = { state = "bad_payload" }
        end
        ctx[self] = e
    end
    return e.session, e.state
end

--- $flask_session_state's value: no_cookie, bad_signature, expired, malformed_timestamp,
--- opened, bad_payload.
function Check:state()
    local _, state = self:session()
    return state
end

--- A top-level value as the native module's $flask_session_<key> gives it: a string as its
--- UTF-8 bytes (nil when it holds a control character, which a header cannot carry), anything
--- else as its tagged JSON text; nil when missing or when no session opened.
function Check:get(key)
    local s, state = self:session()
    if not s or state ~= "opened" then return nil end
    local v, _, code = s:get_str(key)
    if v then
        if v:find("[%z\1-\31\127]") then return nil end
        return v
    end
    if code == 701 or code == 703 then return (s:get_json(key)) end
    return nil
end

--- access_by_lua: lets the request go on when the session opened (and holds opts.key);
--- otherwise 401, or a 302 to opts.redirect. A validly signed cookie that Flask cannot decode is
--- a 500, as in Flask. Returns the session when the request goes on.
function Check:require(opts)
    opts = opts or {}
    local s, state = self:session()
    if state == "bad_payload" or state == "error" then
        return ngx.exit(ngx.HTTP_INTERNAL_SERVER_ERROR)
    end
    local ok = state == "opened"
    if ok and opts.key then ok = s:contains(opts.key) == true end
    if ok then return s end
    if opts.redirect then return ngx.redirect(opts.redirect, ngx.HTTP_MOVED_TEMPORARILY) end
    return ngx.exit(ngx.HTTP_UNAUTHORIZED)
end

--- header_filter_by_lua: adds the Set-Cookie (and Vary: Cookie) that Flask's save_session
--- would send for this request (a permanent session with SESSION_REFRESH_EACH_REQUEST), unless
--- the response already sets the session cookie (the upstream Flask decided).
function Check:refresh()
    local existing = ngx.header["Set-Cookie"]
    if type(existing) == "string" then existing = { existing } end
    local prefix = self.cookie_name .. "="
    for _, v in ipairs(existing or {}) do
        if v:sub(1, #prefix) == prefix then return end
    end
    local s = self:session()
    if not s then return end
    local out, msg = s:save(ngx.time())
    if not out then
        ngx.log(ngx.ERR, "flask_cookie_nginx: save: ", msg)
        return
    end
    if out.set_cookie then
        local list = existing or {}
        list[#list + 1] = out.set_cookie
        ngx.header["Set-Cookie"] = list
    end
    if out.vary then
        local v = ngx.header["Vary"]
        if type(v) == "table" then v = table.concat(v, ", ") end
        if not v then
            ngx.header["Vary"] = "Cookie"
        elseif not v:lower():find("cookie", 1, true) then
            ngx.header["Vary"] = v .. ", Cookie"
        end
    end
end

return _M
