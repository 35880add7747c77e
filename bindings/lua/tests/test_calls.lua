-- Tests of svcm.Calls (call-log accumulator) in the Lua binding.
-- Reference values: the worked log of tests/test_calls.c, counted by hand
-- there (T = 20 s, short abandons under 5 s).
local svcm = require "svcm"

local passed, failed = 0, 0
local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then passed = passed + 1 else failed = failed + 1; io.stderr:write("FAIL ", name, ": ", tostring(err), "\n") end
end
local function near(a, b) return math.abs(a - b) <= 1e-12 * math.max(1, math.abs(b)) end
local function isnan(x) return x ~= x end

-- arrival, queue_start, queue_end, service_start, service_end, outcome
local WORKED = {
  {0, nil, nil, 12, 192, "answered"},        -- wait 12, within T
  {5, 10, 40, 40, 100, "answered"},          -- wait 30
  {100, 100, 100, 100, 340, "answered"},     -- wait 0
  {5, 5, 8, nil, nil, "abandoned"},          -- wait 3: short
  {199, 200, 215, nil, nil, "abandoned"},    -- wait 15, within T
  {300, 300, 360, nil, nil, "abandoned"},    -- wait 60
  {50, nil, nil, nil, nil, "other"},
}

local function fill(c)
  for _, r in ipairs(WORKED) do assert(c:add(r[1], r[2], r[3], r[4], r[5], r[6])) end
  return c
end

test("worked log", function()
  local r = fill(assert(svcm.Calls())):result()
  assert(r.offered == 6 and r.answered == 3 and r.abandoned == 3)
  assert(r.abandoned_short == 1 and r.other == 1)
  assert(near(r.asa_s, 14) and near(r.aht_s, 160))          -- 42 / 3, 480 / 3
  assert(r.longest_wait_s == 60)
  assert(near(r.abandon_rate, 0.5) and near(r.abandon_rate_excl_short, 0.4))
  assert(near(r.mean_patience_s, 40) and near(r.abandon_hazard, 0.025))  -- 120 s / 3
  assert(near(r.service_level, 0.4))                        -- 2 / (3 + 2)
end)

test("service-level conventions", function()
  local want = {ignore = 2 / 3, against = 1 / 3, met = 2 / 3}
  for sl, v in pairs(want) do
    local c = fill(assert(svcm.Calls{sl_abandoned = sl, exclude_short = false}))
    assert(near(c:result().service_level, v), sl)
    assert(c:options().sl_abandoned == sl and c:options().exclude_short == false)
  end
  local met = fill(assert(svcm.Calls{sl_abandoned = "met"}))
  assert(near(met:result().service_level, 0.6))              -- (2 + 1) / 5
end)

test("tolerance raises slightly early instants", function()
  local strict, lax = assert(svcm.Calls()), assert(svcm.Calls{tolerance = 2})
  local ok, msg, code, detail = strict:add(95, 100, 130, 129, 190)
  assert(ok == nil and detail.field == "service_start", msg)
  assert(lax:add(95, 100, 130, 129, 190))
  local r = lax:result()
  assert(r.asa_s == 30 and r.aht_s == 60 and lax:options().tolerance == 2)
end)

test("empty accumulator has NaN ratios", function()
  local r = assert(svcm.Calls()):result()
  assert(r.offered == 0 and isnan(r.service_level) and isnan(r.asa_s))
  assert(isnan(r.longest_wait_s) and isnan(r.mean_patience_s))
end)

test("batch equals one by one; merge equals one accumulator", function()
  local arrival, cols = {}, {queue_start = {}, queue_end = {}, service_start = {},
                             service_end = {}, outcome = {}}
  local names = {"queue_start", "queue_end", "service_start", "service_end"}
  local codes = {answered = 0, abandoned = 1, other = 2}
  for i, r in ipairs(WORKED) do
    arrival[i] = r[1]
    for k, name in ipairs(names) do cols[name][i] = r[k + 1] or (0 / 0) end
    cols.outcome[i] = codes[r[6]]
  end
  local a = fill(assert(svcm.Calls()))
  local b = assert(svcm.Calls())
  assert(b:add_batch(arrival, cols) == b)
  assert(a:save() == b:save())
  b = assert(svcm.Calls()) -- all positional
  assert(b:add_batch(arrival, cols.queue_start, cols.queue_end, cols.service_start,
                     cols.service_end, {outcome = cols.outcome}))
  assert(a:save() == b:save())
  local named = {}
  for i, r in ipairs(WORKED) do named[i] = r[6] end -- outcomes as names
  b = assert(svcm.Calls())
  assert(b:add_batch(arrival, cols.queue_start, cols.queue_end, cols.service_start,
                     cols.service_end, {outcome = named}))
  assert(a:save() == b:save())
  assert(not pcall(b.add_batch, b, {0}, {outcome = {"hung up"}}))
  local p, q = assert(svcm.Calls()), assert(svcm.Calls())
  for i, r in ipairs(WORKED) do
    local t = (i % 2 == 0) and p or q
    assert(t:add(r[1], r[2], r[3], r[4], r[5], r[6]))
  end
  assert(p:merge(q) == p)
  assert(p:save() == a:save())
  local other = assert(svcm.Calls{target = 30})
  local ok, msg, code = other:merge(a)
  assert(ok == nil and code == svcm.codes.EMISMATCH, msg)
end)

test("bad records name the index and field; nothing added", function()
  local c = assert(svcm.Calls())
  local ok, msg, code, detail = c:add(0, 10, 5, nil, nil, "abandoned")
  assert(ok == nil and code == svcm.codes.EINVAL and detail.field == "queue_end", msg)
  ok, msg, code, detail = c:add_batch({0, 0, 0}, {queue_start = {0, 0, 0},
                                      queue_end = {1, 2, 3}, service_start = {1, 2, 1},
                                      service_end = {5, 5, 5}, outcome = {0, 0, 0}})
  assert(ok == nil and detail.index == 2 and detail.field == "service_start", msg)
  assert(c:result().offered == 0)
  ok, msg, code, detail = c:add_batch({0, 1}, {outcome = {2, 7}})
  assert(ok == nil and detail.index == 1 and detail.field == "outcome", msg)
  assert(not pcall(c.add, c, 0, nil, nil, nil, nil, "hung up"))
  assert(not pcall(c.add, c, 0, nil, nil, nil, nil, 1))       -- codes only in add_batch
  ok, msg, code, detail = c:add_batch({0, 1}, {outcome = {0}})
  assert(ok == nil and code == svcm.codes.EINVAL and detail.field == "outcome", msg)
  ok, msg, code, detail = c:add_batch({0, 1}, {0}, {outcome = {0, 0}})
  assert(ok == nil and detail.field == "queue_start", msg)
  assert(not pcall(c.add_batch, c, {0, 1}))                   -- outcome is required
  assert(not pcall(svcm.Calls, {sl_abandoned = "sometimes"}))
  ok, msg, code, detail = svcm.Calls{target = -1}
  assert(ok == nil and detail.field == "target_s", msg)
end)

test("save and load", function()
  local c = fill(assert(svcm.Calls{target = 15, short_abandon = 2}))
  local d = assert(svcm.Calls.load(c:save()))
  assert(d:save() == c:save() and d:options().target == 15)
  local s = c:save()
  local ok, msg, code = svcm.Calls.load(s:sub(1, #s - 1))
  assert(ok == nil and code == svcm.codes.EFORMAT, msg)
  d:close()
  assert(not pcall(d.result, d))
  assert(tostring(d) == "svcm.Calls(closed)")
end)

test("generated class", function()
  -- svcm.Calls is generated whole from bindings/api/calls.py.
  local c = fill(assert(svcm.Calls(30, 5, "met")))
  assert(c:options().target == 30 and c:options().sl_abandoned == "met")
  local d = fill(assert(svcm.Calls{target = 30, sl_abandoned = "met"}))
  assert(c:merge(d) == c and c:result().offered == 2 * d:result().offered)
  assert(tostring(c):match("^svcm%.Calls%(offered=%d+, other=%d+%)$"))
  local ok, msg, code = c:merge(assert(svcm.Calls()))
  assert(ok == nil and code == svcm.codes.EMISMATCH and msg:find("options differ"), msg)
  assert(not pcall(c.merge, c, {}))                       -- not a Calls
  assert(not pcall(svcm.Calls, {tolerence = 1}))          -- misspelt option
  assert(not pcall(svcm.Calls, 1, 2, "met", true, 0, 9))  -- too many
  local e = assert(svcm.Calls())
  e:close()
  e:close() -- twice is fine
  assert(not pcall(e.save, e) and not pcall(c.merge, c, e))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
