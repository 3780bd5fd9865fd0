-- wrk script: POST each path of a file once, split between wrk threads; prints one RESULT line.
-- usage: wrk -tN -s bench/post_paths.lua URL -- PATHS_FILE "Bearer KEY" N
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local all = {}
  for line in io.lines(args[1]) do all[#all + 1] = line end
  paths = {}
  local n = tonumber(args[3] or "1")
  for k = 1, #all do
    if (k - 1) % n == id then paths[#paths + 1] = all[k] end
  end
  auth = args[2]
  i = 0
end

function request()
  i = i + 1
  if i > #paths then i = 1 end -- wrapping repeats paths: size the file to the run
  return wrk.format("POST", paths[i], {["Authorization"] = auth, ["Content-Length"] = "0"})
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %.3f %.3f %.3f %d\n", summary.requests, summary.duration,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
