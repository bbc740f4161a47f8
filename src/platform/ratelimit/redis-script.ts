/**
 * One Lua script decides a batch of checks atomically in one round trip. KEYS are the callers'
 * keys; ARGV[1] is the time in ms ('' = Redis's own clock, so every process shares one clock),
 * ARGV[2] the number of distinct rules R, then three arguments per rule: algorithm ('s' sliding
 * window, 't' token bucket), the limit or capacity, the window in ms or the refill per second;
 * then one argument per check: its rule's index (0-based), or 'index:cost' when the cost is not 1.
 * It returns four integers per check: allowed (1/0), remaining, reset in ms, retry-after in ms. The arithmetic is the same as
 * `slidingWindow` and `tokenBucket` in rules.ts.
 *
 * Each key is a hash: sliding window {w: window index, c: current count, p: previous count};
 * token bucket {t: tokens, a: time of the last refill}. Refusals write nothing. Keys expire once
 * they would read as empty. All keys of a batch must live on one node (no Redis Cluster here).
 */
export const CHECK_SCRIPT = `
local now
if ARGV[1] == '' then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
else
  now = tonumber(ARGV[1])
end
local nrules = tonumber(ARGV[2])
local first = 3 + nrules * 3
local out = {}
for i = 1, #KEYS do
  local k = KEYS[i]
  local spec = ARGV[first + i - 1]
  local idx, cost = string.match(spec, '^(%d+):(%d+)$')
  if idx then cost = tonumber(cost) else idx, cost = spec, 1 end
  local j = 3 + tonumber(idx) * 3
  local algo = ARGV[j]
  local a = tonumber(ARGV[j + 1])
  local b = tonumber(ARGV[j + 2])
  if algo == 's' then
    local limit, win = a, b
    local w = math.floor(now / win)
    local h = redis.call('HMGET', k, 'w', 'c', 'p')
    local hw = tonumber(h[1])
    local cur = tonumber(h[2]) or 0
    local prev = tonumber(h[3]) or 0
    if hw == nil or hw < w - 1 then
      cur, prev = 0, 0
    elseif hw == w - 1 then
      prev, cur = cur, 0
    end
    local elapsed = now - w * win
    if elapsed < 0 then elapsed = 0 end
    local used = prev * (win - elapsed) / win + cur
    local reset = win - elapsed
    if used + cost <= limit then
      cur = cur + cost
      redis.call('HSET', k, 'w', w, 'c', cur, 'p', prev)
      redis.call('PEXPIRE', k, (w + 2) * win - now)
      out[#out + 1] = 1
      out[#out + 1] = math.floor(limit - used - cost)
      out[#out + 1] = reset
      out[#out + 1] = 0
    else
      local wait
      if cost > limit then
        wait = win * 2
      elseif cur + cost <= limit and prev > 0 then
        wait = math.ceil(win * (1 - (limit - cur - cost) / prev) - elapsed)
      else
        local e = 0
        if cur > 0 then e = math.max(0, win * (1 - (limit - cost) / cur)) end
        wait = math.ceil(win - elapsed + e)
      end
      if wait < 1 then wait = 1 end
      local rem = math.floor(limit - used)
      if rem < 0 then rem = 0 end
      out[#out + 1] = 0
      out[#out + 1] = rem
      out[#out + 1] = reset
      out[#out + 1] = wait
    end
  else
    local cap, per_ms = a, b / 1000
    local h = redis.call('HMGET', k, 't', 'a')
    local tokens = tonumber(h[1]) or cap
    local at = tonumber(h[2]) or now
    if now > at then
      tokens = math.min(cap, tokens + (now - at) * per_ms)
      at = now
    end
    local ok = tokens >= cost
    if ok then
      tokens = tokens - cost
      redis.call('HSET', k, 't', tokens, 'a', at)
    end
    local reset = 0
    if per_ms > 0 then reset = math.ceil((cap - tokens) / per_ms) end
    if ok then redis.call('PEXPIRE', k, reset + 1000) end
    local wait = 0
    if not ok then
      if cost > cap or per_ms <= 0 then wait = 9007199254740991 else wait = math.max(1, math.ceil((cost - tokens) / per_ms)) end
    end
    out[#out + 1] = ok and 1 or 0
    out[#out + 1] = math.floor(tokens)
    out[#out + 1] = reset
    out[#out + 1] = wait
  end
end
return out
`;
