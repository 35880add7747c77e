-- Tests of the priority engine's Lua surface. Plain script: raises on the
-- first failure, prints "N passed, 0 failed" at the end.
local svcm = require "svcm"

local HOUR = 3600
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

local function near(a, b, tol)
  assert(math.abs(a - b) <= tol, string.format("%.17g ~= %.17g", a, b))
end

local function item(id, tier, impact, severity, value, created, due, urgent)
  return {id = id, tier = tier or "regular", impact = impact or "team", severity = severity or 3,
          value = value or 0.2, created = created or 0, due = due, urgent = urgent or false}
end

test("each quadrant and its advice", function()
  local q, advice = svcm.quadrant(true, true)
  assert(q == "do" and advice:find("now"))
  assert(svcm.quadrant(false, true) == "schedule")
  assert(svcm.quadrant(true, false) == "delegate")
  assert(svcm.quadrant(false, false) == "eliminate")
  assert(svcm.quadrant_advice("schedule"):find("plan"))
  assert(svcm.quadrant_advice(3) == svcm.quadrant_advice("eliminate"))
  assert(not pcall(svcm.quadrant_advice, "later"))
end)

test("built-in ITIL v3 table", function()
  -- ITIL v3 Service Operation, Incident Management prioritisation.
  local want = {{1, 2, 3}, {2, 3, 4}, {3, 4, 5}}
  for i = 1, 3 do
    for u = 1, 3 do
      assert(svcm.itil_priority(i, u) == want[i][u])
    end
  end
  assert(svcm.itil_priority("high", "low") == 3 and svcm.itil_priority("med", "medium") == 3)
  assert(not pcall(svcm.itil_priority, "huge", 1))
  local nothing, msg, code = svcm.itil_priority(4, 1)
  assert(nothing == nil and msg:find("impact") and code == svcm.codes.EINVAL)
end)

test("organisation-wide, high-urgency request is priority 1", function()
  -- ITIL v3 Service Operation, Incident Management: impact High x urgency High = 1.
  -- Impact runs 1 = organisation (widest) .. 4 = individual, as ITIL numbers it.
  assert(svcm.IMPACT_ORGANISATION == 1 and svcm.IMPACT_DEPARTMENT == 2)
  assert(svcm.IMPACT_TEAM == 3 and svcm.IMPACT_INDIVIDUAL == 4)
  assert(svcm.URGENCY_LEVEL_HIGH == 1 and svcm.URGENCY_LEVEL_MEDIUM == 2)
  assert(svcm.URGENCY_LEVEL_LOW == 3)
  assert(svcm.itil_priority(svcm.IMPACT_ORGANISATION, svcm.URGENCY_LEVEL_HIGH) == 1)
  assert(svcm.itil_priority(svcm.IMPACT_TEAM, svcm.URGENCY_LEVEL_LOW) == 5)
  local nothing, msg = svcm.itil_priority(svcm.IMPACT_INDIVIDUAL, svcm.URGENCY_LEVEL_HIGH)
  assert(nothing == nil and msg:find("impact"))
  -- Classified with only the impact weighted: importance 1, flagged urgent -> P1.
  local only = {w_tier = 0, w_severity = 0, w_value = 0}
  for _, imp in ipairs({1, "organisation", svcm.IMPACT_ORGANISATION}) do
    local r = svcm.classify({item(1, "lost", imp, 4, 0.0, 0, nil, true)}, 0, only)
    assert(r[1].priority == 1 and r[1].importance == 1.0 and r[1].quadrant == "do")
  end
  -- The same scope by name and by number; importance (4 - impact) / 3.
  local want = {organisation = 1, department = 2 / 3, team = 1 / 3, individual = 0}
  for name, value in pairs(want) do
    local num = svcm["IMPACT_" .. name:upper()]
    local a = svcm.importance(item(1, "lost", name, 4, 0.0), only)
    local b = svcm.importance(item(1, "lost", num, 4, 0.0), only)
    near(a, value, 1e-15)
    assert(a == b)
  end
end)

test("caller tables as rows and text, and invalid tables", function()
  local rows = {{1, 1, 2, 3}, {2, 3, 3, 4}}
  assert(svcm.itil_priority(2, 4, rows) == 4)
  assert(svcm.itil_priority(2, 1, "1 1 2 3\n2, 3, 3, 4\n") == 2)
  local t = svcm.itil_table("# comment\n1 2\n2 3\n")
  assert(#t == 2 and t[2][2] == 3)
  local none, msg, code = svcm.itil_table({{1, 2}, {3}})
  assert(none == nil and code == svcm.codes.EINVAL and msg:find("hole"))
  none, msg, code = svcm.itil_table({{1, 0}})
  assert(none == nil and code == svcm.codes.EINVAL and msg:find("cell"))
  local e
  none, msg, code, e = svcm.itil_table("1 2 3\n2 3 4\n3 4\n")
  assert(none == nil and code == svcm.codes.EFORMAT and not msg:find("line"), msg)
  -- issue 13: the position is in the detail table; index is the 0-based row
  assert(e.line == 3 and e.column == nil and e.index == 2 and e.field == "cols", msg)
end)

test("format_itil_table writes text that reads back to the same table", function()
  assert(svcm.format_itil_table() == "1 2 3\n2 3 4\n3 4 5\n")
  local rows = {{1, 1, 2, 3}, {2, 3, 3, 4}}
  local text = svcm.format_itil_table(rows)
  assert(text == "1 1 2 3\n2 3 3 4\n", text)
  local back = svcm.itil_table(text)
  assert(#back == 2 and #back[1] == 4 and back[2][2] == 3 and back[2][4] == 4)
  assert(svcm.format_itil_table(text) == text)
  assert(svcm.format_itil_table("# c\n1, 2\n2,3\n") == "1 2\n2 3\n")
  -- more levels than the largest cell: a "levels" line
  local six = svcm.format_itil_table({{1, 2}, {2, 3}}, 6)
  assert(six == "levels 6\n1 2\n2 3\n", six)
  assert(svcm.format_itil_table(six) == six)
  assert(svcm.itil_priority(2, 2, six) == 3)
  -- bad tables and levels: nil, message, code, detail
  local none, msg, code, e = svcm.format_itil_table({{1, 2}, {2, 3}}, 2)
  assert(none == nil and code == svcm.codes.EINVAL and e.field == "cell", msg)
  none, msg, code, e = svcm.format_itil_table(nil, 17)
  assert(none == nil and code == svcm.codes.EINVAL and e.field == "levels", msg)
  none, msg, code, e = svcm.format_itil_table("1 2\nlevels 3\n")
  assert(none == nil and code == svcm.codes.EFORMAT and e.line == 2 and e.field == "levels", msg)
  assert(not pcall(svcm.format_itil_table, 42))
  assert(not pcall(svcm.format_itil_table, nil, "six"))
end)

test("hand-computed scores in dispatch order", function()
  local r = svcm.prioritize({
    item(1, "vip", "organisation", 1, 1.0, 0, HOUR),
    item(2, "lost", "individual", 4, 0.0, HOUR, 11 * HOUR),
    item(3, "key", "department", 2, 0.5, -HOUR, 7 * HOUR),
  }, HOUR)
  assert(r[1].id == 1 and r[1].quadrant == "do" and r[1].priority == 1)
  near(r[1].score, 101.0, 1e-12) -- 40 + 30 + 10 + 20 + 1 h of aging
  assert(r[2].id == 3 and r[2].quadrant == "schedule" and r[2].priority == 4)
  near(r[2].score, 80 / 3 + 7.5 + 7.5 + 5 + 2, 1e-9)
  near(r[2].importance, 0.6625, 1e-12)
  assert(r[3].id == 2 and r[3].score == 0.0 and r[3].index == 2)
end)

test("same request becomes urgent as time passes", function()
  local it = {item(7, "vip", "organisation", 1, 1.0, 0, 4 * HOUR)}
  assert(svcm.prioritize(it, HOUR)[1].quadrant == "schedule")
  assert(svcm.prioritize(it, 3 * HOUR)[1].quadrant == "do")
  near(svcm.urgency(it[1], 2 * HOUR), 0.5, 1e-12)
  near(svcm.importance(it[1]), 1.0, 1e-12)
  local r = svcm.prioritize(it, HOUR, {urgent_threshold = 0.2})
  assert(r[1].quadrant == "do")
end)

test("ties by due, then id, then input order", function()
  local r = svcm.prioritize({item(30), item(20), item(20), item(10), item(50, nil, nil, nil, nil, 0, 1000000),
                             item(40, nil, nil, nil, nil, 0, 999999)}, 0)
  local ids, idx = {}, {}
  for i, x in ipairs(r) do ids[i], idx[i] = x.id, x.index end
  assert(table.concat(ids, ",") == "40,50,10,20,20,30")
  assert(table.concat(idx, ",") == "6,5,4,2,3,1")
end)

test("columns give the same order as a list of tables", function()
  local items, cols = {}, {id = {}, tier = {}, impact = {}, severity = {}, value = {}, created = {},
                           due = {}}
  local seed = 12345
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  for i = 1, 300 do
    local created = rnd(40 * HOUR)
    local it = item(rnd(100), rnd(5), 1 + rnd(4), 1 + rnd(4), rnd(5) / 4, created, created + rnd(40 * HOUR))
    items[i] = it
    for k in pairs(cols) do cols[k][i] = it[k] end
  end
  local a, b = svcm.prioritize(items, 20 * HOUR), svcm.prioritize(cols, 20 * HOUR)
  local c = svcm.classify(items, 20 * HOUR, {sort = true})
  local d = svcm.classify(items, 20 * HOUR)
  for i = 1, 300 do
    assert(a[i].id == b[i].id and a[i].score == b[i].score and a[i].index == b[i].index)
    assert(c[i].index == a[i].index and d[i].index == i)
    if i > 1 then
      local p, c = a[i - 1], a[i]
      assert(p.score > c.score or (p.score == c.score and
        (items[p.index].due < items[c.index].due or (items[p.index].due == items[c.index].due and
          (p.id < c.id or (p.id == c.id and p.index < c.index))))))
    end
  end
end)

test("threads give the same order and bad counts fail on the field", function()
  local items = {}
  local seed = 777
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  for i = 1, 5000 do
    local created = rnd(40) * HOUR -- whole hours: many equal scores
    items[i] = item(rnd(300), rnd(5), 1 + rnd(4), 1 + rnd(4), rnd(5) / 4, created, created + rnd(40) * HOUR)
  end
  local one = svcm.prioritize(items, 20 * HOUR)
  for _, t in ipairs({2, 3, 8, 64}) do
    local r = svcm.prioritize(items, 20 * HOUR, {threads = t})
    for i = 1, #items do
      assert(r[i].index == one[i].index and r[i].score == one[i].score and r[i].id == one[i].id, t)
    end
  end
  for _, bad in ipairs({0, -2, 65}) do
    local none, msg, code, detail = svcm.prioritize(items, 0, {threads = bad})
    assert(none == nil and code == svcm.codes.EINVAL and detail.field == "threads", msg)
  end
  assert(not pcall(svcm.prioritize, items, 0, {threads = 1.5})) -- misuse raises
end)

test("bad records name index and field", function()
  for _, case in ipairs({{"tier", 5}, {"impact", 5}, {"impact", 0}, {"severity", 0}, {"value", 0 / 0}, {"due", -1}}) do
    local items = {item(1, nil, nil, nil, nil, 0, 10), item(2, nil, nil, nil, nil, 0, 10)}
    items[2][case[1]] = case[2]
    local none, msg, code = svcm.prioritize(items, 0)
    assert(none == nil and code == svcm.codes.EINVAL, case[1])
    assert(msg:find("record 1, field '" .. case[1] .. "'", 1, true), msg)
  end
  local none, msg = svcm.prioritize({{id = 1}}, 0)
  assert(none == nil and msg:find("missing"))
  none, msg = svcm.prioritize({item(1, "gold")}, 0)
  assert(none == nil and msg:find("tier"))
  assert(not pcall(svcm.prioritize, {item(1, nil, nil, "high")}, 0)) -- misuse raises
  none, msg = svcm.prioritize({item(1)}, 0, {w_itil = -1})
  assert(none == nil and msg:find("w_itil"))
end)

test("aging bounds starvation", function()
  local old = item(0, "lost", "individual", 4, 0.0, 0, nil)
  local new = item(1, "vip", "organisation", 1, 1.0, 100 * HOUR + 1, 100 * HOUR + 1)
  assert(svcm.prioritize({old, new}, 200 * HOUR)[1].id == 0)
  local newer = item(1, "vip", "organisation", 1, 1.0, 100 * HOUR - 1, 100 * HOUR - 1)
  assert(svcm.prioritize({old, newer}, 200 * HOUR)[1].id == 1)
  assert(svcm.prioritize({old, new}, 200 * HOUR, {aging_per_hour = 0})[1].id == 1)
end)

test("wsjf is cost of delay over job size", function()
  -- Jason Yip, "Problems I have with SAFe-style WSJF" (2024): 1 + 3 + 5 = 9.
  assert(svcm.wsjf(1, 3, 5, 2) == 4.5)
  local v = svcm.wsjf({1, 8}, {3, 13}, {5, 1}, {2, 8})
  assert(v[1] == 4.5 and v[2] == 22 / 8)
  local none, msg, code = svcm.wsjf(1, 1, 1, 0)
  assert(none == nil and code == svcm.codes.EINVAL and msg:find("job_size"))
  local o = svcm.wsjf_order({3, 1, 20, 3, 1}, {3, 1, 8, 3, 0}, {2, 0, 2, 2, 0}, {4, 1, 5, 4, 8},
                            {ids = {1, 2, 3, 0, 4}})
  local ids = {}
  for i, x in ipairs(o) do ids[i] = x.id end
  assert(table.concat(ids, ",") == "3,2,0,1,4" and o[1].wsjf == 6.0)
end)

test("queue duplicate, missing and empty", function()
  local q <close> = svcm.Queue()
  assert(q:push(item(5, nil, nil, nil, nil, 0, 10)))
  local none, _, code = q:push(item(5))
  assert(none == nil and code == svcm.codes.EEXIST)
  none, _, code = q:remove(6)
  assert(none == nil and code == svcm.codes.ENOTFOUND)
  none, _, code = q:update(item(6))
  assert(none == nil and code == svcm.codes.ENOTFOUND)
  assert(#q == 1 and q:get(5).id == 5)
  local got = q:remove(5)
  assert(got.id == 5 and got.due == 10)
  assert(q:push(item(7)))
  assert(q:get(7).due == nil) -- no due instant: the key is absent
  q:remove(7)
  none, _, code = q:pop(0)
  assert(none == nil and code == svcm.codes.EEMPTY)
end)

test("queue pops equal a full sort at each instant", function()
  local seed = 99
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  for _, now in ipairs({0, 10 * HOUR, 40 * HOUR}) do
    local q, items = svcm.Queue(), {}
    for i = 1, 500 do
      local created = rnd(30 * HOUR)
      local due = rnd(5) == 0 and nil or created + rnd(30 * HOUR)
      items[i] = item(i, rnd(5), 1 + rnd(4), 1 + rnd(4), rnd(5) / 4, created, due, rnd(20) == 0)
      assert(q:push(items[i]))
    end
    q:rescore(now // 2)
    assert(q:instant() == now // 2)
    local want = svcm.prioritize(items, now)
    for i = 1, 500 do
      local peeked, got = q:peek(now), q:pop(now)
      assert(peeked.id == got.id and got.id == want[i].id and got.score == want[i].score)
    end
    assert(#q == 0)
    q:close()
    assert(not pcall(q.peek, q, 0) and not pcall(function() return #q end)) -- closed handle raises
  end
end)

test("queue update moves a request", function()
  local q = svcm.Queue({aging_per_hour = 1})
  for i = 1, 5 do assert(q:push(item(i, nil, nil, nil, nil, 0, 10 * HOUR))) end
  assert(q:peek(HOUR).id == 1)
  assert(q:update(item(4, "vip", "organisation", 1, 1.0, 0, HOUR)))
  assert(q:peek(HOUR).id == 4 and q:peek(HOUR).quadrant == "do")
  q:remove(4)
  assert(q:update(item(2, "lost", "individual", 4, 0.0, 0, nil)))
  local ids = {}
  for i = 1, 4 do ids[i] = q:pop(HOUR).id end
  assert(table.concat(ids, ",") == "1,3,5,2")
end)

test("closing the queue while its request is read", function()
  -- An __index metamethod closes the queue while push reads the fields;
  -- push must then see the queue closed (it pushed into freed memory).
  local q = svcm.Queue()
  local base = item(1, nil, nil, nil, nil, 0, HOUR)
  local tricky = setmetatable({}, {__index = function(_, k) q:close(); return base[k] end})
  local ok, err = pcall(q.push, q, tricky)
  assert(not ok and tostring(err):find("closed"))
  local q2 = svcm.Queue()
  assert(q2:push(item(1, nil, nil, nil, nil, 0, HOUR)))
  local upd = setmetatable({}, {__index = function(_, k) q2:close(); return base[k] end})
  assert(not pcall(q2.update, q2, upd))
end)

test("instants beyond double precision", function()
  -- (now - created) / (due - created) = 1/2 exactly; it was NaN.
  local c = 1 << 62
  local it = item(1, "vip", "organisation", 1, 1.0, c, c + 2)
  assert(svcm.urgency(it, c + 1) == 0.5)
  local r = svcm.prioritize({it}, c + 1)[1]
  assert(r.urgency == 0.5 and r.score == r.score and r.priority >= 1 and r.priority <= 5)
  -- The longest wait, 2^64 - 1 units at one point per hour; base 0.
  local old = item(2, "lost", "individual", 4, 0.0, math.mininteger, nil)
  r = svcm.prioritize({old}, math.maxinteger)[1]
  near(r.score / (2.0^64 / 3600), 1.0, 1e-12)
end)

test("aging that could overflow the score is rejected", function()
  local res, msg = svcm.prioritize({item(1)}, 0, {aging_per_hour = 1e300})
  assert(res == nil and msg:find("aging_per_hour"))
  assert(svcm.Queue({aging_per_hour = 1e300}) == nil)
end)

test("queue to_bytes and Queue.from_bytes pop in the same order", function()
  local seed = 7
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  local q, live = svcm.Queue({aging_per_hour = 3}), {}
  for step = 1, 300 do
    local op = rnd(10)
    if op < 6 or next(live) == nil then
      local created = rnd(30 * HOUR)
      local it = item(step * 17 - 100, rnd(5), 1 + rnd(4), 1 + rnd(4), rnd(5) / 4, created,
                      rnd(5) == 0 and nil or created + rnd(30 * HOUR), rnd(20) == 0)
      assert(q:push(it))
      live[it.id] = it
    elseif op < 8 then
      live[q:pop(rnd(2) == 0 and q:instant() or rnd(40 * HOUR)).id] = nil
    else
      local id = next(live)
      assert(q:remove(id).id == id)
      live[id] = nil
    end
  end
  local b = q:to_bytes()
  local c <close> = assert(svcm.Queue.from_bytes(b))
  assert(c:to_bytes() == b and #c == #q and c:instant() == q:instant())
  local items = {}
  for id, it in pairs(live) do
    assert(c:get(id).created == it.created)
    items[#items + 1] = it
  end
  local now = q:instant() + 2 * HOUR
  local want = svcm.prioritize(items, now, {aging_per_hour = 3})
  for i = 1, #items do
    local a, r = q:pop(now), c:pop(now)
    assert(a.id == r.id and r.id == want[i].id and r.score == want[i].score)
  end
  assert(#c == 0)
end)

test("Queue.from_bytes refuses damaged bytes", function()
  local q = svcm.Queue()
  assert(q:push(item(1, nil, nil, nil, nil, 0, HOUR)))
  local b = q:to_bytes()
  for k = 0, #b - 1 do
    local r, msg, code = svcm.Queue.from_bytes(b:sub(1, k))
    assert(r == nil and type(msg) == "string" and code == svcm.codes.EFORMAT, tostring(code))
  end
  local bad = b:sub(1, #b - 25) .. "\2" .. b:sub(#b - 23) -- urgent flag 2
  local r, msg = svcm.Queue.from_bytes(bad)
  assert(r == nil and msg:find("urgent"), msg)
  assert(not pcall(svcm.Queue.from_bytes, {}))
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
