-- One customer table, Lua side: the tiers svcm.segment returns are the
-- tier column of svcm.prioritize (svcm_request.tier is one byte, the
-- svcm_tier that segmentation writes). Plain script: raises on the first
-- failure, prints "N passed, 0 failed" at the end.
local svcm = require "svcm"

local passed, failed = 0, 0

local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write(name, ": ", tostring(err), "\n")
  end
end

-- 400 days idle: lost (churn_days 180); one purchase: potential.
local seg = assert(svcm.segment({400, 5, 10, 3}, {3, 1, 4, 9}, {50, 5, 80, 900}))
local TIER_ONLY = {w_impact = 0, w_severity = 0, w_value = 0}

local function columns(tiers)
  local c = {id = {}, tier = {}, impact = {}, severity = {}, created = {}}
  for i, t in ipairs(tiers) do
    c.id[i], c.tier[i], c.impact[i], c.severity[i], c.created[i] = i, t, 4, 1, 0
  end
  return c
end

test("segment tiers are the tier column of prioritize", function()
  assert(seg.tiers[1] == 4 and seg.tiers[2] == 3)
  local r = assert(svcm.prioritize(columns(seg.tiers), 10, TIER_ONLY))
  assert(#r == #seg.tiers)
  assert(r[#r].id == 1) -- the lost customer: importance (4 - 4) / 4 = 0
  for _, x in ipairs(r) do
    local want = (4 - seg.tiers[x.id]) / 4 -- priority.h: T = (4 - tier) / 4
    assert(math.abs(x.importance - want) <= 1e-15)
  end
end)

test("tiers outside 0..4 are refused, not wrapped into a byte", function()
  for _, bad in ipairs({5, 256, -1, 2 ^ 40 // 1}) do
    local ok, msg, code = svcm.prioritize(columns({0, bad}), 10)
    assert(ok == nil and code == svcm.codes.EINVAL and msg:find("tier"), tostring(msg))
    ok, msg, code = svcm.prioritize({{id = 1, tier = bad, impact = 4, severity = 1, created = 0}}, 10)
    assert(ok == nil and code == svcm.codes.EINVAL and msg:find("tier"), tostring(msg))
  end
end)

-- ------------------------------------------------------------ customer table
-- The CDNOW sample through svcm.summarize_customers and
-- svcm.lifetime_table_fit. Published values, with the tolerances of
-- tests/test_customers.c:
-- [FHL05] Fader, Hardie & Lee (2005), "Counting Your Customers the Easy
--   Way", Marketing Science 24(2): r = 0.2426, alpha = 4.4135, a = 0.7929,
--   b = 2.4258 (Hardie's workbook), LL = -9582.4; the workbook's
--   E[Y(39) | x = 2, t_x = 30.43, T = 38.86] = 1.226.
-- [FH13] Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value":
--   p = 6.25, q = 3.74, gamma = 15.44 on 946 repeat buyers; CLVTools'
--   log-likelihood -4055.9177.
local data = "../../../tests/data/"

local function near(got, want, tol, what)
  if not (math.abs(got - want) <= tol) then
    error(string.format("%s: got %.17g, want %.17g (tol %g)", what or "value", got, want, tol), 2)
  end
end

-- Days since 1970-01-01 of a Gregorian date (Hinnant's days_from_civil).
local function days(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  return era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
end

local END = days(1997, 9, 30) * 86400
local ids, times, values = {}, {}, {}
for line in io.lines(data .. "cdnow_sample_transactions.txt") do
  local _, s, d, _, v = line:match("(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+([%d.]+)")
  d = tonumber(d)
  ids[#ids + 1] = tonumber(s)
  times[#times + 1] = days(d // 10000, d // 100 % 100, d % 100) * 86400
  values[#values + 1] = tonumber(v)
end
local tbl = assert(svcm.summarize_customers(ids, times, values, END))
local fit = assert(svcm.lifetime_table_fit(tbl, {horizon = 39}))

local function scaled(col, k)
  local out = {}
  for i, v in ipairs(col) do out[i] = v * k end
  return out
end

-- the failure triple: nil, message, code, detail {field =, index =}
local function fails(code, field, index, ok, msg, got, detail)
  assert(ok == nil, "expected a failure")
  assert(got == code, string.format("code %s, want %s: %s", tostring(got), code, msg))
  assert(detail.field == field, string.format("field %s, want %s: %s", tostring(detail.field), field, msg))
  assert(detail.index == index, string.format("index %s: %s", tostring(detail.index), msg))
end

test("summarized table matches the published summary csv", function()
  assert(tbl.n == 2357 and #tbl.id == 2357 and tbl.unit == "week")
  local i = 0
  for line in io.lines(data .. "cdnow_summary.csv") do
    local id, x, tx, T, z = line:match("^(%d+),([%d.]+),([%d.]+),([%d.]+),([%d.]+)")
    if id then
      i = i + 1
      assert(tbl.id[i] == tonumber(id) and tbl.x[i] == tonumber(x))
      -- the CSV rounds to 0.01
      near(tbl.t_x[i], tonumber(tx), 0.005 + 1e-9, "t_x")
      near(tbl.T[i], tonumber(T), 0.005 + 1e-9, "T")
      near(tbl.mean_repeat_spend[i], tonumber(z), 0.005 + 1e-9, "zbar")
      -- segment.h: frequency = x + 1, tenure = T, recency = T - t_x
      assert(tbl.frequency[i] == tbl.x[i] + 1 and tbl.tenure[i] == tbl.T[i])
      assert(tbl.recency[i] == tbl.T[i] - tbl.t_x[i] and tbl.p_alive[i] == 0)
    end
  end
  assert(i == 2357)
end)

test("fit reproduces FHL05 BG/NBD and FH13 Gamma-Gamma", function()
  local bg, gg = fit.bgnbd, fit.gammagamma
  near(bg.r, 0.2426, 2e-4, "r")
  near(bg.alpha, 4.4135, 2e-3, "alpha")
  near(bg.a, 0.7929, 2e-4, "a")
  near(bg.b, 2.4258, 2e-3, "b")
  near(bg.loglik, -9582.4, 0.5, "LL")
  assert(bg.n == 2357 and gg.n == 946)
  near(gg.p, 6.25, 0.005, "p")
  near(gg.q, 3.74, 0.005, "q")
  near(gg.gamma, 15.44, 0.005, "gamma")
  near(gg.loglik, -4055.9177, 0.0005, "GG LL")
  near(fit.expected[1], 1.226, 0.002, "E[Y(39)]")
  assert(fit.unit == "week" and #fit.p_alive == 2357 and #fit.clv == 2357)
end)

test("p_alive follows its closed form", function()
  -- Fader, Hardie & Lee (2008), "Computing P(alive) using the BG/NBD model"
  local p = fit.bgnbd
  for i = 1, tbl.n do
    local x, want = tbl.x[i], 1.0
    if x > 0 then
      want = 1 / (1 + p.a / (p.b + x - 1) *
                 ((p.alpha + tbl.T[i]) / (p.alpha + tbl.t_x[i])) ^ (p.r + x))
    end
    near(fit.p_alive[i], want, 1e-12, "p_alive")
  end
end)

test("clv equals the lifetime engine's clv with the same models", function()
  local bg = svcm.BGNBD(fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b)
  local gg = svcm.GammaGamma(fit.gammagamma.p, fit.gammagamma.q, fit.gammagamma.gamma)
  local want = assert(gg:clv(bg, tbl.x, tbl.t_x, tbl.T, tbl.mean_repeat_spend))
  for i = 1, tbl.n do near(fit.clv[i], want[i], 1e-9 * math.max(1, math.abs(want[i])), "clv") end
end)

test("rfm columns in days fit like the lifetime columns", function()
  local d = {unit = "day", frequency = tbl.frequency, recency = scaled(tbl.recency, 7),
             tenure = scaled(tbl.T, 7), mean_repeat_spend = tbl.mean_repeat_spend}
  local f = assert(svcm.lifetime_table_fit(d, {horizon = 39}))
  for _, k in ipairs({"r", "alpha", "a", "b"}) do near(f.bgnbd[k], fit.bgnbd[k], 1e-6, k) end
  for _, k in ipairs({"p", "q", "gamma"}) do near(f.gammagamma[k], fit.gammagamma[k], 1e-6, k) end
  local nc = assert(svcm.lifetime_table_fit({unit = "week", x = tbl.x, t_x = tbl.t_x, T = tbl.T},
                                            {clv = false}))
  assert(nc.gammagamma == nil and nc.clv == nil)
  for i = 1, tbl.n do assert(nc.p_alive[i] == fit.p_alive[i]) end
end)

test("segment in weeks equals svcm.segment in days", function()
  local pa = {}
  for i = 1, tbl.n do pa[i] = i % 7 == 0 and 0.1 or 0.9 end
  local w = {unit = "week", recency = tbl.recency, frequency = tbl.frequency,
             monetary = tbl.monetary, tenure = tbl.tenure, p_alive = pa}
  local got = assert(svcm.customers_segment(w))
  local want = assert(svcm.segment(scaled(tbl.recency, 7), tbl.frequency, tbl.monetary,
                                   {tenure = scaled(tbl.tenure, 7), p_alive = pa}))
  local lost_p_alive = false
  for _, k in ipairs({"tiers", "reasons", "r", "f", "m"}) do
    for i = 1, tbl.n do assert(got[k][i] == want[k][i], k) end
  end
  for i = 1, tbl.n do lost_p_alive = lost_p_alive or got.reasons[i] == 1 end
  assert(lost_p_alive)
  for _, k in ipairs({"recency", "frequency", "monetary"}) do
    for j = 1, 4 do assert(got.edges[k][j] == want.edges[k][j]) end
  end
  assert(got.reason_names[1] == want.reason_names[1])
  local pol = svcm.policy({churn_days = 30})
  local fixed = assert(svcm.customers_segment(w, {policy = pol, edges = want.edges}))
  local want2 = assert(svcm.segment(scaled(tbl.recency, 7), tbl.frequency, tbl.monetary,
                                    {tenure = scaled(tbl.tenure, 7), p_alive = pa, policy = pol,
                                     edges = want.edges}))
  for i = 1, tbl.n do assert(fixed.tiers[i] == want2.tiers[i]) end
end)

test("time_unit_seconds", function()
  assert(svcm.time_unit_seconds("day") == 24 * 3600)
  assert(svcm.time_unit_seconds("week") == 7 * 24 * 3600)
  assert(svcm.time_unit_seconds("second") == 1)
  -- a unit is a name (the C enum value is no longer taken)
  assert(not pcall(svcm.time_unit_seconds, 1))
  assert(not pcall(svcm.time_unit_seconds, math.maxinteger))
  fails(svcm.codes.EINVAL, "unit", nil, svcm.time_unit_seconds("month"))
end)

test("bad input returns nil, message, code naming the field", function()
  local E = svcm.codes.EINVAL
  fails(E, "unit", nil, svcm.customers_segment({unit = "month", recency = {1}}))
  fails(E, "frequency", nil, svcm.customers_segment({recency = {1, 2}, frequency = {1}}))
  fails(E, "period", nil, svcm.summarize_customers({1}, {0}, {1}, 10, {period = "hour"}))
  fails(E, "values", nil, svcm.summarize_customers({1, 2}, {0, 0}, {1}, 10))
  fails(E, "value", 1, svcm.summarize_customers({1, 2}, {0, 0}, {1, 0 / 0}, 10))
  fails(E, "returns", nil, svcm.summarize_customers({1}, {0}, {1}, 10, {returns = "keep"}))
  fails(E, "value", 1, svcm.summarize_customers({1, 1}, {0, 5}, {1, -1}, 10))
  local rfm = {frequency = {3, 1.5, 5}, recency = {2, 5, 10}, tenure = {20, 30, 30},
               monetary = {1, 2, 3}, mean_repeat_spend = {4, 0, 5}}
  fails(E, "frequency", 1, svcm.lifetime_table_fit(rfm))
  rfm.frequency[2] = 1
  fails(E, "horizon", nil, svcm.lifetime_table_fit(rfm, {horizon = 0 / 0}))
  fails(E, "unit", nil, svcm.lifetime_table_fit(rfm, {unit = "year"}))
  fails(E, "gtol", nil, svcm.lifetime_table_fit(rfm, {gtol = -1}))
  fails(E, "max_iter", nil, svcm.lifetime_table_fit(rfm, {max_iter = -1}))
  fails(E, "recency", 0, svcm.customers_segment({frequency = {3}, recency = {40}, tenure = {30},
                                                 monetary = {1}}))
  local ok, msg, code, detail = svcm.lifetime_table_fit(tbl, {clv_horizon = 0})
  fails(E, "horizon", nil, ok, msg, code, detail)
  assert(msg:find("CLV: ", 1, true), msg)
  ok, msg, code = svcm.lifetime_table_fit({})
  assert(ok == nil and code == svcm.codes.EEMPTY, msg)
  ok, msg, code = svcm.customers_segment({recency = {}, frequency = {}, monetary = {}})
  assert(ok == nil and code == svcm.codes.EEMPTY, msg)
  -- misuse raises
  assert(not pcall(svcm.customers_segment, 5))
  assert(not pcall(svcm.lifetime_table_fit, {recency = {"a"}}))
  assert(not pcall(svcm.summarize_customers, {1}, {0}, {1}, "end"))
  assert(not pcall(svcm.time_unit_seconds, {}))
end)

-- Returns (negative values). Customer 1: day 0 buys 10; day 2 buys 8 and
-- returns 8 (nets to 0); day 5 buys 6 and returns 2 (nets to 4). Customer 2:
-- day 1 buys 5 and returns 5. End day 10, days out.
test("summarize_customers nets or drops returns", function()
  local D = 86400
  local ids = {1, 1, 1, 1, 1, 2, 2}
  local times = {0, 2 * D, 2 * D + 60, 5 * D, 5 * D + 1, D, D + 5}
  local values = {10, 8, -8, 6, -2, 5, -5}
  local c = assert(svcm.summarize_customers(ids, times, values, 10 * D,
                                            {period = "day", returns = "net"}))
  assert(#c.id == 1 and c.id[1] == 1)
  assert(c.x[1] == 1 and c.t_x[1] == 5 and c.T[1] == 10)
  assert(c.monetary[1] == 14 and c.mean_repeat_spend[1] == 4)
  c = assert(svcm.summarize_customers(ids, times, values, 10 * D,
                                      {period = "day", returns = "drop"}))
  assert(#c.id == 2 and c.x[1] == 2 and c.monetary[1] == 24 and c.mean_repeat_spend[1] == 7)
  assert(c.x[2] == 0 and c.monetary[2] == 5 and c.T[2] == 9)
  fails(svcm.codes.EINVAL, "value", 2,
        svcm.summarize_customers(ids, times, values, 10 * D, {period = "day"}))
end)

-- svcm.CustomersBuilder: the table of svcm.summarize_customers fed in
-- batches, in any order (values in quarters: a slot's sum is exact).
test("CustomersBuilder batches in any order give the summarize_customers table", function()
  local D = 86400
  local seed = 12345
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  for _, mode in ipairs({"error", "net", "drop"}) do
    local ids, times, values = {}, {}, {}
    for i = 1, 1500 do
      ids[i] = rnd(40) - 5
      times[i] = rnd(300) * D + rnd(D)
      values[i] = rnd(4000) * 0.25
      if mode ~= "error" and rnd(5) == 0 then values[i] = -values[i] end
    end
    local opts = {["end"] = 200 * D, period = "day", returns = mode}
    local a = assert(svcm.CustomersBuilder(opts))
    local b = assert(svcm.CustomersBuilder(opts))
    -- backwards, in batches of 100, alternating between the two builders
    for k = 1500, 1, -100 do
      local bi, bt, bv = {}, {}, {}
      for i = k, math.max(k - 99, 1), -1 do
        bi[#bi + 1], bt[#bt + 1], bv[#bv + 1] = ids[i], times[i], values[i]
      end
      assert((k // 100) % 2 == 0 and a or b):add(bi, bt, bv)
    end
    assert(a:merge(b))
    assert(a.rows == 1500 and a.periods > 0 and a.nbytes > 0)
    local got = assert(a:finish())
    local want = assert(svcm.summarize_customers(ids, times, values, 200 * D,
                                                 {period = "day", returns = mode}))
    assert(got.unit == "day" and got.n == want.n)
    for _, k in ipairs({"id", "x", "t_x", "T", "frequency", "monetary", "recency", "tenure",
                        "mean_repeat_spend", "p_alive"}) do
      for i = 1, want.n do
        assert(got[k][i] == want[k][i], k)
      end
    end
    a:close()
    b:close()
  end
end)

test("CustomersBuilder refuses bad rows and options naming the field", function()
  local D = 86400
  local b = assert(svcm.CustomersBuilder({["end"] = 10 * D, period = "day"}))
  fails(svcm.codes.EINVAL, "value", 1, b:add({1, 2}, {0, D}, {1, -2}))
  assert(b.rows == 0)
  local ok, msg, code, detail = b:add({1}, {0, D}, {1})
  assert(ok == nil and code == svcm.codes.EINVAL and detail.field == "times")
  fails(svcm.codes.EINVAL, "period", nil, svcm.CustomersBuilder({period = "hour"}))
  fails(svcm.codes.EINVAL, "returns", nil, svcm.CustomersBuilder({returns = "keep"}))
  fails(svcm.codes.EINVAL, "opts", nil, b:merge(svcm.CustomersBuilder({period = "day"})))
  fails(svcm.codes.EINVAL, "src", nil, b:merge(b))
  -- same-day rows are one purchase; the table is remade after more rows
  assert(b:add({7, 7, 7}, {D, D + 1, 3 * D}, {1, 2, 4}))
  local c = assert(b:finish())
  assert(c.n == 1 and c.x[1] == 1 and c.monetary[1] == 7 and c.mean_repeat_spend[1] == 4)
  assert(b.periods == 2)
  assert(tostring(b) == "svcm.CustomersBuilder(rows=3, periods=2)")
  b:close()
  assert(tostring(b) == "svcm.CustomersBuilder(closed)")
  assert(not pcall(b.finish, b))
  assert(not pcall(b.add, b, {1}, {0}, {1}))
  -- positional arguments as in Python; a non-integer end raises
  assert(assert(svcm.CustomersBuilder(5, "day")).rows == 0)
  assert(not pcall(svcm.CustomersBuilder, "5"))
  assert(not pcall(svcm.CustomersBuilder, 1.5))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then os.exit(1) end
