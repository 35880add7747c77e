-- Tests of svcm.funnel and svcm.Journey in the Lua binding.
-- Reference values: the worked log of tests/test_journey.c, counted by hand
-- there (funnel visit -> quote -> buy, window 10 s, paths of 3).
local svcm = require "svcm"

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then passed = passed + 1 else failed = failed + 1; io.stderr:write("FAIL ", name, ": ", tostring(err), "\n") end
end
local function near(a, b, tol) return math.abs(a - b) <= (tol or 1e-12) * math.max(1, math.abs(b)) end
local function isnan(x) return x ~= x end
local NAN = 0 / 0

-- customer, touchpoint, time, score, lost
local WORKED = {
  {"c1", "visit", 0, 4, false}, {"c1", "quote", 3, 5, false}, {"c1", "buy", 5, NAN, false},
  {"c2", "visit", 1, 2, false}, {"c2", "quote", 20, NAN, false},
  {"c3", "quote", 0, NAN, false}, {"c3", "visit", 2, NAN, false},
  {"c3", "buy", 4, NAN, false}, {"c3", "quote", 6, NAN, false},
  {"c4", "buy", 9, NAN, false}, {"c4", "visit", 7, NAN, false},
  {"c4", "quote", 8, NAN, false}, {"c4", "visit", 5, NAN, false},
  {"c5", "support", 0, NAN, true},
  {"c6", "buy", 0, NAN, true}, {"c6", "visit", 3, NAN, false},
  {"c7", "visit", 0, NAN, false}, {"c7", "quote", 1, NAN, false},
}
local STEPS = {"visit", "quote", "buy"}

local function columns(rows)
  local c = {customer = {}, touchpoint = {}, time = {}, score = {}, lost = {}}
  for i, r in ipairs(rows) do
    c.customer[i], c.touchpoint[i], c.time[i], c.score[i], c.lost[i] = r[1], r[2], r[3], r[4], r[5]
  end
  return c
end

test("funnel of the worked log", function()
  local c = columns(WORKED)
  local rows = assert(svcm.funnel(c.customer, c.touchpoint, c.time, STEPS, 10))
  assert(#rows == 3)
  assert(rows[1].reached == 6 and rows[2].reached == 4 and rows[3].reached == 2)
  assert(rows[1].continued == 4 and rows[3].continued == 0)
  assert(near(rows[1].drop_rate, 1 / 3) and near(rows[2].drop_rate, 0.5))
  assert(isnan(rows[3].drop_rate))
  assert(near(rows[1].ci[1], 0.0967714111, 1e-8) and near(rows[1].ci[2], 0.7000066849, 1e-8))
  assert(rows[2].touchpoint == "quote" and near(rows[2].time_mean, 2.75))
  -- no window: c2 reaches quote
  rows = assert(svcm.funnel(c.customer, c.touchpoint, c.time, STEPS))
  assert(rows[2].reached == 5)
end)

test("journey: touchpoints, paths, merge", function()
  local j = assert(svcm.Journey{steps = STEPS, window = 10, path_len = 3})
  for _, r in ipairs(WORKED) do assert(j:add(r[1], r[2], r[3], r[4], r[5])) end
  local r = j:result()
  assert(r.events == 18 and r.customers == 7 and r.lost_customers == 2)
  assert(r.entered == 6 and r.completed == 2 and near(r.conversion, 1 / 3))
  local t = j:touchpoints()
  assert(t[1].touchpoint == "support" and t[2].touchpoint == "visit")
  assert(t[3].touchpoint == "buy" and t[4].touchpoint == "quote")
  assert(near(t[1].excess, 5 / 14) and near(t[1].lift, 3.5))
  assert(t[2].mean_score == 3 and t[4].mean_score == 5)
  local p = j:paths(2)
  assert(#p == 2 and p[1].customers == 2 and p[1].touchpoints[1] == "visit")
  assert(p[1].touchpoints[2] == "quote" and #p[1].touchpoints == 2 and not p[1].truncated)
  assert(#j:paths() == 6)
  local o = j:options()
  assert(o.window == 10 and o.path_len == 3 and o.steps[3] == "buy")
  -- batch in reverse, and two halves merged: the same figures
  local b = assert(svcm.Journey{steps = STEPS, window = 10, path_len = 3})
  local rev = {}
  for i = #WORKED, 1, -1 do rev[#rev + 1] = WORKED[i] end
  assert(b:add_batch(columns(rev)))
  local x = assert(svcm.Journey{steps = STEPS, window = 10, path_len = 3})
  local y = assert(svcm.Journey{steps = STEPS, window = 10, path_len = 3})
  for i, w in ipairs(WORKED) do assert((i % 2 == 0 and x or y):add(w[1], w[2], w[3], w[4], w[5])) end
  assert(x:merge(y))
  for _, other in ipairs{b, x} do
    local s1, s2 = j:steps(), other:steps()
    for k = 1, 3 do
      assert(s1[k].reached == s2[k].reached)
      assert(s1[k].time_max == s2[k].time_max or (isnan(s1[k].time_max) and isnan(s2[k].time_max)))
    end
    local t2 = other:touchpoints()
    for k = 1, 4 do assert(t[k].touchpoint == t2[k].touchpoint and t[k].events == t2[k].events) end
    assert(other:result().events == 18)
  end
  assert(tostring(j):find("events=18"))
  j:close()
  assert(tostring(j) == "svcm.Journey(closed)")
end)

test("errors name the record and field", function()
  local j = assert(svcm.Journey{steps = STEPS})
  local ok, msg, code, detail = j:add_batch{customer = {"a", "b"}, touchpoint = {"x", "y"}, time = {0, 1 / 0}}
  assert(ok == nil and code == -1, tostring(code))
  assert(detail.index == 1 and detail.field == "time", tostring(detail.field))
  ok, msg, code, detail = j:add("a", "", 0)
  assert(ok == nil and detail.field == "touchpoint")
  ok, msg, code, detail = svcm.Journey{steps = {"a", "a"}}
  assert(ok == nil and detail.field == "steps")
  ok, msg, code, detail = svcm.Journey{path_len = 0}
  assert(ok == nil and detail.field == "path_len")
  ok = svcm.Journey{steps = STEPS, window = 5}
  ok, msg = j:merge(ok)
  assert(ok == nil)
  assert(not pcall(j.add, j, {}, "x", 0))
  assert(not pcall(j.add_batch, j, {customer = {"a"}, touchpoint = {"x", "y"}, time = {0}}))
  assert(not pcall(svcm.funnel, {"a"}, {"x"}, {0}, "x"))
  ok, msg, code, detail = svcm.funnel({"a"}, {"x"}, {0}, {"x"}, -1)
  assert(ok == nil and detail.field == "window_s")
  assert(j:result().events == 0)
  assert(j:add(7, "x", 0) and j:add("7", "x", 1))
  assert(j:result().customers == 1)
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
