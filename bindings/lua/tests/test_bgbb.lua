-- Tests of the BG/BB Lua surface (src/bgbb.c). Raises on failure.
-- Published values: Fader, Hardie & Shang (2010), "Customer-Base Analysis in
-- a Discrete-Time Noncontractual Setting", Marketing Science 29(6): on the
-- 1995 donor cohort alpha = 1.204, beta = 0.750, gamma = 0.657, delta =
-- 2.783, LL = -33,225.58; Table 6 P(alive) 0.11, 0.59, 0.93. Hardie's BG/BB
-- spreadsheet via the lifetimes tests: 12,884.2 expected donations.
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

local function load_donations()
  local x, tx, n, w = {}, {}, {}, {}
  local first = true
  for line in io.lines("../../../tests/data/donations.csv") do
    if first then
      first = false
    else
      local a, b, c, d = line:match("^(%d+),(%d+),(%d+),(%d+)")
      x[#x + 1], tx[#tx + 1], n[#n + 1], w[#w + 1] = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
    end
  end
  return x, tx, n, w
end

test("fit reproduces Fader, Hardie & Shang (2010)", function()
  local x, tx, n, w = load_donations()
  local m = assert(svcm.BGBB.fit(x, tx, n, w))
  near(m.alpha, 1.204, 0.0005, "alpha")
  near(m.beta, 0.750, 0.0005, "beta")
  near(m.gamma, 0.657, 0.0005, "gamma")
  near(m.delta, 2.783, 0.0005, "delta")
  near(m.loglik, -33225.58, 0.005, "LL")
  near(m:log_likelihood(x, tx, n, {weights = w}), m.loglik, 1e-6, "loglik")
  assert(m.weight == 11104 and m.n == 22 and #m.standard_errors == 4)
  local p = m:p_alive({0, 2, 6}, {0, 4, 6}, 6)
  near(p[1], 0.11, 0.005, "Table 6 (0, 0)")
  near(p[2], 0.59, 0.005, "Table 6 (2, 4)")
  near(p[3], 0.93, 0.005, "Table 6 (6, 6)")
  local e, total = m:expected_purchases(5, x, tx, n), 0
  for i = 1, #e do total = total + w[i] * e[i] end
  near(total, 12884.2, 0.05, "Hardie's expected total")
end)

test("a surely alive customer's expectation is a direct sum", function()
  local m = assert(svcm.BGBB(1.5, 0.8, 1.0, 2.5))
  local q, s = 1, 0
  for k = 1, 10 do
    q = q * (2.5 + 4 + k - 1) / (1.0 + 2.5 + 4 + k - 1)
    s = s + q
  end
  local want = (1.5 + 3) / (1.5 + 0.8 + 4) * s
  near(m:expected_purchases(10, 3, 4, 4), want, 1e-13 * want, "E")
  near(m:expected_purchases_unconditional(0), 0, 0, "E[X(0)]")
  assert(tostring(m):find("svcm.BGBB", 1, true) and m.standard_errors == nil)
end)

test("bad input fails with the code and field", function()
  local ok, msg, code = svcm.BGBB(1, 1, 1, -1)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("delta", 1, true), msg)
  local m = assert(svcm.BGBB(1, 1, 1, 1))
  ok, msg, code = m:expected_purchases(1.5, 1, 1, 6)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("'t'", 1, true), msg)
  ok, msg, code = m:p_alive(2, 1, 6)
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("t_x", 1, true), msg)
  ok, msg, code = svcm.BGBB.fit({5, 3}, {5, 3}, {5, 3})
  assert(ok == nil and code == svcm.codes.ENOCONV, msg)
  -- weights by name, as many as the rows
  ok, msg, code = m:log_likelihood({1, 0}, {1, 0}, {6, 6}, {weights = {1, 2, 3}})
  assert(ok == nil and code == svcm.codes.EINVAL and msg:find("weights", 1, true), msg)
  local one, two = m:log_likelihood(1, 1, 6), m:log_likelihood({1, 1}, {1, 1}, {6, 6})
  near(m:log_likelihood(1, 1, 6, {weights = {2}}), 2 * one, 1e-12, "weighted row")
  near(two, 2 * one, 1e-12, "two rows")
end)

test("to_bytes and from_bytes keep the parameters and the fit; bad bytes fail", function()
  local x, tx, n, w = load_donations()
  local m = assert(svcm.BGBB.fit(x, tx, n, w))
  local c = assert(svcm.BGBB.from_bytes(m:to_bytes()))
  assert(c.alpha == m.alpha and c.loglik == m.loglik and c.weight == m.weight)
  assert(c.standard_errors[4] == m.standard_errors[4] and tostring(c) == tostring(m))
  local u = assert(svcm.BGBB.from_bytes(svcm.BGBB(1, 2, 3, 4):to_bytes()))
  assert(u.delta == 4 and u.loglik == nil and u.grad_norm == nil)
  for _, bad in ipairs({"", m:to_bytes():sub(2), svcm.MBGNBD(1, 1, 1, 1):to_bytes()}) do
    local ok, msg, code = svcm.BGBB.from_bytes(bad)
    assert(ok == nil and code == svcm.codes.EFORMAT, msg)
  end
  m:close()
  assert(not pcall(function() return m.loglik end))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
