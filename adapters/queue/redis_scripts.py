"""Lua scripts of the reliable queue: each runs atomically in Redis, so a worker killed at any instant
leaves a message either in its queue, in a processing set, or delayed — never nowhere, never in two.

Times are Redis' own clock (TIME), so workers on different hosts agree on lease deadlines.
"""

_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000)\n"

# KEYS: sequence, then (queue, processing, bodies) per consumed queue. ARGV: lease ms, rotation.
# Pops one message from the first non-empty queue (starting at the rotation, so no queue starves) into
# its processing set, leased until now + lease. Returns {queue index, delivery id, body} or false.
POP = _NOW + """
local n = (#KEYS - 1) / 3
local start = tonumber(ARGV[2]) % n
for i = 0, n - 1 do
  local j = (start + i) % n
  local body = redis.call('RPOP', KEYS[2 + j * 3])
  if body then
    local id = redis.call('INCR', KEYS[1])
    redis.call('ZADD', KEYS[3 + j * 3], now + tonumber(ARGV[1]), id)
    redis.call('HSET', KEYS[4 + j * 3], id, body)
    return {j, id, body}
  end
end
return false
"""

# KEYS: processing, bodies. ARGV: delivery id.
ACK = """
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('HDEL', KEYS[2], ARGV[1])
"""

# KEYS: processing. ARGV: lease ms, delivery ids. Extends the leases still held (XX: never resurrects
# one another worker already reclaimed).
RENEW = _NOW + """
local renewed = 0
for i = 2, #ARGV do
  renewed = renewed + redis.call('ZADD', KEYS[1], 'XX', 'CH', now + tonumber(ARGV[1]), ARGV[i])
end
return renewed
"""

# KEYS: queue, processing, bodies. ARGV: delivery id, wake channel. Puts an unfinished message back at
# the head of its queue (a worker shutting down returns what it could not finish).
NACK = """
if redis.call('ZREM', KEYS[2], ARGV[1]) == 0 then return 0 end
local body = redis.call('HGET', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if body then
  redis.call('RPUSH', KEYS[1], body)
  redis.call('PUBLISH', ARGV[2], '1')
end
return 1
"""

# KEYS: queue, processing, bodies, delayed. ARGV: batch limit, wake channel.
# Returns expired leases (their worker died or hung) to the head of the queue and moves due retries to
# its tail. Atomic: two workers reclaiming at once never both get the same message.
MAINTAIN = _NOW + """
local limit = tonumber(ARGV[1])
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, limit)
for _, id in ipairs(expired) do
  local body = redis.call('HGET', KEYS[3], id)
  redis.call('ZREM', KEYS[2], id)
  redis.call('HDEL', KEYS[3], id)
  if body then redis.call('RPUSH', KEYS[1], body) end
end
local due = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now, 'LIMIT', 0, limit)
for _, body in ipairs(due) do
  redis.call('ZREM', KEYS[4], body)
  redis.call('LPUSH', KEYS[1], body)
end
if #expired + #due > 0 then redis.call('PUBLISH', ARGV[2], '1') end
return {#expired, #due}
"""

# KEYS: delayed. ARGV: delay ms, body.
DEFER = _NOW + """
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[1]), ARGV[2])
"""

# KEYS: dead list, queue. ARGV: the dead-letter entry as stored, the body to enqueue, wake channel.
# Whoever removes the entry enqueues it: two concurrent retries of one letter enqueue it once.
REVIVE = """
if redis.call('LREM', KEYS[1], 1, ARGV[1]) == 0 then return 0 end
redis.call('LPUSH', KEYS[2], ARGV[2])
redis.call('PUBLISH', ARGV[3], '1')
return 1
"""
