-- Tests of svcm.Sketch and svcm.Durations in the Lua binding.
-- Reference values: exact order statistics of the same data (table.sort),
-- the lower nearest rank x[floor(q (n - 1))] of Masson, Rim and Lee,
-- "DDSketch", VLDB 2019; hand computations in comments.
local svcm = require "svcm"

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then passed = passed + 1 else failed = failed + 1; io.stderr:write("FAIL ", name, ": ", tostring(err), "\n") end
end

-- A small deterministic generator (LCG, Knuth MMIX constants) so that the
-- data do not depend on Lua's math.random implementation.
local function rng(seed)
  local s = seed
  return function()
    s = (s * 6364136223846793005 + 1442695040888963407)
    return ((s >> 11) + 0.5) / 9007199254740992.0
  end
end

local function lognormal(n, seed)
  local u, xs = rng(seed), {}
  for i = 1, n do
    local z = math.sqrt(-2 * math.log(u())) * math.cos(2 * math.pi * u())
    xs[i] = math.exp(6 + 1.5 * z)
  end
  return xs
end

local function exact(sorted, q) return sorted[math.floor(q * (#sorted - 1)) + 1] end

local function check_within(s, xs, rel_err)
  local sorted = {}
  for i, x in ipairs(xs) do sorted[i] = x end
  table.sort(sorted)
  for i = 0, 500 do
    local q = i / 500
    local v, x = s:quantile(q), exact(sorted, q)
    assert(math.abs(v - x) <= rel_err * x, string.format("q=%g: %.17g vs %.17g", q, v, x))
  end
end

test("constructor, defaults and options", function()
  local s = svcm.Sketch()
  local o = s:options()
  assert(o.rel_err == 0.01 and o.max_buckets == 2048 and o.exact_limit == 1024)
  s = svcm.Sketch{rel_err = 0.05, max_buckets = 100, exact_limit = 0}
  o = s:options()
  assert(o.rel_err == 0.05 and o.max_buckets == 100 and o.exact_limit == 0)
  assert(#s == 0 and s:count() == 0)
  assert(tostring(s):find("svcm.Sketch", 1, true))
  local st = s:stats()
  assert(st.count == 0 and st.mean ~= st.mean and st.exact == true)
end)

test("bad options return nil, message, code", function()
  for _, opts in ipairs{{rel_err = 0}, {rel_err = 0.9}, {max_buckets = 3}, {exact_limit = -1}} do
    local r, msg, code = svcm.Sketch(opts)
    assert(r == nil and type(msg) == "string" and code == svcm.codes.EINVAL)
  end
  assert(not pcall(svcm.Sketch, {rel_err = "x"}))
end)

test("exact mode: lower nearest rank", function()
  local s = svcm.Sketch()
  assert(s:add({5, 1, 4, 2, 3}) == s)
  -- sorted 1 2 3 4 5; r = floor(q * 4): .5 -> 3, .75 -> 4, .9 -> floor(3.6) -> 4
  assert(s:quantile(0.5) == 3 and s:quantile(0.75) == 4 and s:quantile(0.9) == 4)
  assert(s:quantile(0) == 1 and s:quantile(1) == 5)
  local qs = s:quantiles({0.25, 0.5})
  assert(qs[1] == 2 and qs[2] == 3)
  local st = s:stats()
  assert(st.exact and st.sum == 15 and st.mean == 3 and st.min == 1 and st.max == 5)
  assert(st.zero_count == 0 and st.buckets > 0 and st.collapsed_below == 0)
  assert(s:reset() == s and #s == 0 and s:options().rel_err == 0.01)
  local r, _, code = s:quantile(0.5)
  assert(r == nil and code == svcm.codes.EEMPTY)
end)

test("lognormal quantiles within relative error", function()
  local xs = lognormal(20000, 1)
  for _, a in ipairs{0.01, 0.002} do
    local s = svcm.Sketch{rel_err = a, exact_limit = 0, max_buckets = 65536}
    s:add(xs)
    assert(s:stats().exact == false)
    check_within(s, xs, a)
  end
end)

test("adversarial data within relative error", function()
  local u = rng(2)
  local cases = {{}, {}, {3.25}, {}}
  for i = 1, 3000 do
    cases[1][i] = 42.0                              -- constant
    cases[2][i] = 0.0                               -- zeros
    cases[4][i] = 10 ^ (-6 + 15 * u())              -- 1e-6 .. 1e9
  end
  for _, xs in ipairs(cases) do
    local s = svcm.Sketch{exact_limit = 0}
    s:add(xs)
    assert(s:stats().collapsed_below == 0)
    check_within(s, xs, 0.01)
  end
end)

test("bad values return nil, message, code and add nothing", function()
  local s = svcm.Sketch()
  s:add({1, 2})
  for _, bad in ipairs{-1, 0 / 0, math.huge} do
    local r, msg, code = s:add({3, bad})
    assert(r == nil and code == svcm.codes.EINVAL)
    assert(msg:find("record 1", 1, true) and msg:find("value", 1, true), msg)
    r, msg, code = s:add(bad)
    assert(r == nil and code == svcm.codes.EINVAL)
  end
  assert(#s == 2)
  assert(not pcall(s.add, s, {1, "a"}))
  assert(not pcall(s.add, s, "x"))
  local r, _, code = s:quantile(1.5)
  assert(r == nil and code == svcm.codes.EINVAL)
  r, _, code = svcm.Sketch():quantile(0.5)
  assert(r == nil and code == svcm.codes.EEMPTY)
end)

test("merge equals one sketch fed all; mismatch fails", function()
  local xs = lognormal(10000, 3)
  local a, b, all = svcm.Sketch{exact_limit = 0}, svcm.Sketch{exact_limit = 0}, svcm.Sketch{exact_limit = 0}
  local first, second = {}, {}
  for i, x in ipairs(xs) do
    if i <= 3000 then first[#first + 1] = x else second[#second + 1] = x end
  end
  a:add(first); b:add(second); all:add(xs)
  assert(a:merge(b) == a)
  assert(#a == #all)
  for i = 0, 100 do assert(a:quantile(i / 100) == all:quantile(i / 100)) end
  local r, _, code = a:merge(svcm.Sketch{rel_err = 0.02})
  assert(r == nil and code == svcm.codes.EMISMATCH)
  assert(not pcall(a.merge, a, svcm.Durations()))
end)

test("bytes round trip and damage", function()
  local s = svcm.Sketch{exact_limit = 0}
  s:add(lognormal(500, 4))
  local b = s:to_bytes()
  assert(b:sub(1, 4) == "SVCM")
  local t = svcm.Sketch.from_bytes(b)
  local u = svcm.sketch_from_bytes(b)
  assert(t:to_bytes() == b and u:to_bytes() == b)
  for i = 0, 100 do assert(t:quantile(i / 100) == s:quantile(i / 100)) end
  for cut = 0, #b - 1, 5 do
    local r, _, code = svcm.Sketch.from_bytes(b:sub(1, cut))
    assert(r == nil and code == svcm.codes.EFORMAT)
  end
  local r, _, code = svcm.Durations.from_bytes(b)
  assert(r == nil and code == svcm.codes.EFORMAT)
end)

test("bounded memory under a huge range", function()
  local u, xs = rng(5), {}
  for i = 1, 5000 do xs[i] = 10 ^ (-300 + 600 * u()) end
  local s = svcm.Sketch{exact_limit = 0}
  s:add(xs)
  local st = s:stats()
  assert(st.buckets == 2048 and st.collapsed_below > 0)
end)

test("close, __close and closed handles", function()
  local s = svcm.Sketch()
  s:add(1)
  s:close()
  assert(not pcall(s.add, s, 1))
  assert(tostring(s) == "svcm.Sketch(closed)")
  s:close() -- twice is fine
  do
    local t <close> = svcm.Sketch()
    t:add(2)
  end
end)

test("durations summary of 1..10", function()
  local d = svcm.Durations()
  assert(d:add({7, 3, 10, 1, 5, 2, 9, 4, 8, 6}) == d)
  local r = d:summary()
  -- mean 5.5; sample variance 82.5 / 9; std sqrt(9.1666...) = 3.0276503540974917
  assert(r.count == 10 and r.sum == 55 and math.abs(r.mean - 5.5) < 1e-15)
  assert(math.abs(r.std - 3.0276503540974917) < 1e-14)
  assert(r.min == 1 and r.max == 10)
  assert(r.p50 == 5 and r.p90 == 9 and r.p95 == 9 and r.p99 == 9)
  assert(d:result().p50 == 5 and #d == 10 and d:count() == 10)
  assert(d:quantile(0.25) == 3 and d:quantiles({1})[1] == 10)
end)

test("durations errors, merge, bytes, reset", function()
  local d = svcm.Durations()
  local r, _, code = d:summary()
  assert(r == nil and code == svcm.codes.EEMPTY)
  r, _, code = d:add({1, -2})
  assert(r == nil and code == svcm.codes.EINVAL and #d == 0)
  d:add(42)
  assert(d:summary().std ~= d:summary().std) -- nan with one value
  local xs = lognormal(3000, 6)
  local a, b, all = svcm.Durations(), svcm.Durations(), svcm.Durations()
  local first, second = {}, {}
  for i, x in ipairs(xs) do
    if i <= 1000 then first[#first + 1] = x else second[#second + 1] = x end
  end
  a:add(first); b:add(second); all:add(xs)
  assert(a:merge(b) == a)
  local ra, rall = a:summary(), all:summary()
  assert(ra.count == rall.count and ra.p99 == rall.p99 and ra.p50 == rall.p50)
  assert(math.abs(ra.std - rall.std) <= 1e-10 * rall.std)
  r, _, code = a:merge(svcm.Durations{exact_limit = 5})
  assert(r == nil and code == svcm.codes.EMISMATCH)
  local bytes = a:to_bytes()
  local back = svcm.Durations.from_bytes(bytes)
  assert(back:to_bytes() == bytes and svcm.durations_from_bytes(bytes):summary().p90 == ra.p90)
  r, _, code = svcm.Durations.from_bytes(bytes:sub(1, -2))
  assert(r == nil and code == svcm.codes.EFORMAT)
  assert(a:reset() == a and #a == 0)
  a:close()
  assert(not pcall(a.summary, a))
end)

test("counts past math.maxinteger stay positive", function()
  -- 63 self-merges of one value count 2^63, one past math.maxinteger: the
  -- count is then a float (it was cast to a negative integer).
  local s = svcm.Sketch{exact_limit = 0}
  s:add(1.5)
  for _ = 1, 63 do assert(s:merge(s)) end
  assert(s:count() == 2.0^63 and s:count() > 0)
  assert(s:stats().count == 2.0^63)
  assert(tostring(s):find("count=9223372036854775808", 1, true))
  local d = svcm.Durations{exact_limit = 0}
  d:add(2.0)
  for _ = 1, 63 do assert(d:merge(d)) end
  assert(d:count() == 2.0^63 and d:summary().count == 2.0^63)
  s:add(0) -- small counts stay integers
  local t = svcm.Sketch()
  t:add({0, 1})
  assert(math.type(t:count()) == "integer" and math.type(t:stats().zero_count) == "integer")
end)

test("a sum past the largest double is inf and round-trips", function()
  local big = 1.7976931348623157e308
  for _, limit in ipairs({0, 1024}) do
    local s = svcm.Sketch{exact_limit = limit}
    assert(s:add({big, big}))
    assert(s:stats().sum == math.huge)
    local back = assert(svcm.Sketch.from_bytes(s:to_bytes()))
    assert(back:stats().sum == math.huge and back:stats().max == big)
  end
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
