-- Tests of svcm.parse_time and svcm.Zone. UTC instants come from a day count
-- written here (years and months added one by one from 1970); zone values
-- were obtained with CPython 3.11 zoneinfo (tzdata 2025b), e.g.
-- datetime.fromtimestamp(t, timezone.utc).astimezone(ZoneInfo("Europe/Berlin")),
-- and the local -> UTC cases with PEP 495 fold=0 / fold=1.
local svcm = require "svcm"

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
local function utc(y, mo, d, h, mi, s)
  local n = 0
  for k = 1970, y - 1 do n = n + (leap(k) and 366 or 365) end
  for k = 1, mo - 1 do n = n + MDAYS[k] + ((k == 2 and leap(y)) and 1 or 0) end
  n = n + d - 1
  return n * 86400 + (h or 0) * 3600 + (mi or 0) * 60 + (s or 0)
end

local function have_zone(name)
  local dir = os.getenv("TZDIR") or "/usr/share/zoneinfo"
  local f = io.open(dir .. "/" .. name, "rb")
  if f then f:close() return true end
  io.stderr:write("skipping " .. name .. ": tzdata not installed\n")
  return false
end

test("iso forms", function()
  eq(svcm.parse_time("2026-03-29"), utc(2026, 3, 29))
  eq(svcm.parse_time("2026-03-29T12:34:56Z"), utc(2026, 3, 29, 12, 34, 56))
  eq(svcm.parse_time("2026-03-29 12:34:56+08:00"), utc(2026, 3, 29, 4, 34, 56))
  eq(math.type(svcm.parse_time("2026-03-29T12:34:56Z")), "integer")
  eq(svcm.parse_time("2026-03-29T12:34:56.25Z"), utc(2026, 3, 29, 12, 34, 56) + 0.25)
end)

test("format layouts", function()
  eq(svcm.parse_time("12/25/2013 11:59:08 PM", "%m/%d/%Y %I:%M:%S %p"), utc(2013, 12, 25, 23, 59, 8))
  eq(svcm.parse_time("29-02-2016 01:16", "%d-%m-%Y %H:%M"), utc(2016, 2, 29, 1, 16))
  eq(svcm.parse_time("990201", "%y%m%d"), utc(1999, 2, 1))
  eq(svcm.parse_time("01/12/2010 08:26", "%d/%m/%Y %H:%M"), utc(2010, 12, 1, 8, 26))
end)

test("epoch", function()
  eq(svcm.parse_time("1700000000", nil, nil, "s"), 1700000000)
  eq(svcm.parse_time("1700000000500", nil, nil, "ms"), 1700000000.5)
  assert(not pcall(svcm.parse_time, "1", nil, nil, "us"))
end)

test("refusals", function()
  local v, msg, code, e = svcm.parse_time("20260218")
  eq(v, nil); eq(code, -5)
  eq(e.column, 1)
  assert(msg:find("epoch s|ms", 1, true), msg)
  v, msg, code, e = svcm.parse_time("2026-02-30")
  eq(v, nil); eq(code, -5)
  eq(e.column, 9)
  v, msg, code = svcm.parse_time("7:02:47", "%H:%M:%S")
  eq(v, nil); eq(code, -1)
  assert(msg:find("format", 1, true), msg)
  v, msg, code = svcm.parse_time("2026-01-01", nil, "+25:00")
  eq(v, nil); eq(code, -5)
end)

test("tz for texts without offset", function()
  local rule = "CET-1CEST,M3.5.0,M10.5.0/3"
  eq(svcm.parse_time("2026-07-01 12:00", nil, rule), utc(2026, 7, 1, 10))
  local z = svcm.Zone(rule)
  eq(svcm.parse_time("2026-07-01 12:00", nil, z), utc(2026, 7, 1, 10))
  eq(svcm.parse_time("2026-07-01 12:00Z", nil, z), utc(2026, 7, 1, 12))
  -- zoneinfo fold=0 / fold=1
  eq(svcm.parse_time("2026-03-29 02:30", nil, z), 1774747800)
  eq(svcm.parse_time("2026-03-29 02:30", nil, z, nil, "later"), 1774744200)
  local v, msg = svcm.parse_time("2026-10-25 02:30", nil, z, nil, "error")
  eq(v, nil)
  assert(msg:find("is ambiguous", 1, true), msg)
  z:close()
  assert(not pcall(z.name, z))
end)

test("zone queries", function()
  local z <close> = svcm.Zone("EST5EDT,M3.2.0,M11.1.0")
  eq(z:name(), "EST5EDT,M3.2.0,M11.1.0")
  local o = z:offset(1772953199)
  eq(o.offset, -18000); eq(o.dst, false)
  o = z:offset(1772953200)
  eq(o.offset, -14400); eq(o.dst, true)
  eq(z:abbrev(1772953200), "EDT")
  local c = z:to_local(1772953200)
  eq(c.year, 2026); eq(c.month, 3); eq(c.day, 8); eq(c.hour, 3); eq(c.minute, 0); eq(c.second, 0)
  eq(z:to_utc(2026, 11, 1, 1, 30), 1793511000)
  eq(z:to_utc(2026, 11, 1, 1, 30, 0, "later"), 1793514600)
  local v, msg, code = z:to_utc(2026, 2, 30)
  eq(v, nil); eq(code, -1)
  assert(msg:find("day", 1, true), msg)
  v, msg, code = z:to_utc(2026, 300, 1)
  eq(v, nil); eq(code, -1)
end)

test("bad specs", function()
  local v, msg, code = svcm.Zone("../etc/passwd")
  eq(v, nil); eq(code, -5)
  v, msg, code = svcm.Zone("No_Such/Zone_Here")
  eq(v, nil); eq(code, -7)
  v, msg, code = svcm.Zone.from_bytes("TZif2 not really")
  eq(v, nil); eq(code, -5)
  assert(not pcall(svcm.Zone))
end)

test("system zone files", function()
  if not have_zone("Europe/Berlin") then return end
  local z = svcm.Zone("Europe/Berlin")
  eq(z:offset(1774745999).offset, 3600)
  eq(z:offset(1774746000).offset, 7200)
  eq(z:offset(4118083200).offset, 7200)   -- 2100-07-01, footer rule
  eq(z:offset(-2524521600).offset, 3208)  -- 1890, local mean time
  eq(z:abbrev(-2524521600), "LMT")
  local f = io.open((os.getenv("TZDIR") or "/usr/share/zoneinfo") .. "/Europe/Berlin", "rb")
  local bytes = f:read("a")
  f:close()
  local b = svcm.Zone.from_bytes(bytes)
  eq(b:name(), "TZif")
  for t = 0, 4102444800, 86400 * 30 do eq(b:offset(t).offset, z:offset(t).offset, t) end
  eq(svcm.Zone.from_bytes(bytes:sub(1, -2)), nil)
  -- the saved form is the TZif bytes, or the spec of a zone made from one
  eq(b:to_bytes(), bytes)
  eq(z:to_bytes(), "Europe/Berlin")
  eq(svcm.Zone.from_bytes(z:to_bytes()):offset(1774746000).offset, 7200)
end)

print(passed .. " passed, " .. failed .. " failed")
if failed > 0 then os.exit(1) end
