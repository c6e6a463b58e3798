-- Tests flask_cookie.lua against real Flask's answers: the case file of
-- tests/c/session_cases.py (600 requests Flask 3.1.3 answered, typed reads of a cookie Flask
-- signed, typed writes as Flask saved them, a malformed timestamp).
--
--   FLASK_COOKIE_LIB=.../libflask_cookie.so luajit test_flask_cookie.lua CASES
package.path = arg[0]:gsub("[^/]*$", "") .. "?.lua;" .. package.path
local fc = require "flask_cookie"

local checks, failures = 0, 0
local function check(cond, what)
    checks = checks + 1
    if not cond then
        failures = failures + 1
        io.stderr:write("FAIL " .. tostring(what) .. "\n")
    end
    return cond
end

local function unhex(t)
    if t == "-" then return nil end
    return (t:sub(2):gsub("..", function(h) return string.char(tonumber(h, 16)) end))
end

local function tokens(line)
    local t = {}
    for w in line:gmatch("%S+") do t[#t + 1] = w end
    local i = 0
    return function()
        i = i + 1
        return t[i]
    end
end

local KAT = "eyJhIjoxfQ.ZVPxAA.06Yqjl3VyDspVrqMUAYBbpKyUSE"

-- The API's own promises.
do
    check(fc.version_number() == 100 and fc.version() == "0.1.0", "version")
    local config = assert(fc.session_config { secret_key = "test key" })
    check(config:find_cookie { "a=1", "session=" .. KAT .. "; session=x" } == KAT, "find_cookie")
    check(config:find_cookie("a=1") == nil, "find_cookie absent")
    local s = assert(config:open("session=" .. KAT, 1700000060))
    check(s.state == "opened" and s.signed_at == 1700000000, "open")
    check(s:get_int("a") == 1, "get_int")
    local v, msg, code = s:get_int("nope")
    check(v == nil and code == 700 and msg:find("nope", 1, true), "missing key: nil, message, code")
    v, msg, code = s:get_str("a")
    check(v == nil and code == 701, "wrong type")
    local out = assert(s:save(1700000060))
    check(out.action == "none" and out.vary == true and out.set_cookie == nil, "save none")
    -- Re-saving the same dict at the signing time gives Flask's cookie (spec vector 1).
    assert(s:mark_modified())
    out = assert(s:save(1700000000))
    check(out.action == "set" and out.set_cookie == "session=" .. KAT .. "; HttpOnly; Path=/", "save set")
    assert(s:clear())
    out = assert(s:save(1700000060))
    check(out.action == "delete" and out.set_cookie == "session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; HttpOnly; Path=/", "delete")
    check(config:open("session=" .. KAT, 1700000000 + 2678401).state == "new_expired", "expired")
    local bad, m2, c2 = fc.session_config { secret_key = "k", samesite = "sideways" }
    check(bad == nil and c2 == 802 and m2:find("SameSite"), "bad samesite")
    -- A value longer than the scratch buffer (8192): grown on BUFFER_TOO_SMALL.
    local big = string.rep("x", 20000)
    assert(s:set_str("big", big))
    check(s:get_str("big") == big, "long string through the _into buffer")
    s:free()
    config:free()
end

local cases, excluded, f500 = 0, 0, 0
for line in io.lines(arg[1]) do
    local nx = tokens(line)
    local kind = nx()
    if kind == "S" then
        local idx = nx()
        local o = {}
        o.cookie_name = unhex(nx()); local domain = unhex(nx()); local path = unhex(nx())
        o.application_root = unhex(nx()); o.httponly = nx() == "1"; o.secure = nx() == "1"
        local samesite = unhex(nx()); o.partitioned = nx() == "1"; o.lifetime = tonumber(nx())
        o.refresh_each_request = nx() == "1"
        local ss_ok, dom_ok = nx() == "1", nx() == "1"
        o.fallback_keys = {}
        for _ = 1, tonumber(nx()) do o.fallback_keys[#o.fallback_keys + 1] = unhex(nx()) end
        o.secret_key, o.lenient, o.path = "test key", true, path
        if ss_ok then o.samesite = samesite end
        if dom_ok then o.domain = domain end
        local now = tonumber(nx()); local header = unhex(nx()); local status = tonumber(nx())
        local non_text = nx() == "1"; local want_json = unhex(nx())
        local want_sc = {}
        for _ = 1, tonumber(nx()) do want_sc[#want_sc + 1] = unhex(nx()) end
        local want_vary = nx() == "1"
        local n_ops = tonumber(nx())
        local config, _, code = fc.session_config(o)
        if not config then
            check(code == 802 and domain and domain:find("[\128-\255]"), "config " .. idx)
            excluded = excluded + 1
        else
            local s, _, ocode = config:open(header, now)
            if not s and ocode == 801 then
                check(non_text, "non-text " .. idx)
                excluded = excluded + 1
            elseif not s then
                check(status == 500, "open 500 " .. idx)
                cases, f500 = cases + 1, f500 + 1
            else
                for _ = 1, n_ops do
                    local op = nx()
                    if op == "get" then s:get_json(unhex(nx()))
                    elseif op == "set" then local k = unhex(nx()); assert(s:set_json(k, unhex(nx())))
                    elseif op == "setdefault" then
                        local k, val = unhex(nx()), unhex(nx())
                        if not s:contains(k) then assert(s:set_json(k, val)) end
                    elseif op == "pop" then s:remove(unhex(nx()))
                    elseif op == "clear" then s:clear()
                    elseif op == "permanent" then s:set_permanent(nx() == "1")
                    elseif op == "touch" then s:touch()
                    elseif op == "modified" then s:mark_modified() end
                end
                local out = s:save(now)
                local got = 200
                if not out or ((not (ss_ok and dom_ok)) and out.action ~= "none") then got = 500 end
                if check(got == status, "status " .. idx) and status == 200 then
                    check(out.set_cookie == want_sc[1], "set-cookie " .. idx)
                    check(out.vary == want_vary, "vary " .. idx)
                    check(s:to_json() == want_json, "session " .. idx)
                else
                    f500 = f500 + 1
                end
                cases = cases + 1
            end
        end
    elseif kind == "T" then
        local cookie = unhex(nx()); local now = tonumber(nx()); local n = tonumber(nx())
        local config = assert(fc.session_config { secret_key = "test key" })
        local s = assert(config:open("session=" .. cookie, now))
        check(s.state == "opened" and s:len() == n, "typed open")
        for _ = 1, n do
            local k, ty, json, val = unhex(nx()), nx(), unhex(nx()), unhex(nx())
            check(s:get_json(k) == json, "typed json " .. k)
            local iv, _, ic = s:get_int(k)
            if ty == "int" then
                check(iv ~= nil and tostring(iv):gsub("LL$", "") == json or ic == 702, "int " .. k)
            else
                check(ic == 701, "int wrong type " .. k)
            end
            local bv, _, bc = s:get_bool(k)
            if ty == "bool" then check(bv == (json == "true"), "bool " .. k) else check(bc == 701, "bool type " .. k) end
            local sv, _, sc = s:get_str(k)
            if ty == "str" or ty == "Markup" then check(sv == val, "str " .. k)
            elseif ty == "str_lone" then check(sc == 703, "lone " .. k)
            else check(sc == 701, "str type " .. k) end
        end
    elseif kind == "W" then
        local now = tonumber(nx()); local n = tonumber(nx())
        local config = assert(fc.session_config { secret_key = "test key" })
        local s = assert(config:open(nil, now))
        check(s.state == "no_cookie", "written open")
        for _ = 1, n do
            local k, ty = unhex(nx()), nx()
            if ty == "str" then assert(s:set_str(k, unhex(nx())))
            elseif ty == "bool" then assert(s:set_bool(k, nx() == "1"))
            else assert(s:set_int(k, tonumber(nx()))) end -- the values are exact doubles
        end
        local want = unhex(nx())
        local out = assert(s:save(now))
        check(out.action == "set" and out.set_cookie == want and out.vary, "written " .. tostring(out.set_cookie))
    elseif kind == "M" then
        local config = assert(fc.session_config { secret_key = "test key" })
        local s = assert(config:open({ "other=1", "session=" .. unhex(nx()) }, 1700000000))
        check(s.state == "new_malformed_timestamp", "malformed")
    end
end
check(cases + excluded == 600 and cases > 540, "all cases")
print(string.format("flask_cookie.lua: %d Flask cases (%d HTTP 500), %d excluded; %d checks, %d failed",
    cases, f500, excluded, checks, failures))
os.exit(failures == 0 and 0 or 1)
