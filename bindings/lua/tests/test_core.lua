-- Tests of the core of the svcm Lua binding: version, errors, statistics.
local svcm = require "svcm"

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then passed = passed + 1 else failed = failed + 1; io.stderr:write("FAIL ", name, ": ", tostring(err), "\n") end
end
local function close(a, b, tol, what)
  assert(math.abs(a - b) <= tol, string.format("%s: %.17g vs %.17g", what or "value", a, b))
end

test("version is the C library version", function()
  assert(svcm.version() == "0.2.0")
  assert(svcm._VERSION == "0.2.0")
  assert(svcm.codes.EINVAL == -1 and svcm.codes.OK == 0 and svcm.codes.EIO == -12)
  assert(svcm.strerror(-1) == "invalid argument")
  assert(svcm.status_name(-1) == "SVCM_EINVAL" and svcm.status_name(-999) == "SVCM_EUNKNOWN")
  for name, code in pairs(svcm.codes) do assert(svcm.status_name(code) == "SVCM_" .. name, name) end
end)

test("wilson matches Newcombe 1998", function()
  -- Newcombe (1998), Statistics in Medicine 17:857-872, score method.
  local lo, hi = svcm.wilson(81, 263)
  close(lo, 0.2553, 5e-5, "lo"); close(hi, 0.3662, 5e-5, "hi")
  lo, hi = svcm.wilson(0, 20, 0.95)
  assert(lo == 0); close(hi, 0.1611, 5e-5, "hi")
end)

test("expected failures return nil, message, code", function()
  local r, msg, code = svcm.wilson(3, 2)
  assert(r == nil and code == svcm.codes.EINVAL and type(msg) == "string")
  r, msg, code = svcm.wilson(0, 0)
  assert(r == nil and code == svcm.codes.EEMPTY)
  r, msg, code = svcm.normal_quantile(1.5)
  assert(r == nil and code == svcm.codes.EINVAL)
end)

test("the fourth value is the error detail, absent keys for absent values", function()
  local m = svcm.Moments()
  local r, msg, code, e = m:add{1, 0/0, 3}
  assert(r == nil and e.code == code and e.index == 1 and e.field == "value", msg)
  assert(e.line == nil and e.column == nil)
  r, msg, code, e = svcm.normal_quantile(1.5)
  assert(r == nil and e.code == svcm.codes.EINVAL and e.index == nil and e.line == nil, msg)
end)

test("misuse raises", function()
  assert(not pcall(svcm.wilson, "x", 2))
  assert(not pcall(svcm.wilson, -1, 2))
  assert(not pcall(svcm.Moments, {1, "a"}))
  assert(not pcall(svcm.Moments().merge, svcm.Moments(), 3))
end)

test("normal and t against mpmath", function()
  close(svcm.normal_quantile(0.975), 1.9599639845400542355, 1e-12)
  close(svcm.t_quantile(0.975, 10), 2.2281388519862742245, 1e-10)
  close(svcm.t_cdf(1.0, 1), 0.75, 1e-14)
  close(svcm.normal_cdf(0), 0.5, 0)
end)

test("welch published example", function()
  -- Wikipedia "Welch's t-test", example 1: t = 2.46, df = 24.99, p = 0.021.
  local a = svcm.Moments{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4}
  local b = svcm.Moments{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4}
  local r = svcm.welch_t_test(a.mean, a:variance(), a.n, b.mean, b:variance(), b.n)
  close(r.statistic, 2.4553563982860051, 1e-10, "t")
  close(r.df, 24.988529290231414, 1e-8, "df")
  close(r.p_value, 0.021378001462867032, 1e-10, "p")
  close(r.ci[1], 0.34923706619240523, 1e-8, "lo")
end)

test("two-proportion z", function()
  local r = svcm.two_proportion_z_test(120, 400, 90, 400)
  close(r.statistic, -2.4106302110709235, 1e-12)
  close(r.p_value, 0.015924985627566952, 1e-12)
  local x, _, code = svcm.two_proportion_z_test(0, 10, 0, 10)
  assert(x == nil and code == svcm.codes.ERANGE)
end)

test("moments: merge, bytes, errors name the record", function()
  local a, b = svcm.Moments{1, 2, 3}, svcm.Moments{4, 5}
  a:merge(b)
  assert(a.n == 5 and #a == 5)
  close(a.mean, 3, 1e-15); close(a:variance(), 2.5, 1e-14)
  local back = svcm.moments_from_bytes(a:to_bytes())
  assert(back.n == 5 and back.mean == a.mean and back.max == 5)
  local r, msg, code = svcm.moments_from_bytes("SVCM")
  assert(r == nil and code == svcm.codes.EFORMAT)
  local m = svcm.Moments()
  r, msg, code = m:add{1, 0/0, 3}
  assert(r == nil and code == svcm.codes.EINVAL and msg:find("record 1", 1, true), msg)
  assert(m.n == 0)
  r, msg, code = m:variance()
  assert(r == nil and code == svcm.codes.EEMPTY)
  assert(m:add(7) == m and m.n == 1)
end)

test("tiers", function()
  assert(#svcm.TIER_NAMES == 5 and svcm.TIER_NAMES[1] == "vip" and svcm.TIER_NAMES[5] == "lost")
  assert(svcm.tier_name(svcm.TIER_KEY) == "key")
  assert(svcm.tier_parse("Important") == svcm.TIER_KEY)
  local r, _, code = svcm.tier_parse("gold")
  assert(r == nil and code == svcm.codes.EINVAL)
  r, _, code = svcm.tier_name(9) -- generated: nil, message, code, as tier_parse
  assert(r == nil and code == svcm.codes.EINVAL)
  assert(not pcall(svcm.tier_name, "key"))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
