// The Lua scripts of cluster mode. Each runs atomically in Redis, so every cluster-wide rule
// (room size, duplicate identity, revocation, who holds a session) is checked and applied in one
// step: two nodes admitting joins at once can never both see a free place.
//
// Scripts build the per-node keys they touch from the prefix they are given: cluster mode needs
// one Redis (with replicas if wanted), not a Redis Cluster, where such keys could sit on other shards.

/**
 * KEYS: members, identities, the revocations sorted set.
 * ARGV: node, fresh peer id, resume peer id ('' none), name ('' none), identity ('' none),
 *       max peers, policy (replace|reject), room, key prefix.
 * Returns {'room-full'} | {'identity-in-use'} |
 *         {'ok', peerId, name, resumed, fromNode, fromAlive, evictPeer, evictNode, members…}
 * where members is a flat list of peerId, entry-JSON pairs.
 */
export const JOIN = `
local members, identities, revokedKey = KEYS[1], KEYS[2], KEYS[3]
local node, fresh, resume, name, identity, max, policy, room, prefix =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8], ARGV[9]
local peer, resumed = fresh, 0
if resume ~= '' then
  local revokedUntil = redis.call('ZSCORE', revokedKey, resume)
  local now = redis.call('TIME')
  if not revokedUntil or tonumber(revokedUntil) <= tonumber(now[1]) * 1000 then peer, resumed = resume, 1 end
end
local existing = redis.call('HGET', members, peer)
local fromNode, fromAlive = '', 0
if existing then
  local entry = cjson.decode(existing)
  fromNode = entry.n
  if entry.m then name = entry.m end
  if fromNode ~= node then fromAlive = redis.call('EXISTS', prefix .. 'node:' .. fromNode .. ':alive') end
end
local evictPeer, evictNode = '', ''
if identity ~= '' then
  local holder = redis.call('HGET', identities, identity)
  if holder and holder ~= peer then
    local held = redis.call('HGET', members, holder)
    if held then
      if policy == 'reject' then return {'identity-in-use'} end
      evictPeer, evictNode = holder, cjson.decode(held).n
    end
  end
end
if not existing then
  local size = redis.call('HLEN', members)
  if evictPeer ~= '' then size = size - 1 end
  if size >= max then return {'room-full'} end
end
if evictPeer ~= '' then
  redis.call('HDEL', members, evictPeer)
  redis.call('SREM', prefix .. 'node:' .. evictNode .. ':peers', room .. ' ' .. evictPeer)
end
local entry = {n = node}
if name ~= '' then entry.m = name end
if identity ~= '' then
  entry.i = identity
  redis.call('HSET', identities, identity, peer)
end
redis.call('HSET', members, peer, cjson.encode(entry))
if fromNode ~= '' and fromNode ~= node then redis.call('SREM', prefix .. 'node:' .. fromNode .. ':peers', room .. ' ' .. peer) end
redis.call('SADD', prefix .. 'node:' .. node .. ':peers', room .. ' ' .. peer)
local reply = {'ok', peer, name, resumed, fromNode, fromAlive, evictPeer, evictNode}
for _, value in ipairs(redis.call('HGETALL', members)) do reply[#reply + 1] = value end
return reply
`

/**
 * `leave` revokes every resume token of a peer until the last one expires. Bounded like the
 * in-memory list: expired entries go first, then the oldest past `max` (falling back to expiry).
 * KEYS: the revocations sorted set (member peer id, score expiry in ms). ARGV: peer id, ttl ms, max.
 */
export const REVOKE = `
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', nowMs)
redis.call('ZADD', KEYS[1], nowMs + tonumber(ARGV[2]), ARGV[1])
local surplus = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if surplus > 0 then redis.call('ZPOPMIN', KEYS[1], surplus) end
return 1
`

/**
 * A session of this node ended: forget it, unless another node holds it by now.
 * KEYS: members, identities, this node's peers set. ARGV: node, peer id, room.
 */
export const LEAVE = `
local held = redis.call('HGET', KEYS[1], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[3] .. ' ' .. ARGV[2])
if not held then return 0 end
local entry = cjson.decode(held)
if entry.n ~= ARGV[1] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[2])
if entry.i and redis.call('HGET', KEYS[2], entry.i) == ARGV[2] then redis.call('HDEL', KEYS[2], entry.i) end
return 1
`

/**
 * Reconciliation after Redis came back: (re-)records a session of this node, no limits applied
 * (it is in its room already). KEYS: members, identities, this node's peers set.
 * ARGV: node, peer id, name ('' none), identity ('' none), room.
 */
export const REGISTER = `
local entry = {n = ARGV[1]}
if ARGV[3] ~= '' then entry.m = ARGV[3] end
if ARGV[4] ~= '' then
  entry.i = ARGV[4]
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[2])
end
redis.call('HSET', KEYS[1], ARGV[2], cjson.encode(entry))
redis.call('SADD', KEYS[3], ARGV[5] .. ' ' .. ARGV[2])
return 1
`

/**
 * A dead node's sessions leave Redis (those another node resumed meanwhile stay). Idempotent: every
 * survivor may run it. KEYS: nodes set. ARGV: dead node, key prefix. Returns the sessions removed.
 */
export const REAP = `
local dead, prefix = ARGV[1], ARGV[2]
local peersKey = prefix .. 'node:' .. dead .. ':peers'
local removed = 0
for _, item in ipairs(redis.call('SMEMBERS', peersKey)) do
  local space = string.find(item, ' ', 1, true)
  local room, peer = string.sub(item, 1, space - 1), string.sub(item, space + 1)
  local members = prefix .. 'room:' .. room .. ':members'
  local held = redis.call('HGET', members, peer)
  if held then
    local entry = cjson.decode(held)
    if entry.n == dead then
      redis.call('HDEL', members, peer)
      local identities = prefix .. 'room:' .. room .. ':identities'
      if entry.i and redis.call('HGET', identities, entry.i) == peer then redis.call('HDEL', identities, entry.i) end
      removed = removed + 1
    end
  end
end
redis.call('DEL', peersKey)
redis.call('SREM', KEYS[1], dead)
return removed
`
