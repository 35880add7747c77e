-- Robustness of the svcm Lua binding against misuse.
--
-- Every function of the module table and every method of every svcm
-- metatable is called with a valid argument list (the "base" call), then
-- with each argument, each option-table field and each field of the first
-- record replaced by values of the wrong kind: nil, strings, tables of junk,
-- booleans, functions, coroutines, userdata of another type, huge integers,
-- +-math.huge, NaN, negative counts, holes, a long array. Every call must
-- either raise a Lua error with a non-empty string message (misuse) or
-- return normally; a failure returned as nil, msg, code must have a
-- non-empty msg and an integer code < 0. A crash fails the script; a hang
-- is stopped by meson's test timeout.
--
-- Lifecycle cases follow: every method after :close(), after __close, after
-- an explicit __gc (then a real collection), twice-closed objects, methods
-- called with another type's object as self, merge with itself.
--
-- SVCM_MISUSE_TRACE=1 lists every call that returned a value.

local svcm = require("svcm")

local passed, failed, calls = 0, 0, 0
local outcome = {raised = 0, refused = 0, returned = 0}
local TRACE = os.getenv("SVCM_MISUSE_TRACE") -- list the calls that returned a value
local problems = {}

local function test(name, fn)
  local ok, err = pcall(fn)
  if ok then
    passed = passed + 1
  else
    failed = failed + 1
    io.stderr:write("FAIL ", name, ": ", tostring(err), "\n")
  end
end

local function short(v)
  local s
  if type(v) == "string" then
    s = string.format("%q", v)
  elseif type(v) == "table" then
    s = "table#" .. tostring(rawlen(v))
  else
    s = tostring(v)
  end
  if #s > 28 then s = s:sub(1, 25) .. "..." end
  return s
end

-- One call: record a problem unless it errors with a message or returns
-- (nil, non-empty msg, code < 0) or a value.
local function call(label, fn, args)
  calls = calls + 1
  local res = table.pack(pcall(fn, table.unpack(args, 1, args.n)))
  if not res[1] then
    local e = res[2]
    outcome.raised = outcome.raised + 1
    if type(e) ~= "string" or #e == 0 then
      problems[#problems + 1] = label .. ": error object is not a non-empty string: " .. tostring(e)
    end
    return false
  end
  if res[2] == nil and res.n >= 3 and res[3] ~= nil then
    outcome.refused = outcome.refused + 1
    if type(res[3]) ~= "string" or #res[3] == 0 then
      problems[#problems + 1] = label .. ": nil with a bad message " .. tostring(res[3])
    elseif math.type(res[4]) ~= "integer" or res[4] >= 0 then
      problems[#problems + 1] = label .. ": nil, msg with a bad code " .. tostring(res[4])
    elseif type(res[5]) ~= "table" or res[5].code ~= res[4] then
      problems[#problems + 1] = label .. ": nil, msg, code without its detail table"
    end
    return false
  end
  outcome.returned = outcome.returned + 1
  if TRACE then io.stderr:write("returned ", label, "\n") end
  return true
end

local function pack(...) return table.pack(...) end

local function copy(t)
  if type(t) ~= "table" or getmetatable(t) ~= nil then return t end
  local c = {}
  for k, v in pairs(t) do c[k] = copy(v) end
  return c
end

local function copy_args(a)
  local c = {n = a.n}
  for i = 1, a.n do c[i] = copy(a[i]) end
  return c
end

local H, DAY = 3600, 86400
local function item(id, due)
  return {id = id, tier = "regular", impact = "team", severity = 3, value = 0.2, created = 0,
          due = due, urgent = false}
end
local function week()
  local d = {{"09:00", "17:00"}}
  return {d, d, d, d, d, {}, {}}
end
local R = {10, 40, 200, 5, 90, 30}
local F = {3, 1, 1, 8, 2, 5}
local M = {100, 20, 5, 900, 50, 300}
local E22, P22 = {}, {}
for i = 1, 22 do E22[i], P22[i] = 5, 4 end

-- The first rows of the CDNOW summary (tests/data).
local here = debug.getinfo(1, "S").source:match("^@(.*)[/\\]") or "."
local CD = {x = {}, t_x = {}, T = {}, z = {}}
do
  local f = assert(io.open(here .. "/../../../tests/data/cdnow_summary.csv"))
  local header = f:read("l"):gsub("\r$", "")
  local cols = {}
  for name in header:gmatch("[^,]+") do cols[#cols + 1] = name end
  for _ = 1, 300 do
    local line = f:read("l")
    if not line then break end
    line = line:gsub("\r$", "")
    local row, k = {}, 0
    for v in line:gmatch("[^,]+") do k = k + 1; row[cols[k]] = tonumber(v) end
    CD.x[#CD.x + 1], CD.t_x[#CD.t_x + 1], CD.T[#CD.T + 1] = row.x, row.t_x, row.T
    CD.z[#CD.z + 1] = row.zbar
  end
  f:close()
end
local GGX, GGZ = {}, {}
for i = 1, #CD.x do
  if CD.x[i] > 0 then GGX[#GGX + 1], GGZ[#GGZ + 1] = CD.x[i], CD.z[i] end
end

local function cal() return assert(svcm.Calendar(0, week(), {})) end
local function filled(ctor, values, ...)
  local a = ctor(...)
  assert(a:add(values))
  return a
end
local function cycle_in_do()
  local c = assert(svcm.Cycle("t", "m", true, 1.0, 2.0, 10 ^ 6))
  assert(c:add_action("do it", "o", 10 ^ 5))
  for i, v in ipairs({1.0, 1.2, 0.9, 1.1}) do assert(c:measure(i, v, true)) end
  assert(c:start(100, "a", "go"))
  for i, v in ipairs({2.0, 2.2, 1.9, 2.1}) do assert(c:measure(199 + i, v)) end
  return c
end
local function queue_with_item()
  local q = svcm.Queue()
  assert(q:push(item(1)))
  return q
end
local BG = svcm.BGNBD(0.243, 4.414, 0.793, 2.426)
local RULE = "CET-1CEST,M3.5.0,M10.5.0/3"
-- A minimal TZif version 2 file (RFC 8536): one type, UTC, footer UTC0.
local function tzif_utc()
  local block = "TZif2" .. string.rep("\0", 15) .. string.pack(">i4i4i4i4i4i4", 0, 0, 0, 0, 1, 4)
                .. string.pack(">i4BB", 0, 0, 0) .. "UTC\0"
  return block .. block .. "\nUTC0\n"
end
local SHIFTS = {{1, 1, 1, 0, 0, 0}, {0, 0, 1, 1, 1, 0}, {1, 0, 0, 0, 1, 1}}
-- A few BG/BB rows (frequency, recency, periods, weights).
local BB = {x = {0, 1, 1, 2, 3, 6}, t_x = {0, 1, 3, 4, 5, 6}, n = {6, 6, 6, 6, 6, 6},
            w = {3464, 1091, 277, 300, 200, 100}}

-- Grouped KPIs: NPS, an FCR rate, durations, SLA counts for two groups.
local KPI_SLOTS = {"nps", {"rate", kind = "fcr"}, {"durations", rel_err = 0.01}, "sla"}
local function kpi_groups()
  local g = assert(svcm.kpi_groups(KPI_SLOTS))
  for _, key in ipairs{"email", "phone"} do
    local k = g:group(key)
    assert(g:add_score(k, 1, 9) and g:add_outcome(k, 2, true) and g:add_duration(k, 3, 60.0))
    assert(g:add_sla(k, 4, 1, 1, 0))
  end
  return g
end

local FUNCS = {
  agents_needed = function() return pack(100, 180, 1800, 20, 0.8) end,
  agents_needed_a = function() return pack(100, 180, 1800, 120, 0.8, 20, {max_abandon = 0.05}) end,
  agents_from_staff = function() return pack(14, 0.3) end,
  BGBB = function() return pack(1.204, 0.750, 0.657, 2.783) end,
  ["BGBB.fit"] = function() return pack(BB.x, BB.t_x, BB.n, BB.w) end,
  ["BGBB.from_bytes"] = function() return pack(svcm.BGBB(1.204, 0.750, 0.657, 2.783):to_bytes()) end,
  erlang_a = function() return pack(100, 180, 1800, 12, 120, 20) end,
  erlang_chat = function() return pack(100, 300, 3600, 5, {aht_by_concurrency = {300, 420}, patience = 90}) end,
  agents_needed_chat = function() return pack(100, 300, 3600, {concurrency = 2, max_abandon = 0.05}) end,
  erlang_b_capacity = function() return pack(10, 0.01) end,
  erlang_b_frac = function() return pack(10.0, 12.5) end,
  erlang_b_trunks = function() return pack(10.0, 0.01) end,
  erlang_c_frac = function() return pack(10.0, 12.5) end,
  erlang_a_frac = function() return pack(100, 180, 1800, 11.5, 120, 20, {shrinkage = 0.1}) end,
  staffing_frac = function() return pack(100, 180, 1800, {target_sl = 0.8, max_agents = 50}) end,
  staffing_a_frac = function() return pack(100, 180, 1800, 120, {max_abandon = 0.05, max_agents = 50}) end,
  eval_staff = function() return pack(100, 180, 1800, 15, {shrinkage = 0.2}) end,
  MBGNBD = function() return pack(0.525, 6.183, 0.891, 1.614) end,
  ["MBGNBD.fit"] = function() return pack(CD.x, CD.t_x, CD.T) end,
  ["MBGNBD.from_bytes"] = function() return pack(svcm.MBGNBD(0.525, 6.183, 0.891, 1.614):to_bytes()) end,
  ParetoNBD = function() return pack(0.553, 10.578, 0.606, 11.669) end,
  ["ParetoNBD.fit"] = function() return pack(CD.x, CD.t_x, CD.T) end,
  ["ParetoNBD.from_bytes"] = function() return pack(svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669):to_bytes()) end,
  parse_time = function() return pack("2026-03-29 02:30", nil, RULE, "none", "later") end,
  schedule_pattern = function() return pack(48, 40, 16, {{4, 1}, {8, 2}}, true) end,
  schedule_shifts = function()
    return pack({2, 2, 3, 2, 2, 1}, SHIFTS, {cost = {1.0, 1.5, 1.2}, max_nodes = 1000})
  end,
  staffing_a = function() return pack(100, 180, 1800, 120, {max_abandon = 0.05, shrinkage = 0.2}) end,
  asa = function() return pack(100, 180, 1800, 12) end,
  BGNBD = function() return pack(0.243, 4.414, 0.793, 2.426) end,
  ["BGNBD.fit"] = function() return pack(CD.x, CD.t_x, CD.T) end,
  ["BGNBD.from_bytes"] = function() return pack(svcm.BGNBD(0.243, 4.414, 0.793, 2.426):to_bytes()) end,
  calendar_parse = function() return pack(cal():to_text()) end,
  ces = function() return pack({1, 2, 7}) end,
  check_customers = function() return pack(R, F, M, {tenure = R, p_alive = {.5, .5, .5, .5, .5, .5}}) end,
  civil_from_days = function() return pack(0) end,
  classify = function() return pack({item(1), item(2, H)}, 0, {sort = true}) end,
  compare_ces = function() return pack({1, 2, 3}, {4, 5, 6}) end,
  compare_csat = function() return pack({1, 5, 4}, {5, 5, 2}) end,
  compare_nps = function() return pack({0, 9, 10}, {10, 10, 3}) end,
  compare_rates = function()
    local a, b = svcm.Rate("fcr"), svcm.Rate("fcr")
    assert(a:add_counts(3, 5)); assert(b:add_counts(4, 5))
    return pack(a, b)
  end,
  consistency = function() return pack({1, 2, 3}) end,
  fcr_repeats = function() return pack({1, 2, 1}, {0, 10, 20}, 15, 100) end,
  contact_centre = function() return pack({answered = 10, answered_within_target = 8, abandoned = 2, handled = 10, talk_time_s = 1000}) end,
  contact_metrics = function() return pack({answered = 10, answered_within_target = 8, abandoned = 2, handled = 10, talk_time_s = 1000}) end,
  contact_counts_sum = function() return pack({{answered = 1}, {abandoned = 2}}) end,
  contact_metrics_batch = function() return pack({{answered = 1}, {abandoned = 2}}) end,
  csat = function() return pack({1, 5, 4}) end,
  days_from_civil = function() return pack(2026, 1, 1) end,
  days_since = function() return pack({0, DAY}, 3 * DAY) end,
  durations_from_bytes = function() return pack(svcm.Durations():to_bytes()) end,
  kpi_groups = function() return pack(KPI_SLOTS) end,
  kpi_groups_load = function() return pack(kpi_groups():to_bytes()) end,
  KPIGroups = function() return pack(KPI_SLOTS) end,
  ["KPIGroups.from_bytes"] = function() return pack(kpi_groups():to_bytes()) end,
  erlang_b = function() return pack(10.0, 12) end,
  erlang_c = function() return pack(10.0, 12) end,
  format_itil_table = function() return pack("1 2\n2 3\n") end,
  format_grade_table = function() return pack() end,
  grade_table = function() return pack() end,
  problem_grade = function() return pack(1, 2, 3) end,
  problem_request = function() return pack(item(1), 1, 2, 3) end,
  GammaGamma = function() return pack(6.25, 3.74, 15.44) end,
  ["GammaGamma.fit"] = function() return pack(GGX, GGZ) end,
  ["GammaGamma.from_bytes"] = function() return pack(svcm.GammaGamma(6.25, 3.74, 15.44):to_bytes()) end,
  importance = function() return pack(item(1)) end,
  itil_priority = function() return pack(1, 2) end,
  itil_table = function() return pack("1 2\n2 3\n") end,
  migration = function() return pack({1, 2}, {0, 1}, {1, 3}, {1, 2}) end,
  moments_from_bytes = function() return pack(svcm.Moments():to_bytes()) end,
  normal_cdf = function() return pack(0.0) end,
  normal_quantile = function() return pack(0.5) end,
  nps = function() return pack({9, 10, 3}) end,
  policy = function() return pack({bins = 4}) end,
  policy_from_text = function() return pack("churn_days = 365\n") end,
  policy_to_text = function() return pack(svcm.policy()) end,
  prioritize = function() return pack({item(1), item(2, H)}, 0) end,
  quadrant = function() return pack(true, false) end,
  quadrant_advice = function() return pack("do") end,
  rate = function() return pack(3, 5, {kind = "fcr"}) end,
  reason_name = function() return pack(0) end,
  rfm_edges = function() return pack(R, 3) end,
  rfm_fit = function() return pack(R, F, M) end,
  rfm_scores = function() return pack(R, F, M, {bins = 3}) end,
  segment = function() return pack(R, F, M, {tenure = R}) end,
  segment_records = function()
    local recs = {}
    for i = 1, 6 do recs[i] = {id = i, recency = R[i], frequency = F[i], monetary = M[i]} end
    return pack(recs)
  end,
  service_level = function() return pack(100, 180, 1800, 12, 20) end,
  servqual = function() return pack(E22, P22, {weights = {1, 1, 1, 1, 1}}) end,
  sketch_from_bytes = function() return pack(svcm.Sketch():to_bytes()) end,
  sla = function()
    return pack(cal(), {created = 0, first_response = 60, resolved = H, pauses = {{100, 200}},
                        response_target = H, resolution_target = 8 * H}, DAY)
  end,
  sla_compliance = function()
    return pack(cal(), {{created = 0, first_response = 60, resolved = H, response_target = H,
                         resolution_target = 8 * H}}, DAY)
  end,
  staff_with_shrinkage = function() return pack(10, 0.3) end,
  staffing = function() return pack(100, 180, 1800, 20, 0.8, {max_occupancy = 0.9}) end,
  staffing_batch = function() return pack({100, 50}, {180, 200}, 1800, {shrinkage = 0.1}) end,
  status_name = function() return pack(-1) end,
  strerror = function() return pack(-1) end,
  summarize_transactions = function() return pack({1, 1, 2}, {0, DAY, 0}, {1, 2, 3}, 7 * DAY) end,
  summarize_customers = function() return pack({1, 1, 2}, {0, DAY, 0}, {1, 2, 3}, 7 * DAY, {period = "day"}) end,
  customers_segment = function() return pack({unit = "week", recency = R, frequency = F, monetary = M, tenure = R}, {policy = {bins = 4}}) end,
  lifetime_table_fit = function() return pack({unit = "day", frequency = {3, 1, 2, 5}, recency = {20, 40, 10, 5}, tenure = {60, 40, 50, 90}, mean_repeat_spend = {10, 0, 12, 30}}, {horizon = 30, max_iter = 20}) end,
  time_unit_seconds = function() return pack("week") end,
  t_cdf = function() return pack(0.5, 5) end,
  t_quantile = function() return pack(0.9, 5) end,
  target_change = function() return pack(80, 100, 90, 100, "at_least", 0.95) end,
  target_durations_result = function() local d = svcm.Durations(); d:add({1, 2, 3}); return pack(d, 0.9, 2, "at_most", 0.95) end,
  target_feedback_change = function() local a, b = svcm.NPS(), svcm.NPS(); a:add({0, 9}); b:add({9, 10}); return pack(a, b, "at_least", 0.95) end,
  target_feedback_result = function() local a = svcm.NPS(); a:add({0, 9, 10}); return pack(a, 10, "at_least", 0.95) end,
  target_mean_change = function() return pack(R, F, "at_most", 0.9) end,
  target_mean_result = function() return pack(R, 30, "at_most", 0.95) end,
  target_nps_result = function() return pack({10, 9, 3, 7, 0}, 10, "at_least", 0.95) end,
  target_quantile_result = function() return pack(R, 0.9, 100, "at_most", 0.9) end,
  target_result = function() return pack(95, 100, 0.9, "at_least", 0.95) end,
  target_scaled = function() return pack(90, "%") end,
  target_verdict = function() return pack(95, 100, 0.9, "at_least", 0.95) end,
  targets_format = function() return pack({{name = "fcr", direction = "at_least", value = 70, unit = "%"}, {name = "nps", direction = "at_least", value = 30}}) end,
  targets_parse = function() return pack("fcr >= 70%\nfirst_response_p90 <= 1h\n") end,
  tier_name = function() return pack(0) end,
  tier_parse = function() return pack("vip") end,
  tier_summary = function() return pack({0, 1, 2, 3, 4, 1}, R, F, M) end,
  traffic_erlangs = function() return pack(100, 180, 1800) end,
  two_proportion_z_test = function() return pack(5, 10, 6, 10) end,
  urgency = function() return pack(item(1, H), 0) end,
  version = function() return pack() end,
  welch_t_test = function() return pack(1, 1, 10, 2, 1, 10) end,
  western_electric = function() return pack({1, 2, 3, 9}, 2, 1) end,
  wilson = function() return pack(3, 10) end,
  wsjf = function() return pack(1, 2, 3, 4) end,
  wsjf_order = function() return pack({1, 2}, {2, 2}, {3, 2}, {4, 2}) end,
  xmr_limits = function() return pack({1, 2, 3, 2}) end,
  -- constructors (tables with __call, or functions)
  Calendar = function() return pack(0, week(), {"2026-01-01"}) end,
  Moments = function() return pack({1, 2}) end,
  Cycle = function() return pack("t", "m", true, 1.0, 2.0, 99, {owner = "o"}) end,
  NPS = function() return pack() end,
  CSAT = function() return pack({scale = 5, top_boxes = 2, low = 1}) end,
  CES = function() return pack(7) end,
  Rate = function() return pack("fcr") end,
  Sketch = function() return pack({rel_err = 0.01, max_buckets = 2048}) end,
  Zone = function() return pack(RULE) end,
  Durations = function() return pack({rel_err = 0.01}) end,
  ["Cycle.load"] = function() return pack(cycle_in_do():save()) end,
  ["NPS.from_bytes"] = function() return pack(svcm.NPS():to_bytes()) end,
  ["CSAT.from_bytes"] = function() return pack(svcm.CSAT():to_bytes()) end,
  ["CES.from_bytes"] = function() return pack(svcm.CES():to_bytes()) end,
  ["Rate.from_bytes"] = function() return pack(svcm.Rate():to_bytes()) end,
  ["Sketch.from_bytes"] = function() return pack(svcm.Sketch():to_bytes()) end,
  ["Zone.from_bytes"] = function() return pack(tzif_utc()) end,
  ["Durations.from_bytes"] = function() return pack(svcm.Durations():to_bytes()) end,
  ["Moments.from_bytes"] = function() return pack(svcm.Moments():to_bytes()) end,
  Calls = function() return pack({target = 20, sl_abandoned = "met"}) end,
  ["Calls.load"] = function() return pack(svcm.Calls():save()) end,
  Queue = function() return pack({}) end,
  ["Queue.from_bytes"] = function() return pack(queue_with_item():to_bytes()) end,
  CustomersBuilder = function() return pack({["end"] = 7 * DAY, period = "day", returns = "net"}) end,
}

local function resolve(name)
  local a, b = name:match("^(%w+)%.([%w_]+)$")
  if a then return svcm[a][b] end
  return svcm[name]
end

-- type -> {factory, {method -> args (without self)}}
local ACC = function(values, other)
  return {
    add = function() return pack(values) end,
    merge = function() return pack(other()) end,
    result = function() return pack() end,
    to_bytes = function() return pack() end,
    n = function() return pack() end,
    counts = function() return pack() end,
    scale = function() return pack() end,
    kind = function() return pack() end,
    convention = function() return pack() end,
    close = function() return pack() end,
    compare = function() return pack(other()) end,
  }
end
local TYPES = {
  ["svcm.NPS"] = {function() return filled(svcm.NPS, {0, 9}) end,
                  ACC({9, 10}, function() return svcm.NPS() end)},
  ["svcm.CSAT"] = {function() return filled(svcm.CSAT, {1, 5}) end,
                   ACC({4, 5}, function() return svcm.CSAT() end)},
  ["svcm.CES"] = {function() return filled(svcm.CES, {1, 7}) end,
                  ACC({6, 7}, function() return svcm.CES() end)},
  ["svcm.Rate"] = {function() return filled(svcm.Rate, {1, 0}, "fcr") end, {
    add = function() return pack({1, 0}) end,
    add_counts = function() return pack(3, 5) end,
    merge = function() return pack(svcm.Rate("fcr")) end,
    result = function() return pack(0.9) end,
    to_bytes = function() return pack() end,
    kind = function() return pack() end,
    successes = function() return pack() end,
    trials = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.KPIGroups"] = {kpi_groups, {
    group = function() return pack("chat") end,
    find = function() return pack("phone") end,
    key = function() return pack(1) end,
    keys = function() return pack() end,
    order = function() return pack() end,
    count = function() return pack() end,
    slots = function() return pack() end,
    add_score = function() return pack(1, 1, 9) end,
    add_outcome = function() return pack(2, 2, true) end,
    add_duration = function() return pack(1, 3, 5.0) end,
    add_sla = function() return pack(2, 4, 2, 1, 0) end,
    add_scores = function() return pack({1, 2}, 1, {9, 8}) end,
    add_outcomes = function() return pack({1, 2}, 2, {1, 0}) end,
    add_durations = function() return pack({2, 1}, 3, {5.0, 6.0}) end,
    feedback = function() return pack(1, 1, 0.9) end,
    rate = function() return pack(1, 2) end,
    durations = function() return pack(1, 3) end,
    quantiles = function() return pack(1, 3, {0.5}) end,
    sla = function() return pack(1, 4, 0.9) end,
    merge = function() return pack(kpi_groups()) end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Moments"] = {function() return svcm.Moments({1, 2}) end, {
    add = function() return pack({1}) end,
    merge = function() return pack(svcm.Moments({3})) end,
    variance = function() return pack() end,
    mean_ci = function() return pack(0.9) end,
    to_bytes = function() return pack() end}},
  ["svcm.Sketch"] = {function() return filled(svcm.Sketch, {1, 2, 3}) end, {
    add = function() return pack({1}) end,
    quantile = function() return pack(0.5) end,
    quantiles = function() return pack({0.1, 0.9}) end,
    merge = function() return pack(filled(svcm.Sketch, {5})) end,
    reset = function() return pack() end,
    to_bytes = function() return pack() end,
    count = function() return pack() end,
    options = function() return pack() end,
    stats = function() return pack() end,
    -- Python's properties, methods in Lua (bindings/api/sketch.py).
    zero_count = function() return pack() end,
    sum = function() return pack() end,
    mean = function() return pack() end,
    min = function() return pack() end,
    max = function() return pack() end,
    buckets = function() return pack() end,
    exact = function() return pack() end,
    collapsed_below = function() return pack() end,
    rel_err = function() return pack() end,
    max_buckets = function() return pack() end,
    exact_limit = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Durations"] = {function() return filled(svcm.Durations, {1, 2, 3}) end, {
    add = function() return pack({1}) end,
    quantile = function() return pack(0.5) end,
    quantiles = function() return pack({0.1, 0.9}) end,
    merge = function() return pack(filled(svcm.Durations, {5})) end,
    reset = function() return pack() end,
    to_bytes = function() return pack() end,
    count = function() return pack() end,
    result = function() return pack() end,
    summary = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Calls"] = {function() return svcm.Calls() end, {
    add = function() return pack(0, 0, 8, 8, 60, "answered") end,
    add_batch = function() return pack({0, 1}, {queue_end = {3, 9}, outcome = {1, 1}}) end,
    merge = function() return pack(svcm.Calls()) end,
    result = function() return pack() end,
    options = function() return pack() end,
    save = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.CustomersBuilder"] = {function()
      local b = svcm.CustomersBuilder({["end"] = 7 * DAY, period = "day"})
      b:add({1, 1, 2}, {0, DAY, 0}, {1, 2, 3})
      return b
    end, {
    add = function() return pack({1, 3}, {DAY, 2 * DAY}, {4, 5}) end,
    merge = function() return pack(svcm.CustomersBuilder({["end"] = 7 * DAY, period = "day"})) end,
    finish = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Calendar"] = {cal, {
    business_seconds = function() return pack(0, 3 * DAY) end,
    business_seconds_batch = function() return pack({0, DAY}, {DAY, 3 * DAY}) end,
    add_business_seconds = function() return pack(0, H) end,
    add_business_seconds_batch = function() return pack({0, DAY}, {H, 60}) end,
    is_open = function() return pack(0) end,
    next_open = function() return pack(0) end,
    to_text = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Cycle"] = {cycle_in_do, {
    set_goal = function() return pack(1.0, 2.0, 10 ^ 6) end,
    add_action = function() return pack("d", "o", 5) end,
    set_action_status = function() return pack(1, "done") end,
    overdue = function() return pack(10) end,
    measure = function() return pack(300, 1.0) end,
    measure_many = function() return pack({301, 302}, {1.0, 2.0}) end,
    start = function() return pack(100, "a", "n") end,
    check = function() return pack(400, "a") end,
    enter_act = function() return pack(400, "a") end,
    act = function() return pack("standardize", 500, "a", "ok") end,
    link = function() return pack(svcm.Cycle("u", "m")) end,
    set_problem = function() return pack({what = "w", how_much = 1.5, how_much_unit = "h"}) end,
    problem = function() return pack() end,
    problem_missing = function() return pack() end,
    check_problem = function() return pack() end,
    save = function() return pack() end,
    info = function() return pack() end,
    remove_problem = function() return pack() end,
    result = function() return pack() end,
    actions = function() return pack() end,
    audit = function() return pack() end,
    samples = function() return pack() end,
    next = function() return pack() end,
    prev = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Queue"] = {queue_with_item, {
    push = function() return pack(item(2)) end,
    update = function() local it = item(1); it.severity = 1; return pack(it) end,
    remove = function() return pack(1) end,
    get = function() return pack(1) end,
    pop = function() return pack(0) end,
    peek = function() return pack(0) end,
    rescore = function() return pack(H) end,
    to_bytes = function() return pack() end,
    instant = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.BGNBD"] = {function() return svcm.BGNBD(0.243, 4.414, 0.793, 2.426) end, {
    p_alive = function() return pack(2, 30, 40) end,
    expected_purchases = function() return pack(10, 2, 30, 40) end,
    expected_purchases_unconditional = function() return pack(10) end,
    p_alive_at = function() return pack(26, {2, 0}, {30, 0}, {40, 40}) end,
    probability_of_purchases = function() return pack(39, {0, 1, 2}) end,
    log_likelihood = function() return pack({2, 0}, {30, 0}, {40, 40}) end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.ParetoNBD"] = {function() return svcm.ParetoNBD(0.553, 10.578, 0.606, 11.669) end, {
    p_alive = function() return pack(2, 30, 40) end,
    p_alive_at = function() return pack(26, {2, 0}, {30, 0}, {40, 40}) end,
    expected_purchases = function() return pack(10, {2, 0}, {30, 0}, {40, 40}) end,
    expected_purchases_unconditional = function() return pack({10, 20}) end,
    probability_of_purchases = function() return pack(39, {0, 1, 2}) end,
    log_likelihood = function() return pack({2, 0}, {30, 0}, {40, 40}, {weights = {1, 3}}) end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.MBGNBD"] = {function() return svcm.MBGNBD(0.525, 6.183, 0.891, 1.614) end, {
    p_alive = function() return pack(0, 0, 40) end,
    expected_purchases = function() return pack(10, 2, 30, 40) end,
    expected_purchases_unconditional = function() return pack(10) end,
    purchase_pmf = function() return pack(10, {0, 1, 5}) end,
    log_likelihood = function() return pack({2, 0}, {30, 0}, {40, 40}) end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.BGBB"] = {function() return svcm.BGBB(1.204, 0.750, 0.657, 2.783) end, {
    p_alive = function() return pack(BB.x, BB.t_x, BB.n) end,
    expected_purchases = function() return pack(5, 3, 5, 6) end,
    expected_purchases_unconditional = function() return pack({1, 6}) end,
    log_likelihood = function() return pack(BB.x, BB.t_x, BB.n, {weights = BB.w}) end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.Zone"] = {function() return svcm.Zone(RULE) end, {
    name = function() return pack() end,
    offset = function() return pack(1782000000) end,
    abbrev = function() return pack(1767225600) end,
    to_local = function() return pack(1782000000) end,
    to_utc = function() return pack(2026, 10, 25, 2, 30, 0, "later") end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
  ["svcm.GammaGamma"] = {function() return svcm.GammaGamma(6.25, 3.74, 15.44) end, {
    conditional_expected_spend = function() return pack(2, 20) end,
    log_likelihood = function() return pack({1, 2}, {10, 20}) end,
    clv = function() return pack(BG, 2, 30.43, 38.86, 22.35, {horizon = 3}) end,
    to_bytes = function() return pack() end,
    close = function() return pack() end}},
}

-- The journey engine (svcm.funnel, svcm.Journey).
local JCOLS = {customer = {"a", "a", "b"}, touchpoint = {"x", "y", "x"}, time = {0, 1, 2}}
local function journey() return svcm.Journey{steps = {"x", "y"}, window = 10, path_len = 3} end
FUNCS.funnel = function() return pack({"a", "a"}, {"x", "y"}, {0, 1}, {"x", "y"}, 10) end
FUNCS.Journey = function() return pack({steps = {"x", "y"}, window = 10, path_len = 3}) end
TYPES["svcm.Journey"] = {function() local j = journey(); j:add_batch(JCOLS); return j end, {
  add = function() return pack("c", "x", 5, 4, true) end,
  add_batch = function() return pack(JCOLS) end,
  merge = function() return pack(journey()) end,
  result = function() return pack() end,
  steps = function() return pack() end,
  touchpoints = function() return pack() end,
  paths = function() return pack(2) end,
  options = function() return pack() end,
  close = function() return pack() end}}

local long = {}
for i = 1, 20000 do long[i] = 1 end
local function bad_values()
  local holes = {1, 2, 3}
  holes[2] = nil
  return {
    {nil}, {"x"}, {""}, {"1e999"}, {"\0"}, {{}}, {{n = 1}}, {{1, "x"}}, {{{1, 2}}},
    {{0 / 0}}, {{math.huge}}, {{-1}}, {holes}, {true}, {false}, {print},
    {coroutine.create(function() end)}, {io.stderr}, {svcm.Moments()},
    {2 ^ 70}, {-2 ^ 70}, {math.maxinteger}, {math.mininteger}, {-1}, {0}, {1.5},
    {0 / 0}, {math.huge}, {-math.huge}, {1e308}, {-0.0}, {2 ^ 53 + 1.0},
    {setmetatable({}, {__len = function() return math.maxinteger end,
                       __index = function() error("index hook") end})},
    {long},
  }
end

local function fuzz(label, fn, base)
  local ok = call(label .. " base", fn, base())
  if not ok then
    -- a valid call must succeed, or fail for state reasons (nil, msg, code)
    local res = table.pack(pcall(fn, table.unpack(base(), 1, base().n)))
    if not res[1] then problems[#problems + 1] = label .. " base raised: " .. tostring(res[2]) end
  end
  call(label .. "()", fn, pack())
  local a = base()
  local extra = copy_args(a)
  for i = 1, 10 do extra[a.n + i] = 1 end
  extra.n = a.n + 10
  call(label .. "(+extra)", fn, extra)
  for _, bv in ipairs(bad_values()) do
    local bad = bv[1]
    local nargs = base().n
    for i = 1, nargs + 1 do
      local args = copy_args(base())
      args[i] = bad
      if i > args.n then args.n = i end
      call(string.format("%s(arg%d%s=%s)", label, i, i > nargs and " extra" or "", short(bad)),
           fn, args)
    end
    -- fields of table arguments: option tables and the first record
    for i = 1, nargs do
      local t = base()[i]
      if type(t) == "table" and getmetatable(t) == nil then
        for k, v in pairs(t) do
          if type(k) == "string" then
            local args = copy_args(base())
            args[i][k] = bad
            call(string.format("%s(arg%d.%s=%s)", label, i, k, short(bad)), fn, args)
          end
        end
        if rawlen(t) > 0 then
          local first = t[1]
          local args = copy_args(base())
          if type(first) == "table" then
            for k in pairs(first) do
              local a2 = copy_args(base())
              a2[i][1][k] = bad
              call(string.format("%s(arg%d[1].%s=%s)", label, i, tostring(k), short(bad)), fn, a2)
            end
          else
            args[i][rawlen(t)] = bad
            call(string.format("%s(arg%d[#]=%s)", label, i, short(bad)), fn, args)
          end
        end
      end
    end
  end
end

local function method_names(tname)
  local mt = debug.getregistry()[tname]
  local names = {}
  local idx = type(mt.__index) == "table" and mt.__index or mt.__methods
  if idx then
    for k, v in pairs(idx) do
      if type(v) == "function" then names[k] = true end
    end
  end
  return names, mt
end

test("the harness flags bad outcomes (so the checks below can fail)", function()
  call("raises empty", function() error("", 0) end, pack())
  call("raises a table", function() error({}) end, pack())
  call("nil, empty msg", function() return nil, "", -2 end, pack())
  call("nil, msg, no code", function() return nil, "m" end, pack())
  call("nil, msg, positive code", function() return nil, "m", 3 end, pack())
  call("nil, msg, code, no detail", function() return nil, "m", -2 end, pack())
  call("nil, msg, code, other code", function() return nil, "m", -2, {code = -1} end, pack())
  assert(#problems == 7, #problems)
  problems = {}
  call("raises", function() error("boom") end, pack())
  call("refuses", function() return nil, "m", -2, {code = -2} end, pack())
  call("returns", function() return 1 end, pack())
  assert(#problems == 0)
end)

test("the tables cover every function and method of the module", function()
  local missing = {}
  for k, v in pairs(svcm) do
    local callable = type(v) == "function" or (type(v) == "table" and getmetatable(v) and getmetatable(v).__call)
    if callable and not FUNCS[k] then missing[#missing + 1] = k end
    if type(v) == "table" then
      for kk, vv in pairs(v) do
        if type(vv) == "function" and not FUNCS[k .. "." .. kk] then missing[#missing + 1] = k .. "." .. kk end
      end
    end
  end
  for tname, spec in pairs(TYPES) do
    local names = method_names(tname)
    for m in pairs(names) do
      if not spec[2][m] then missing[#missing + 1] = tname .. ":" .. m end
    end
    local obj = spec[1]()
    for m in pairs(spec[2]) do
      assert(type(obj[m]) == "function", tname .. ":" .. m .. " is not a method")
    end
  end
  local reg = debug.getregistry()
  for k, v in pairs(reg) do
    if type(k) == "string" and k:match("^svcm%.") and type(v) == "table" and v.__name and not TYPES[k] then
      missing[#missing + 1] = "metatable " .. k
    end
  end
  table.sort(missing)
  assert(#missing == 0, "not covered: " .. table.concat(missing, ", "))
end)

local function report(what)
  if #problems > 0 then
    local msg = what .. ":\n  " .. table.concat(problems, "\n  ")
    problems = {}
    error(msg, 0)
  end
end

local nfunc, nmeth = 0, 0

test("every function rejects bad arguments with an error or nil, msg, code", function()
  local names = {}
  for k in pairs(FUNCS) do names[#names + 1] = k end
  table.sort(names)
  for _, name in ipairs(names) do
    nfunc = nfunc + 1
    fuzz(name, resolve(name), FUNCS[name])
  end
  report("functions")
end)

test("every method rejects bad arguments with an error or nil, msg, code", function()
  local tnames = {}
  for k in pairs(TYPES) do tnames[#tnames + 1] = k end
  table.sort(tnames)
  for _, tname in ipairs(tnames) do
    local factory, meths = TYPES[tname][1], TYPES[tname][2]
    local mnames = {}
    for m in pairs(meths) do mnames[#mnames + 1] = m end
    table.sort(mnames)
    for _, m in ipairs(mnames) do
      nmeth = nmeth + 1
      local label = tname .. ":" .. m
      fuzz(label, function(...) local o = factory(); return o[m](o, ...) end, meths[m])
      -- wrong self: nil, a number, a table, another type's object
      for _, bad in ipairs({false, 1, "s", {}, svcm.Moments(), cal(), queue_with_item()}) do
        local o = factory()
        local args = meths[m]()
        call(label .. " self=" .. short(bad), o[m], pack(bad, table.unpack(args, 1, args.n)))
      end
    end
  end
  report("methods")
end)

local function every_method(label, obj, meths)
  local names = {}
  for m in pairs(meths) do names[#names + 1] = m end
  table.sort(names)
  for _, m in ipairs(names) do
    local args = meths[m]()
    call(label .. ":" .. m, obj[m], pack(obj, table.unpack(args, 1, args.n)))
  end
  call(label .. " tostring", tostring, pack(obj))
  if getmetatable(obj).__len then call(label .. " #", function(o) return #o end, pack(obj)) end
end

test("every method after close, __close, double close and explicit __gc", function()
  for tname, spec in pairs(TYPES) do
    local factory, meths = spec[1], spec[2]
    local mt = debug.getregistry()[tname]
    if mt.__close then
      local o = factory()
      if o.close then
        call(tname .. " close", o.close, pack(o))
        call(tname .. " close twice", o.close, pack(o))
      end
      every_method(tname .. " closed", o, meths)
      local o2 = factory()
      call(tname .. " __close", mt.__close, pack(o2, nil))
      call(tname .. " __close twice", mt.__close, pack(o2, nil))
      every_method(tname .. " __closed", o2, meths)
      do
        local o3 <close> = factory()
        call(tname .. " close inside scope", mt.__close, pack(o3, nil))
      end
    end
    if mt.__gc then
      local o4 = factory()
      call(tname .. " __gc", mt.__gc, pack(o4))
      every_method(tname .. " collected", o4, meths)
      call(tname .. " __gc twice", mt.__gc, pack(o4))
    end
    -- metamethods given the wrong object
    for _, mm in ipairs({"__close", "__gc", "__tostring", "__len", "__index"}) do
      if type(mt[mm]) == "function" then
        for _, bad in ipairs({1, "s", {}, svcm.Moments(), false}) do
          call(tname .. " " .. mm .. "(" .. short(bad) .. ")", mt[mm], pack(bad, "add"))
        end
      end
    end
  end
  collectgarbage()
  collectgarbage()
  report("lifecycle")
end)

test("merge with itself doubles the counts or refuses without change", function()
  local cases = {
    {"NPS", function() return filled(svcm.NPS, {0, 9, 10}) end, "n"},
    {"CSAT", function() return filled(svcm.CSAT, {1, 5}) end, "n"},
    {"CES", function() return filled(svcm.CES, {1, 7}) end, "n"},
    {"Rate", function() return filled(svcm.Rate, {1, 0, 1}) end, "trials"},
    {"Moments", function() return svcm.Moments({1, 2, 4}) end, nil},
    {"Sketch", function() return filled(svcm.Sketch, {1, 2, 4}) end, "count"},
    {"Durations", function() return filled(svcm.Durations, {1, 2, 4}) end, "count"},
  }
  for _, c in ipairs(cases) do
    local name, make, counter = c[1], c[2], c[3]
    local o = make()
    local before = o:to_bytes()
    local ok, r, msg = pcall(o.merge, o, o)
    if ok and r ~= nil then
      local twice = make()
      assert(twice:merge(make()))
      assert(o:to_bytes() == twice:to_bytes(), name .. ": self-merge is not a doubling")
      if counter then
        local a, b = o[counter], twice[counter]
        if type(a) == "function" then a, b = o[counter](o), twice[counter](twice) end
        assert(a == b, name .. " counter")
      end
    else
      assert(o:to_bytes() == before, name .. ": refused self-merge changed the object")
      assert((not ok and type(r) == "string") or (ok and type(msg) == "string"), name)
    end
  end
end)

test("a cycle linked to itself, twice, in a loop", function()
  local c, d = svcm.Cycle("t", "m"), svcm.Cycle("u", "m")
  call("link self", c.link, pack(c, c))
  call("link d", c.link, pack(c, d))
  call("link d again", c.link, pack(c, d))
  call("d link c", d.link, pack(d, c))
  every_method("linked", c, TYPES["svcm.Cycle"][2])
  d = nil
  collectgarbage()
  every_method("successor dropped", c, TYPES["svcm.Cycle"][2])
  report("cycle links")
end)

test("an emptied queue and a closed calendar given to sla", function()
  local q = queue_with_item()
  assert(q:pop(0))
  every_method("empty queue", q, TYPES["svcm.Queue"][2])
  local closed = cal()
  closed:close()
  local args = FUNCS.sla()
  args[1] = closed
  call("sla(closed calendar)", svcm.sla, args)
  args = FUNCS.sla_compliance()
  args[1] = closed
  call("sla_compliance(closed calendar)", svcm.sla_compliance, args)
  local s = filled(svcm.Sketch, {1})
  s:close()
  call("Sketch:merge(closed)", filled(svcm.Sketch, {1}).merge, pack(filled(svcm.Sketch, {1}), s))
  local cy = svcm.Cycle("u", "m")
  cy:close()
  call("Cycle:link(closed)", svcm.Cycle("t", "m").link, pack(svcm.Cycle("t", "m"), cy))
  local g = svcm.GammaGamma(6.25, 3.74, 15.44)
  call("clv(bgnbd = a closed sketch)", g.clv, pack(g, s, 2, 30, 38, 22))
  report("closed arguments")
end)

test("long inputs complete and huge counts fail cleanly", function()
  local big = {}
  for i = 1, 200000 do big[i] = i % 2 == 0 and 10 or 0 end
  local r = assert(svcm.nps(big))
  assert(r.n == 200000)
  local bad = {}
  for i = 1, 300000 do bad[i] = 1.0 end
  bad[300001] = "x"
  local ok, err = pcall(svcm.consistency, bad)
  assert(not ok and err:find("300001", 1, true), tostring(err))
  call("Sketch huge max_buckets", svcm.Sketch, pack({max_buckets = math.maxinteger}))
  call("Sketch huge exact_limit", svcm.Sketch, pack({exact_limit = math.maxinteger}))
  call("rate huge", svcm.rate, pack(math.maxinteger, math.maxinteger))
  call("erlang_c huge agents", svcm.erlang_c, pack(1e6, math.maxinteger))
  call("agents_needed huge", svcm.agents_needed, pack(1e15, 1e6, 1, 1, 0.999999))
  call("civil_from_days min", svcm.civil_from_days, pack(math.mininteger))
  call("days_from_civil huge", svcm.days_from_civil, pack(math.maxinteger, 12, 31))
  report("huge")
end)

io.stderr:write(string.format("%d functions, %d methods, %d calls: %d raised, %d nil+msg+code, %d returned\n",
                               nfunc, nmeth, calls, outcome.raised, outcome.refused, outcome.returned))
print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
