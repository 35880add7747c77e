-- Tests of svcm.Calendar, svcm.calendar_parse, svcm.sla and
-- svcm.sla_compliance. Instants come from a day count written here (years
-- and months added one by one from 1970); expected values are hand
-- computations written next to each case, and a minute-by-minute count
-- over an independent model of the schedule.
local svcm = require "svcm"

local H, DAY = 3600, 86400
local passed, failed = 0, 0

local function test(name, f)
  local ok, err = pcall(f)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL " .. name .. ": " .. tostring(err) .. "\n")
  end
end

local function eq(a, b, msg)
  if a ~= b then
    error((msg or "") .. " expected " .. tostring(b) .. ", got " .. tostring(a), 2)
  end
end

local function leap(y) return (y % 4 == 0 and y % 100 ~= 0) or y % 400 == 0 end
local MDAYS = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
local function days(y, m, d)
  local n = 0
  for k = 1970, y - 1 do n = n + (leap(k) and 366 or 365) end
  for k = y, 1969 do n = n - (leap(k) and 366 or 365) end
  for k = 1, m - 1 do n = n + MDAYS[k] + ((k == 2 and leap(y)) and 1 or 0) end
  return n + d - 1
end
local function at(y, m, d, hh, mm, off)
  return days(y, m, d) * DAY + (hh or 0) * H + (mm or 0) * 60 - (off or 0) * 60
end

local function nine_to_five()
  local day = {{"09:00", "17:00"}}
  return {day, day, day, day, day, {}, {}}
end

test("days_from_civil agrees with the day count", function()
  for _, ymd in ipairs({{1970, 1, 1}, {2000, 3, 1}, {1600, 2, 29}, {2026, 1, 1}, {1, 1, 1}}) do
    local n = svcm.days_from_civil(ymd[1], ymd[2], ymd[3])
    eq(n, days(ymd[1], ymd[2], ymd[3]))
    local c = svcm.civil_from_days(n)
    eq(c.year, ymd[1]); eq(c.month, ymd[2]); eq(c.day, ymd[3])
  end
  local v, msg, code = svcm.days_from_civil(2023, 2, 29)
  eq(v, nil); eq(code, svcm.codes.EINVAL); assert(type(msg) == "string")
end)

test("nine to five over a weekend", function()
  local cal = assert(svcm.Calendar(0, nine_to_five(), {}))
  local fri16, mon10 = at(2026, 1, 9, 16), at(2026, 1, 12, 10)
  -- Fri 16:00-17:00 (1 h) + Mon 09:00-10:00 (1 h)
  eq(cal:business_seconds(fri16, mon10), 2 * H)
  eq(cal:business_seconds(mon10, fri16), -2 * H)
  eq(cal:add_business_seconds(fri16, 2 * H), mon10)
  eq(cal:add_business_seconds(fri16, H), at(2026, 1, 9, 17)) -- close, not next opening
  eq(cal:is_open(at(2026, 1, 12, 9)), true)
  eq(cal:is_open(at(2026, 1, 12, 17)), false)
  eq(cal:next_open(at(2026, 1, 9, 17)), at(2026, 1, 12, 9))
  local bs = cal:business_seconds_batch({fri16, at(2026, 1, 10)}, {mon10, at(2026, 1, 13)})
  eq(bs[1], 2 * H); eq(bs[2], 8 * H) -- Sat 00:00 .. Tue 00:00 holds Monday only
  local ad = cal:add_business_seconds_batch({fri16}, {2 * H})
  eq(ad[1], mon10)
end)

test("holidays, overnight shifts and a negative offset", function()
  local cal = assert(svcm.Calendar(0, nine_to_five(), {"2026-01-01"}))
  -- Wed 12-17 (5 h) + Thu holiday + Fri 09-12 (3 h)
  eq(cal:business_seconds(at(2025, 12, 31, 12), at(2026, 1, 2, 12)), 8 * H)
  local night = {{{"22:00", "06:00"}}, {}, {}, {}, {}, {}, {}}
  local mon = at(2026, 1, 12)
  local c2 = assert(svcm.Calendar(0, night, {{year = 2026, month = 1, day = 13}}))
  eq(c2:business_seconds(mon, mon + 2 * DAY), 2 * H) -- Tuesday part cut by the holiday
  local week = {}
  for i = 1, 5 do week[i] = {{9 * H, 17 * H}} end
  week[6], week[7] = {}, {}
  local ny = assert(svcm.Calendar(-300, week))
  eq(ny:is_open(at(2026, 1, 12, 14)), true) -- 09:00 in UTC-05:00
  eq(ny:business_seconds(at(2026, 1, 12), at(2026, 1, 13)), 8 * H)
end)

test("random spans match a minute-by-minute count", function()
  local week = {{{"08:00", "12:30"}, {"23:00", "01:00"}}, {{"13:00", "17:00"}}, {},
                {{"00:30", "24:00"}}, {{"09:15", "09:45"}}, {{"22:00", "23:00"}},
                {{"21:00", "00:15"}}}
  local secs = {}
  for d = 1, 7 do
    secs[d] = {}
    for k, iv in ipairs(week[d]) do
      local function s(x) local h, m = x:match("(%d+):(%d+)"); return h * 3600 + m * 60 end
      secs[d][k] = {s(iv[1]), s(iv[2])}
    end
  end
  local hol = {"2026-03-04", "2026-03-10"}
  local holdays = {[days(2026, 3, 4)] = true, [days(2026, 3, 10)] = true}
  local off = 330
  local cal = assert(svcm.Calendar(off, week, hol))
  local function open(t)
    local l = t + off * 60
    local d = l // DAY
    local tod = l - d * DAY
    if holdays[d] then return false end
    local wd = (d + 3) % 7 + 1 -- 1970-01-01 was a Thursday; 1 = Monday
    for _, iv in ipairs(secs[wd]) do
      if iv[2] > iv[1] then
        if tod >= iv[1] and tod < iv[2] then return true end
      elseif tod >= iv[1] then return true end
    end
    for _, iv in ipairs(secs[(wd - 2) % 7 + 1]) do
      if iv[2] < iv[1] and tod < iv[2] then return true end
    end
    return false
  end
  local seed = 12345
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  for _ = 1, 8 do
    local a = at(2026, 3, 1) + rnd(5 * 1440) * 60
    local b = a + rnd(10 * 1440) * 60
    local count = 0
    for t = a, b - 1, 60 do if open(t) then count = count + 60 end end
    eq(cal:business_seconds(a, b), count)
    local n = cal:business_seconds(a, b)
    local t = cal:add_business_seconds(a, n)
    assert(t <= b)
    eq(cal:business_seconds(a, t), n)
  end
end)

test("text round trip and parse errors", function()
  local text = "utc_offset = +08:00\nmon = 09:00-12:00, 13:00-18:00\nsat = closed\n" ..
               "sun = 22:00-06:00\nholiday = 2026-01-01\n"
  local cal = assert(svcm.calendar_parse(text))
  local out = cal:to_text()
  assert(out:find("mon = 09:00-12:00, 13:00-18:00\n", 1, true))
  eq(assert(svcm.calendar_parse(out)):to_text(), out)
  local v, msg, code, e = svcm.calendar_parse("mon = 09:00-17:00\n\ntue = 25:00-26:00\n")
  eq(v, nil); eq(code, svcm.codes.EFORMAT)
  -- issue 13: "tue = " is 6 bytes, so the bad time starts at column 7
  eq(e.line, 3); eq(e.column, 7); eq(e.field, "tue"); eq(e.index, nil); eq(e.code, code)
  assert(not msg:find("line", 1, true), msg)
end)

test("bad input fails or raises", function()
  local v, msg, code = svcm.Calendar(0, {{{"09:00", "12:00"}, {"11:00", "13:00"}}, {}, {}, {}, {}, {}, {}})
  eq(v, nil); eq(code, svcm.codes.EINVAL); assert(msg:find("overlap", 1, true), msg)
  v, msg, code = svcm.Calendar(900, nine_to_five())
  eq(code, svcm.codes.EINVAL)
  assert(not pcall(svcm.Calendar, 0, {{}, {}}))                       -- not 7 days
  assert(not pcall(svcm.Calendar, 0, {{{"9h", "17:00"}}, {}, {}, {}, {}, {}, {}}))
  assert(not pcall(svcm.Calendar, 0, nine_to_five(), {"2026-1-01"}))
  -- Regression: text after an embedded NUL was silently ignored.
  assert(not pcall(svcm.Calendar, 0, {{{"09:00\0junk", "17:00"}}, {}, {}, {}, {}, {}, {}}))
  assert(not pcall(svcm.Calendar, 0, nine_to_five(), {"2026-01-01\0junk"}))
  local cal = assert(svcm.Calendar(0, nine_to_five()))
  v, msg, code = cal:business_seconds(0, 10 ^ 15 // 1)
  eq(code, svcm.codes.ERANGE)
  v, msg, code = cal:add_business_seconds(0, -1)
  eq(code, svcm.codes.EINVAL)
  v, msg, code = cal:business_seconds_batch({0, 1}, {5, 10 ^ 15 // 1})
  eq(v, nil); eq(code, svcm.codes.ERANGE); assert(msg:find("record 1", 1, true), msg)
  v, msg, code = cal:add_business_seconds_batch({0, 1}, {5, -5})
  eq(code, svcm.codes.EINVAL); assert(msg:find("seconds", 1, true), msg)
  assert(not pcall(cal.business_seconds_batch, cal, {1, 2}, {3})) -- lengths differ
  local never = assert(svcm.Calendar())
  v, msg, code = never:next_open(0)
  eq(code, svcm.codes.ENOTFOUND)
  do
    local closing <close> = assert(svcm.Calendar(0, nine_to_five()))
    eq(closing:business_seconds(0, 0), 0)
  end
  cal:close()
  assert(not pcall(cal.business_seconds, cal, 0, 1)) -- closed handle raises
end)

test("sla of one ticket", function()
  local cal = assert(svcm.Calendar(0, nine_to_five()))
  -- created Fri 16:00, answered Mon 09:30, on hold Mon 12-14, resolved
  -- Tue 11:00; targets 1 h and 8 h.
  local r = assert(svcm.sla(cal, {
    created = at(2026, 1, 9, 16), first_response = at(2026, 1, 12, 9, 30),
    resolved = at(2026, 1, 13, 11), pauses = {{at(2026, 1, 12, 12), at(2026, 1, 12, 14)}},
    response_target = H, resolution_target = 8 * H}, at(2026, 1, 14)))
  eq(r.response.elapsed, 5400)          -- 1 h Friday + 30 min Monday
  eq(r.response.due, at(2026, 1, 9, 17))
  eq(r.response.breached, true)
  eq(r.resolution.elapsed, 9 * H)       -- 11 h minus the 2 h pause
  eq(r.resolution.due, at(2026, 1, 13, 10))
  eq(r.resolution.met, false)
  -- on hold now: the pause is open (no end)
  local o = assert(svcm.sla(cal, {created = at(2026, 1, 12, 9), pauses = {{at(2026, 1, 12, 10)}},
    response_target = 2 * H, resolution_target = 16 * H}, at(2026, 1, 12, 15)))
  eq(o.response.elapsed, H)
  eq(o.response.due, at(2026, 1, 12, 16))
  local v, msg, code = svcm.sla(cal, {created = 1000, resolved = 500, response_target = H,
    resolution_target = H}, 2000)
  eq(v, nil); eq(code, svcm.codes.EINVAL); assert(msg:find("resolved", 1, true), msg)
  assert(not pcall(svcm.sla, cal, {created = 1000}, 2000)) -- targets missing
end)

test("sla compliance counts and Wilson interval", function()
  local cal = assert(svcm.Calendar(0, nine_to_five()))
  local mon9 = at(2026, 1, 12, 9)
  local tickets = {
    {created = mon9, first_response = mon9 + 1800, resolved = mon9 + 3 * H},
    {created = mon9, first_response = mon9 + 2 * H, resolved = mon9 + 7 * H},
    {created = mon9, first_response = mon9 + 600},
    {created = at(2026, 1, 14, 11, 30)},
    {created = at(2026, 1, 13, 16)},
  }
  for _, t in ipairs(tickets) do t.response_target, t.resolution_target = H, 8 * H end
  local s, per = assert(svcm.sla_compliance(cal, tickets, at(2026, 1, 14, 12)))
  eq(s.response.met, 2); eq(s.response.breached, 2); eq(s.response.pending, 1)
  eq(s.resolution.met, 2); eq(s.resolution.breached, 1); eq(s.resolution.pending, 2)
  -- Wilson (1927) closed form for 2 of 4 at z = 1.959963984540054
  local z, n, p = 1.959963984540054, 4, 0.5
  local center = (p + z * z / (2 * n)) / (1 + z * z / n)
  local half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
  assert(math.abs(s.response.ci[1] - (center - half)) < 1e-12)
  assert(math.abs(s.response.ci[2] - (center + half)) < 1e-12)
  eq(per[5].response.elapsed, 4 * H)
  tickets[3].resolved = mon9 - 1
  local v, msg, code = svcm.sla_compliance(cal, tickets, at(2026, 1, 14, 12))
  eq(v, nil); eq(code, svcm.codes.EINVAL); assert(msg:find("record 2", 1, true), msg)
end)

test("next_open reaches the last instant of the range", function()
  -- Regression: the answer 1e14 (Saturday 09:46:40 UTC) was reported out
  -- of range. Open Saturdays 09:46:40-10:00 only.
  local big = 100000000000000
  local cal = assert(svcm.Calendar(0, {{}, {}, {}, {}, {}, {{35200, 36000}}, {}}))
  eq(cal:next_open(big - H), big)
  local v, _, code = cal:next_open(big + 1)
  eq(v, nil); eq(code, svcm.codes.ERANGE)
end)

test("sla compliance at a confidence next to one gives no NaN", function()
  -- Regression: confidence 1 - 2^-53 returned a NaN Wilson interval.
  local cal = assert(svcm.Calendar(0, nine_to_five()))
  local mon9 = at(2026, 1, 12, 9)
  local t = {{created = mon9, first_response = mon9 + 60, resolved = mon9 + H,
              response_target = H, resolution_target = 8 * H}}
  local s, msg, code = svcm.sla_compliance(cal, t, mon9 + 2 * H, 1 - 2 ^ -53)
  if s == nil then
    eq(code, svcm.codes.EINVAL); assert(msg:find("confidence", 1, true), msg)
  else
    assert(s.response.ci[1] == s.response.ci[1])
  end
end)

-- Issue 15: zoned calendars. Berlin (EU rule: summer time from 01:00 UTC on
-- the last Sunday of March to the last Sunday of October) springs forward on
-- 2026-03-29 and falls back on 2026-10-25; Sydney (New South Wales) leaves
-- daylight time on 2026-04-05 and enters it on 2026-10-04.
local BERLIN = "CET-1CEST,M3.5.0,M10.5.0/3"
local SYDNEY = "AEST-10AEDT,M10.1.0,M4.1.0/3"

test("zoned calendar: two hours from Friday 16:00 CET to Monday 10:00 CEST", function()
  local text = "zone = " .. BERLIN .. "\nmon = 09:00-17:00\nfri = 09:00-17:00\n"
  local cal = assert(svcm.calendar_parse(text))
  local fri, mon = at(2026, 3, 27, 16, 0, 60), at(2026, 3, 30, 10, 0, 120)
  eq(cal:business_seconds(fri, mon), 2 * H)
  eq(cal:add_business_seconds(fri, 2 * H), mon)
  eq(cal:next_open(at(2026, 3, 28, 12, 0, 60)), at(2026, 3, 30, 9, 0, 120))
  eq(cal:is_open(at(2026, 3, 30, 9, 0, 120)), true)
  eq(cal:is_open(at(2026, 3, 30, 9, 0, 120) - 1), false) -- 08:59:59 CEST
  local out = cal:to_text()
  assert(out:find("zone = " .. BERLIN .. "\n", 1, true) == 1, out)
  eq(assert(svcm.calendar_parse(out)):to_text(), out)
  local same = assert(svcm.Calendar(BERLIN, nine_to_five()))
  eq(same:business_seconds(fri, mon), 2 * H)
end)

test("zoned calendar: Sundays of 23 and 25 hours, north and south", function()
  local sunday = {{}, {}, {}, {}, {}, {}, {{"00:00", "24:00"}}}
  local b = assert(svcm.Calendar(BERLIN, sunday))
  eq(b:business_seconds(at(2026, 3, 29, 0, 0, 60), at(2026, 3, 30, 0, 0, 120)), 23 * H)
  eq(b:business_seconds(at(2026, 10, 25, 0, 0, 120), at(2026, 10, 26, 0, 0, 60)), 25 * H)
  local s = assert(svcm.Calendar(SYDNEY, sunday))
  eq(s:business_seconds(at(2026, 4, 5, 0, 0, 660), at(2026, 4, 6, 0, 0, 600)), 25 * H)
  eq(s:business_seconds(at(2026, 10, 4, 0, 0, 600), at(2026, 10, 5, 0, 0, 660)), 23 * H)
end)

test("zoned calendar: bad zones fail with the field", function()
  local v, msg, code, detail = svcm.calendar_parse("zone = " .. BERLIN .. "\nutc_offset = +01:00\n")
  eq(v, nil); eq(code, svcm.codes.EFORMAT)
  eq(detail.line, 2); eq(detail.column, 1); eq(detail.field, "utc_offset")
  v, msg, code, detail = svcm.calendar_parse("zone = CET-1CEST,M3.5.0\n")
  eq(v, nil); eq(code, svcm.codes.EFORMAT); eq(detail.column, 24); eq(detail.field, "zone")
  v, msg, code, detail = svcm.Calendar("CET-1CEST,M3.5.0", nine_to_five())
  eq(v, nil); eq(code, svcm.codes.EFORMAT); eq(detail.field, "zone")
  assert(type(msg) == "string")
  assert(not pcall(svcm.Calendar, "UTC\0junk", nine_to_five()))
  local cal = assert(svcm.Calendar(BERLIN, nine_to_five()))
  local last = at(9999, 12, 31, 23, 59) + 59
  v, msg, code = cal:is_open(last + 1)
  eq(v, nil); eq(code, svcm.codes.ERANGE)
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
