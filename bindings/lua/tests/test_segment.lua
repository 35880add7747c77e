-- Tests of the segment engine's Lua surface. Expected values are worked by
-- hand from the documented rules (the working is in tests/test_segment.c);
-- quantile edges follow Hyndman and Fan (1996), definition 1, checked against
-- a direct count of inf{y : F_n(y) >= j/k} written here in Lua.
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

local function same(got, want, what)
  assert(#got == #want, (what or "list") .. ": length " .. #got .. " ~= " .. #want)
  for i = 1, #want do
    if got[i] ~= want[i] then
      error(string.format("%s[%d]: got %s, want %s", what or "list", i, tostring(got[i]),
                          tostring(want[i])), 2)
    end
  end
end

local function near(got, want, tol, what)
  if not (math.abs(got - want) <= tol) then
    error(string.format("%s: got %.17g, want %.17g", what or "value", got, want), 2)
  end
end

local function fails(code, field, ok, msg, got_code)
  assert(ok == nil, "expected a failure")
  assert(got_code == code, "expected code " .. code .. ", got " .. tostring(got_code) .. ": " .. tostring(msg))
  if field then assert(msg:find("field '" .. field .. "'", 1, true), msg) end
  return msg
end

local VIP, KEY, REGULAR, POTENTIAL, LOST = 0, 1, 2, 3, 4
local EDGES = {recency = {10, 30, 60, 120}, frequency = {1, 2, 4, 8},
               monetary = {100, 200, 500, 1000}}
local R = {200, 20, 5, 5, 5, 100, 25, 25, 5, 180}
local F = {10, 5, 3, 1, 9, 9, 6, 6, 3, 2}
local M = {5000, 800, 2000, 50, 1500, 1500, 600, 400, 950, 150}
local T = {400, 300, 30, 365, 500, 500, 400, 400, 400, 200}
local P = {1, 0.1, 1, 1, 1, 1, 1, 1, 1, 1}
local WANT_TIERS = {LOST, LOST, POTENTIAL, POTENTIAL, VIP, KEY, KEY, REGULAR, KEY, REGULAR}
local WANT_REASONS = {"lost_inactive", "lost_p_alive", "potential_new", "potential_few_purchases",
                      "vip_m_score", "key_score", "key_score", "regular", "key_score", "regular"}

test("every rule fires on the hand-worked population", function()
  local res = assert(svcm.segment(R, F, M, {tenure = T, p_alive = P, edges = EDGES}))
  same(res.tiers, WANT_TIERS, "tiers")
  local names = {}
  for i, c in ipairs(res.reasons) do names[i] = svcm.reason_name(c) end
  same(names, WANT_REASONS, "reasons")
  assert(svcm.SEGMENT_REASON_NAMES[res.reasons[5]] == "vip_m_score")
  for i, c in ipairs(res.reasons) do assert(res.reason_names[c] == WANT_REASONS[i]) end
  same(res.r, {1, 4, 5, 5, 5, 2, 4, 4, 5, 1}, "r")
  same(res.f, {5, 4, 3, 1, 5, 5, 4, 4, 3, 2}, "f")
  same(res.m, {5, 4, 5, 1, 5, 5, 4, 3, 4, 2}, "m")
  assert(res.edges.bins == 5)
  same(res.edges.recency, {10, 30, 60, 120}, "edges")
end)

test("policy tables change the outcome and are validated", function()
  local res = assert(svcm.segment(R, F, M, {tenure = T, p_alive = P, edges = EDGES,
                                            policy = {vip_min_monetary = 900}}))
  assert(res.tiers[9] == VIP and svcm.reason_name(res.reasons[9]) == "vip_monetary")
  local off = {churn_days = math.huge, p_alive_min = 0, new_tenure_days = 0,
               new_max_frequency = -1}
  res = assert(svcm.segment(R, F, M, {tenure = T, p_alive = P, edges = EDGES, policy = off}))
  same({res.tiers[1], res.tiers[2], res.tiers[3], res.tiers[4]}, {REGULAR, KEY, VIP, REGULAR})
  fails(svcm.codes.EINVAL, "p_alive_min",
        svcm.segment(R, F, M, {edges = EDGES, policy = {p_alive_min = 2}}))
  assert(not pcall(svcm.segment, R, F, M, {policy = {churn = 3}}), "unknown key raises")
  assert(not pcall(svcm.policy, {bins = 4.5}), "non-integer bins raises")
  local p = assert(svcm.policy{churn_days = 365})
  assert(p.churn_days == 365 and p.bins == 5 and p.p_alive_min == 0.2)
  assert(p.vip_min_monetary == math.huge)
  fails(svcm.codes.EINVAL, "key_min_score", svcm.policy{bins = 3})
end)

test("optional columns and fitted edges", function()
  local res = assert(svcm.segment(R, F, M, {edges = EDGES}))
  assert(res.tiers[2] == KEY and res.tiers[3] == VIP)
  local fitted = assert(svcm.segment({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, {2, 2, 2, 2, 2, 2, 2, 2, 2, 2},
                                     {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}))
  same(fitted.edges.monetary, {2, 4, 6, 8}, "fitted edges")
  same(fitted.m, {1, 1, 2, 2, 3, 3, 4, 4, 5, 5}, "m")
  same(fitted.r, {5, 5, 4, 4, 3, 3, 2, 2, 1, 1}, "r")
end)

local function quantile_type1(x, j, k)
  local best = math.huge
  for _, y in ipairs(x) do
    local c = 0
    for _, v in ipairs(x) do if v <= y then c = c + 1 end end
    if c * k >= j * #x and y < best then best = y end
  end
  return best
end

test("rfm edges match the type-1 definition", function()
  local seed = 12345
  local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n end
  for _ = 1, 40 do
    local n, k = 1 + rnd(30), 2 + rnd(9)
    local x = {}
    for i = 1, n do x[i] = rnd(1 + rnd(10)) end
    local e = assert(svcm.rfm_edges(x, k))
    local want = {}
    for j = 1, k - 1 do want[j] = quantile_type1(x, j, k) end
    same(e, want, "edges")
    table.sort(x)
    same(assert(svcm.rfm_edges(x, k, true)), want, "sorted edges")
  end
  fails(svcm.codes.EINVAL, nil, svcm.rfm_edges({1, 3, 2}, 5, true))
  fails(svcm.codes.EEMPTY, nil, svcm.rfm_edges({}, 5))
  fails(svcm.codes.EINVAL, "bins", svcm.rfm_edges({1}, 1))
end)

test("rfm scores with ties, degenerate populations and fixed edges", function()
  local s = assert(svcm.rfm_scores({3, 3, 3}, {3, 3, 3}, {3, 3, 3}))
  same(s.r, {5, 5, 5}); same(s.f, {1, 1, 1})
  -- n = 3 < k = 5: ranks ceil(3j/5) = 1, 2, 2, 3 -> edges 1, 2, 2, 3.
  s = assert(svcm.rfm_scores({1, 2, 3}, {3, 1, 2}, {0, 0, 0}, {bins = 5}))
  same(s.edges.frequency, {1, 2, 2, 3}, "edges")
  same(s.f, {4, 1, 2}, "f"); same(s.m, {1, 1, 1}, "m")
end)

test("rfm scores reject mismatched lengths and bad edges", function()
  fails(svcm.codes.EINVAL, "frequency",
        svcm.rfm_scores({1}, {1, 2, 1, 9, 1, 3, 1, 2, 1, 1}, {1}))
  local ten = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}
  local s = assert(svcm.rfm_scores(ten, {1, 2, 1, 9, 1, 3, 1, 2, 1, 1}, ten))
  same(s.edges.frequency, {1, 1, 1, 2}, "tied edges")
  same(s.f, {1, 4, 1, 5, 1, 5, 1, 4, 1, 1}, "tied scores")
  s = assert(svcm.rfm_scores({10, 10.5}, {1, 9}, {100, 1e6}, {edges = EDGES}))
  same(s.r, {5, 4}); same(s.f, {1, 5}); same(s.m, {1, 5})
  fails(svcm.codes.EINVAL, "frequency_edges",
        svcm.rfm_scores({1}, {1}, {1}, {edges = {recency = {1, 2}, frequency = {2, 1},
                                                 monetary = {1, 2}}}))
  fails(svcm.codes.EINVAL, "edges",
        svcm.rfm_scores({1}, {1}, {1}, {edges = {recency = {1, 2}, frequency = {1},
                                                 monetary = {1, 2}}}))
  local msg = fails(svcm.codes.EINVAL, "frequency", svcm.rfm_scores({1, 2}, {1, -1}, {1, 1}))
  assert(msg:find("record 1", 1, true), msg)
  fails(svcm.codes.EINVAL, "recency", svcm.segment({5, 50}, {2, 2}, {1, 1}, {tenure = {10, 20}}))
  fails(svcm.codes.EMISMATCH, nil, svcm.segment({5}, {2}, {1}, {edges = {recency = {1},
                                                frequency = {1}, monetary = {1}}}))
  assert(not pcall(svcm.rfm_scores, {1, "x"}, {1, 1}, {1, 1}), "non-number raises")
end)

test("tiers do not depend on input order", function()
  local seed = 99
  local function rnd() seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648 end
  local n = 2000
  local r, f, m, t = {}, {}, {}, {}
  for i = 1, n do
    t[i] = math.floor(rnd() * 1000); r[i] = rnd() * t[i]
    f[i] = math.floor(rnd() * 15); m[i] = rnd() * 3000
  end
  local perm = {}
  for i = 1, n do perm[i] = i end
  for i = n, 2, -1 do local j = 1 + math.floor(rnd() * i); perm[i], perm[j] = perm[j], perm[i] end
  local r2, f2, m2, t2 = {}, {}, {}, {}
  for i = 1, n do r2[i], f2[i], m2[i], t2[i] = r[perm[i]], f[perm[i]], m[perm[i]], t[perm[i]] end
  local a = assert(svcm.segment(r, f, m, {tenure = t}))
  local b = assert(svcm.segment(r2, f2, m2, {tenure = t2}))
  for i = 1, n do
    assert(b.tiers[i] == a.tiers[perm[i]] and b.reasons[i] == a.reasons[perm[i]], "shuffled")
  end
end)

test("policy text round trip and errors", function()
  local p = assert(svcm.policy_from_text("# tenant\n\nchurn_days = 365 # a year\nkey_weight_m=2\n"))
  assert(p.churn_days == 365 and p.key_weight_m == 2 and p.bins == 5)
  local text = assert(svcm.policy_to_text{churn_days = 1 / 3, p_alive_min = 0.1 + 0.2})
  local back = assert(svcm.policy_from_text(text))
  assert(back.churn_days == 1 / 3 and back.p_alive_min == 0.1 + 0.2)
  assert(text:find("vip_min_monetary = inf\n", 1, true), text)
  local msg = fails(svcm.codes.EFORMAT, "key", svcm.policy_from_text("# x\nbins = 5\nchurn_dayz = 3\n"))
  assert(not msg:find("line", 1, true) and msg:find("churn_dayz", 1, true), msg)
  local _, _, _, e = svcm.policy_from_text("# x\nbins = 5\nchurn_dayz = 3\n")
  assert(e.line == 3 and e.column == 1 and e.field == "key" and e.index == nil)
  msg = fails(svcm.codes.EFORMAT, "bins", svcm.policy_from_text("\nbins = five\n"))
  fails(svcm.codes.EFORMAT, "vip_min_monetary", svcm.policy_from_text("vip_min_monetary = 1e999"))
  _, _, _, e = svcm.policy_from_text("\nbins = five\n")
  assert(e.line == 2 and e.column == 8 and not msg:find("line", 1, true), msg)
  msg = fails(svcm.codes.EINVAL, "p_alive_min", svcm.policy_from_text("p_alive_min = 1.5"))
  _, _, _, e = svcm.policy_from_text("p_alive_min = 1.5")
  assert(e.line == 1 and e.column == 15 and e.index == nil and not msg:find("line", 1, true), msg)
  fails(svcm.codes.EINVAL, "churn_days", svcm.policy_to_text{churn_days = -1})
  -- A policy read from text drives segment() like a hand-written table.
  local vip_by_value = assert(svcm.policy_from_text("vip_min_monetary = 900\n"))
  local res = assert(svcm.segment(R, F, M, {tenure = T, p_alive = P, edges = EDGES,
                                            policy = vip_by_value}))
  assert(res.tiers[9] == VIP and res.reason_names[res.reasons[9]] == "vip_monetary")
end)

test("tier summary", function()
  local s = assert(svcm.tier_summary(WANT_TIERS, R, F, M, {r = {1, 4, 5, 5, 5, 2, 4, 4, 5, 1},
    f = {5, 4, 3, 1, 5, 5, 4, 4, 3, 2}, m = {5, 4, 5, 1, 5, 5, 4, 3, 4, 2}}))
  local lost = s[LOST + 1]
  assert(lost.tier == LOST and lost.name == "lost" and lost.count == 2)
  near(lost.customer_share, 0.2, 1e-15)
  near(lost.monetary_total, 5800, 0)
  near(lost.monetary_share, 5800 / 12950, 1e-15)
  near(lost.mean_recency, 110, 1e-12)
  near(lost.mean_r_score, 2.5, 1e-12)
  near(s[KEY + 1].mean_r_score, 11 / 3, 1e-12)
  local s2 = assert(svcm.tier_summary({1, 1}, {1, 2}, {2, 2}, {0, 0}))
  assert(s2[VIP + 1].count == 0 and s2[VIP + 1].mean_recency ~= s2[VIP + 1].mean_recency, "NaN")
  assert(s2[KEY + 1].monetary_share == 0)
  -- A segment() result brings its tiers and scores.
  local seg = assert(svcm.segment(R, F, M, {tenure = T, p_alive = P, edges = EDGES}))
  local s3 = assert(svcm.tier_summary(seg, R, F, M))
  near(s3[KEY + 1].mean_r_score, 11 / 3, 1e-12)
  assert(s3[LOST + 1].count == 2)
  local s4 = assert(svcm.tier_summary(seg, R, F, M, {}))  -- explicit: no scores
  assert(s4[KEY + 1].mean_r_score ~= s4[KEY + 1].mean_r_score, "NaN without scores")
  fails(svcm.codes.EINVAL, "tiers", svcm.tier_summary({0, 7}, {1, 1}, {1, 1}, {1, 1}))
  fails(svcm.codes.EINVAL, "tiers", svcm.tier_summary({0, 300}, {1, 1}, {1, 1}, {1, 1}))
  fails(svcm.codes.EINVAL, "f_scores", svcm.tier_summary({0, 1}, {1, 1}, {1, 1}, {1, 1},
                                                          {r = {1, 1}, m = {1, 1}}))
  fails(svcm.codes.EEMPTY, nil, svcm.tier_summary({}, {}, {}, {}))
end)

test("migration", function()
  local mg = assert(svcm.migration({1, 2, 3, 4, 5}, {VIP, KEY, REGULAR, POTENTIAL, LOST},
                                   {3, 1, 6, 2, 7}, {KEY, VIP, POTENTIAL, LOST, VIP}))
  assert(mg.counts[VIP + 1][VIP + 1] == 1 and mg.counts[KEY + 1][LOST + 1] == 1)
  assert(mg.counts[REGULAR + 1][KEY + 1] == 1)
  local total = 0
  for o = 1, 5 do for n = 1, 5 do total = total + mg.counts[o][n] end end
  assert(total == 3)
  same(mg.gone, {0, 0, 0, 1, 1}, "gone")
  same(mg.arrived, {1, 0, 0, 1, 0}, "arrived")
  local seg = assert(svcm.segment(R, F, M, {edges = EDGES}))
  local ids = {}
  for i = 1, 10 do ids[i] = 100 + i end
  local same_mg = assert(svcm.migration(ids, seg, ids, seg))
  local diag = 0
  for t = 1, 5 do diag = diag + same_mg.counts[t][t] end
  assert(diag == 10)
  local msg = fails(svcm.codes.EINVAL, "new_ids",
                    svcm.migration({1, 2, 3}, {0, 0, 0}, {3, 1, 3, 2, 1}, {1, 1, 1, 1, 1}))
  assert(msg:find("record 2", 1, true), msg)
  fails(svcm.codes.EINVAL, "old_tiers", svcm.migration({1, 2}, {0, 9}, {1}, {0}))
  fails(svcm.codes.EINVAL, "old_tiers", svcm.migration({1, 2}, {0}, {1}, {0}))
end)

test("days since", function()
  local as_of = 1700000000
  same(assert(svcm.days_since({as_of, as_of - 3 * 86400, as_of - 43200}, as_of)), {0, 3, 0.5})
  local msg = fails(svcm.codes.EINVAL, "time", svcm.days_since({as_of, as_of + 1}, as_of))
  assert(msg:find("record 1", 1, true), msg)
  fails(svcm.codes.EINVAL, "code", svcm.reason_name(8))
end)

test("records with per-record optional fields", function()
  local recs = {}
  for i = 1, 10 do
    recs[i] = {id = 100 + i, recency = R[i], frequency = F[i], monetary = M[i], tenure = T[i]}
  end
  recs[2].p_alive = 0.1
  local res = assert(svcm.segment_records(recs, {edges = EDGES}))
  same(res.tiers, WANT_TIERS, "tiers")
  recs[3].tenure = nil
  res = assert(svcm.segment_records(recs, {edges = EDGES}))
  assert(res.tiers[3] == VIP)
  fails(svcm.codes.EINVAL, "recency",
        svcm.segment_records({{id = 1, recency = 5, frequency = 1, monetary = 1, tenure = 2}}))
  assert(not pcall(svcm.segment_records, {{id = 1, recency = 5, frequency = 1}}))
  assert(not pcall(svcm.segment_records, {{id = 1.5, recency = 5, frequency = 1, monetary = 1}}))
end)

test("rfm_fit and check_customers", function()
  local x = {7, 3, 10, 1, 9, 2, 8, 5, 4, 6}
  local e = assert(svcm.rfm_fit(x, x, x))
  assert(e.bins == 5)
  same(e.recency, {2, 4, 6, 8}, "fit")
  same(assert(svcm.rfm_fit(x, x, x, 2)).monetary, {5}, "fit k=2")
  -- 5.5 is above edges 2 and 4: bin 3, R = 6 - 3 = 3; 8 is on edge 8: bin 4.
  local s = assert(svcm.rfm_scores({5.5, 8}, {5.5, 8}, {5.5, 8}, {edges = e}))
  same(s.r, {3, 2}, "r"); same(s.f, {3, 4}, "f"); same(s.m, {3, 4}, "m")
  fails(svcm.codes.EEMPTY, nil, svcm.rfm_fit({}, {}, {}))
  assert(svcm.check_customers({1, 2}, {1, 1}, {5, 5}, {tenure = {2, 2}}) == true)
  local msg = fails(svcm.codes.EINVAL, "p_alive",
                    svcm.check_customers({1, 2}, {1, 1}, {5, 5}, {p_alive = {1, -0.5}}))
  assert(msg:find("record 1", 1, true), msg)
end)

test("tier summary beyond the double range is ERANGE", function()
  local big = 1.7976931348623157e308
  fails(svcm.codes.ERANGE, "monetary", svcm.tier_summary({0, 0, 0}, {1, 2, 3}, {1, 1, 1}, {1, big, big}))
end)

test("threads: every output equals the one-thread run (svcm_segment_run)", function()
  -- 20011 customers: whole days, counts, spend; a deterministic LCG.
  local seed = 12345
  local function rnd()
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  end
  local n = 20011
  local r, f, m, t, p = {}, {}, {}, {}, {}
  for i = 1, n do
    t[i] = math.floor(rnd() * 1500)
    r[i] = math.floor(rnd() * (t[i] + 1))
    f[i] = 1 + math.floor(-math.log(1 - rnd()) * 4)
    m[i] = f[i] * math.exp(3 + 1.2 * (rnd() - 0.5))
    p[i] = rnd()
  end
  local one = assert(svcm.segment(r, f, m, {tenure = t, p_alive = p}))
  local seen = {}
  for i = 1, n do seen[one.tiers[i]] = true end
  for tier = VIP, LOST do assert(seen[tier], "every tier occurs") end
  for _, threads in ipairs({2, 3, 7}) do
    local res = assert(svcm.segment(r, f, m, {tenure = t, p_alive = p, threads = threads}))
    for _, name in ipairs({"tiers", "reasons", "r", "f", "m"}) do
      same(res[name], one[name], name .. " on " .. threads .. " threads")
    end
    for _, col in ipairs({"recency", "frequency", "monetary"}) do
      same(res.edges[col], one.edges[col], col .. " edges on " .. threads .. " threads")
    end
  end
  local recs = {}
  for i = 1, n do
    recs[i] = {id = i, recency = r[i], frequency = f[i], monetary = m[i],
               tenure = (i % 3 ~= 0) and t[i] or nil}
  end
  local a = assert(svcm.segment_records(recs))
  local b = assert(svcm.segment_records(recs, {threads = 3}))
  same(b.tiers, a.tiers, "records tiers")
  same(b.reasons, a.reasons, "records reasons")
  -- the first bad record, whatever the thread count
  m[4000] = -1
  r[7000] = 0 / 0
  for _, threads in ipairs({1, 2, 7}) do
    local ok, msg, code, detail = svcm.segment(r, f, m, {tenure = t, threads = threads})
    fails(svcm.codes.EINVAL, "monetary", ok, msg, code)
    assert(detail.index == 3999, "0-based index of record 4000: " .. tostring(detail.index))
  end
end)

test("threads: bad counts", function()
  for _, bad in ipairs({0, -1, 65}) do
    local msg = fails(svcm.codes.EINVAL, "threads", svcm.segment({5}, {2}, {10}, {threads = bad}))
    assert(msg:find("threads must be in 1..64, got " .. bad, 1, true), msg)
    fails(svcm.codes.EINVAL, "threads",
          svcm.segment_records({{id = 1, recency = 5, frequency = 2, monetary = 10}},
                               {threads = bad}))
  end
  assert(not pcall(svcm.segment, {5}, {2}, {10}, {threads = 1.5}), "non-integer raises")
  local ok, err = pcall(svcm.segment, {5}, {2}, {10}, {threads = true})
  assert(not ok and tostring(err):find("threads: integer expected, got boolean", 1, true),
         tostring(err))
end)

test("threads: default is one thread, and 1 and 2 threads agree on a small population", function()
  -- 2048 rows: two parts of the library's 1024-row minimum, so 2 threads split it.
  local r, f, m, t = {}, {}, {}, {}
  for i = 1, 2048 do
    r[i] = (i * 37) % 400
    f[i] = 1 + (i * 13) % 9
    m[i] = ((i * 7919) % 10007) / 7
    t[i] = r[i] + (i % 200)
  end
  local default = assert(svcm.segment(r, f, m, {tenure = t}))
  local one = assert(svcm.segment(r, f, m, {tenure = t, threads = 1}))
  local two = assert(svcm.segment(r, f, m, {tenure = t, threads = 2}))
  for _, name in ipairs({"tiers", "reasons", "r", "f", "m"}) do
    same(default[name], one[name], name .. ", default vs 1 thread")
    same(two[name], one[name], name .. ", 2 threads vs 1")
  end
end)

test("migration threads: 1, 2 and 7 threads give the one-thread counts (hashed join)", function()
  -- 6000 old and 5000 new customers with sparse ids (range far above 16 x
  -- rows, so the library takes the hashed join, which splits by threads):
  -- 4000 ids in both, the rest only in one snapshot.
  local oi, ot, ni, nt = {}, {}, {}, {}
  for i = 1, 6000 do
    oi[i] = i * 1000003 - 7
    ot[i] = (i * 7) % 5
  end
  for j = 1, 5000 do
    local i = j <= 4000 and (2 * j - 1) or (10000 + j)
    ni[j] = i * 1000003 - 7
    nt[j] = (i * 11 + j) % 5
  end
  local default = assert(svcm.migration(oi, ot, ni, nt))
  local total, arrived, gone = 0, 0, 0
  for o = 1, 5 do
    for n = 1, 5 do total = total + default.counts[o][n] end
    arrived = arrived + default.arrived[o]
    gone = gone + default.gone[o]
  end
  assert(total == 3000 and arrived == 2000 and gone == 3000,
         "both " .. total .. ", arrived " .. arrived .. ", gone " .. gone)
  for _, threads in ipairs({1, 2, 7}) do
    local mg = assert(svcm.migration(oi, ot, ni, nt, {threads = threads}))
    for o = 1, 5 do
      same(mg.counts[o], default.counts[o], "counts[" .. o .. "] on " .. threads .. " threads")
    end
    same(mg.arrived, default.arrived, "arrived on " .. threads .. " threads")
    same(mg.gone, default.gone, "gone on " .. threads .. " threads")
  end
  -- the same repeated id (its first repeat) whatever the thread count
  ni[4500] = ni[1200]
  ni[4900] = ni[300]
  for _, threads in ipairs({1, 2, 7}) do
    local ok, msg, code, detail = svcm.migration(oi, ot, ni, nt, {threads = threads})
    fails(svcm.codes.EINVAL, "new_ids", ok, msg, code)
    assert(detail.index == 4499, "0-based index of record 4500: " .. tostring(detail.index))
  end
end)

test("migration threads: bad counts", function()
  for _, bad in ipairs({0, -1, 65}) do
    local msg = fails(svcm.codes.EINVAL, "threads",
                      svcm.migration({1}, {0}, {1}, {0}, {threads = bad}))
    assert(msg:find("threads must be in 1..64, got " .. bad, 1, true), msg)
  end
  local ok, err = pcall(svcm.migration, {1}, {0}, {1}, {0}, {threads = 2.5})
  assert(not ok and tostring(err):find("threads: integer expected, got number", 1, true),
         tostring(err))
  ok, err = pcall(svcm.migration, {1}, {0}, {1}, {0}, {threads = "2x"})
  assert(not ok and tostring(err):find("threads: integer expected, got string", 1, true),
         tostring(err))
  assert(not pcall(svcm.migration, {1}, {0}, {1}, {0}, 2), "options must be a table")
  assert(svcm.migration({1}, {0}, {1}, {0}, {}).counts[1][1] == 1, "empty options: defaults")
end)

print(string.format("%d passed, %d failed", passed, failed))
if failed > 0 then error(failed .. " test(s) failed") end
