/**
 * The Lua scripts of the Redis limit store. Each runs atomically inside Redis, so admission is one
 * round trip with no read-modify-write race between replicas. Time is Redis's own clock (TIME), so
 * replicas with skewed clocks still share one window.
 *
 * Key layout (after the deployment prefix): a sliding window is a hash epoch-second → units; a
 * concurrency limit is a sorted set of lease ids scored by expiry; a budget is a hash with `spent`
 * (nano-USD) plus a sorted set `<key>:r` of `lease:amount` reservations scored by expiry.
 */

/**
 * KEYS: windows…, concurrency…, budgets…
 * ARGV: lease, nWindows, nConcurrency, nBudgets, leaseMs, then (limit, cost) per window, limit per
 * concurrency key, (max, reserve, periodEndMs or 0) per budget.
 * Returns {1, second, remaining1, resetMs1, …} or {0, kind (1 window, 2 concurrency, 3 budget), index, retryMs or -1}.
 */
export const admitScript = `
local time = redis.call('TIME')
local second = tonumber(time[1])
local nowMs = second * 1000 + math.floor(tonumber(time[2]) / 1000)
local lease = ARGV[1]
local nW, nC, nB = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local leaseMs = tonumber(ARGV[5])
local a = 6
local used = {}
for i = 1, nW do
  local key = KEYS[i]
  local limit, cost = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  a = a + 2
  local fields = redis.call('HGETALL', key)
  local total = 0
  local buckets = {}
  for j = 1, #fields, 2 do
    local bucket, units = tonumber(fields[j]), tonumber(fields[j + 1])
    if bucket <= second - 60 then
      redis.call('HDEL', key, fields[j])
    else
      total = total + units
      buckets[#buckets + 1] = { bucket, units }
    end
  end
  if total + cost > limit then
    local retry = -1
    if cost <= limit then
      table.sort(buckets, function(x, y) return x[1] < y[1] end)
      local remaining = total
      retry = 60000
      for _, entry in ipairs(buckets) do
        remaining = remaining - entry[2]
        if remaining + cost <= limit then
          retry = (entry[1] + 60) * 1000 - nowMs
          break
        end
      end
    end
    return { 0, 1, i, retry }
  end
  used[i] = total
end
for i = 1, nC do
  local key = KEYS[nW + i]
  local limit = tonumber(ARGV[a])
  a = a + 1
  redis.call('ZREMRANGEBYSCORE', key, '-inf', nowMs)
  if redis.call('ZCARD', key) >= limit then
    return { 0, 2, i, 1000 }
  end
end
local budgetArgs = a
for i = 1, nB do
  local key = KEYS[nW + nC + i]
  local max, reserve, periodEnd = tonumber(ARGV[a]), tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  local spent = tonumber(redis.call('HGET', key, 'spent') or '0')
  local reservations = key .. ':r'
  redis.call('ZREMRANGEBYSCORE', reservations, '-inf', nowMs)
  local reserved = 0
  for _, member in ipairs(redis.call('ZRANGE', reservations, 0, -1)) do
    reserved = reserved + tonumber(string.match(member, ':(%-?%d+)$'))
  end
  if not (spent < max and spent + reserved + reserve <= max) then
    local retry = 1000
    if spent >= max or spent + reserve > max then
      if periodEnd > 0 then retry = periodEnd - nowMs else retry = -1 end
    end
    return { 0, 3, i, retry }
  end
end
local result = { 1, second }
for i = 1, nW do
  local limit, cost = tonumber(ARGV[6 + (i - 1) * 2]), tonumber(ARGV[7 + (i - 1) * 2])
  if cost ~= 0 then
    redis.call('HINCRBY', KEYS[i], second, cost)
    redis.call('PEXPIRE', KEYS[i], 61000)
  end
  local remaining = limit - used[i] - cost
  if remaining < 0 then remaining = 0 end
  result[#result + 1] = remaining
  result[#result + 1] = (second + 60) * 1000 - nowMs
end
for i = 1, nC do
  local key = KEYS[nW + i]
  redis.call('ZADD', key, nowMs + leaseMs, lease)
  redis.call('PEXPIRE', key, leaseMs)
end
a = budgetArgs
for i = 1, nB do
  local reservations = KEYS[nW + nC + i] .. ':r'
  redis.call('ZADD', reservations, nowMs + leaseMs, lease .. ':' .. ARGV[a + 1])
  redis.call('PEXPIRE', reservations, leaseMs)
  a = a + 3
end
return result
`;

/**
 * KEYS: token windows…, concurrency…, budgets…
 * ARGV: lease, second, nWindows, nConcurrency, nBudgets, delta per window, (reserve, spend,
 * periodEndMs or 0) per budget. Returns each budget's spend after this request.
 */
export const settleScript = `
local now = tonumber(redis.call('TIME')[1])
local lease, second = ARGV[1], tonumber(ARGV[2])
local nW, nC, nB = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
local a = 6
for i = 1, nW do
  local delta = tonumber(ARGV[a])
  a = a + 1
  if delta ~= 0 and second > now - 60 and redis.call('EXISTS', KEYS[i]) == 1 then
    redis.call('HINCRBY', KEYS[i], second, delta)
  end
end
for i = 1, nC do
  redis.call('ZREM', KEYS[nW + i], lease)
end
local spent = {}
for i = 1, nB do
  local key = KEYS[nW + nC + i]
  local reserve, spend, periodEnd = ARGV[a], tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  a = a + 3
  redis.call('ZREM', key .. ':r', lease .. ':' .. reserve)
  spent[i] = redis.call('HINCRBY', key, 'spent', spend)
  if periodEnd > 0 then redis.call('PEXPIREAT', key, periodEnd + 86400000) end
end
return spent
`;
