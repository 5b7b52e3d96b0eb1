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

# The player boards: per maximum and period, `players:{max}{suffix}` (hash: player -> JSON
# {"u": name, "g": [guesses of the last 10 counted games], "t": last game, 13-digit epoch ms})
# and `...:board` (sorted set: member "{t}:{player}", score = average over "g" once it holds at
# least 5 games, else UNRANKED; equal averages sort by member, so the earlier last game first).
# Each board keeps at most `cap` players: the worst (and the unranked) go first.
_PLAYERS = """
local UNRANKED = 1000000000
-- Between the player and the client in a slot: a control character, never in either.
local SEP = string.char(31)
local LAST_GAMES, MIN_GAMES = 10, 5
-- `seconds`: how long the period board outlives the game, from the store's clock (0: never).
local function expire_period(key, seconds)
  if tonumber(seconds) > 0 then redis.call('EXPIRE', key, tonumber(seconds)) end
end
local function count_game(data_key, board_key, at, cap, player, user, guesses, t)
  local games = {}
  local raw = redis.call('HGET', data_key, player)
  if raw then
    local old = cjson.decode(raw)
    games = old.g
    redis.call('ZREM', board_key, old.t .. ':' .. player)
  end
  table.insert(games, guesses)
  while #games > LAST_GAMES do table.remove(games, 1) end
  local score = UNRANKED
  if #games >= MIN_GAMES then
    local sum = 0
    for _, value in ipairs(games) do sum = sum + value end
    score = sum / #games
  end
  redis.call('HSET', data_key, player, cjson.encode({u = user, g = games, t = t}))
  redis.call('ZADD', board_key, score, t .. ':' .. player)
  if redis.call('ZCARD', board_key) > cap then
    for _, member in ipairs(redis.call('ZRANGE', board_key, cap, -1)) do
      redis.call('HDEL', data_key, string.sub(member, 15))
    end
    redis.call('ZREMRANGEBYRANK', board_key, cap, -1)
  end
  expire_period(data_key, at)
  expire_period(board_key, at)
end
-- boards: {data_key, board_key, seconds left} for the all-time, week and day boards.
local function count_everywhere(boards, cap, player, user, guesses, t)
  for _, b in ipairs(boards) do count_game(b[1], b[2], b[3], cap, player, user, guesses, t) end
end
"""

# KEYS[1] game, KEYS[2] all games in play, KEYS[3] this client's games in play.
# ARGV: game_id, ttl seconds, per-client cap, total cap, secret, max_value, user, player, client.
# Abandonment, for a named game: KEYS[4] playing:{max} (hash: player, U+001F, client -> JSON
# {"id", "u", "p"} of that player's latest game at this maximum from that client), KEYS[5]
# playing:{max}:expires (the same slots -> when that game expires),
# KEYS[6..11] the player boards (data, board) for all time, week, day. ARGV[10] par + 1,
# ARGV[11] now as 13-digit epoch ms, ARGV[12] board cap, ARGV[13] week and ARGV[14] day boards'
# seconds left, ARGV[15] the key prefix. Ownership: KEYS[12] owners (hash: player -> owner),
# ARGV[16] the owner starting the game (an opaque id: a player key or an account).
# A name belongs to the first owner that plays under it: another owner is refused ('taken')
# before anything is written, so an impostor can neither play nor abandon under it.
# The player's previous game at this maximum from this client, unless won, counts as par + 1
# guesses and ends (it is deleted, so it counts once); so does every game at this maximum found
# expired unwon.
START = (
    _COMMON
    + _PLAYERS
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
if ARGV[8] ~= '' then
  local owner = redis.call('HGET', KEYS[12], ARGV[8])
  if owner and owner ~= ARGV[16] then return {'taken'} end
end
local full = refuse_if_full(KEYS[3], tonumber(ARGV[3]), 'client')
  or refuse_if_full(KEYS[2], tonumber(ARGV[4]), 'total')
if full then return full end
local named = '0'
if ARGV[8] ~= '' then named = '1' end
redis.call('HSET', KEYS[1], 'secret', ARGV[5], 'max_value', ARGV[6], 'user', ARGV[7],
           'player', ARGV[8], 'client', ARGV[9], 'guesses', '0', 'won', '0', 'recorded', '0',
           'named', named, 'owner', ARGV[16])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
-- The claim has no TTL, so volatile-ttl never evicts it; written after the game (see above).
if ARGV[8] ~= '' then redis.call('HSETNX', KEYS[12], ARGV[8], ARGV[16]) end
for _, key in ipairs({KEYS[2], KEYS[3]}) do
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  track(key, ARGV[1], now + ttl_ms, ttl_ms, false)
end
if ARGV[8] ~= '' then
  local boards = {
    {KEYS[6], KEYS[7], '0'}, {KEYS[8], KEYS[9], ARGV[13]}, {KEYS[10], KEYS[11], ARGV[14]},
  }
  local abandoned, cap, t = tonumber(ARGV[10]), tonumber(ARGV[12]), ARGV[11]
  -- A slot is one player at one client (player, SEP, client): a stranger starting a game
  -- under the same name elsewhere cannot end this player's game.
  local function abandon(slot)
    local raw = redis.call('HGET', KEYS[4], slot)
    redis.call('HDEL', KEYS[4], slot)
    redis.call('ZREM', KEYS[5], slot)
    if not raw then return end
    local game = cjson.decode(raw)
    local game_key = ARGV[15] .. 'game:' .. game.id
    local state = redis.call('HMGET', game_key, 'won', 'client')
    if state[1] == '1' then return end
    -- Abandoned: the game ends here (its id is unknown from now on) and frees its places.
    redis.call('DEL', game_key)
    redis.call('ZREM', KEYS[2], game.id)
    if state[2] then redis.call('ZREM', ARGV[15] .. 'active:' .. state[2], game.id) end
    count_everywhere(boards, cap, game.p, game.u, abandoned, t)
  end
  -- Games at this maximum that expired unwon since the last start here (a bounded sweep).
  local expired = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', tonumber(t), 'LIMIT', 0, 20)
  for _, slot in ipairs(expired) do abandon(slot) end
  local slot = ARGV[8] .. SEP .. ARGV[9]
  abandon(slot)
  redis.call('HSET', KEYS[4], slot, cjson.encode({id = ARGV[1], u = ARGV[7], p = ARGV[8]}))
  redis.call('ZADD', KEYS[5], tonumber(t) + ttl_ms, slot)
  redis.call('PEXPIRE', KEYS[4], ttl_ms)
  redis.call('PEXPIRE', KEYS[5], ttl_ms)
end
return {'ok'}
"""
)

# KEYS[1] game. ARGV: guess, ttl seconds, prefix, game_id, now (epoch ms).
# The bookkeeping keys are named from the game's client, known only inside the script (fine for
# a single Redis; this store does not target Redis Cluster).
GUESS = (
    _COMMON
    + """
local g = redis.call('HMGET', KEYS[1], 'secret', 'max_value', 'guesses', 'won', 'last', 'client',
                     'player')
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
-- The player's latest game at this maximum: won, it can no longer be abandoned; played, it
-- expires later.
if g[7] and g[7] ~= '' and g[6] then
  local playing = ARGV[3] .. 'playing:' .. g[2]
  local slot = g[7] .. string.char(31) .. g[6]
  local raw = redis.call('HGET', playing, slot)
  if raw and cjson.decode(raw).id == ARGV[4] then
    if answer == 'correct' then
      redis.call('HDEL', playing, slot)
      redis.call('ZREM', playing .. ':expires', slot)
    else
      local expires = tonumber(ARGV[5]) + tonumber(ARGV[2]) * 1000
      redis.call('ZADD', playing .. ':expires', 'XX', expires, slot)
    end
  end
end
return {answer, tostring(n)}
"""
)

# KEYS[1] game, KEYS[2] owners. ARGV: prefix, game_id, user ('' = the game's), its player key,
# epoch ms, ISO date, cap, limit, then the week's and the day's key suffix and expiry (unix s),
# ARGV[13] the owner asking. One script for every board, so a crash or a retry never records a
# game on some boards only. An abandoned game never gets here (it was deleted). The list and
# ranking keys depend on the game's maximum, known only inside the script. The name is fixed at
# the start: a finish naming another player is refused, and a game started without a name stays
# anonymous ('anonymous': a name given only at the finish could have been fished for by unnamed
# restarts). The game's owner is who started it (the game id is the proof at the finish); a game
# from before owners existed is owned by who finishes it, if the name is still free or theirs.
RECORD = (
    _PLAYERS
    + """
local g = redis.call('HMGET', KEYS[1], 'max_value', 'guesses', 'won', 'recorded', 'user', 'member',
                     'player', 'named', 'owner')
if not g[1] then return {'missing'} end
if g[3] ~= '1' then return {'unfinished'} end
local stored = g[5] or ''
if stored == '' then return {'anonymous'} end
-- Named at its start (games from before the flag: named when they hold a name).
local counted = g[8] == '1' or not g[8]
if ARGV[3] ~= '' then
  local same
  if g[7] and g[7] ~= '' then
    same = g[7] == ARGV[4]
  else
    same = stored == ARGV[3]  -- a game started before player keys existed: the exact name
  end
  if not same then return {'otheruser'} end
end
local player, owner = g[7] or '', g[9] or ARGV[13]
if player == '' then player = ARGV[4] end
if player ~= '' then
  local claimed = redis.call('HGET', KEYS[2], player)
  if claimed and claimed ~= owner then return {'taken'} end
end
local ranking = ARGV[1] .. 'ranking:' .. g[1]
local member = g[6]
if g[4] ~= '1' then
  local user = stored
  local entry = '{"guesses":' .. g[2] .. ',"date":' .. cjson.encode(ARGV[6]) ..
                ',"user":' .. cjson.encode(user) .. '}'
  member = ARGV[5] .. ':' .. ARGV[2] .. ':' .. entry
  local cap = tonumber(ARGV[7])
  local history = ARGV[1] .. 'hiscores:' .. g[1]
  redis.call('LPUSH', history, entry)
  redis.call('LTRIM', history, 0, cap - 1)
  local periods = {{'', '0'}, {ARGV[9], ARGV[10]}, {ARGV[11], ARGV[12]}}
  for _, period in ipairs(periods) do
    local board = ranking .. period[1]
    redis.call('ZADD', board, tonumber(g[2]), member)
    redis.call('ZREMRANGEBYRANK', board, cap, -1)
    expire_period(board, period[2])
  end
  redis.call('HSET', KEYS[1], 'recorded', '1', 'member', member)
  if player ~= '' then redis.call('HSETNX', KEYS[2], player, owner) end
  if counted and g[7] and g[7] ~= '' then
    local boards = {}
    for _, period in ipairs(periods) do
      local data_key = ARGV[1] .. 'players:' .. g[1] .. period[1]
      table.insert(boards, {data_key, data_key .. ':board', period[2]})
    end
    count_everywhere(boards, cap, g[7], user, tonumber(g[2]), ARGV[5])
  end
end
local top = redis.call('ZRANGE', ranking, 0, tonumber(ARGV[8]) - 1)
return {'ok', member, counted and '1' or '0', g[1], unpack(top)}
"""
)

SCRIPTS = {"start": START, "guess": GUESS, "record": RECORD}
