-- Text the library stores is UTF-8 or refused (issue 12, item 6). Lua
-- strings are bytes, so every loader, parser and text setter is reachable
-- with Latin-1 or ill-formed UTF-8: each refuses it (loaders and parsers:
-- EFORMAT with the line and column of the first bad byte in the detail
-- table, issue 13; setters: EINVAL with the byte offset in the message).
-- Valid UTF-8 in any script round-trips unchanged. Raises on failure.
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

-- Lua's own strict decoder (utf8.len) says where the text goes wrong.
local function bad_offset(s)
  local n, pos = utf8.len(s)
  assert(n == nil, "valid UTF-8: " .. s)
  return pos - 1
end

-- The 1-based line and byte column of 0-based byte offset in text.
local function position(text, offset)
  local before = text:sub(1, offset)
  local _, nl = before:gsub("\n", "")
  local bol = before:match(".*\n()") or 1
  return nl + 1, offset - bol + 2
end

-- Parsers (text given): EFORMAT, "invalid UTF-8", the position in the
-- detail table e only; setters: the byte offset in the message.
local function refused(code, offset, ok, msg, c, e, text)
  assert(ok == nil, "expected a failure")
  assert(c == code, "expected code " .. code .. ", got " .. tostring(c) .. ": " .. tostring(msg))
  if text then
    local line, col = position(text, offset)
    assert(msg:find("invalid UTF-8", 1, true) and not msg:find("line %d"), msg)
    assert(e.line == line and e.column == col, string.format("%s: %s:%s, want %d:%d", msg,
           tostring(e.line), tostring(e.column), line, col))
    return
  end
  local want = "invalid UTF-8 at byte offset " .. offset
  assert(msg:find(want, 1, true), msg .. " (want '" .. want .. "')")
end

local CAFE, TOKYO, EMOJI = "caf\u{E9}", "\u{6771}\u{4EAC}", "\u{1F600}\u{1F44D}\u{1F3FD}"
local LATIN1 = "caf\xE9"
-- Markus Kuhn's decoder stress cases and friends.
local KUHN = {
  "caf\xE9",            -- Latin-1
  "\xC0\xAF",           -- overlong '/'
  "\xE0\x80\xAF",       -- overlong '/', three bytes
  "\xED\xA0\x80",       -- surrogate U+D800
  "\xF4\x90\x80\x80",   -- above U+10FFFF
  "\x80",               -- lone continuation byte
  "\xE2\x82",           -- truncated sequence
}
local EFORMAT, EINVAL = svcm.codes.EFORMAT, svcm.codes.EINVAL

if svcm.Cycle then
  local function sample()
    local c = assert(svcm.Cycle("T", "M", true, 1, 2, 99, {owner = "O"}))
    assert(c:add_action("D", "W", 5))
    assert(c:start(10, "A", "N"))
    return c
  end

  test("Cycle.load refuses Latin-1 with line and column", function()
    local text = sample():save()
    local bad = text:gsub('title "T"', 'title "' .. LATIN1 .. '"')
    local ok, msg, code, e = svcm.Cycle.load(bad)
    refused(EFORMAT, bad_offset(bad), ok, msg, code, e, bad)
    assert(e.line == 3 and e.column == 11, "line " .. tostring(e.line))  -- title "caf|
  end)

  test("Cycle.load refuses ill-formed UTF-8 in every record", function()
    local text = sample():save()
    for _, old in ipairs({'"T"', '"O"', '"D"', '"W"', '"A"', '"N"'}) do
      for _, seq in ipairs(KUHN) do
        local bad = text:gsub(old, '"x' .. seq .. '"', 1)
        local ok, msg, code, e = svcm.Cycle.load(bad)
        refused(EFORMAT, bad_offset(bad), ok, msg, code, e, bad)
      end
    end
  end)

  test("Cycle.load refuses escapes that spell invalid UTF-8", function()
    local text = sample():save()
    local bad = text:gsub('title "T"', 'title "caf\\xE9"')
    local ok, msg, code, e = svcm.Cycle.load(bad)
    refused(EFORMAT, bad:find("\\xE9", 1, true) - 1, ok, msg, code, e, bad)
    local good = assert(svcm.Cycle.load((text:gsub('title "T"', 'title "caf\\xC3\\xA9"'))))
    assert(good.title == CAFE)
  end)

  test("setters refuse invalid UTF-8 with EINVAL and change nothing", function()
    for _, seq in ipairs(KUHN) do
      local off = bad_offset(seq)
      refused(EINVAL, off, svcm.Cycle(seq, "m"))
      refused(EINVAL, off, svcm.Cycle("t", seq))
      refused(EINVAL, off, svcm.Cycle("t", "m", true, 1, 2, 3, {owner = seq}))
      refused(EINVAL, off, svcm.Cycle("t", "m", true, 1, 2, 3, {unit = seq}))
    end
    local c = assert(svcm.Cycle("T", "M", true, 1, 2, 99))
    refused(EINVAL, 3, c:add_action(LATIN1, "W", 5))
    refused(EINVAL, 3, c:add_action("D", LATIN1, 5))
    assert(#c:actions() == 0)
    assert(c:add_action("D", "W", 5) == 1)
    refused(EINVAL, 3, c:start(10, LATIN1, "N"))
    refused(EINVAL, 3, c:start(10, "A", LATIN1))
    assert(c.phase == "plan" and #c:audit() == 0)
    assert(c:start(10, "A", "N"))
    assert(c.phase == "do" and #c:audit() == 1)
  end)

  test("multi-byte UTF-8 round-trips through save and load", function()
    local c = assert(svcm.Cycle(CAFE .. " " .. TOKYO, TOKYO, true, 1, 2, 99,
                                {owner = EMOJI, unit = "\u{20AC}"}))
    assert(c:add_action(EMOJI .. " triage", CAFE, 5))
    assert(c:start(10, TOKYO, EMOJI))
    local text = c:save()
    assert(text:find('title "' .. CAFE .. " " .. TOKYO .. '"\n', 1, true), text)
    local d = assert(svcm.Cycle.load(text))
    assert(d.title == CAFE .. " " .. TOKYO and d.owner == EMOJI)
    assert(d.metric == TOKYO and d.unit == "\u{20AC}")
    assert(d:actions()[1].description == EMOJI .. " triage" and d:actions()[1].owner == CAFE)
    assert(d:audit()[1].actor == TOKYO and d:audit()[1].note == EMOJI)
    assert(d:save() == text)
  end)
end

if svcm.policy_from_text then
  test("policy_from_text refuses invalid UTF-8 with line and column", function()
    for _, seq in ipairs(KUHN) do
      local text = "bins = 5\n# " .. seq .. "\n"
      local ok, msg, code, e = svcm.policy_from_text(text)
      refused(EFORMAT, bad_offset(text), ok, msg, code, e, text)
      assert(e.line == 2, msg)
    end
    local p = assert(svcm.policy_from_text("# " .. CAFE .. TOKYO .. EMOJI .. "\nchurn_days = 10\n"))
    assert(p.churn_days == 10)
  end)

  test("policy unknown-key quote never cuts a UTF-8 sequence", function()
    local ok, msg, code = svcm.policy_from_text(("x"):rep(39) .. CAFE:sub(4) .. " = 1\n")
    assert(ok == nil and code == EFORMAT, msg)
    assert(utf8.len(msg), "message is not UTF-8: " .. msg)
  end)
end

if svcm.calendar_parse then
  test("calendar_parse refuses invalid UTF-8 with line and column", function()
    for _, seq in ipairs(KUHN) do
      local text = "mon = 09:00-17:00 # " .. seq .. "\n"
      local ok, msg, code, e = svcm.calendar_parse(text)
      refused(EFORMAT, bad_offset(text), ok, msg, code, e, text)
    end
    local a = assert(svcm.calendar_parse("mon = 09:00-17:00\n"))
    local b = assert(svcm.calendar_parse("# " .. TOKYO .. "\nmon = 09:00-17:00 # " .. EMOJI .. "\n"))
    assert(a:to_text() == b:to_text())
    local ok, msg = svcm.calendar_parse(("x"):rep(39) .. CAFE:sub(4) .. " = closed\n")
    assert(ok == nil and utf8.len(msg), "message is not UTF-8: " .. tostring(msg))
  end)
end

if svcm.itil_table then
  test("itil_table refuses invalid UTF-8 with line and column", function()
    for _, seq in ipairs(KUHN) do
      local text = "1 2\n# " .. seq .. "\n2 3\n"
      local ok, msg, code, e = svcm.itil_table(text)
      refused(EFORMAT, bad_offset(text), ok, msg, code, e, text)
    end
    local t = assert(svcm.itil_table("# " .. TOKYO .. EMOJI .. "\n1 2\n2 3\n"))
    assert(#t == 2 and t[2][2] == 3)
  end)
end

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
