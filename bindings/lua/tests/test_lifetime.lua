-- Tests of the lifetime engine's Lua surface. Raises on failure.
-- Published values: Fader, Hardie & Lee (2005), "Counting Your Customers the
-- Easy Way", Marketing Science 24(2) (r = 0.243, alpha = 4.414, a = 0.793,
-- b = 2.426, LL = -9582.4); Hardie's BG/NBD workbook via the lifetimes test
-- suite (1.226); Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary
-- Value" (p = 6.25, q = 3.74, gamma = 15.44; CLVTools' LL -4055.9177).
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

local data = "../../../tests/data/"

local function load_summary()
  local x, tx, T, z = {}, {}, {}, {}
  local first = true
  for line in io.lines(data .. "cdnow_summary.csv") do
    if first then
      first = false
    else
      local _, a, b, c, d = line:match("^(%d+),([%d.]+),([%d.]+),([%d.]+),([%d.]+)")
      x[#x + 1], tx[#tx + 1], T[#T + 1], z[#z + 1] = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
    end
  end
  return x, tx, T, z
end

-- Days since 1970-01-01 of a Gregorian date (Hinnant's days_from_civil).
local function days(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = (y >= 0 and y or y - 399) // 400
  local yoe = y - era * 400
  local doy = (153 * (m + (m > 2 and -3 or 9)) + 2) // 5 + d - 1
  local doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
  return era * 146097 + doe - 719468
end

local x, tx, T, zbar = load_summary()
local end_1997_09_30 = days(1997, 9, 30) * 86400

test("bgnbd_fit reproduces Fader, Hardie & Lee (2005) CDNOW estimates", function()
  local m = assert(svcm.BGNBD.fit(x, tx, T))
  near(m.r, 0.243, 0.0005, "r")
  near(m.alpha, 4.414, 0.0005, "alpha")
  near(m.a, 0.793, 0.0005, "a")
  near(m.b, 2.426, 0.0005, "b")
  near(m.loglik, -9582.4, 0.05, "loglik")
  assert(m.n == 2357 and m.groups < m.n and m.iterations > 0)
  near(m:log_likelihood(x, tx, T), m.loglik, 1e-6)
  -- Hardie's worked example: 1.226 purchases in the 39-week holdout.
  near(m:expected_purchases(39, 2, 30.43, 38.86), 1.226, 0.0005)
  local u = m:expected_purchases_unconditional({1, 78})
  near(u[1], 0.0532, 0.0005)
  near(u[2], 1.8576, 0.0005)
end)

test("p_alive of known parameters matches hand computation", function()
  local m = assert(svcm.BGNBD(0.243, 4.414, 0.793, 2.426))
  -- 1 / (1 + 0.793/3.426 (43.274/34.844)^2.243)
  near(m:p_alive(2, 30.43, 38.86), 0.726578570080673, 1e-12)
  local p = m:p_alive({2, 0}, {30.43, 0}, 38.86)
  assert(#p == 2 and p[2] == 1.0)
  assert(m.loglik == nil)
  assert(tostring(m):find("svcm.BGNBD", 1, true))
end)

test("bad records fail with index and field", function()
  local m = assert(svcm.BGNBD(0.243, 4.414, 0.793, 2.426))
  local ok, msg, code = m:p_alive({1, 0}, {1, 2}, {5, 5})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1, field 't_x'", 1, true), msg)
  ok, msg, code = m:p_alive({1, -1}, {1, 0}, {5, 5})
  assert(ok == nil and msg:find("record 1, field 'x'", 1, true), msg)
  ok, msg, code = svcm.BGNBD(0.2, -1, 1, 1)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("alpha", 1, true), msg)
  ok, msg, code = svcm.BGNBD.fit({0, 0}, {0, 0}, {3, 4})
  assert(ok == nil and code == svcm.codes.EEMPTY, msg)
  ok, msg, code = svcm.BGNBD.fit(x, tx, T, nil, {max_iter = 2})
  assert(ok == nil and code == svcm.codes.ENOCONV, msg)
  assert(not pcall(m.p_alive, m, {1, 2}, {1}, {5, 5}))   -- length mismatch is misuse
  assert(not pcall(m.p_alive, m, {1, "a"}, {1, 1}, {5, 5}))
end)

test("summaries of CDNOW transactions reproduce the summary CSV", function()
  local ids, times, values = {}, {}, {}
  for line in io.lines(data .. "cdnow_sample_transactions.txt") do
    local _, s, d, _, v = line:match("(%d+)%s+(%d+)%s+(%d+)%s+(%d+)%s+([%d.]+)")
    d = tonumber(d)
    ids[#ids + 1] = tonumber(s)
    times[#times + 1] = days(d // 10000, d // 100 % 100, d % 100) * 86400
    values[#values + 1] = tonumber(v)
  end
  local s = assert(svcm.summarize_transactions(ids, times, values, end_1997_09_30))
  assert(#s.id == 2357)
  for i = 1, #s.id do
    assert(s.id[i] == i and s.x[i] == x[i])
    near(s.t_x[i], tx[i], 0.005 + 1e-9)
    near(s.T[i], T[i], 0.005 + 1e-9)
    near(s.mean_spend[i], zbar[i], 0.005 + 1e-9)
  end
  -- Fader & Hardie (2013) estimates from the unrounded mean spends.
  local g = assert(svcm.GammaGamma.fit(s.x, s.mean_spend))
  near(g.p, 6.25, 0.005, "p")
  near(g.q, 3.74, 0.005, "q")
  near(g.gamma, 15.44, 0.005, "gamma")
  near(g.loglik, -4055.9177, 0.0005, "loglik")
  assert(g.n == 946)
  near(g:log_likelihood(s.x, s.mean_spend), g.loglik, 1e-6)
  local ok, msg, code = svcm.summarize_transactions({1, 2}, {0, 0}, {1, -1}, 0)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1, field 'value'", 1, true), msg)
end)

test("log-likelihoods match hand computations", function()
  -- BG/NBD r = alpha = a = b = 1, x = 1, t_x = 1, T = 2: 1/18 + 1/8 = 13/72
  local m = assert(svcm.BGNBD(1, 1, 1, 1))
  near(m:log_likelihood(1, 1, 2), math.log(13 / 72), 1e-14)
  -- Gamma-Gamma p = 1, q = 2, gamma = 1, x = 1, m = 1: 2 / 2^3
  local g = assert(svcm.GammaGamma(1, 2, 1))
  near(g:log_likelihood({1, 0}, {1, 0}), math.log(0.25), 1e-14)
  assert(g.loglik == nil and g.q == 2)
  assert(tostring(g):find("svcm.GammaGamma", 1, true))
end)

test("summary options move slot boundaries", function()
  local s = assert(svcm.summarize_transactions({1, 1}, {23 * 3600, 25 * 3600}, {1, 2}, 7 * 86400))
  assert(s.x[1] == 1)
  s = assert(svcm.summarize_transactions({1, 1}, {23 * 3600, 25 * 3600}, {1, 2}, 7 * 86400,
                                         {offset = -18000}))
  assert(s.x[1] == 0)
  local ok, msg, code = svcm.summarize_transactions({1}, {0}, {1}, 0, {granularity = 0})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("granularity", 1, true), msg)
  local big = 1.7976931348623157e308
  s = assert(svcm.summarize_transactions({7, 7, 7}, {0, 86400, 172800}, {big, big, big}, 172800))
  assert(s.mean_spend[1] == big)  -- was inf
  ok, msg, code = svcm.summarize_transactions({7, 7, 7}, {0, 86400, 86460}, {big, big, big}, 172800)
  assert(ok == nil and code == svcm.codes.ERANGE and msg:find("record 1, field 'value'", 1, true), msg)
end)

test("same-day purchases merge into one", function()
  local s = assert(svcm.summarize_transactions({1, 1, 1}, {0, 86405, 86409}, {1, 2, 3}, 864000,
                                               {period = 86400}))
  assert(s.x[1] == 1 and s.mean_spend[1] == 5 and s.T[1] == 10)
end)

test("conditional spend and CLV match hand computations", function()
  local g = assert(svcm.GammaGamma(6.25, 3.74, 15.44))
  -- 6.25 (15.44 + 2 * 22.35) / (12.5 + 2.74); x = 0: 6.25 * 15.44 / 2.74
  near(g:conditional_expected_spend(2, 22.35), 375.875 / 15.24, 1e-12)
  near(g:conditional_expected_spend({0}, {0})[1], 96.5 / 2.74, 1e-12)
  local bg = assert(svcm.BGNBD(0.243, 4.414, 0.793, 2.426))
  local e = {}
  for k = 1, 3 do e[k] = bg:expected_purchases(4 * k, 2, 30.43, 38.86) end
  local want = 0.5 * (375.875 / 15.24) * (e[1] / 1.1 + (e[2] - e[1]) / 1.1 ^ 2 + (e[3] - e[2]) / 1.1 ^ 3)
  local got = g:clv(bg, 2, 30.43, 38.86, 22.35, {horizon = 3, discount_rate = 0.1,
                                                 period_length = 4, margin = 0.5})
  near(got, want, 1e-12 * want)
  local ok, msg, code = g:clv(bg, 2, 30.43, 38.86, 22.35, {discount_rate = -1})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("discount_rate", 1, true), msg)
  ok, msg, code = svcm.GammaGamma(0.2, 0.9, 10):conditional_expected_spend(0, 0)
  assert(ok == nil and code == svcm.codes.ERANGE, msg)
  assert(not pcall(g.clv, g, g, 2, 30.43, 38.86, 22.35))  -- not a BG/NBD model
  ok, msg, code = svcm.GammaGamma.fit({1, 2}, {3, 0})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1, field 'mean_spend'", 1, true), msg)
end)

test("extreme parameters give accurate values or range errors", function()
  -- mpmath 1.3 reference (hyp2f1 at 60 digits; a posterior integral agrees)
  local bg = assert(svcm.BGNBD(0.243, 4.414, 1e8, 1e9))
  near(bg:expected_purchases(39, 2, 30.43, 38.86), 1.5319423456076186242, 1e-13)
  bg = assert(svcm.BGNBD(0.243, 4.414, 0.793, 1e10))
  near(bg:expected_purchases(39, 0, 0, 38.86), 0.21899986133888841928, 1e-13)
  local g = assert(svcm.GammaGamma(6.25, 1.5, 1e308))
  local ok, msg, code = g:conditional_expected_spend({1, 2}, {1, 1.7976931348623157e308})
  assert(ok == nil and code == svcm.codes.ERANGE and msg:find("record 1, field 'mean_spend'", 1, true), msg)
end)

-- 0.2: what users asked for -------------------------------------------------

test("bgnbd_fit reports standard errors, gradient norm, weights", function()
  local m = assert(svcm.BGNBD.fit(x, tx, T))
  local se = m.standard_errors
  assert(#se == 4, "4 standard errors")
  for i = 1, 4 do assert(se[i] > 0 and se[i] < 10, "se " .. i) end
  assert(m.grad_norm <= 1e-6 and m.weight == 2357)
  -- standard error of r against the second difference of the public
  -- log-likelihood in r alone, other parameters held (a lower bound)
  local function ll(r) return svcm.BGNBD(r, m.alpha, m.a, m.b):log_likelihood(x, tx, T) end
  local h = 1e-3 * m.r
  local d2 = -(ll(m.r + h) - 2 * ll(m.r) + ll(m.r - h)) / (h * h)
  assert(se[1] >= 1 / math.sqrt(d2) * 0.999, "se(r) at least the one-parameter bound")
  -- weights: rows given weight 2 fit like the rows written twice
  local x2, tx2, T2, w = {}, {}, {}, {}
  for i = 1, 300 do
    x2[i], tx2[i], T2[i], w[i] = x[i], tx[i], T[i], 2
    x2[300 + i], tx2[300 + i], T2[300 + i] = x[i], tx[i], T[i]
  end
  local a = assert(svcm.BGNBD.fit(x2, tx2, T2))
  local b = assert(svcm.BGNBD.fit({table.unpack(x2, 1, 300)}, {table.unpack(tx2, 1, 300)},
                                  {table.unpack(T2, 1, 300)}, w))
  near(b.r, a.r, 1e-6 * a.r, "weighted r")
  near(b.loglik, a.loglik, 1e-6 * math.abs(a.loglik), "weighted loglik")
  assert(b.weight == 600)
  w[7] = -1
  local ok, msg, code = svcm.BGNBD.fit({table.unpack(x2, 1, 300)}, {table.unpack(tx2, 1, 300)},
                                       {table.unpack(T2, 1, 300)}, w)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 6, field 'weights'", 1, true), msg)
end)

test("bgnbd_fit penalizer shrinks the estimates; bad values are refused", function()
  local m = assert(svcm.BGNBD.fit(x, tx, T))
  local p = assert(svcm.BGNBD.fit(x, tx, T, nil, {penalizer = 0.01}))
  assert(p.r ^ 2 + p.alpha ^ 2 + p.a ^ 2 + p.b ^ 2 < m.r ^ 2 + m.alpha ^ 2 + m.a ^ 2 + m.b ^ 2)
  assert(p.loglik < m.loglik)
  local ok, msg, code = svcm.BGNBD.fit(x, tx, T, nil, {penalizer = -1})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("penalizer", 1, true), msg)
end)

test("probability_of_purchases matches eq. 8, sums to 1, has the mean E[X(t)]", function()
  local r, al, a, b = 0.243, 4.414, 0.793, 2.426
  local bg = assert(svcm.BGNBD(r, al, a, b))
  local t = 39
  local ks = {}
  for k = 0, 1999 do ks[#ks + 1] = k end
  local ps = assert(bg:probability_of_purchases(t, ks))
  -- eq. 8 as printed, its Gamma and Beta ratios as finite products
  local q, z = al / (al + t), t / (al + t)
  local function nb(j)
    local v = q ^ r
    for i = 0, j - 1 do v = v * (r + i) / (i + 1) * z end
    return v
  end
  local function b0(k) -- B(a, b + k) / B(a, b)
    local v = 1
    for i = 0, k - 1 do v = v * (b + i) / (a + b + i) end
    return v
  end
  local function b1(k) -- B(a + 1, b + k) / B(a, b), B(a + 1, b) / B(a, b) = a / (a + b)
    local v = a / (a + b)
    for i = 0, k - 1 do v = v * (b + i) / (a + 1 + b + i) end
    return v
  end
  for k = 0, 8 do
    local v = b0(k) * nb(k)
    if k > 0 then
      local head = 0
      for j = 0, k - 1 do head = head + nb(j) end
      v = v + b1(k - 1) * (1 - head)
    end
    near(ps[k + 1], v, 1e-12, "P(X = " .. k .. ")")
  end
  local sum, mean = 0, 0
  for i = #ps, 1, -1 do sum = sum + ps[i]; mean = mean + (i - 1) * ps[i] end
  near(sum, 1, 1e-10, "sum")
  near(mean, bg:expected_purchases_unconditional(t), 1e-8, "mean")
  local ok, msg, code = bg:probability_of_purchases(t, {0, -1})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1, field 'n'", 1, true), msg)
end)

test("p_alive_at: tau = 0 is p_alive, later is lower, one-time buyers too", function()
  local bg = assert(svcm.BGNBD(0.243, 4.414, 0.793, 2.426))
  local now = bg:p_alive(2, 30.43, 38.86)
  assert(bg:p_alive_at(0, 2, 30.43, 38.86) == now)
  local v = bg:p_alive_at(26, {2, 0}, {30.43, 0}, {38.86, 38})
  assert(v[1] < now and v[1] > 0 and v[2] < 1)
  -- independent: midpoint rule over p ~ Beta(a, b + x), p = u^(1/a)
  local r, al, a, b, xx, TT, tau, N = 0.243, 4.414, 0.793, 2.426, 2, 38.86, 26, 100000
  local s = 0
  for i = 0, N - 1 do
    local p = ((i + 0.5) / N) ^ (1 / a)
    s = s + (1 - p) ^ (b + xx - 1) * ((al + TT) / (al + TT + p * tau)) ^ (r + xx)
  end
  -- B(a, b + x) = Gamma(a) Gamma(b+x) / Gamma(a+b+x); b + x - 1 = 3.426
  local function gamma_fn(g) -- Gamma by recurrence and Stirling, enough for 1e-9
    local f = 1
    while g < 20 do f = f / g; g = g + 1 end
    return f * math.sqrt(2 * math.pi / g) * (g / math.exp(1)) ^ g *
      (1 + 1 / (12 * g) + 1 / (288 * g * g) - 139 / (51840 * g ^ 3))
  end
  local B = gamma_fn(a) * gamma_fn(b + xx) / gamma_fn(a + b + xx)
  near(v[1], now * s / N / a / B, 1e-6, "P(alive at T + 26)")
  local ok, msg, code = bg:p_alive_at(-1, 2, 30, 38)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("tau", 1, true), msg)
end)

test("gammagamma: q <= 1 refused, standard errors, penalizer", function()
  local n, xs, ms = 3000, {}, {}
  for i = 1, n do xs[i] = 1; ms[i] = 10 * ((1 - (i - 0.5) / n) ^ (-1 / 0.7) - 1) end
  local ok, msg, code = svcm.GammaGamma.fit(xs, ms)
  assert(ok == nil and code == svcm.codes.ERANGE and msg:find("'q'", 1, true) and msg:find("undefined", 1, true), msg)
  local cx, cz = {}, {}
  for i = 1, #x do if x[i] > 0 then cx[#cx + 1] = x[i]; cz[#cz + 1] = zbar[i] end end
  local g = assert(svcm.GammaGamma.fit(cx, cz))
  assert(#g.standard_errors == 3 and g.standard_errors[2] > 0 and g.grad_norm <= 1e-6)
  local gp = assert(svcm.GammaGamma.fit(cx, cz, {penalizer = 0.001}))
  assert(gp.gamma < g.gamma and gp.loglik < g.loglik)
end)

test("clv takes period_length and discount_rate by name; no hidden month", function()
  local gg = assert(svcm.GammaGamma(6.25, 3.74, 15.44))
  local bw = assert(svcm.BGNBD(0.243, 4.414, 0.793, 2.426))
  local bd = assert(svcm.BGNBD(0.243, 7 * 4.414, 0.793, 2.426))
  local wk = gg:clv(bw, 2, 30.43, 38.86, 22.35, {period_length = 4.348, discount_rate = 0.02})
  local dy = gg:clv(bd, 2, 7 * 30.43, 7 * 38.86, 22.35, {period_length = 7 * 4.348, discount_rate = 0.02})
  assert(wk > 0)
  near(dy, wk, 1e-9 * wk, "days vs weeks")
  local ok, msg, code = gg:clv(bw, 2, 30.43, 38.86, 22.35, {margin = -1})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("margin", 1, true), msg)
end)

test("described methods: numbers give a number, tables a table, arguments by name", function()
  local bg = assert(svcm.BGNBD(0.243, 4.414, 0.793, 2.426))
  local one = bg:expected_purchases(39, 2, 30.43, 38.86)
  assert(math.type(one) == "float" and math.abs(one - 1.226) < 0.0005, one)
  local col = bg:expected_purchases(39, {2, 0}, {30.43, 0}, 38.86)
  assert(type(col) == "table" and #col == 2 and col[1] == one, tostring(col[1]))
  assert(col[2] == bg:expected_purchases(39, 0, 0, 38.86))
  -- or one table of all the arguments by name; an unknown name raises
  assert(bg:expected_purchases{t = 39, x = 2, t_x = 30.43, T = 38.86} == one)
  assert(not pcall(bg.expected_purchases, bg, {t = 39, x = 2, t_x = 30.43, T = 38.86, tee = 1}))
  assert(not pcall(bg.expected_purchases, bg, 39, {2, 0}, {30.43}, 38.86))  -- lengths differ
  local pn = assert(svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669))
  local mb = assert(svcm.MBGNBD(0.525, 6.183, 0.891, 1.614))
  local bb = assert(svcm.BGBB(1.204, 0.750, 0.657, 2.783))
  local gg = assert(svcm.GammaGamma(6.25, 3.74, 15.44))
  local cases = {
    {bg, "p_alive_at", {26}, {{2, 0}, {30, 0}, 40}}, {bg, "probability_of_purchases", {39}, {{0, 1, 2}}},
    {pn, "p_alive", {}, {{2, 0}, {30, 0}, 40}}, {pn, "p_alive_at", {26}, {{2, 0}, {30, 0}, 40}},
    {pn, "expected_purchases", {10}, {{2, 0}, {30, 0}, 40}},
    {pn, "probability_of_purchases", {39}, {{0, 1, 2}}},
    {mb, "p_alive", {}, {{2, 0}, {30, 0}, 40}}, {mb, "expected_purchases", {10}, {{2, 0}, {30, 0}, 40}},
    {mb, "purchase_pmf", {10}, {{0, 1, 5}}}, {bb, "p_alive", {}, {{3, 0}, {5, 0}, 6}},
    {bb, "expected_purchases", {5}, {{3, 0}, {5, 0}, 6}},
    {gg, "conditional_expected_spend", {}, {{2, 0}, 20}},
  }
  for _, c in ipairs(cases) do
    local m, name, head, cols = c[1], c[2], c[3], c[4]
    local args = {table.unpack(head)}
    for _, v in ipairs(cols) do args[#args + 1] = v end
    local got = m[name](m, table.unpack(args))
    assert(type(got) == "table" and #got == #cols[1], name)
    for i = 1, #cols[1] do
      local row = {table.unpack(head)}
      for _, v in ipairs(cols) do row[#row + 1] = type(v) == "table" and v[i] or v end
      local v = m[name](m, table.unpack(row))
      assert(type(v) == "number" and v == got[i], name .. " row " .. i)
    end
  end
  local ll = mb:log_likelihood({2, 0}, {30, 0}, {40, 40})
  assert(math.abs(ll - (mb:log_likelihood(2, 30, 40) + mb:log_likelihood(0, 0, 40))) < 1e-9)
  local ok, msg, code = gg:conditional_expected_spend({1, 2}, {10, -5})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("record 1", 1, true), msg)
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
