-- Load for one scenario under wrk: POST /graphql bodies from an entries file.
--
-- Arguments (after `--`): entries file, mode (cycle | once), response limit per thread,
-- duration in seconds, success marker, number of threads.
-- Entries file: one request a line, "<bearer token or ->\t<JSON body>". Thread i takes
-- lines i, i + n, ... (n threads), so threads never share an entry.
-- Every response is checked: HTTP 200 without a top-level "errors" key and containing
-- the marker is ok; without the marker it is rejected (a user error, a null result);
-- anything else is an error. The thread stops at the first response at or past the limit
-- or the deadline, whichever comes first (with one connection per thread, as the write
-- scenarios run, nothing of the thread's is then in flight). The result is printed by
-- done() as one line: BENCH_RESULT {json}, with the requests sent beside those answered.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) * 1e-9
end

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local path, mode = args[1], args[2]
  limit, deadline_after, marker = tonumber(args[3]), tonumber(args[4]), args[5]
  entries, pos, once = {}, 1, mode == "once"
  local index = 0
  for line in io.lines(path) do
    if index % tonumber(args[6]) == id then
      local tab = line:find("\t", 1, true)
      local token, body = line:sub(1, tab - 1), line:sub(tab + 1)
      local headers = { ["Content-Type"] = "application/json" }
      if token ~= "-" then headers["Authorization"] = "Bearer " .. token end
      entries[#entries + 1] = wrk.format("POST", "/graphql", headers, body)
    end
    index = index + 1
  end
  if once and limit > #entries then limit = #entries end
  sent, responses, ok, rejected, errors = 0, 0, 0, 0, 0
  -- wrk calls request() once on thread 0 before the run, to check what it returns
  -- (script_verify_request in wrk 4): that call sends nothing. Should a wrk not make
  -- it, sent and answered would differ by one and the run would be reported broken.
  if id == 0 then sent = -1 end
  first_error, first_rejected = "", ""
  started, finished = 0, 0
end

function request()
  if started == 0 then
    started = now()
    deadline = started + deadline_after
  end
  local r = entries[pos]
  pos = pos + 1
  if pos > #entries then pos = 1 end -- "once" stops at the limit before wrapping
  sent = sent + 1
  return r
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    errors = errors + 1
    if first_error == "" then first_error = "HTTP " .. status .. ": " .. body:sub(1, 400) end
  elseif body:find('"errors":', 1, true) then
    errors = errors + 1
    if first_error == "" then first_error = body:sub(1, 400) end
  elseif body:find(marker, 1, true) then
    ok = ok + 1
  else
    rejected = rejected + 1
    if first_rejected == "" then first_rejected = body:sub(1, 400) end
  end
  finished = now()
  if responses >= limit or finished >= deadline then
    wrk.thread:stop()
  end
end

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function done(summary, latency, requests)
  local n, good, bad, err, first, last, out = 0, 0, 0, 0, nil, nil, 0
  local first_error, first_rejected = "", ""
  for _, t in ipairs(threads) do
    n = n + t:get("responses")
    out = out + t:get("sent")
    good = good + t:get("ok")
    bad = bad + t:get("rejected")
    err = err + t:get("errors")
    local s, f = t:get("started"), t:get("finished")
    if s > 0 and (first == nil or s < first) then first = s end
    if f > 0 and (last == nil or f > last) then last = f end
    if first_error == "" then first_error = t:get("first_error") end
    if first_rejected == "" then first_rejected = t:get("first_rejected") end
  end
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "sent": %d, "ok": %d, "rejected": %d, "errors": %d, ' ..
    '"socket_errors": %d, "elapsed_s": %.6f, "p50_ms": %.3f, "p95_ms": %.3f, ' ..
    '"p99_ms": %.3f, "max_ms": %.3f, "first_error": %s, "first_rejected": %s}\n',
    n, out, good, bad, err + socket_errors, socket_errors, (last or 0) - (first or 0),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    quote(first_error), quote(first_rejected)))
end
