-- bench/serve/varied.lua - wrk script: every request a different question.
-- Reads the request targets from the file named by the environment variable
-- VARIED (one per line) and sends them in turn; each wrk thread starts at its
-- own offset so that the threads do not ask the same question together. With
-- more targets than the server keeps answers (512), a target cycling back has
-- been pushed out of the server's cache long before: every request is
-- computed. At the end, prints "requests N targets M" so that the bench can
-- say whether any target was asked twice.
local targets = {}
for line in io.lines(os.getenv("VARIED")) do
	targets[#targets + 1] = line
end
local counter = 0
local threads = {}

function setup(thread)
	thread:set("id", counter)
	counter = counter + 1
	table.insert(threads, thread)
end

function init(args)
	n = #targets
	-- the threads walk the list from evenly spaced starting points
	i = math.floor(id * n / 2)
end

function request()
	i = i + 1
	if i > n then i = 1 end
	return wrk.format("GET", targets[i])
end

function done(summary, latency, requests)
	io.write(string.format("requests %d targets %d\n", summary.requests, #targets))
end
