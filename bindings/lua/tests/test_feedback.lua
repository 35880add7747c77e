-- Tests of svcm's feedback engine from Lua: CSAT, NPS, CES, rates,
-- comparisons, SERVQUAL and consistency. Reference values are the same
-- independent ones as the C tests (published tables or hand computations,
-- written out next to each check). Errors name records from 1.
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

local function scores(pairs_)
  local out = {}
  for _, p in ipairs(pairs_) do
    for _ = 1, p[2] do out[#out + 1] = p[1] end
  end
  return out
end

test("nps all promoters is 100", function()
  local r = assert(svcm.nps({9, 10, 10}))
  assert(r.value == 100 and r.n == 3 and r.kind == "nps")
  assert(r.ci[1] == 100 and r.ci[2] == 100)
end)

test("nps interval matches published variance example", function()
  -- Cross Validated, "How can I calculate margin of error in a NPS result?"
  -- (whuber): 1/2, 1/3, 1/6 -> NPS 1/3, variance 5/9. n = 300:
  -- SE = 100 sqrt(5/9/300) = 4.3033148; CI [24.898991, 41.767675].
  local xs = scores({{10, 90}, {9, 60}, {8, 50}, {7, 50}, {3, 20}, {6, 30}})
  local r = assert(svcm.nps(xs))
  assert(r.promoters == 150 and r.passives == 100 and r.detractors == 50)
  near(r.value, 100 / 3, 1e-12)
  near(r.std_error, 4.303314829119351, 1e-9)
  near(r.ci[1], 24.898991254122272, 1e-7)
  near(r.ci[2], 41.7676754125444, 1e-7)
  -- 99%: z = 2.5758293 (hand computation on 50/30/20, SE 7.8102497)
  local r99 = assert(svcm.nps(scores({{9, 50}, {7, 30}, {0, 20}}), 0.99))
  near(r99.ci[1], 30 - 2.5758293035489004 * 7.810249675906654, 1e-7)
end)

test("nps bad score fails naming the record", function()
  for _, bad in ipairs({11, -1, 8.5, 0 / 0, math.huge}) do
    local r, msg, code = svcm.nps({10, 9, bad})
    assert(r == nil and code == svcm.codes.EINVAL, tostring(msg))
    assert(msg:find("record 2", 1, true) and msg:find("score", 1, true), msg) -- from 0
  end
  local r, _, code = svcm.nps({})
  assert(r == nil and code == svcm.codes.EEMPTY)
  assert(not pcall(svcm.nps, {"x"}))
end)

test("NPS accumulator add merge result bytes", function()
  local a = svcm.NPS()
  assert(a:add({10, 9, 0}))
  assert(a:add(5))
  assert(a:n() == 4 and a:kind() == "nps")
  local bad1, bmsg, bcode = a:add(10.5)
  assert(bad1 == nil and bcode == svcm.codes.EINVAL and bmsg:find("score", 1, true), bmsg)
  local ok, msg = a:add({10, 12})
  assert(ok == nil and msg:find("record 1", 1, true), msg) -- records count from 0
  assert(a:n() == 4) -- all or nothing
  assert(a:counts()[10] == 1 and a:counts()[0] == 1 and a:counts()[5] == 1)
  local lo, hi = a:scale()
  assert(lo == 0 and hi == 10)
  local b = svcm.NPS()
  b:add({7, 7})
  assert(a:merge(b))
  assert(a:n() == 6)
  local back = assert(svcm.NPS.from_bytes(a:to_bytes()))
  assert(back:n() == 6 and back:result().value == a:result().value)
  local bytes = a:to_bytes()
  for cut = 0, #bytes - 1 do
    local r, _, code = svcm.NPS.from_bytes(bytes:sub(1, cut))
    assert(r == nil and code == svcm.codes.EFORMAT)
  end
  local r, _, code = svcm.CSAT.from_bytes(bytes)
  assert(r == nil and code == svcm.codes.EMISMATCH)
  assert(not pcall(a.merge, a, svcm.CSAT())) -- another class
  local _, _, c2 = a:merge(svcm.NPS({interval = "adjusted"}))
  assert(c2 == svcm.codes.EMISMATCH)
  assert(tostring(a):find("nps", 1, true))
  do
    local closed <close> = svcm.NPS()
    closed:add(9)
  end
end)

test("merge equals adding everything to one", function()
  local xs = {}
  for i = 0, 499 do xs[#xs + 1] = (i * 7 + 3) % 11 end
  local whole, p1, p2 = svcm.NPS(), svcm.NPS(), svcm.NPS()
  whole:add(xs)
  p1:add(table.move(xs, 1, 213, 1, {}))
  p2:add(table.move(xs, 214, 500, 1, {}))
  p1:merge(p2)
  local cw, cp = whole:counts(), p1:counts()
  for k = 0, 10 do assert(cw[k] == cp[k]) end
  assert(whole:result().value == p1:result().value)
end)

test("csat interval matches newcombe 1998", function()
  -- Newcombe (1998), Stat. Med. 17:857-872, Table I (Wilson score):
  -- 81/263 -> 0.2553, 0.3662; 1/29 -> 0.0061, 0.1718.
  for _, c in ipairs({{81, 263, 0.2553, 0.3662}, {1, 29, 0.0061, 0.1718}}) do
    local sat, n = c[1], c[2]
    local xs = scores({{5, sat // 2}, {4, sat - sat // 2}, {2, n - sat}})
    local r = assert(svcm.csat(xs))
    assert(r.satisfied == sat and r.n == n)
    near(r.ci[1], c[3], 5e-5)
    near(r.ci[2], c[4], 5e-5)
  end
end)

test("csat scale and top boxes are configurable", function()
  local r = assert(svcm.csat({10, 9, 8, 7, 1, 1, 8, 2}, {scale = 10, top_boxes = 3}))
  assert(r.satisfied == 4 and r.value == 0.5)
  local acc = assert(svcm.CSAT({scale = 3, low = -3, top_boxes = 1}))
  acc:add({-3, 3, 0})
  local lo, hi, top = acc:scale()
  assert(lo == -3 and hi == 3 and top == 1)
  assert(acc:result().satisfied == 1)
  local bad, _, code = svcm.CSAT({top_boxes = 5})
  assert(bad == nil and code == svcm.codes.EINVAL)
  assert(svcm.CSAT(10):result() == nil)
  local back = assert(svcm.CSAT.from_bytes(acc:to_bytes()))
  assert(select(3, back:scale()) == 1)
end)

test("compare csat hand computation", function()
  -- 56/70 vs 48/80: z = -2.6501720, p = 0.00804508, CI [-0.342495, -0.057505]
  local c = assert(svcm.compare_csat(scores({{5, 56}, {2, 14}}), scores({{4, 48}, {3, 32}})))
  near(c.diff, -0.2, 1e-12)
  near(c.statistic, -2.6501719512585336, 1e-9)
  near(c.p_value, 0.008045081368196568, 1e-9)
  near(c.ci[1], -0.34249510085096296, 1e-9)
  near(c.ci[2], -0.05750489914903717, 1e-9)
end)

test("ces t interval and welch compare hand computation", function()
  -- 3,4,4,5,5,6: mean 4.5, SE 0.4281744, t(0.975,5) = 2.570582 ->
  -- [3.3993425, 5.6006575]; Welch vs 2,3,3,4,4,4,5: t = -1.6430705,
  -- df = 10.4012267, p = 0.1302194 (see tests/test_feedback.c).
  local r = assert(svcm.ces({3, 4, 4, 5, 5, 6}))
  near(r.value, 4.5, 1e-12)
  near(r.ci[1], 3.399342544915661, 1e-5)
  near(r.ci[2], 5.600657455084339, 1e-5)
  local a = svcm.CES()
  a:add({3, 4, 4, 5, 5, 6})
  local b = svcm.CES()
  b:add({2, 3, 3, 4, 4, 4, 5})
  local c = assert(a:compare(b))
  local c2 = assert(svcm.compare_ces({3, 4, 4, 5, 5, 6}, {2, 3, 3, 4, 4, 4, 5}))
  for _, k in ipairs({"diff", "statistic", "df", "p_value", "p_less", "p_greater"}) do
    near(c2[k], c[k], 0, k)
  end
  assert(not pcall(svcm.compare_ces, a, {2, 3})) -- scores or a:compare(b)
  near(c.statistic, -1.6430704522880653, 1e-9)
  near(c.df, 10.40122667929155, 1e-9)
  near(c.p_value, 0.1302194347928074, 1e-6)
  local e, _, code = svcm.ces({4})
  assert(e == nil and code == svcm.codes.EEMPTY)
  assert(svcm.ces({5, 1}, {scale = 5}).n == 2)
  assert(svcm.CES.from_bytes(a:to_bytes()):n() == 6)
end)

test("compare nps hand computation", function()
  -- SE = 100 sqrt(0.61/100 + (5/9)/300) = 8.9173157; z = 0.3738046;
  -- p = 0.7085497; CI [-14.144284, 20.810951].
  local a = scores({{9, 50}, {8, 30}, {2, 20}})
  local b = scores({{10, 150}, {7, 100}, {0, 50}})
  local c = assert(svcm.compare_nps(a, b))
  near(c.diff, 10 / 3, 1e-9)
  near(c.statistic, 0.3738045687421206, 1e-9)
  near(c.p_value, 0.7085497201533804, 1e-9)
  near(c.ci[1], -14.144284192276153, 1e-7)
  near(c.ci[2], 20.810950858942824, 1e-7)
  assert(c.df == math.huge)
  local r, _, code = svcm.compare_nps({10, 10}, {9, 9})
  assert(r == nil and code == svcm.codes.ERANGE)
  assert(not pcall(svcm.compare_nps, svcm.CSAT(), b))
end)

test("rates wilson counts merge bytes compare", function()
  local r = svcm.Rate("fcr")
  assert(r:add({1, 0, 1, 1}))
  assert(r:add(true))
  assert(r:add(false))
  assert(r:add_counts(3, 4))
  assert(r:successes() == 7 and r:trials() == 10 and r:kind() == "fcr")
  local ok, msg, code = r:add({1, 0.5})
  -- the second outcome: records count from 0, as in Python and every generated call
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1", 1, true), msg)
  local ok2, _, code2 = r:add_counts(5, 4)
  assert(ok2 == nil and code2 == svcm.codes.EINVAL)
  assert(not pcall(r.add_counts, r, -1, 4))
  local nope, _, ncode = svcm.Rate("nope") -- a bad kind fails like every bad value
  assert(nope == nil and ncode == svcm.codes.EINVAL)
  assert(not pcall(svcm.Rate, 7))
  assert(svcm.Rate():kind() == "generic")
  assert(svcm.Rate({kind = "churn"}):kind() == "churn")
  -- Newcombe (1998) Table I: 15/148 -> 0.0624, 0.1605.
  local s = assert(svcm.rate(15, 148, {kind = "resolution"}))
  near(s.ci[1], 0.0624, 5e-5)
  near(s.ci[2], 0.1605, 5e-5)
  assert(s.kind == "resolution")
  -- Hand computation at 90%: 7/10 -> [0.4416998, 0.8731234].
  local s90 = assert(svcm.rate(7, 10, {confidence = 0.90}))
  near(s90.ci[1], 0.4416997958698352, 1e-9)
  near(s90.ci[2], 0.873123416096802, 1e-9)
  local a, b = svcm.Rate("fcr"), svcm.Rate("fcr")
  a:add_counts(120, 200)
  b:add_counts(150, 220)
  -- z = 1.7477258, p = 0.0805115, CI [-0.0098214, 0.1734578]
  local c = assert(svcm.compare_rates(a, b))
  near(c.statistic, 1.7477257950106055, 1e-9)
  near(c.p_value, 0.08051151994050242, 1e-9)
  near(c.ci[1], -0.00982141511158327, 1e-9)
  local back = assert(svcm.Rate.from_bytes(a:to_bytes()))
  assert(back:successes() == 120 and back:trials() == 200 and back:kind() == "fcr")
  local bad, _, fcode = svcm.Rate.from_bytes(a:to_bytes():sub(1, -2))
  assert(bad == nil and fcode == svcm.codes.EFORMAT)
  assert(a:merge(b))
  assert(a:successes() == 270 and a:trials() == 420)
  local m, _, mcode = a:merge(svcm.Rate("churn"))
  assert(m == nil and mcode == svcm.codes.EMISMATCH)
  local e, _, ecode = svcm.Rate():result()
  assert(e == nil and ecode == svcm.codes.EEMPTY)
  assert(#svcm.RATE_KINDS == 9)
end)

-- Hand-worked 22-item example (tests/test_servqual.c): gaps -1, -1.4, 0,
-- -0.75, -0.2; unweighted -0.67; weights 10/30/25/20/15 -> weighted -0.70.
local E22 = {6, 6, 5, 7, 7, 7, 6, 7, 6, 6, 6, 6, 6, 7, 6, 6, 7, 5, 5, 6, 6, 5}
local P22 = {5, 6, 4, 5, 5, 6, 6, 4, 5, 6, 5, 7, 6, 6, 6, 5, 6, 5, 4, 6, 5, 6}

test("servqual hand worked example", function()
  local r = assert(svcm.servqual(E22, P22, {weights = {10, 30, 25, 20, 15}}))
  near(r.gaps.tangibles, -1.0, 1e-12)
  near(r.gaps.reliability, -1.4, 1e-12)
  near(r.gaps.responsiveness, 0.0, 1e-12)
  near(r.gaps.assurance, -0.75, 1e-12)
  near(r.gaps.empathy, -0.2, 1e-12)
  near(r.unweighted, -0.67, 1e-12)
  near(r.weighted, -0.70, 1e-12)
  assert(r.items.reliability == 5)
  local same = assert(svcm.servqual(E22, P22, {weights = {tangibles = 10, reliability = 30,
    responsiveness = 25, assurance = 20, empathy = 15}}))
  near(same.weighted, -0.70, 1e-12)
  local custom = assert(svcm.servqual({5, 6, 4, 3, 2, 7}, {5, 4, 5, 3, 3, 6},
    {dimensions = {"tangibles", 1, "reliability", 2, 3, "empathy"}}))
  near(custom.gaps.reliability, -0.5, 1e-15)
  assert(#svcm.SERVQUAL_DIMENSIONS == 5 and svcm.SERVQUAL_DIMENSIONS[1] == "tangibles")
end)

test("servqual bad input", function()
  local r, _, code = svcm.servqual(table.move(E22, 1, 21, 1, {}), table.move(P22, 1, 21, 1, {}))
  assert(r == nil and code == svcm.codes.EINVAL)
  local e = table.move(E22, 1, 22, 1, {})
  e[8] = 0 / 0
  local r2, msg = svcm.servqual(e, P22)
  assert(r2 == nil and msg:find("record 8", 1, true) and msg:find("expectation", 1, true), msg)
  local r3, msg3 = svcm.servqual(E22, P22, {weights = {1, 1, -1, 1, 1}})
  assert(r3 == nil and msg3:find("weight", 1, true))
  local r4 = svcm.servqual(E22, P22, {weights = {0, 0, 0, 0, 0}})
  assert(r4 == nil)
  local r5, msg5 = svcm.servqual({1, 2}, {1, 2}, {dimensions = {"tangibles", "speed"}})
  assert(r5 == nil and msg5:find("record 2", 1, true), msg5)
  assert(not pcall(svcm.servqual, E22, {1, 2}))
  assert(not pcall(svcm.servqual, E22, P22, {weights = {1, 2}}))
  assert(not pcall(svcm.servqual, E22, P22, {weights = {tangible = 1}}))
  assert(not pcall(svcm.servqual, E22, P22, {weights = 3}))
  assert(not pcall(svcm.servqual, E22, P22, {dimensions = "x"}))
end)

test("consistency hand computation", function()
  -- 80, 85, 90, 75: mean 82.5, SS 125; SD sqrt(125/3), population sqrt(125/4).
  local r = assert(svcm.consistency({80, 85, 90, 75}))
  near(r.mean, 82.5, 1e-12)
  near(r.sd, 6.454972243679028, 1e-12)
  near(r.sd_population, 5.5901699437494745, 1e-12)
  near(r.cv, 0.07824208780217004, 1e-14)
  near(r.cv_population, 0.06775963568181181, 1e-14)
  assert(r.n == 4 and r.min == 75 and r.max == 90)
  local m = assert(svcm.consistency({phone = -10, chat = -30}))
  near(m.cv, math.sqrt(200) / 20, 1e-12)
  local z, _, code = svcm.consistency({-5, 5})
  assert(z == nil and code == svcm.codes.ERANGE)
  local o, _, ocode = svcm.consistency({5})
  assert(o == nil and ocode == svcm.codes.EEMPTY)
  local i, imsg = svcm.consistency({1, math.huge})
  assert(i == nil and imsg:find("record 2", 1, true))
end)

test("confidence just below one is accepted", function()
  -- Regression: 1 - 2^-53 was refused (0.5 + 0.5c rounds to 1). The
  -- two-sided z for the tail 2^-54 is 8.292361075813595 (Wichura's AS241,
  -- Python statistics.NormalDist().inv_cdf(2**-54), checked by erfc).
  local r = assert(svcm.nps(scores({{10, 3000}, {0, 1000}}), 1 - 2 ^ -53))
  near((r.value - r.ci[1]) / r.std_error, 8.292361075813595, 1e-6)
end)

test("servqual scores near DBL_MAX", function()
  -- Regression: overflowing sums gave inf gaps with no error.
  local e, p = {}, {}
  for i = 1, 22 do e[i], p[i] = 1e308, 1.5e308 end
  local r = assert(svcm.servqual(e, p))
  near(r.gaps.empathy / 5e307, 1, 1e-13)
  for i = 1, 22 do e[i], p[i] = -1e308, 1e308 end
  local z, msg, code = svcm.servqual(e, p)
  assert(z == nil and code == svcm.codes.ERANGE and msg:find("gap", 1, true), msg)
end)

test("consistency of huge values that fit", function()
  -- Regression: {-1e200, 1.1e200} (mean 5e198, CV 29.698484809834996) was
  -- an ERANGE; a CV of 1e600 still is one.
  local r = assert(svcm.consistency({-1e200, 1.1e200}))
  near(r.cv, 29.698484809834996, 1e-10)
  local z, _, code = svcm.consistency({1e300, -1e300, 3e-300})
  assert(z == nil and code == svcm.codes.ERANGE)
end)

test("tostring shows counts above 2^63 unsigned", function()
  -- Regression: %I printed 2^64 - 2 as -2.
  local r = svcm.Rate("fcr")
  assert(r:add_counts(0, math.maxinteger))
  assert(r:add_counts(0, math.maxinteger))
  assert(tostring(r):find("0/18446744073709551614", 1, true), tostring(r))
  -- An NPS accumulator whose last count (answers of 10) is 2^64 - 2.
  local b = svcm.NPS():to_bytes()
  local f = assert(svcm.NPS.from_bytes(b:sub(1, #b - 8) .. string.pack("<i8", -2)))
  assert(tostring(f):find("n=18446744073709551614", 1, true), tostring(f))
end)

-- KPI conventions: the worked examples of tests/test_feedback.c.
local CSAT_EX = scores({{1, 5}, {2, 5}, {3, 20}, {4, 30}, {5, 40}})
-- CYS Group's CES 2.0 example (support.cys.group article 3000095529).
local CES_EX = scores({{1, 80}, {2, 210}, {3, 140}, {4, 110}, {5, 160}, {6, 180}, {7, 120}})
local NPS_EX = scores({{10, 250}, {8, 675}, {3, 75}})

test("conventions default to the 0.1 results", function()
  assert(svcm.csat(CSAT_EX).convention == "top_box")
  near(svcm.csat(CSAT_EX).value, svcm.csat(CSAT_EX, {method = "top_box"}).value, 0, "csat")
  assert(svcm.NPS():convention() == "wald" and svcm.CES():convention() == "mean")
  near(svcm.nps(NPS_EX).ci[1], svcm.nps(NPS_EX, {interval = "wald"}).ci[1], 0, "nps")
end)

test("csat rated is Zendesk's good over good plus bad", function()
  -- Zendesk help centre (article 203662256): 70 / (70 + 10), 3 left out.
  local r = assert(svcm.csat(CSAT_EX, {method = "rated"}))
  near(r.value, 0.875, 1e-15, "rated")
  assert(r.satisfied == 70 and r.dissatisfied == 10 and r.convention == "rated")
  near(r.ci[1], 0.7849719790084034, 1e-9, "lo")
  near(r.ci[2], 0.9306644238399514, 1e-9, "hi")
  near(assert(svcm.csat(CSAT_EX, {method = "mean"})).value, 3.95, 1e-12, "mean")
  local z = assert(svcm.csat(scores({{2, 45}, {1, 5}}), {scale = 2, top_boxes = 1, method = "rated"}))
  near(z.value, 0.9, 1e-15, "zendesk good/bad")
  local none, msg, code = svcm.csat({3, 3}, {method = "rated"})
  assert(none == nil and code == svcm.codes.EEMPTY, msg)
end)

test("ces mean, top and index", function()
  near(svcm.ces(CES_EX).value, 4.08, 1e-12, "published mean")
  local top = assert(svcm.ces(CES_EX, {method = "top"}))
  near(top.value, 0.46, 1e-15, "top")
  local idx = assert(svcm.ces(CES_EX, {method = "index"}))
  near(idx.value, -13, 1e-12, "index")
  assert(idx.satisfied == 300 and idx.dissatisfied == 430)
  near(idx.ci[1], -18.23387455432109, 1e-9, "index lo")
  local none, _, code, detail = svcm.CES({scale = 5, method = "top"})
  assert(none == nil and code == svcm.codes.EINVAL and detail.field == "ces_method")
end)

test("nps adjusted wald", function()
  -- Rocks (2016) / MeasuringU: n + 3, 3/4 more promoters and detractors.
  local r = assert(svcm.nps(NPS_EX, {interval = "adjusted"}))
  near(r.value, 17.5, 1e-12, "value")
  near(r.ci[1], 14.085883061097096, 1e-9, "lo")
  near(r.ci[2], 20.80943099672942, 1e-9, "hi")
  assert(r.convention == "adjusted")
  local acc = svcm.NPS({interval = "adjusted"})
  assert(acc:add(NPS_EX))
  near(assert(acc:result()).ci[1], r.ci[1], 0, "accumulator keeps its own")
  assert(not pcall(svcm.nps, acc)) -- scores only
  near(assert(svcm.nps(scores({{10, 10}}), {interval = "adjusted"})).ci[1],
       47.50355154479021, 1e-9, "small sample")
  local twin = svcm.NPS({interval = "adjusted"})
  twin:add(NPS_EX)
  local c = assert(acc:compare(twin))
  assert(c.diff == 0)
  local none, _, code = acc:compare(svcm.NPS()) -- wald vs adjusted
  assert(none == nil and code == svcm.codes.EMISMATCH)
end)

test("conventions do not merge across and survive bytes", function()
  local a, b = svcm.CSAT({method = "rated"}), svcm.CSAT()
  assert(b:add({5}))
  local none, _, code = a:merge(b)
  assert(none == nil and code == svcm.codes.EMISMATCH)
  assert(a:add(CSAT_EX))
  local back = assert(svcm.CSAT.from_bytes(a:to_bytes()))
  assert(back:convention() == "rated")
  near(assert(back:result()).value, 0.875, 1e-15, "loaded")
  local none2, _, code2 = svcm.NPS({interval = "exact"})
  assert(none2 == nil and code2 == svcm.codes.EINVAL)
  local none3, _, code3 = svcm.csat({1}, {method = "top2"})
  assert(none3 == nil and code3 == svcm.codes.EINVAL)
  assert(not pcall(svcm.CES, {method = 3}))
end)

test("grouped slots carry the convention", function()
  local g = assert(svcm.kpi_groups({{"nps", interval = "adjusted"}, {"csat", method = "rated"}}))
  local k = assert(g:group("web"))
  for _, x in ipairs(NPS_EX) do assert(g:add_score(k, 1, x)) end
  for _, x in ipairs(CSAT_EX) do assert(g:add_score(k, 2, x)) end
  near(assert(g:feedback(k, 1)).ci[1], 14.085883061097096, 1e-9, "grouped nps")
  near(assert(g:feedback(k, 2)).value, 0.875, 1e-15, "grouped csat")
  local slots = g:slots()
  assert(slots[1].interval == "adjusted" and slots[2].method == "rated")
  local h = assert(svcm.kpi_groups_load(g:to_bytes()))
  near(assert(h:feedback(k, 1)).ci[1], 14.085883061097096, 1e-9, "loaded grouped nps")
  assert(not pcall(svcm.kpi_groups, {{"ces", method = "best"}}))
end)

test("fcr from repeat contacts", function()
  -- The worked example of tests/test_feedback.c (Call Centre Helper's
  -- definition: a repeat contact within the window fails FCR; by hand).
  local D = 86400
  local r, o = svcm.fcr_repeats({7, 9, 7, 7}, {D, D, 5 * D, 15 * D}, 7 * D, 20 * D)
  assert(r, o)
  assert(o[1] == "repeated" and o[2] == "resolved" and o[3] == "resolved" and o[4] == "undecided")
  assert(r:kind() == "fcr" and r:successes() == 2 and r:trials() == 3)
  local _, o2 = assert(svcm.fcr_repeats({5, 5, 5}, {10, 10, 10}, 1, 11))
  assert(o2[1] == "repeated" and o2[2] == "repeated" and o2[3] == "resolved")
  local none, msg, code, detail = svcm.fcr_repeats({1, 2}, {0, 50}, 10, 20)
  assert(none == nil and code == svcm.codes.EINVAL and detail.index == 2 and
         detail.field == "created", msg)
  none, _, code = svcm.fcr_repeats({1}, {0}, 0)
  assert(none == nil and code == svcm.codes.EINVAL)
  assert(not pcall(svcm.fcr_repeats, {1, 2}, {0}, 5))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
