-- Tests of svcm.paretonbd (the Pareto/NBD model's Lua surface). Raises on failure.
-- Published values: Fader, Hardie & Lee (2005), "RFM and CLV: Using
-- Iso-Value Curves for Customer Base Analysis", and Fader & Hardie (2005), "A
-- Note on Deriving the Pareto/NBD Model and Related Expressions" (CDNOW:
-- r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669, LL = -9595.0); the BTYD
-- vignette (cran/BTYD, inst/doc/BTYD-walkthrough.pdf: customer 1516 has
-- E[X(52) | ...] = 25.45647, P(alive) = 0.997874 at 0.553, 10.580, 0.606,
-- 11.656). "mpmath" values: mpmath 1.3.0 at 50 digits (hyp2f1 in the note's
-- likelihood and P(alive)).
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
      local _, a, b, c = line:match("^(%d+),([%d.]+),([%d.]+),([%d.]+),")
      x[#x + 1], tx[#tx + 1], T[#T + 1] = tonumber(a), tonumber(b), tonumber(c)
    end
  end
  return x, tx, T
end

test("cdnow fit matches the published estimates", function()
  local x, tx, T = load_summary()
  local m = assert(svcm.ParetoNBD.fit(x, tx, T))
  near(m.r, 0.553, 0.0005, "r")
  near(m.alpha, 10.578, 0.0005, "alpha")
  near(m.s, 0.606, 0.0005, "s")
  near(m.beta, 11.669, 0.0015, "beta") -- the flat direction (se ~6)
  near(m.loglik, -9595.0, 0.05, "loglik")
  assert(m.n == 2357 and m.groups < 2357 and m.weight == 2357)
  assert(#m.standard_errors == 4 and m.standard_errors[4] > 0)
  assert(m.grad_norm <= 1e-6)
  near(m:log_likelihood(x, tx, T), m.loglik, 1e-8, "log_likelihood")
end)

test("p_alive_at decays as ((beta+T)/(beta+T+tau))^s", function()
  local m = svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669)
  local now = m:p_alive(2, 30.43, 38.86)
  near(m:p_alive_at(0, 2, 30.43, 38.86), now, 0, "tau 0")
  near(m:p_alive_at(52, 2, 30.43, 38.86), now * ((11.669 + 38.86) / (11.669 + 38.86 + 52)) ^ 0.606,
       1e-13, "tau 52")
  local r, msg = m:p_alive_at(-1, 2, 30.43, 38.86)
  assert(r == nil and msg:find("tau", 1, true), msg)
end)

test("customer 1516 matches BTYD", function()
  local m = assert(svcm.ParetoNBD(0.553, 10.580, 0.606, 11.656))
  -- BTYD's printed (rounded) estimates move these by ~0.002 / 0.0015
  near(m:expected_purchases(52, 26, 30.857143, 31), 25.45647, 0.005, "E")
  near(m:p_alive(26, 30.857143, 31), 0.997874, 1e-5, "P(alive)")
  near(m:expected_purchases_unconditional(52), 1.473434, 0.002, "E[X(52)]")
end)

test("reported failing case and tables match mpmath", function()
  local m = svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669)
  near(m:log_likelihood(221, 103.43, 103.57), -76.964978360381070621, 1e-12, "ll")
  local pa = m:p_alive({221, 0}, {103.43, 0}, {103.57, 38.86})
  near(pa[1], 0.99915385823227279583, 1e-12, "pa1")
  near(pa[2], 0.29528660461689415751, 1e-13, "pa2")
  local p = m:probability_of_purchases(39, {0, 1})
  near(p[1], 0.59362503160238382969, 1e-13, "P(X=0)")
  near(p[2], 0.16556294727717548405, 1e-13, "P(X=1)")
  assert(tostring(m):find("svcm.ParetoNBD(r=0.553", 1, true))
  assert(m.loglik == nil and m.standard_errors == nil)
end)

test("weights equal repeated rows", function()
  local x, tx, T = load_summary()
  local rx, rtx, rT, wx, wtx, wT, w = {}, {}, {}, {}, {}, {}, {}
  for i = 1, 400 do
    wx[i], wtx[i], wT[i], w[i] = x[i], tx[i], T[i], i <= 50 and 2 or 1
    rx[i], rtx[i], rT[i] = x[i], tx[i], T[i]
  end
  for i = 1, 50 do
    rx[400 + i], rtx[400 + i], rT[400 + i] = x[i], tx[i], T[i]
  end
  local a = assert(svcm.ParetoNBD.fit(rx, rtx, rT))
  local b = assert(svcm.ParetoNBD.fit(wx, wtx, wT, w))
  near(b.r, a.r, 1e-6 * a.r, "r")
  near(b.beta, a.beta, 1e-6 * a.beta, "beta")
  assert(b.weight == 450)
end)

test("bad input fails naming the field", function()
  local m = svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669)
  local ok, msg, code = m:p_alive({1, 1.5}, {1, 1}, {5, 5})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("field 'x'", 1, true), msg)
  ok, msg, code = svcm.ParetoNBD(0.5, 1, -1, 1)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("'s'", 1, true), msg)
  ok, msg, code = m:probability_of_purchases(-1, 0)
  assert(ok == nil and code == svcm.codes.EINVAL, msg)
  ok, msg, code = svcm.ParetoNBD.fit({0, 0}, {0, 0}, {3, 4})
  assert(ok == nil and code == svcm.codes.EEMPTY, msg)
  local x, tx, T = load_summary()
  ok, msg, code = svcm.ParetoNBD.fit(x, tx, T, nil, {max_iter = 2})
  assert(ok == nil and code == svcm.codes.ENOCONV, msg)
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
