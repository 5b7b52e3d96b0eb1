"""The score store's Lua scripts: starting, guessing and recording run atomically inside Redis."""

from __future__ import annotations

# Shared by the scripts: the server's clock in ms (one clock for every app process), and the
# bookkeeping of games in play. A sorted set per client and one for all games hold game ids scored
# by their expiry time; expired members are dropped before counting. Each set expires with its
# latest game, so a client that never returns leaves nothing behind.
_COMMON = """
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function track(key, game_id, expires, ttl_ms, only_existing)
  if only_existing then
    redis.call('ZADD', key, 'XX', string.format('%.0f', expires), game_id)
  else
    redis.call('ZADD', key, string.format('%.0f', expires), game_id)
  end
  if redis.call('EXISTS', key) == 1 and redis.call('PTTL', key) < ttl_ms then
    redis.call('PEXPIRE', key, ttl_ms)
  end
end
"""

# KEYS[1] game, KEYS[2] all games in play, KEYS[3] this client's games in play.
# ARGV: game_id, ttl seconds, per-client cap, total cap, secret, max_value, user, player, client.
START = (
    _COMMON
    + """
local now = now_ms()
local ttl_ms = tonumber(ARGV[2]) * 1000
local after_now = '(' .. string.format('%.0f', now)
-- Counted read-only, and the game written first: Redis checks maxmemory only at a script's first
-- write, and only for commands that can grow memory (HSET can, ZREMRANGEBYSCORE cannot).
local function refuse_if_full(key, cap, why)
  if redis.call('ZCOUNT', key, after_now, '+inf') < cap then return nil end
  local first = redis.call('ZRANGEBYSCORE', key, after_now, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
  return {why, tostring(math.max(1, math.ceil((tonumber(first[2]) - now) / 1000)))}
end
local full = refuse_if_full(KEYS[3], tonumber(ARGV[3]), 'client')
  or refuse_if_full(KEYS[2], tonumber(ARGV[4]), 'total')
if full then return full end
redis.call('HSET', KEYS[1], 'secret', ARGV[5], 'max_value', ARGV[6], 'user', ARGV[7],
           'player', ARGV[8], 'client', ARGV[9], 'guesses', '0', 'won', '0', 'recorded', '0')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
for _, key in ipairs({KEYS[2], KEYS[3]}) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  track(key, ARGV[1], now + ttl_ms, ttl_ms, false)
end
return {'ok'}
"""
)

# KEYS[1] game. ARGV: guess, ttl seconds, prefix, game_id.
# The bookkeeping keys are named from the game's client, known only inside the script (fine for
# a single Redis; this store does not target Redis Cluster).
GUESS = (
    _COMMON
    + """
local g = redis.call('HMGET', KEYS[1], 'secret', 'max_value', 'guesses', 'won', 'last', 'client')
if not g[1] then return {'missing'} end
local guess = tonumber(ARGV[1])
local secret = tonumber(g[1])
local answer = 'lower'
if guess == secret then answer = 'correct' elseif secret > guess then answer = 'higher' end
-- The same guess twice in a row is a retry (e.g. after a timeout): answer it, count it once.
if g[5] == ARGV[1] then return {answer, g[3]} end
if g[4] == '1' then return {'won', g[3]} end
if guess < 1 or guess > tonumber(g[2]) then return {'range', g[2]} end
local n = redis.call('HINCRBY', KEYS[1], 'guesses', 1)
redis.call('HSET', KEYS[1], 'last', ARGV[1])
if answer == 'correct' then redis.call('HSET', KEYS[1], 'won', '1') end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
-- Games started before the caps existed have no client and are not counted.
if g[6] then
  local sets = {ARGV[3] .. 'active', ARGV[3] .. 'active:' .. g[6]}
  if answer == 'correct' then
    -- A won game is no longer in play: it frees its place at once.
    for _, key in ipairs(sets) do redis.call('ZREM', key, ARGV[4]) end
  else
    local ttl_ms = tonumber(ARGV[2]) * 1000
    local expires = now_ms() + ttl_ms
    for _, key in ipairs(sets) do track(key, ARGV[4], expires, ttl_ms, true) end
  end
end
return {answer, tostring(n)}
"""
)

# KEYS[1] game. ARGV: prefix, game_id, user ('' = the game's), its player key, epoch ms,
# ISO date, cap, limit. The list and ranking keys depend on the game's maximum, known only
# inside the script. The name is fixed at the start: a finish naming another player is refused,
# and a game started without a name takes the first name it is recorded with.
RECORD = """
local g = redis.call('HMGET', KEYS[1], 'max_value', 'guesses', 'won', 'recorded', 'user', 'member',
                     'player')
if not g[1] then return {'missing'} end
if g[3] ~= '1' then return {'unfinished'} end
local stored = g[5] or ''
if ARGV[3] ~= '' and stored ~= '' then
  local same
  if g[7] and g[7] ~= '' then
    same = g[7] == ARGV[4]
  else
    same = stored == ARGV[3]  -- a game started before player keys existed: the exact name
  end
  if not same then return {'otheruser'} end
end
local ranking = ARGV[1] .. 'ranking:' .. g[1]
local member = g[6]
if g[4] ~= '1' then
  local user = stored
  if user == '' then user = ARGV[3] end
  if user == '' then return {'nouser'} end
  local entry = '{"guesses":' .. g[2] .. ',"date":' .. cjson.encode(ARGV[6]) ..
                ',"user":' .. cjson.encode(user) .. '}'
  member = ARGV[5] .. ':' .. ARGV[2] .. ':' .. entry
  local cap = tonumber(ARGV[7])
  local history = ARGV[1] .. 'hiscores:' .. g[1]
  redis.call('LPUSH', history, entry)
  redis.call('LTRIM', history, 0, cap - 1)
  redis.call('ZADD', ranking, tonumber(g[2]), member)
  redis.call('ZREMRANGEBYRANK', ranking, cap, -1)
  redis.call('HSET', KEYS[1], 'recorded', '1', 'member', member, 'user', user)
  if stored == '' then redis.call('HSET', KEYS[1], 'player', ARGV[4]) end
end
local top = redis.call('ZRANGE', ranking, 0, tonumber(ARGV[8]) - 1)
return {'ok', member, unpack(top)}
"""

SCRIPTS = {"start": START, "guess": GUESS, "record": RECORD}
