-- Tests of problem grading from Lua (svcm.problem_grade, grade_table,
-- format_grade_table, problem_request). Plain script: prints
-- "N passed, 0 failed".
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

-- the documented default rule: s = u + i + d cut at 5, 7 and 9
local function rule(u, i, d)
  local s = u + i + d
  if s <= 5 then return 1 elseif s <= 7 then return 2 elseif s <= 9 then return 3 end
  return 4
end

test("default rule over all 64 combinations, monotone", function()
  local count = {0, 0, 0, 0}
  for u = 1, 4 do for i = 1, 4 do for d = 1, 4 do
    local g = svcm.problem_grade(u, i, d)
    assert(g == rule(u, i, d), string.format("%d %d %d -> %s", u, i, d, tostring(g)))
    count[g] = count[g] + 1
    local lv = {u, i, d}
    for k = 1, 3 do
      if lv[k] > 1 then
        local w = {u, i, d}
        w[k] = w[k] - 1
        assert(svcm.problem_grade(w[1], w[2], w[3]) <= g)
      end
    end
  end end end
  assert(count[1] == 10 and count[2] == 22 and count[3] == 22 and count[4] == 10)
end)

test("bad levels return nil, message, code, detail naming the field", function()
  local g, msg, code, e = svcm.problem_grade(1, 5, 1)
  assert(g == nil and code == svcm.codes.EINVAL and e.field == "impact", msg)
  g, msg, code, e = svcm.problem_grade(0, 1, 1)
  assert(g == nil and e.field == "urgency", msg)
  g, msg, code, e = svcm.problem_grade(1, 1, 9)
  assert(g == nil and e.field == "difficulty", msg)
  assert(not pcall(svcm.problem_grade, "x", 1, 1))
end)

test("table text round trip and caller tables", function()
  local text = svcm.format_grade_table()
  assert(text:sub(1, 18) == "urgency 1\n1 1 1 2\n", text)
  local t = svcm.grade_table(text)
  assert(t[4][4][4] == 4 and t[1][1][1] == 1 and t[4][1][4] == 3)
  assert(svcm.format_grade_table(t) == text)
  local by_urgency = {}
  for u = 1, 4 do
    by_urgency[u] = {}
    for i = 1, 4 do by_urgency[u][i] = {u, u, u, u} end
  end
  assert(svcm.problem_grade(3, 1, 1, by_urgency) == 3)
  assert(svcm.problem_grade(2, 4, 4, svcm.format_grade_table(by_urgency)) == 2)
end)

test("bad tables: not monotone names the cell, bad text has a position", function()
  local t = svcm.grade_table()
  t[1][1][1] = 2
  local r, msg, code, e = svcm.grade_table(t)
  assert(r == nil and code == svcm.codes.EINVAL and e.field == "cell", msg)
  assert(msg:find("urgency 1, impact 1, difficulty 1", 1, true), msg)
  local text = svcm.format_grade_table():gsub("1 1 2 2\n", "1 1 2\n", 1)
  r, msg, code, e = svcm.grade_table(text)
  assert(r == nil and code == svcm.codes.EFORMAT and e.line == 3 and e.field == "cols", msg)
  r, msg, code, e = svcm.problem_grade(1, 1, 1, {1, 2})
  assert(r == nil and e.field == "rows", msg)
  local five = {}
  for u = 1, 4 do five[u] = {} for i = 1, 4 do five[u][i] = {5, 5, 5, 5} end end
  r, msg, code, e = svcm.grade_table(five)
  assert(r == nil and e.field == "cell" and msg:find("grade 5 at urgency 1, impact 1, difficulty 1", 1, true), msg)
  assert(not pcall(svcm.grade_table, 42))
  assert(not pcall(svcm.grade_table, {1, 2, 3, 4}))
end)

test("problem_request feeds the priority engine", function()
  local base = {id = 1, tier = "regular", impact = "team", severity = 4, value = 0.2, created = 0}
  local severe = svcm.problem_request(base, 1, 1, 2)
  assert(severe.severity == 1 and severe.impact == 1 and severe.id == 1)
  assert(base.severity == 4) -- a copy
  local mild = svcm.problem_request(base, 4, 4, 4)
  mild.id = 2
  assert(mild.severity == 4)
  local order = svcm.prioritize({mild, severe}, 0)
  assert(order[1].id == 1 and order[2].id == 2)
  local r, msg, code, e = svcm.problem_request(base, 1, 1, 5)
  assert(r == nil and e.field == "difficulty", msg)
  assert(not pcall(svcm.problem_request, 5, 1, 1, 1))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
