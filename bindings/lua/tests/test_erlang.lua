-- Tests of the erlang engine's Lua surface. Raises on the first failure.
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

local function near(got, want, tol, what)
  if not (math.abs(got - want) <= tol) then
    error(string.format("%s: got %.17g, want %.17g (tol %g)", what or "value", got, want, tol), 2)
  end
end

local function fails_with(field, ok, msg, code)
  assert(ok == nil, "expected failure")
  assert(code == svcm.codes.EINVAL, "expected EINVAL, got " .. tostring(code))
  assert(msg:find("field '" .. field .. "'", 1, true), msg)
end

test("erlang_b hand values", function()
  -- B(1, 1) = 1/2; B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
  near(svcm.erlang_b(1.0, 1), 0.5, 1e-15)
  near(svcm.erlang_b(1.0, 2), 0.2, 1e-15)
  -- erlang.com calculator manual: 15 lines at 1% blocking carry 8.108 Erlangs
  assert(svcm.erlang_b(8.1075, 15) <= 0.01 and svcm.erlang_b(8.1085, 15) >= 0.01)
end)

test("erlang_c matches the power series for small N", function()
  for _, a in ipairs({0.5, 3.0, 10.0}) do
    for n = math.floor(a) + 1, math.floor(a) + 20 do
      local term, sum = 1.0, 0.0
      for k = 0, n - 1 do sum = sum + term; term = term * a / (k + 1) end
      local last = term * n / (n - a)
      near(svcm.erlang_c(a, n), last / (sum + last), 1e-12, "C(" .. n .. ")")
    end
  end
  assert(svcm.erlang_c(10, 10) == 1.0)
end)

test("callcentrehelper worked example: 14 agents, 20 staff", function()
  -- Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked
  -- Example": 100 calls / 30 min, AHT 180 s: P(wait) 0.174, SL 0.888,
  -- occupancy 0.714 with 14 agents; 20 staff at 30% shrinkage.
  near(svcm.traffic_erlangs(100, 180, 1800), 10.0, 1e-12)
  near(svcm.erlang_c(10.0, 14), 0.174, 0.0005)
  near(svcm.service_level(100, 180, 1800, 14, 20), 0.888, 0.0005)
  near(svcm.asa(100, 180, 1800, 14), svcm.erlang_c(10.0, 14) * 45.0, 1e-12)
  assert(svcm.agents_needed(100, 180, 1800, 20, 0.8) == 14)
  local r = svcm.staffing{calls = 100, aht_s = 180, interval_s = 1800, target_s = 20,
                          target_sl = 0.8, max_occupancy = 0.85, shrinkage = 0.3}
  assert(r.agents == 14 and r.staff == 20)
  near(r.occupancy, 0.714, 0.0005)
  -- With a 70% occupancy cap (pyworkforce): 15 agents, 22 staff.
  local r2 = svcm.agents_needed{calls = 100, aht_s = 180, interval_s = 1800, target_s = 20,
                                target_sl = 0.8, max_occupancy = 0.7}
  assert(r2 == 15)
  local r3 = svcm.staffing(100, 180, 1800, 20, 0.8, {max_occupancy = 0.7, shrinkage = 0.3})
  assert(r3.agents == 15 and r3.staff == 22)
  near(r3.service_level, 0.941, 0.0005)
end)

test("jonesthenet 250 calls of 330 s at 80/30 need 28", function()
  assert(svcm.agents_needed(250, 330, 3600, 30, 0.8) == 28)
end)

test("agents_needed is minimal and 10,000 Erlangs stays finite", function()
  for _, calls in ipairs({5, 100, 1000, 60000}) do
    local n = svcm.agents_needed(calls, 300, 1800, 20, 0.8)
    assert(svcm.service_level(calls, 300, 1800, n, 20) >= 0.8)
    if n > 1 then assert(svcm.service_level(calls, 300, 1800, n - 1, 20) < 0.8) end
  end
  local prev = 1.0
  for n = 10001, 10400, 25 do
    local c = svcm.erlang_c(10000.0, n)
    assert(c > 0 and c < prev, "monotone at " .. n)
    prev = c
  end
end)

test("evaluating given agents and the unstable case", function()
  local r = svcm.staffing{calls = 100, aht_s = 180, interval_s = 1800, agents = 9}
  assert(r.p_wait == 1.0 and r.service_level == 0.0 and r.asa == math.huge)
  assert(svcm.staff_with_shrinkage(14, 0.3) == 20)
end)

test("staffing_batch equals single calls", function()
  local got = svcm.staffing_batch({10, 100, 1000}, {120, 180, 240}, 1800, {shrinkage = 0.2})
  local ahts = {120, 180, 240}
  for i, c in ipairs({10, 100, 1000}) do
    local one = svcm.staffing{calls = c, aht_s = ahts[i], interval_s = 1800, shrinkage = 0.2}
    assert(got[i].agents == one.agents and got[i].staff == one.staff)
    assert(got[i].service_level == one.service_level)
  end
  assert(#svcm.staffing_batch({1, 2}, 60, 1800) == 2)
  local ok, msg, code = svcm.staffing_batch({1, 0/0}, 60, 1800)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1", 1, true), msg)
end)

test("bad values return nil, message, EINVAL naming the field", function()
  fails_with("traffic", svcm.erlang_c(0/0, 3))
  fails_with("agents", svcm.erlang_c(1.0, 0))
  fails_with("agents", svcm.erlang_b(1.0, -3))
  fails_with("aht_s", svcm.service_level(10, 0, 1800, 3, 20))
  fails_with("target_s", svcm.service_level(10, 60, 1800, 3, -1))
  fails_with("calls", svcm.asa(-1, 60, 1800, 3))
  fails_with("interval_s", svcm.traffic_erlangs(1, 60, 0))
  fails_with("target_sl", svcm.agents_needed(10, 60, 1800, 20, 1.0))
  fails_with("shrinkage", svcm.staff_with_shrinkage(3, 1.0))
  local ok, _, code = svcm.agents_needed{calls = 100, aht_s = 180, interval_s = 1800,
                                         max_agents = 12}
  assert(ok == nil and code == svcm.codes.ERANGE)
end)

test("misuse raises", function()
  assert(not pcall(svcm.erlang_c, 10, 1.5))
  assert(not pcall(svcm.erlang_c, "x", 3))
  assert(not pcall(svcm.staffing, {calls = 100, interval_s = 1800}))
  assert(not pcall(svcm.contact_metrics, {answerd = 1}))
  assert(not pcall(svcm.contact_metrics, {answered = "1"}))
end)

test("contact metrics: ICMI service level formulas", function()
  -- ICMI, "Service Level Calculations" (2002): 83%, 86%, 81%, 83%.
  local m = svcm.contact_metrics{answered = 1000, abandoned = 60, answered_within_target = 860,
                                 abandoned_within_target = 20, abandoned_short = 10}
  assert(math.floor(100 * m.sl_abandon_positive + 0.5) == 83)
  assert(math.floor(100 * m.sl_answered + 0.5) == 86)
  assert(math.floor(100 * m.sl_offered + 0.5) == 81)
  assert(math.floor(100 * m.sl_excl_short + 0.5) == 83)
  near(m.abandon_rate_excl_short, 50 / 1050, 1e-15)
  assert(m.aht ~= m.aht, "aht is nan without handled calls")
  local same = svcm.contact_centre{answered = 1000, abandoned = 60, answered_within_target = 860}
  near(same.sl_offered, m.sl_offered, 0)
end)

test("contact metrics: ASA, AHT, occupancy, errors, batch and sum", function()
  local m = svcm.contact_metrics{answered = 400, wait_time_s = 6000, handled = 400,
                                 talk_time_s = 60000, hold_time_s = 4000, acw_time_s = 16000,
                                 staffed_time_s = 100000}
  near(m.asa, 15, 1e-12); near(m.aht, 200, 1e-12); near(m.occupancy, 0.8, 1e-12)
  fails_with("answered_within_target", svcm.contact_metrics{answered = 5, answered_within_target = 6})
  fails_with("hold_time_s", svcm.contact_metrics{hold_time_s = -1})
  local days = {{answered = 100, answered_within_target = 90},
                {answered = 300, answered_within_target = 150}}
  local ms = svcm.contact_metrics_batch(days)
  near(ms[1].sl_answered, 0.9, 1e-15); near(ms[2].sl_answered, 0.5, 1e-15)
  local total = svcm.contact_counts_sum(days)
  assert(total.answered == 400)
  near(svcm.contact_metrics(total).sl_answered, 0.6, 1e-15)
  local ok, msg, code = svcm.contact_metrics_batch{days[1], {abandoned = 1, abandoned_short = 2}}
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1, field 'abandoned_short'", 1, true), msg)
  -- Input records: an unknown key, a non-number and a non-table raise, naming the interval.
  local e
  ok, e = pcall(svcm.contact_metrics_batch, {{answered = 1}, {anwsered = 2}})
  assert(not ok and e:find("counts[1]: unknown field 'anwsered'", 1, true), e)
  ok, e = pcall(svcm.contact_counts_sum, {{answered = "x"}})
  assert(not ok and e:find("counts[0]: field 'answered' must be a number", 1, true), e)
  ok, e = pcall(svcm.contact_counts_sum, {{answered = 1}, 5})
  assert(not ok and e:find("counts[1]: expected a table", 1, true), e)
  assert(#svcm.contact_metrics_batch{} == 0 and svcm.contact_counts_sum{}.answered == 0)
end)

test("contact metrics that overflow fail with ERANGE", function()
  -- Regression: offered = 2e308 and ASA = 1e310 s came out as inf.
  local m, msg, code = svcm.contact_metrics{answered = 1e308, abandoned = 1e308}
  assert(m == nil and code == svcm.codes.ERANGE and msg:find("offered", 1, true), msg)
  m, msg, code = svcm.contact_metrics_batch{{answered = 1}, {answered = 1e-10, wait_time_s = 1e300}}
  assert(m == nil and code == svcm.codes.ERANGE and msg:find("asa_s", 1, true), msg)
  -- 1 answered, 1e17 abandons all short: no long abandons over 1 call.
  local r = assert(svcm.contact_metrics{answered = 1, abandoned = 1e17, abandoned_short = 1e17})
  assert(r.abandon_rate_excl_short == 0)
end)

test("erlang_a matches pyworkforce's regression values", function()
  -- pyworkforce (github.com/rodrigo-arenas/pyworkforce), queuing/tests/
  -- test_abandonment.py: 100 calls / 30 min, AHT 3 min, patience 5 min,
  -- 14 positions, 20 s: P(wait) 0.14526, P(abandon) 0.013984, SL 0.916792.
  local r = assert(svcm.erlang_a(100, 180, 1800, 14, 300, 20))
  near(r.p_wait, 0.14526, 0.5e-5, "p_wait")
  near(r.p_abandon, 0.013984, 0.5e-6, "p_abandon")
  near(r.service_level, 0.916792, 0.5e-6, "service_level")
  near(r.occupancy, 0.704297, 0.5e-6, "occupancy")
  -- Exponential patience: P(abandon) = mean wait of all callers / patience.
  near(r.p_abandon, r.wait_all / 300, 1e-15, "little")
  assert(r.asa > 0 and r.sl_virtual >= r.service_level)
end)

test("erlang_a with patience = AHT is Poisson occupancy", function()
  -- theta = mu: the number in system is Poisson(A), P(wait) = P(X >= N).
  local a, n = 10.0, 12
  local p, below = math.exp(-a), 0.0
  for x = 0, n - 1 do below = below + p; p = p * a / (x + 1) end
  local r = assert(svcm.erlang_a(100, 180, 1800, n, 180))
  near(r.p_wait, 1 - below, 1e-12, "p_wait")
end)

test("agents_needed_a is minimal and staffing_a reverses", function()
  for _, calls in ipairs({20, 100, 1000}) do
    local n = assert(svcm.agents_needed_a(calls, 240, 1800, 120, 0.8, 20, {max_abandon = 0.02}))
    local ok = svcm.erlang_a(calls, 240, 1800, n, 120, 20)
    assert(ok.service_level >= 0.8 and ok.p_abandon <= 0.02)
    if n > 1 then
      local less = svcm.erlang_a(calls, 240, 1800, n - 1, 120, 20)
      assert(less.service_level < 0.8 or less.p_abandon > 0.02)
    end
  end
  local back = assert(svcm.staffing_a(100, 180, 1800, 300, {staff = 21, shrinkage = 0.3}))
  assert(back.agents == 14 and back.staff == 21)
  local s = assert(svcm.staffing_a(100, 180, 1800, 300, {shrinkage = 0.3, max_occupancy = 0.85}))
  assert(s.staff == svcm.staff_with_shrinkage(s.agents, 0.3) and s.occupancy <= 0.85)
  local r, msg, code = svcm.erlang_a(100, 180, 1800, 14, -1)
  fails_with("patience_s", r, msg, code)
  r, msg, code = svcm.staffing_a(100, 180, 1800, 300, {staff = 1, shrinkage = 0.3})
  fails_with("staff", r, msg, code)
  r, msg, code = svcm.agents_needed_a(100, 180, 1800, 300, 0.8, 20, {max_abandon = 2})
  fails_with("max_abandon", r, msg, code)
end)

test("erlang_b_capacity matches the published Erlang B table", function()
  -- Erlang B table (ITU-D / Iversen, "Teletraffic Engineering and Network
  -- Planning"): 10 trunks carry 4.461 E at 1%, 20 trunks 12.031 E.
  near(svcm.erlang_b_capacity(10, 0.01), 4.461, 0.0005, "10 trunks")
  near(svcm.erlang_b_capacity(20, 0.01), 12.031, 0.0005, "20 trunks")
  -- erlang.com: 33.333 Erlangs at 1% need 45 lines.
  assert(svcm.erlang_b_trunks(1200 / 36, 0.01) == 45)
  local r, msg, code = svcm.erlang_b_capacity(10, 1.5)
  fails_with("blocking", r, msg, code)
  r, msg, code = svcm.erlang_b_trunks(-1, 0.01)
  fails_with("traffic", r, msg, code)
end)

test("fractional agents reproduce integers and match mpmath", function()
  -- mpmath (40 digits): 1/B(9.25, 5) = e^5 5^-9.25 Gamma(10.25, 5).
  near(svcm.erlang_b_frac(5, 9.25), 0.031606063152709205, 1e-15, "B frac")
  near(svcm.erlang_c_frac(5, 9.25), 0.066323519399824972, 1e-15, "C frac")
  for n = 1, 25 do
    assert(svcm.erlang_b_frac(7.5, n) == svcm.erlang_b(7.5, n))
    assert(svcm.erlang_c_frac(7.5, n) == svcm.erlang_c(7.5, n))
  end
  local r, msg, code = svcm.erlang_c_frac(5, 0)
  fails_with("agents", r, msg, code)
end)

test("fractional staffing: Erlang C on the continuous curve", function()
  -- 10 Erlangs, 80% in 20 s: the root of 1 - C(x) e^{-(x - A) t / AHT} =
  -- 0.8 computed independently (Python, Simpson's rule on Jagerman's
  -- integral): x = 13.037206466407842; the integer answer is 14.
  local r = assert(svcm.staffing_frac(100, 180, 1800, {target_s = 20, target_sl = 0.8,
                                                         shrinkage = 0.3}))
  near(r.agents, 13.037206466407842, 1e-8, "x*")
  near(r.staff, r.agents / 0.7, 1e-12, "staff")
  assert(r.service_level >= 0.8)
  near(r.p_wait, svcm.erlang_c_frac(10, r.agents), 0, "p_wait")
  local occ = assert(svcm.staffing_frac(100, 180, 1800, {target_sl = 0.1, max_occupancy = 0.8}))
  near(occ.agents, 12.5, 1e-12, "occupancy cap")
  local bad, msg, code = svcm.staffing_frac(100, 180, 1800, {target_sl = 1})
  fails_with("target_sl", bad, msg, code)
  bad, msg, code = svcm.staffing_frac(1000, 180, 1800, {max_agents = 5})
  assert(bad == nil and code == svcm.codes.ERANGE, msg)
end)

test("fractional Erlang A interpolates and staffs", function()
  -- A = 10, AHT 180 s, patience 300 s, x = 11.25: P(wait) and P(abandon)
  -- from the exact chain in Python fractions, mixed 3:1 between 11 and 12.
  local r = assert(svcm.erlang_a_frac(100, 180, 1800, 11.25, 300, 20, {shrinkage = 0.2}))
  near(r.p_wait, 0.42778164025725635, 1e-11, "p_wait")
  near(r.p_abandon, 0.06313674847201917, 1e-12, "p_abandon")
  assert(r.agents == 11.25)
  near(r.staff, 11.25 / 0.8, 1e-12, "staff")
  for _, n in ipairs({1, 7, 14}) do
    local f = assert(svcm.erlang_a_frac(100, 180, 1800, n, 300))
    local e = assert(svcm.erlang_a(100, 180, 1800, n, 300))
    for _, k in ipairs({"p_wait", "p_abandon", "service_level", "sl_virtual", "asa",
                        "wait_all", "occupancy"}) do
      assert(f[k] == e[k], k)
    end
  end
  -- 1% abandonment cap, no SL goal: 14 + (p14 - 0.01) / (p14 - p15)
  -- with p_n from the exact chain.
  local s = assert(svcm.staffing_a_frac(100, 180, 1800, 300, {target_sl = 0, max_abandon = 0.01}))
  near(s.agents, 14.615795223904458, 1e-9, "x* abandon")
  -- CCmath's Erlang X demo (ERLANG package, https://erlang.ccmath.com):
  -- 240 calls / h, AHT 3 min, patience 1 min, 14 agents, no redials: ASA
  -- 0.1 min (mean would-be wait), 87.97% (would-be wait), 7.43% abandon.
  local x = assert(svcm.erlang_a(240, 180, 3600, 14, 60, 0.333 * 60))
  near(x.wait_virtual / 60, 0.10044117979656285, 1e-12, "would-be wait")
  near(x.sl_virtual, 0.8797, 5e-5, "would-be SL")
  near(x.p_abandon, 0.0743, 5e-5, "abandon")
  local xf = assert(svcm.erlang_a_frac(240, 180, 3600, 14, 60, 0.333 * 60))
  assert(xf.wait_virtual == x.wait_virtual)
  local n = svcm.agents_needed_a(100, 180, 1800, 300, 0.8, 20)
  s = assert(svcm.staffing_a_frac(100, 180, 1800, 300, {target_sl = 0.8, target_s = 20}))
  assert(s.agents > n - 1 and s.agents <= n and s.service_level >= 0.8)
  local bad, msg, code = svcm.erlang_a_frac(100, 180, 1800, 0.5, 300)
  fails_with("agents", bad, msg, code)
  bad, msg, code = svcm.staffing_a_frac(100, 180, 1800, -5)
  fails_with("patience_s", bad, msg, code)
  assert(not pcall(svcm.erlang_a_frac, 100, 180, 1800, "x", 300))
end)

test("exact shrinkage and the reverse calculation", function()
  -- ceil(21 / (1 - 0.3)) = 30, ceil(14 / 0.7) = 20, ceil(9 / 0.9) = 10.
  assert(svcm.staff_with_shrinkage(21, 0.3) == 30)
  assert(svcm.staff_with_shrinkage(14, 0.3) == 20)
  assert(svcm.staff_with_shrinkage(9, 0.1) == 10)
  for pct = 0, 99, 3 do
    for a = 0, 120, 7 do
      assert(svcm.staff_with_shrinkage(a, pct / 100) == (100 * a + 99 - pct) // (100 - pct))
      assert(svcm.agents_from_staff(a, pct / 100) == a * (100 - pct) // 100)
    end
  end
  -- 20 staff at 30%: 14 agents, Call Centre Helper's worked example (SL 0.888).
  local r = assert(svcm.eval_staff(100, 180, 1800, 20, {shrinkage = 0.3}))
  assert(r.agents == 14 and r.staff == 20)
  near(r.service_level, 0.888, 0.0005, "service level")
  local bad, msg, code = svcm.eval_staff(100, 180, 1800, 1, {shrinkage = 0.3})
  fails_with("staff", bad, msg, code)
  bad, msg, code = svcm.agents_from_staff(3, 1.0)
  fails_with("shrinkage", bad, msg, code)
end)

-- The calling forms of functions generated from bindings/api/erlang.py
-- (svcmlua_args_begin in lgen.c): positional, positional then a table of
-- the rest by name, or one table of every parameter.
test("generated functions: positional, trailing table, one table", function()
  local p = assert(svcm.staffing(100, 180, 1800, 20, 0.8))
  local t = assert(svcm.staffing(100, 180, 1800, {target_s = 20, target_sl = 0.8}))
  local n = assert(svcm.staffing{calls = 100, aht_s = 180, interval_s = 1800})
  assert(p.agents == t.agents and t.agents == n.agents and p.asa == n.asa)
  -- A positional value wins over the defaults; the table sets kw-only ones.
  local e = assert(svcm.staffing(100, 180, 1800, 20, 0.8, {agents = p.agents + 2}))
  assert(e.agents == p.agents + 2 and e.service_level > p.service_level)
  -- Erlang A result tables carry every field of svcm_erlang_a_result.
  local a = assert(svcm.erlang_a(100, 180, 1800, 12, 120))
  for _, k in ipairs({"agents", "staff", "traffic", "p_wait", "p_abandon", "service_level",
                      "sl_virtual", "asa", "wait_all", "occupancy", "wait_virtual"}) do
    assert(a[k] ~= nil, k)
  end
end)

test("generated functions: misspelt options, extra arguments, strings raise", function()
  local ok, msg = pcall(svcm.staffing, 100, 180, 1800, {target_sl = 0.8, shrinkge = 0.3})
  assert(not ok and msg:find("unknown option 'shrinkge'", 1, true), msg)
  ok, msg = pcall(svcm.erlang_b, 1.0, 2, 3)
  assert(not ok and msg:find("too many arguments", 1, true), msg)
  ok, msg = pcall(svcm.erlang_b, "1.0", 2)
  assert(not ok and msg:find("'traffic_erlangs'", 1, true), msg)
  ok, msg = pcall(svcm.erlang_b, 1.0)
  assert(not ok and msg:find("missing argument 'agents'", 1, true), msg)
  ok, msg = pcall(svcm.staffing, 100, 180, 1800, {[1] = 2})
  assert(not ok and msg:find("keys must be parameter names", 1, true), msg)
  -- Out of the C type's range: the failure triple naming the field.
  fails_with("max_agents", svcm.staffing(100, 180, 1800, {max_agents = -1}))
  fails_with("agents", svcm.erlang_b(1.0, 1 << 40))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
