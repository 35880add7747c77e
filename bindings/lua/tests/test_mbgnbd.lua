-- Tests of the MBG/NBD Lua surface (src/mbgnbd.c). Raises on failure.
-- Published values: Batislam, Denizel & Filiztekin (2007), "Empirical
-- validation and comparison of models for customer base analysis", IJRM
-- 24(3): CDNOW estimates r = 0.525, alpha = 6.183, a = 0.891, b = 1.614.
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

local function load_summary()
  local x, tx, T = {}, {}, {}
  local first = true
  for line in io.lines("../../../tests/data/cdnow_summary.csv") do
    if first then
      first = false
    else
      local a, b, c = line:match("^%d+,([%d.]+),([%d.]+),([%d.]+),")
      x[#x + 1], tx[#tx + 1], T[#T + 1] = tonumber(a), tonumber(b), tonumber(c)
    end
  end
  return x, tx, T
end

test("fit reproduces Batislam et al. (2007) on CDNOW", function()
  local x, tx, T = load_summary()
  local m = assert(svcm.MBGNBD.fit(x, tx, T))
  near(m.r, 0.525, 0.0005, "r")
  near(m.alpha, 6.183, 0.0005, "alpha")
  near(m.a, 0.891, 0.0005, "a")
  near(m.b, 1.614, 0.0005, "b")
  assert(m.n == 2357 and m.weight == 2357 and m.groups < 2357 and m.iterations > 0)
  near(m:log_likelihood(x, tx, T), m.loglik, 1e-6, "loglik")
  local se = m.standard_errors
  assert(#se == 4 and se[1] > 0 and se[4] > 0)
  -- the same data as weighted rows
  local w = {}
  for i = 1, #x do w[i] = 1 end
  local m2 = assert(svcm.MBGNBD.fit(x, tx, T, w, {max_iter = 300}))
  near(m2.r, m.r, 1e-9, "weighted r")
  local ok, msg, code = svcm.MBGNBD.fit(x, tx, T, nil, {max_iter = 2})
  assert(ok == nil and code == svcm.codes.ENOCONV, msg)
end)

test("p_alive and expectations follow the closed forms", function()
  local m = assert(svcm.MBGNBD(0.525, 6.183, 0.891, 1.614))
  assert(m.loglik == nil and m.standard_errors == nil)
  local odds = 0.891 / 1.614 * ((6.183 + 38.86) / 6.183) ^ 0.525
  near(m:p_alive(0, 0, 38.86), 1 / (1 + odds), 1e-14, "p_alive x = 0")
  local p = m:p_alive({0, 2}, {0, 30.43}, 38.86)
  assert(#p == 2 and p[1] < 1)
  near(m:expected_purchases(39, 0, 0, 0), m:expected_purchases_unconditional(39), 1e-12, "E")
  assert(tostring(m):find("svcm.MBGNBD", 1, true))
end)

test("purchase_pmf sums to 1 with the unconditional mean", function()
  local m = assert(svcm.MBGNBD(0.525, 6.183, 0.891, 1.614))
  -- mpmath 1.3 at 40 digits
  near(m:purchase_pmf(39, 0), 0.58247318949328895, 1e-15, "P(X(39) = 0)")
  local k = {}
  for i = 1, 1500 do k[i] = i - 1 end
  local p, s, mean = m:purchase_pmf(39, k), 0, 0
  for i = #p, 1, -1 do s, mean = s + p[i], mean + k[i] * p[i] end
  near(s, 1, 1e-12, "sum")
  near(mean, m:expected_purchases_unconditional(39), 1e-11, "mean")
  local ok, msg, code = m:purchase_pmf(39, 1.5)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("'k'", 1, true), msg)
  assert(not pcall(svcm.BGBB(1, 1, 1, 1).purchase_pmf, svcm.BGBB(1, 1, 1, 1), 1, 1))
end)

test("bad input fails with the code and field", function()
  local ok, msg, code = svcm.MBGNBD(0.5, 0, 1, 1)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("alpha", 1, true), msg)
  local m = assert(svcm.MBGNBD(0.5, 6, 1, 1))
  ok, msg, code = m:p_alive(1, 5, 3)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("t_x", 1, true), msg)
  ok, msg, code = svcm.MBGNBD.fit({1, 0}, {1, 0}, {3, 3}, {1, -1})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("weights", 1, true), msg)
  ok, msg, code = svcm.MBGNBD.fit({0, 0}, {0, 0}, {3, 3})
  assert(ok == nil and code == svcm.codes.EEMPTY, msg)
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
