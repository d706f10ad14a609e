-- A gateway node says it is alive, and learns how many are.
-- KEYS[1]  the sorted set of nodes (member: node id, score: Redis time in ms)
-- ARGV[1]  this node's id; ARGV[2] how long a node counts as live, in ms
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local live = tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], now, ARGV[1])
-- Nodes gone for a minute are forgotten.
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
return redis.call('ZCOUNT', KEYS[1], now - live, '+inf')
