-- One call of a key on an API against its plan's limits, decided atomically
-- and all or nothing: either every limit passes and all of them count the
-- call, or nothing is written. Time is Redis's own (TIME), in microseconds.
--
-- KEYS[1]  the (key, API) prefix: portico:rl:{key}:{api}
-- ARGV     per second, per minute (0: no limit), per day, per month (-1: no
--          quota; 0 refuses every call, as locally), the node's day index
--          (days since 1970) and its own count for it, the node's month
--          index (year * 12 + month - 1) and its count.
-- Writes   portico:rl:{key}:{api}:second and :minute (the next theoretical
--          arrival time, expiring when it has passed), :day:YYYY-MM-DD and
--          :month:YYYY-MM (counted whether or not the plan has the quota, so
--          that a quota added later starts from the calls made; expiring a
--          minute after the window).
-- Returns  for second, minute, day and month in that order:
--          state (0 no limit, 1 passed, 2 refused), remaining, reset seconds.
local prefix = KEYS[1]
local arg = {}
for i = 1, 8 do arg[i] = tonumber(ARGV[i]) or -1 end
local time = redis.call('TIME')
local secs = tonumber(time[1])
local now = secs * 1000000 + tonumber(time[2])

local out = {}
local refused = false
local writes = {}

local function push(state, remaining, reset)
  out[#out + 1] = state
  out[#out + 1] = remaining
  out[#out + 1] = reset
end

local function div_ceil(a, b)
  return math.floor((a + b - 1) / b)
end

-- GCRA as governor's Quota::per_second(n) / per_minute(n): one cell every
-- window / n, a burst of n.
local function rate(name, window, n)
  if n < 1 then return push(0, 0, 0) end
  local key = prefix .. ':' .. name
  local t = math.max(1, math.floor(window * 1000000 / n))
  local tau = t * (n - 1)
  local tat = tonumber(redis.call('GET', key)) or now
  local earliest = tat - tau
  if now < earliest then
    refused = true
    return push(2, 0, math.max(1, div_ceil(earliest - now, 1000000)))
  end
  local next = math.max(tat, now) + t
  local remaining = math.floor(math.min(now + tau + t - next, tau + t) / t)
  push(1, remaining, div_ceil((n - math.min(remaining, n)) * window, n))
  writes[#writes + 1] = function()
    local ttl = math.floor((next - now) / 1000) + 1
    redis.call('SET', key, string.format('%d', next), 'PX', ttl)
  end
end

-- Howard Hinnant's civil calendar algorithms (proleptic Gregorian, UTC).
local function civil_from_days(days)
  local z = days + 719468
  local era = math.floor(z / 146097)
  local doe = z - era * 146097
  local yoe = math.floor((doe - math.floor(doe / 1460) + math.floor(doe / 36524)
    - math.floor(doe / 146096)) / 365)
  local doy = doe - (365 * yoe + math.floor(yoe / 4) - math.floor(yoe / 100))
  local mp = math.floor((5 * doy + 2) / 153)
  local d = doy - math.floor((153 * mp + 2) / 5) + 1
  local m = mp < 10 and mp + 3 or mp - 9
  local y = yoe + era * 400
  if m <= 2 then y = y + 1 end
  return y, m, d
end

local function days_from_civil(y, m, d)
  if m <= 2 then y = y - 1 end
  local era = math.floor(y / 400)
  local yoe = y - era * 400
  local mp = m > 2 and m - 3 or m + 9
  local doy = math.floor((153 * mp + 2) / 5) + d - 1
  local doe = yoe * 365 + math.floor(yoe / 4) - math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
end

-- A quota counter: created from the node's seed when Redis has none (first
-- call, or Redis lost its data), never below the node's own count.
local function quota(key, n, seed, reset, ends_at)
  local used = math.max(tonumber(redis.call('GET', key)) or 0, seed)
  if n >= 0 then
    if used >= n then
      refused = true
      push(2, 0, reset)
    else
      push(1, n - used - 1, reset)
    end
  else
    push(0, 0, 0)
  end
  writes[#writes + 1] = function()
    redis.call('SET', key, string.format('%d', used + 1))
    redis.call('EXPIREAT', key, ends_at + 60)
  end
end

rate('second', 1, arg[1])
rate('minute', 60, arg[2])

local day = math.floor(secs / 86400)
local y, m, d = civil_from_days(day)
local day_seed = (arg[5] == day) and arg[6] or 0
quota(prefix .. ':day:' .. string.format('%04d-%02d-%02d', y, m, d), arg[3], day_seed,
  86400 - secs % 86400, (day + 1) * 86400)

local month = y * 12 + m - 1
local ny, nm = y, m + 1
if nm > 12 then ny, nm = y + 1, 1 end
local month_end = days_from_civil(ny, nm, 1) * 86400
local month_seed = (arg[7] == month) and arg[8] or 0
quota(prefix .. ':month:' .. string.format('%04d-%02d', y, m), arg[4], month_seed,
  math.max(1, month_end - secs), month_end)

if not refused then
  for _, write in ipairs(writes) do write() end
end
return out
