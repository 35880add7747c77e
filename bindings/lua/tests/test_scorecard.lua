-- Tests of the scorecard functions (targets with statistical verdicts) in
-- the Lua binding. Reference values: the Wilson closed form, linear scans
-- and exact binomial ranks computed in Python with the standard library
-- (see tests/test_scorecard.c and bindings/python/tests/test_scorecard.py).
local svcm = require "svcm"

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then passed = passed + 1 else failed = failed + 1; io.stderr:write("FAIL ", name, ": ", tostring(err), "\n") end
end
local function near(a, b, tol) return math.abs(a - b) <= tol end

test("proportion verdicts", function()
  assert(svcm.target_verdict(960, 1000, 0.9) == "met")
  assert(svcm.target_verdict(95, 100, 0.9, "at_least", 0.95) == "undetermined")
  assert(svcm.target_verdict(80, 100, 0.9) == "missed")
  assert(svcm.target_verdict(3, 1000, 0.01, "at_most") == "met")
  assert(svcm.target_verdict(30, 1000, 0.01, "at_most") == "missed")
  local r = assert(svcm.target_result(95, 100, 0.9))
  assert(r.verdict == "undetermined" and r.n == 100 and r.direction == "at_least")
  assert(near(r.ci[1], 0.8882495307680808, 1e-9) and near(r.ci[2], 0.9784563208456319, 1e-9))
  assert(r.n_to_decide == 139)
  r = assert(svcm.target_result(12, 1000, 0.01, "at_most"))
  assert(r.n_to_decide == 9508)
end)

test("proportion errors", function()
  local v, msg, code = svcm.target_verdict(0, 0, 0.5)
  assert(v == nil and msg and code == -6)
  v, msg, code = svcm.target_verdict(3, 2, 0.5)
  assert(v == nil and code == -1)
  assert(not pcall(svcm.target_verdict, -1, 2, 0.5))
  assert(not pcall(svcm.target_verdict, 1, 2, 0.5, "more"))
  assert(not pcall(svcm.target_verdict, "x", 2, 0.5))
end)

test("mean, quantile and nps", function()
  local r = assert(svcm.target_mean_result({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5.0))
  assert(r.verdict == "undetermined" and r.n_to_decide == 144)
  local v = {}
  for i = 0, 99 do v[#v + 1] = (i * 37) % 100 + 1 end
  r = assert(svcm.target_quantile_result(v, 0.9, 100.0))
  assert(r.ci[1] == 84 and r.ci[2] == 96 and r.value == 90 and r.verdict == "met")
  r = assert(svcm.target_quantile_result(v, 0.9, 93.0, "at_most"))
  assert(r.verdict == "undetermined" and r.n_to_decide == 385)
  local nps = {}
  for _ = 1, 50 do nps[#nps + 1] = 10 end
  for _ = 1, 30 do nps[#nps + 1] = 7 end
  for _ = 1, 20 do nps[#nps + 1] = 3 end
  r = assert(svcm.target_nps_result(nps, 20))
  assert(near(r.value, 30, 1e-9) and r.verdict == "undetermined" and r.n_to_decide == 235)
  local x, _, code, detail = svcm.target_quantile_result({1, 0/0}, 0.5, 1)
  assert(x == nil and code == -1 and detail.index == 1 and detail.field == "values")
  x, _, code = svcm.target_nps_result({11}, 0)
  assert(x == nil and code == -1)
end)

test("changes", function()
  assert(svcm.target_change(80, 100, 90, 100) == "better")
  assert(svcm.target_change(80, 100, 90, 100, "at_most") == "worse")
  assert(svcm.target_change(85, 100, 90, 100) == "unchanged")
  -- direction is a choice: ">=" and "<=" are synonyms; others raise, naming the choices.
  assert(svcm.target_change(80, 100, 90, 100, "<=") == "worse")
  assert(svcm.target_change{previous_successes = 80, previous_trials = 100, successes = 90,
                            trials = 100, direction = ">="} == "better")
  local ok, msg = pcall(svcm.target_change, 80, 100, 90, 100, "up")
  assert(not ok and msg:find("expected 'at_least', 'at_most', '>=' or '<=', got 'up'", 1, true), msg)
  ok, msg = pcall(svcm.target_change, -1, 100, 90, 100)
  assert(not ok and msg:find("count must be non-negative", 1, true), msg)
  assert(svcm.target_mean_change({1, 2, 3, 4, 5}, {11, 12, 13, 14, 15}) == "better")
  assert(svcm.target_mean_change({1, 2, 3}, {1.5, 2.5, 3.5}) == "unchanged")
  local x, _, code = svcm.target_mean_change({1}, {1, 2})
  assert(x == nil and code == -6)
end)

test("targets text", function()
  local text = "# standards\ncsat_top2 >= 90%\nfirst_response_p90 <= 1h\nnps >= 30\n"
  local t = assert(svcm.targets_parse(text))
  assert(#t == 3)
  assert(t[1].name == "csat_top2" and t[1].direction == "at_least" and t[1].value == 90 and t[1].unit == "%")
  assert(t[2].unit == "h" and t[2].direction == "at_most")
  assert(t[3].unit == "")
  local out = assert(svcm.targets_format(t))
  assert(out == "csat_top2 >= 90%\nfirst_response_p90 <= 1h\nnps >= 30\n", out)
  local x, _, code, detail = svcm.targets_parse("fcr >= 70%\nnps => 30\n")
  assert(x == nil and code == -5 and detail.line == 2 and detail.column == 5 and detail.field == "direction")
  x, _, code, detail = svcm.targets_format({{name = "fcr", direction = "at_least", value = 170, unit = "%"}})
  assert(x == nil and code == -1 and detail.field == "value")
  assert(not pcall(svcm.targets_format, {{name = "fcr", direction = "up", value = 1}}))
  assert(not pcall(svcm.targets_format, {{name = "fcr", direction = "at_least", value = 1, unit = "w"}}))
  assert(not pcall(svcm.targets_format, {5}))
  assert(not pcall(svcm.targets_parse, {}))
end)

test("accumulators", function()
  local v = {}
  for i = 0, 99 do v[#v + 1] = (i * 37) % 100 + 1 end
  local d = svcm.Durations()
  d:add(v)
  for _, t in ipairs({80, 93, 100}) do
    local a = assert(svcm.target_durations_result(d, 0.9, t))
    local b = assert(svcm.target_quantile_result(v, 0.9, t))
    assert(a.verdict == b.verdict and a.ci[1] == b.ci[1] and a.ci[2] == b.ci[2] and a.n_to_decide == b.n_to_decide)
  end
  local x, _, code = svcm.target_durations_result(svcm.Durations(), 0.9, 1)
  assert(x == nil and code == -6)
  assert(not pcall(svcm.target_durations_result, 5, 0.9, 1))
  local closed = svcm.Durations()
  closed:close()
  assert(not pcall(svcm.target_durations_result, closed, 0.9, 1))
  assert(svcm.target_durations_result{durations = d, q = 0.9, target = 100}.n == 100)
  assert(not pcall(svcm.target_durations_result, svcm.NPS(), 0.9, 1))
  local a, b = svcm.NPS(), svcm.NPS()
  for _ = 1, 50 do a:add(10) end
  for _ = 1, 30 do a:add(7) end
  for _ = 1, 20 do a:add(3) end
  for _ = 1, 70 do b:add(10) end
  for _ = 1, 20 do b:add(7) end
  for _ = 1, 10 do b:add(3) end
  local r = assert(svcm.target_feedback_result(a, 20))
  assert(r.verdict == "undetermined" and r.n_to_decide == 235)
  assert(svcm.target_feedback_change(a, b) == "better")
  assert(svcm.target_feedback_change(a, b, "at_most") == "worse")
  x, _, code = svcm.target_feedback_change(a, svcm.CSAT())
  assert(x == nil and code == -8)
  assert(not pcall(svcm.target_feedback_result, d, 1))
  assert(svcm.target_scaled(90, "%") == 0.9 and svcm.target_scaled(1.5, "h") == 5400 and svcm.target_scaled(30) == 30)
  x, _, code = svcm.target_scaled(1e308, "d")
  assert(x == nil and code == -3)
  assert(not pcall(svcm.target_scaled, 1, "w"))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
