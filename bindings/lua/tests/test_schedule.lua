-- Tests of svcm.schedule_shifts (shift scheduling). Raises on the first failure.
local svcm = require "svcm"

local passed, failed = 0, 0

local function test(name, fn)
  local ok, msg = pcall(fn)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(msg), "\n")
  end
end

-- pyworkforce's scheduling test data (github.com/rodrigo-arenas/pyworkforce,
-- pyworkforce/scheduling/tests/test_shifts.py, MIT licence): 2 days x 24
-- hourly periods; shifts Morning, Afternoon, Night, Mixed on each day.
local required = {
  9, 11, 17, 9, 7, 12, 5, 11, 8, 9, 18, 17, 8, 12, 16, 8, 7, 12, 11, 10, 13, 19, 16, 7,
  13, 13, 12, 15, 18, 20, 13, 16, 17, 8, 13, 11, 6, 19, 11, 20, 19, 17, 10, 13, 14, 23, 16, 8}
local shifts = {
  {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
  {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0},
  {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1},
  {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0}}
-- One pattern per (day, shift), as in pyworkforce's model.
local coverage = {}
for d = 0, 1 do
  for _, row in ipairs(shifts) do
    local full = {}
    for t = 1, 48 do full[t] = 0 end
    for t = 1, 24 do full[24 * d + t] = row[t] end
    coverage[#coverage + 1] = full
  end
end

local function coverage_of(cov, x)
  local c = {}
  for t = 1, #cov[1] do
    c[t] = 0
    for j = 1, #cov do c[t] = c[t] + x[j] * cov[j][t] end
  end
  return c
end

test("pyworkforce min required resources is 113", function()
  local res = assert(svcm.schedule_shifts(required, coverage))
  assert(res.optimal and res.status == "optimal")
  assert(res.cost == 113 and res.gap == 0 and res.staff == 113)
  local c = coverage_of(coverage, res.counts)
  for t = 1, 48 do assert(c[t] >= required[t]) end
end)

test("pyworkforce min abs difference is 157 (its docs/guide/scheduling.md)", function()
  local res = assert(svcm.schedule_shifts(required, coverage, {objective = "min_abs_diff"}))
  assert(res.optimal and res.cost == 157)
  local c, z = coverage_of(coverage, res.counts), 0
  for t = 1, 48 do z = z + math.abs(c[t] - required[t]) end
  assert(z == 157)
end)

test("odd cycle: LP bound 1.5 (2 sum x >= 3), integer optimum 2", function()
  local res = assert(svcm.schedule_shifts({1, 1, 1}, {{1, 1, 0}, {0, 1, 1}, {1, 0, 1}}))
  assert(math.abs(res.lp_bound - 1.5) < 1e-12 and res.cost == 2)
end)

test("cost, max_staff and node limit options", function()
  local cov = {}
  for i = 0, 4 do
    cov[i + 1] = {}
    for t = 0, 4 do cov[i + 1][t + 1] = (t == i or t == (i + 1) % 5) and 1 or 0 end
  end
  -- LP 3.75, integer optimum 4.5 (three patterns at 1.5).
  local full = assert(svcm.schedule_shifts({1, 1, 1, 1, 1}, cov, {cost = {1.5, 1.5, 1.5, 1.5, 1.5}}))
  assert(math.abs(full.cost - 4.5) < 1e-12 and full.optimal)
  local cut = assert(svcm.schedule_shifts({1, 1, 1, 1, 1}, cov,
                                          {cost = {1.5, 1.5, 1.5, 1.5, 1.5}, max_nodes = 1}))
  assert(not cut.optimal and cut.status == "node_limit" and cut.gap > 0)
  assert(math.abs(cut.bound - 3.75) < 1e-9)
  local capped = assert(svcm.schedule_shifts({1, 1, 1, 1, 1}, cov,
                                             {objective = "min_abs_diff", max_staff = 1}))
  -- one agent covers two periods: deviation 3
  assert(capped.cost == 3 and capped.staff == 1)
end)

test("bad input returns nil, message, code naming the field", function()
  local r, msg, code = svcm.schedule_shifts({1, 2}, {{1, 0}})
  assert(r == nil and code == -1 and msg:find("coverage", 1, true))
  r, msg, code = svcm.schedule_shifts({1, -2}, {{1, 1}})
  assert(r == nil and code == -1 and msg:find("required", 1, true))
  r, msg = svcm.schedule_shifts({1}, {{1}}, {objective = "fastest"})
  assert(r == nil and msg:find("objective", 1, true))
  r, msg = svcm.schedule_shifts({1}, {{1}}, {max_staff = 2})
  assert(r == nil and msg:find("max_staff", 1, true))
  r, msg = svcm.schedule_shifts({1}, {{1}}, {cost = {0 / 0}})
  assert(r == nil and msg:find("cost", 1, true))
  r, msg = svcm.schedule_shifts({1}, {{1}}, {max_nodes = 0})
  assert(r == nil and msg:find("max_nodes", 1, true))
  assert(not pcall(svcm.schedule_shifts, {1, 1}, {{1, 1, 1}}))
  assert(not pcall(svcm.schedule_shifts, {1, 1}, {{1, 1}}, {cost = {1, 2}}))
  assert(not pcall(svcm.schedule_shifts, {1, 1}, 5))
end)

-- svcm.schedule_pattern: the row written out period by period, independently.
local function by_hand(n, start, length, breaks, wrap)
  local on = {}
  for k = 0, length - 1 do on[(start + k) % n] = true end
  for _, b in ipairs(breaks or {}) do
    for q = 0, b[2] - 1 do on[(start + b[1] + q) % n] = nil end
  end
  local row = {}
  for t = 0, n - 1 do row[t + 1] = on[t] and 1 or 0 end
  return row
end

local function same_row(a, b)
  if #a ~= #b then return false end
  for i = 1, #a do if a[i] ~= b[i] then return false end end
  return true
end

test("schedule_pattern gives pyworkforce's shifts from start and length", function()
  -- Morning 05-13, Afternoon 13-21, Night 21-05 (past midnight), Mixed 09-17
  local rows = {}
  for i, start in ipairs({5, 13, 21, 9}) do
    rows[i] = assert(svcm.schedule_pattern(24, start, 8, nil, true))
    assert(same_row(rows[i], shifts[i]), "shift " .. i)
  end
  local day = {}
  for t = 1, 24 do day[t] = required[t] end
  local got = assert(svcm.schedule_shifts(day, rows))
  local want = assert(svcm.schedule_shifts(day, shifts))
  assert(got.cost == want.cost and same_row(got.counts, want.counts))
end)

test("schedule_pattern breaks, wrap and overlaps match a row built by hand", function()
  assert(same_row(svcm.schedule_pattern(10, 8, 5, {{1, 1}}, true), {1, 1, 1, 0, 0, 0, 0, 0, 1, 0}))
  assert(same_row(svcm.schedule_pattern(8, 0, 8, {{2, 3}, {3, 1}, {7, 1}}), {1, 1, 0, 0, 0, 1, 1, 0}))
  local seed = 12345
  local function rnd(m) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % m end
  for _ = 1, 400 do
    local n = 1 + rnd(60)
    local length = 1 + rnd(n)
    local wrap = rnd(2) == 1
    local start = wrap and rnd(n) or rnd(n - length + 1)
    local breaks = {}
    for k = 1, rnd(4) do
      local off = rnd(length)
      breaks[k] = {off, 1 + rnd(length - off)}
    end
    local row = assert(svcm.schedule_pattern(n, start, length, breaks, wrap))
    assert(same_row(row, by_hand(n, start, length, breaks, wrap)),
           string.format("n=%d start=%d length=%d", n, start, length))
  end
end)

test("schedule_pattern refuses bad values naming the field", function()
  local cases = {{{0, 0, 1}, "n_periods"}, {{10, 10, 1}, "start"}, {{10, 0, 0}, "length"},
                 {{10, 0, 11}, "length"}, {{10, 8, 5}, "length"},
                 {{10, 0, 4, {{1, 1}, {3, 2}}}, "breaks"}, {{10, 0, 4, {{4, 1}}}, "breaks"}}
  for _, c in ipairs(cases) do
    local r, msg, code = svcm.schedule_pattern(table.unpack(c[1], 1, 4))
    assert(r == nil and code == -1 and msg:find(c[2], 1, true), c[2] .. ": " .. tostring(msg))
  end
  assert(not pcall(svcm.schedule_pattern, -1, 0, 1))
  assert(not pcall(svcm.schedule_pattern, 10, 1.5, 1))
  assert(not pcall(svcm.schedule_pattern, 10, 0, 4, {{1}}))
  assert(not pcall(svcm.schedule_pattern, 10, 0, 4, {5}))
  assert(not pcall(svcm.schedule_pattern, 10, 0, 4, 5))
end)

print(passed .. " passed, " .. failed .. " failed")
if failed > 0 then error(failed .. " test(s) failed") end
