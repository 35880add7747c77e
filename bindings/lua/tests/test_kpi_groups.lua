-- Tests of svcm.kpi_groups (grouped KPI accumulators, src/kpi_groups.c)
-- from Lua: each slot agrees with the stand-alone accumulator fed the same
-- values, merging partitions equals one object, the saved form round-trips,
-- bad input fails naming its field. Groups and slots count from 1.
-- Reference values: the published NPS interval of test_feedback.lua
-- (whuber, Cross Validated), Wilson 1927 written out below, brute-force
-- counts computed here.
local svcm = require "svcm"

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
  end
end

local function near(a, b, tol, what)
  if not (math.abs(a - b) <= tol) then
    error(string.format("%s: got %.17g, expected %.17g (tol %g)", what or "value", a, b, tol), 2)
  end
end

local NPS, CSAT, FCR, FIRST, SLA = 1, 2, 3, 4, 5
local SLOTS = {"nps", {"csat", scale = 5, top_boxes = 2, low = 1}, {"rate", kind = "fcr"},
               {"durations", exact_limit = 4096}, "sla"}
local CHANNELS = {"email", "chat", "phone", "Ünïcode"}

-- n pseudo-random events {channel, nps, csat, fcr, seconds, sla outcome}
-- from a small linear congruential generator (reproducible).
local function events(n, seed)
  local s = seed
  local function below(m)
    s = (s * 1103515245 + 12345) % 2147483648
    return (s >> 16) % m -- the high bits: an LCG's low bits have short periods
  end
  local out = {}
  for i = 1, n do
    out[i] = {CHANNELS[1 + below(#CHANNELS)], below(11), 1 + below(5), below(10) < 7,
              30.0 + below(90000), below(3)}
  end
  return out
end

local function feed(g, evs)
  for _, e in ipairs(evs) do
    local k = assert(g:group(e[1]))
    assert(g:add_score(k, NPS, e[2]))
    assert(g:add_score(k, CSAT, e[3]))
    assert(g:add_outcome(k, FCR, e[4]))
    assert(g:add_duration(k, FIRST, e[5]))
    assert(g:add_sla(k, SLA, e[6] == 0 and 1 or 0, e[6] == 1 and 1 or 0, e[6] == 2 and 1 or 0))
  end
end

local function same_table(a, b, tol, what)
  for key, v in pairs(b) do
    if type(v) == "table" then
      same_table(a[key], v, tol, what .. "." .. key)
    elseif type(v) == "number" and tol > 0 then
      near(a[key], v, tol * math.max(1, math.abs(v)), what .. "." .. key)
    else
      assert(a[key] == v, what .. "." .. key .. ": " .. tostring(a[key]) .. " ~= " .. tostring(v))
    end
  end
end

local function wilson(successes, n, z)
  local p = successes / n
  local centre = (p + z * z / (2 * n)) / (1 + z * z / n)
  local half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
  return centre - half, centre + half
end

test("each group equals its own stand-alone accumulators", function()
  local evs = events(2000, 7)
  local g <close> = assert(svcm.kpi_groups(SLOTS))
  feed(g, evs)
  assert(#g == #CHANNELS and g:count() == #CHANNELS)
  for _, key in ipairs(CHANNELS) do
    local nps, csat, fcr = {}, {}, svcm.Rate("fcr")
    local durs = svcm.Durations{exact_limit = 4096}
    local promoters, detractors = 0, 0
    for _, e in ipairs(evs) do
      if e[1] == key then
        nps[#nps + 1], csat[#csat + 1] = e[2], e[3]
        assert(fcr:add(e[4]))
        assert(durs:add(e[5]))
        if e[2] >= 9 then promoters = promoters + 1 elseif e[2] <= 6 then detractors = detractors + 1 end
      end
    end
    local k = g:find(key)
    same_table(assert(g:feedback(k, NPS)), assert(svcm.nps(nps)), 0, key .. " nps")
    same_table(assert(g:feedback(k, CSAT, 0.9)),
               assert(svcm.csat(csat, {scale = 5, top_boxes = 2, low = 1, confidence = 0.9})), 0,
               key .. " csat")
    same_table(assert(g:rate(k, FCR)), assert(fcr:result()), 0, key .. " fcr")
    same_table(assert(g:durations(k, FIRST)), assert(durs:summary()), 0, key .. " durations")
    local r = g:feedback(k, NPS)
    assert(r.promoters == promoters and r.detractors == detractors and r.n == #nps)
    near(r.value, 100 * (promoters - detractors) / #nps, 1e-12, "nps by hand")
  end
end)

test("sla rate and Wilson interval, pending left out", function()
  local g <close> = assert(svcm.kpi_groups{"sla"})
  local k = g:group("queue")
  assert(g:add_sla(k, 1, 45, 5, 7))
  local r = assert(g:sla(k, 1, 0.95))
  assert(r.met == 45 and r.breached == 5 and r.pending == 7)
  near(r.rate, 0.9, 1e-15, "rate")
  local lo, hi = wilson(45, 50, 1.959963984540054) -- z of 0.975
  near(r.ci[1], lo, 1e-9, "lo")
  near(r.ci[2], hi, 1e-9, "hi")
  local h = assert(svcm.kpi_groups{"sla"})
  assert(h:add_sla(h:group("x"), 1, 0, 0, 3))
  local e = assert(h:sla(1, 1))
  assert(e.rate ~= e.rate and e.ci[1] ~= e.ci[1], "nothing decided gives NaN")
  h:close()
end)

test("nps interval of a group matches the published example", function()
  -- whuber, Cross Validated "How can I calculate margin of error in a NPS
  -- result?": 150 promoters, 100 passives, 50 detractors: [24.898991, 41.767675].
  local g = assert(svcm.kpi_groups{"nps"})
  local k = g:group("web")
  for _, p in ipairs{{10, 90}, {9, 60}, {8, 50}, {7, 50}, {3, 20}, {6, 30}} do
    for _ = 1, p[2] do assert(g:add_score(k, 1, p[1])) end
  end
  local r = g:feedback(k, 1)
  near(r.value, 100 / 3, 1e-12, "nps")
  near(r.ci[1], 24.898991, 1e-6, "lo")
  near(r.ci[2], 41.767675, 1e-6, "hi")
end)

test("merge of two partitions equals one object", function()
  local evs = events(1500, 3)
  local whole, a, b = svcm.kpi_groups(SLOTS), svcm.kpi_groups(SLOTS), svcm.kpi_groups(SLOTS)
  feed(whole, evs)
  feed(a, {table.unpack(evs, 1, 600)})
  feed(b, {table.unpack(evs, 601)})
  assert(a:merge(b))
  assert(#a == #whole)
  for _, key in ipairs(whole:keys()) do
    local i, j = a:find(key), whole:find(key)
    same_table(a:feedback(i, NPS), whole:feedback(j, NPS), 0, key)
    same_table(a:feedback(i, CSAT), whole:feedback(j, CSAT), 0, key)
    same_table(a:rate(i, FCR), whole:rate(j, FCR), 0, key)
    same_table(a:sla(i, SLA), whole:sla(j, SLA), 0, key)
    -- merged moments differ from sequential ones by rounding only
    same_table(a:durations(i, FIRST), whole:durations(j, FIRST), 1e-12, key)
  end
  local other = svcm.kpi_groups{"nps"}
  local ok, msg, code = a:merge(other)
  assert(ok == nil and code == svcm.codes.EMISMATCH, msg)
end)

test("batch adds equal one-by-one adds, all or nothing", function()
  local one, many = svcm.kpi_groups(SLOTS), svcm.kpi_groups(SLOTS)
  for _, g in ipairs({one, many}) do g:group("email"); g:group("chat") end
  local groups, scores, fcr, secs = {1, 2, 2, 1}, {9, 10, 3, 7}, {1, 0, 1, 1}, {30, 60.5, 5, 12}
  for i = 1, 4 do
    one:add_score(groups[i], NPS, scores[i])
    one:add_outcome(groups[i], FCR, fcr[i] == 1)
    one:add_duration(groups[i], FIRST, secs[i])
  end
  assert(many:add_scores(groups, NPS, scores) == many)
  assert(many:add_outcomes(groups, FCR, fcr) == many)
  assert(many:add_durations(groups, FIRST, secs) == many)
  for gi = 1, 2 do
    same_table(many:feedback(gi, NPS), one:feedback(gi, NPS), 0, "nps")
    same_table(many:rate(gi, FCR), one:rate(gi, FCR), 0, "fcr")
    same_table(many:durations(gi, FIRST), one:durations(gi, FIRST), 0, "durations")
  end
  local ok, msg, code, detail = many:add_scores({1, 3}, NPS, {9, 9}) -- no group 3
  assert(ok == nil and code == svcm.codes.EINVAL and detail.field == "groups", msg)
  assert(detail.index == 1, msg) -- the second record: indices count from 0, as in Python
  same_table(many:feedback(1, NPS), one:feedback(1, NPS), 0, "nothing added")
end)

test("to_bytes round trip and malformed bytes", function()
  local g = svcm.kpi_groups(SLOTS)
  feed(g, events(300, 11))
  local data = g:to_bytes()
  local h = assert(svcm.kpi_groups_load(data))
  assert(h:to_bytes() == data)
  -- the class table: svcm.KPIGroups{...} and KPIGroups.from_bytes as well
  assert(svcm.KPIGroups.from_bytes(data):to_bytes() == data)
  assert(#svcm.KPIGroups(SLOTS) == 0 and #h == #g and #g > 0)
  assert(tostring(h):find("svcm.KPIGroups slots=", 1, true))
  assert(table.concat(h:keys(), ",") == table.concat(g:keys(), ","))
  same_table(h:slots(), g:slots(), 0, "slots")
  local slots = g:slots()
  assert(slots[2][1] == "csat" and slots[2].top_boxes == 2 and slots[3].kind == "fcr")
  assert(slots[4].exact_limit == 4096 and slots[5][1] == "sla")
  same_table(assert(svcm.kpi_groups(slots)):slots(), slots, 0, "slots back")
  for _, bad in ipairs{"", data:sub(1, -2), data .. "\0"} do
    local x, msg, code = svcm.kpi_groups_load(bad)
    assert(x == nil and code == svcm.codes.EFORMAT, msg)
  end
end)

test("keys, order by key, find", function()
  local g = svcm.kpi_groups{"sla"}
  local keys = {"phone", "chat", "email", "Ärger", ""}
  for i, k in ipairs(keys) do assert(g:group(k) == i) end
  assert(g:group("chat") == 2)
  assert(g:key(4) == "Ärger" and g:find("fax") == nil)
  local sorted = {table.unpack(keys)}
  table.sort(sorted) -- byte order = code-point order for UTF-8
  local order = g:order()
  for i, k in ipairs(sorted) do assert(g:key(order[i]) == k, k) end
  local x, msg, code = g:group("\255")
  assert(x == nil and code == svcm.codes.EINVAL and msg:find("key", 1, true), msg)
end)

test("bad slot descriptions fail naming the field", function()
  for _, case in ipairs{
      {{{"nps", scale = 10}}, "slot.feedback"}, {{"sla", "nope"}, "slot.kind"},
      {{{"csat", scale = 5, top_boxes = 9}}, "slot.feedback"},
      {{{"durations", rel_err = -1}}, "slot.sketch"}, {{{"ces", top_boxes = 1}}, "slot.feedback"},
      {{}, "n_slots"}} do
    local g, msg, code = svcm.kpi_groups(case[1])
    assert(g == nil and code == svcm.codes.EINVAL, msg)
    assert(msg:find(case[2], 1, true), msg)
  end
  assert(not pcall(svcm.kpi_groups, {5}))
  assert(not pcall(svcm.kpi_groups, "nps"))
end)

test("unknown group or wrong slot fails naming the field", function()
  local g = svcm.kpi_groups(SLOTS)
  local k = g:group("email")
  for _, call in ipairs{
      function() return g:add_score(k + 1, NPS, 9) end, function() return g:add_score(0, NPS, 9) end,
      function() return g:feedback(3, NPS) end, function() return g:rate(2, FCR) end,
      function() return g:key(2) end, function() return g:sla(9, SLA) end,
      function() return g:add_sla(2, SLA, 1, 0, 0) end} do
    local ok, msg, code = call()
    assert(ok == nil and code == svcm.codes.EINVAL and msg:find("group", 1, true), msg)
  end
  for _, call in ipairs{
      function() return g:add_score(k, FCR, 1) end, function() return g:feedback(k, SLA) end,
      function() return g:durations(k, 9) end, function() return g:add_outcome(k, 0, true) end,
      function() return g:sla(k, NPS) end, function() return g:quantiles(k, NPS, {0.5}) end} do
    local ok, msg, code = call()
    assert(ok == nil and code == svcm.codes.EINVAL and msg:find("slot", 1, true), msg)
  end
  local before = g:to_bytes()
  local ok, msg = g:add_score(k, NPS, 11)
  assert(ok == nil and msg:find("score", 1, true), msg)
  ok, msg = g:add_duration(k, FIRST, -1)
  assert(ok == nil and msg:find("seconds", 1, true), msg)
  assert(g:to_bytes() == before)
  local _, _, code = g:feedback(k, NPS)
  assert(code == svcm.codes.EEMPTY)
  assert(g:add_duration(k, FIRST, 10) and g:add_duration(k, FIRST, 20))
  local q = assert(g:quantiles(k, FIRST, {0, 1}))
  assert(q[1] == 10 and q[2] == 20)
  g:close()
  assert(not pcall(g.count, g), "closed object raises")
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
