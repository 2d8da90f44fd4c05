// The Lua scripts of cluster mode. Each runs atomically in Redis, so every cluster-wide rule
// (room size, duplicate identity, revocation, who holds a session, the lock, who is host, who
// waits) is checked and applied in one step: two nodes admitting joins at once can never both
// see a free place, and two hosts answering one knock can never both end it.
//
// Scripts build the per-node and per-room keys they touch from the prefix they are given (the
// names of keys.ts): cluster mode needs one Redis (with replicas if wanted), not a Redis Cluster,
// where such keys could sit on other shards.

/**
 * Room moderation in Redis, prepended to the scripts that read or change it. Per room:
 *   state  hash: `locked` ('1'/'0', absent for a room not created yet), `v` (the version of the
 *          last change, from one cluster-wide counter so that it only ever grows), `seq` (arrival
 *          counter);
 *   hosts  hash peerId → '<seq>:<admin|host>' (seq orders `room-state.hosts`);
 *   knocks hash peerId → JSON {n: node, m?: name, i?: identity, a: seq}.
 * Members' entries carry `a`, their arrival seq: the longest-present member has the lowest.
 */
const MODERATION = `
local function roomKey(prefix, room, part) return prefix .. 'room:' .. room .. ':' .. part end

local function nextSeq(prefix, room) return redis.call('HINCRBY', roomKey(prefix, room, 'state'), 'seq', 1) end

local function bump(prefix, room)
  redis.call('HSET', roomKey(prefix, room, 'state'), 'v', redis.call('INCR', prefix .. 'version'))
end

local function bySeq(a, b) return a[2] < b[2] end

-- The lock, hosts and waiting list, as the nodes render them: {v, l, h = {peerId…}, w = {{p, m?}…}}.
local function snapshot(prefix, room)
  local state = roomKey(prefix, room, 'state')
  local hosts, waiting = {}, {}
  local raw = redis.call('HGETALL', roomKey(prefix, room, 'hosts'))
  for i = 1, #raw, 2 do hosts[#hosts + 1] = {raw[i], tonumber(string.match(raw[i + 1], '^%d+'))} end
  table.sort(hosts, bySeq)
  raw = redis.call('HGETALL', roomKey(prefix, room, 'knocks'))
  for i = 1, #raw, 2 do
    local knock = cjson.decode(raw[i + 1])
    waiting[#waiting + 1] = {{p = raw[i], m = knock.m}, knock.a}
  end
  table.sort(waiting, bySeq)
  local ids, infos = {}, {}
  for i, host in ipairs(hosts) do ids[i] = host[1] end
  for i, knock in ipairs(waiting) do infos[i] = knock[1] end
  return {v = tonumber(redis.call('HGET', state, 'v') or '0'), l = redis.call('HGET', state, 'locked') == '1', h = ids, w = infos}
end

-- In open mode a room whose last host left gets the longest-present member as host. True if one did.
local function handOver(prefix, room, byArrival)
  local hosts = roomKey(prefix, room, 'hosts')
  if byArrival ~= '1' or redis.call('HLEN', hosts) > 0 then return false end
  local best, bestSeq
  local raw = redis.call('HGETALL', roomKey(prefix, room, 'members'))
  for i = 1, #raw, 2 do
    local seq = cjson.decode(raw[i + 1]).a or 0
    if not bestSeq or seq < bestSeq then best, bestSeq = raw[i], seq end
  end
  if not best then return false end
  redis.call('HSET', hosts, best, nextSeq(prefix, room) .. ':host')
  return true
end

-- A member left: it is no host any more (the role may pass on). True when the hosts changed.
local function dropHost(prefix, room, peer, byArrival)
  if redis.call('HDEL', roomKey(prefix, room, 'hosts'), peer) == 0 then return false end
  handOver(prefix, room, byArrival)
  return true
end

-- A room with neither members nor knocks is gone, with its lock.
local function dropIfEmpty(prefix, room)
  if redis.call('HLEN', roomKey(prefix, room, 'members')) > 0 or redis.call('HLEN', roomKey(prefix, room, 'knocks')) > 0 then return end
  redis.call('DEL', roomKey(prefix, room, 'state'), roomKey(prefix, room, 'hosts'))
end

-- Refuses \`by\` unless it is a host of \`room\`.
local function isHost(prefix, room, by) return redis.call('HEXISTS', roomKey(prefix, room, 'hosts'), by) == 1 end

local function withMembers(reply, prefix, room)
  for _, value in ipairs(redis.call('HGETALL', roomKey(prefix, room, 'members'))) do reply[#reply + 1] = value end
  return reply
end
`

/**
 * KEYS: members, identities, the revocations sorted set.
 * ARGV: node, fresh peer id, resume peer id ('' none), name ('' none), identity ('' none),
 *       max peers, policy (replace|reject), room, key prefix, admin ('1'/'0'), lock new rooms
 *       ('1'/'0'), hosts by arrival ('1'/'0'), max waiting.
 * Returns {'room-full'} | {'identity-in-use'} | {'waiting', peerId, snapshot JSON, members…} |
 *         {'ok', peerId, name, resumed, fromNode, fromAlive, evictPeer, evictNode, hostsChanged,
 *          snapshot JSON, members…}
 * where members is a flat list of peerId, entry-JSON pairs. A fresh join (no usable resume token)
 * of a locked room knocks instead, unless it is a `room-admin` or, in open mode, the first member.
 */
export const JOIN = `${MODERATION}
local members, identities, revokedKey = KEYS[1], KEYS[2], KEYS[3]
local node, fresh, resume, name, identity, max, policy, room, prefix =
  ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6]), ARGV[7], ARGV[8], ARGV[9]
local admin, lockNew, byArrival, maxWaiting = ARGV[10], ARGV[11], ARGV[12], tonumber(ARGV[13])
local stateKey, hostsKey = roomKey(prefix, room, 'state'), roomKey(prefix, room, 'hosts')
local peer, resumed = fresh, 0
if resume ~= '' then
  local revokedUntil = redis.call('ZSCORE', revokedKey, resume)
  local now = redis.call('TIME')
  if not revokedUntil or tonumber(revokedUntil) <= tonumber(now[1]) * 1000 then peer, resumed = resume, 1 end
end
local locked = redis.call('HGET', stateKey, 'locked') or lockNew
if resumed == 0 and locked == '1' and admin ~= '1' and not (byArrival == '1' and redis.call('HLEN', members) == 0) then
  -- Refused now rather than at admission, so a knock never evicts anyone.
  if identity ~= '' and policy == 'reject' then
    local holder = redis.call('HGET', identities, identity)
    if holder and redis.call('HEXISTS', members, holder) == 1 then return {'identity-in-use'} end
  end
  local knocks = roomKey(prefix, room, 'knocks')
  if redis.call('HLEN', knocks) >= maxWaiting then return {'room-full'} end
  redis.call('HSET', stateKey, 'locked', locked)
  local knock = {n = node, a = nextSeq(prefix, room)}
  if name ~= '' then knock.m = name end
  if identity ~= '' then knock.i = identity end
  redis.call('HSET', knocks, fresh, cjson.encode(knock))
  redis.call('SADD', prefix .. 'node:' .. node .. ':peers', room .. ' ' .. fresh)
  bump(prefix, room)
  return withMembers({'waiting', fresh, cjson.encode(snapshot(prefix, room))}, prefix, room)
end
local existing = redis.call('HGET', members, peer)
local fromNode, fromAlive, arrival = '', 0, nil
if existing then
  local entry = cjson.decode(existing)
  fromNode, arrival = entry.n, entry.a
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
local hostsChanged = false
if evictPeer ~= '' then
  redis.call('HDEL', members, evictPeer)
  redis.call('SREM', prefix .. 'node:' .. evictNode .. ':peers', room .. ' ' .. evictPeer)
  hostsChanged = dropHost(prefix, room, evictPeer, byArrival)
end
redis.call('HSETNX', stateKey, 'locked', lockNew)
if not existing then
  arrival = nextSeq(prefix, room)
  if admin == '1' then
    redis.call('HSET', hostsKey, peer, arrival .. ':admin')
    hostsChanged = true
  elseif byArrival == '1' and redis.call('HLEN', hostsKey) == 0 then
    redis.call('HSET', hostsKey, peer, arrival .. ':host')
    hostsChanged = true
  end
end
if hostsChanged then bump(prefix, room) end
local entry = {n = node, a = arrival}
if name ~= '' then entry.m = name end
if identity ~= '' then
  entry.i = identity
  redis.call('HSET', identities, identity, peer)
end
redis.call('HSET', members, peer, cjson.encode(entry))
if fromNode ~= '' and fromNode ~= node then redis.call('SREM', prefix .. 'node:' .. fromNode .. ':peers', room .. ' ' .. peer) end
redis.call('SADD', prefix .. 'node:' .. node .. ':peers', room .. ' ' .. peer)
local reply = {'ok', peer, name, resumed, fromNode, fromAlive, evictPeer, evictNode, hostsChanged and '1' or '0', cjson.encode(snapshot(prefix, room))}
return withMembers(reply, prefix, room)
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
 * A session of this node ended: forget it, unless another node holds it by now. A host's role
 * passes on (open mode), and a room left with neither members nor knocks is deleted with its lock.
 * KEYS: members, identities, this node's peers set. ARGV: node, peer id, room, key prefix, hosts
 * by arrival ('1'/'0'). Returns {removed 0/1, hostsChanged 0/1, snapshot JSON, members…}.
 */
export const LEAVE = `${MODERATION}
local node, peer, room, prefix, byArrival = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local held = redis.call('HGET', KEYS[1], peer)
redis.call('SREM', KEYS[3], room .. ' ' .. peer)
if not held then return {0} end
local entry = cjson.decode(held)
if entry.n ~= node then return {0} end
redis.call('HDEL', KEYS[1], peer)
if entry.i and redis.call('HGET', KEYS[2], entry.i) == peer then redis.call('HDEL', KEYS[2], entry.i) end
local changed = dropHost(prefix, room, peer, byArrival)
if changed then bump(prefix, room) end
dropIfEmpty(prefix, room)
return withMembers({1, changed and 1 or 0, cjson.encode(snapshot(prefix, room))}, prefix, room)
`

/**
 * Reconciliation after Redis came back: (re-)records a session of this node, no limits applied
 * (it is in its room already), with the lock and host role this node last knew, so that a Redis
 * restarted empty gets them back. In open mode a room has one host: a role is restored only
 * into a room that has none (another node may have passed it on meanwhile).
 * KEYS: members, identities, this node's peers set. ARGV: node, peer id, name ('' none),
 * identity ('' none), room, key prefix, locked ('1'/'0'), host kind ('admin'/'host'/'' none),
 * hosts by arrival ('1'/'0').
 */
export const REGISTER = `${MODERATION}
local node, peer, name, identity, room, prefix, locked, kind, byArrival = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local held = redis.call('HGET', KEYS[1], peer)
local entry = {n = node, a = held and cjson.decode(held).a or nextSeq(prefix, room)}
if name ~= '' then entry.m = name end
if identity ~= '' then
  entry.i = identity
  redis.call('HSET', KEYS[2], identity, peer)
end
redis.call('HSET', KEYS[1], peer, cjson.encode(entry))
redis.call('SADD', KEYS[3], room .. ' ' .. peer)
redis.call('HSETNX', roomKey(prefix, room, 'state'), 'locked', locked)
local hosts = roomKey(prefix, room, 'hosts')
if kind ~= '' and (byArrival ~= '1' or redis.call('HLEN', hosts) == 0) and redis.call('HSETNX', hosts, peer, entry.a .. ':' .. kind) == 1 then
  bump(prefix, room)
end
return 1
`

/**
 * A dead node's sessions and knocks leave Redis (sessions another node resumed meanwhile stay);
 * hosts among them pass their role on. Idempotent: every survivor may run it. KEYS: nodes set.
 * ARGV: dead node, key prefix, hosts by arrival ('1'/'0').
 * Returns JSON: the rooms this run changed, [{r: room, c: hosts changed, e: [knocks ended…],
 * s: snapshot, n: [nodes with members there…]}].
 */
export const REAP = `${MODERATION}
local dead, prefix, byArrival = ARGV[1], ARGV[2], ARGV[3]
local peersKey = prefix .. 'node:' .. dead .. ':peers'
local rooms, order = {}, {}
local function touched(room)
  if not rooms[room] then
    rooms[room] = {r = room, c = false, e = {}}
    order[#order + 1] = room
  end
  return rooms[room]
end
for _, item in ipairs(redis.call('SMEMBERS', peersKey)) do
  local space = string.find(item, ' ', 1, true)
  local room, peer = string.sub(item, 1, space - 1), string.sub(item, space + 1)
  local members = roomKey(prefix, room, 'members')
  local held = redis.call('HGET', members, peer)
  if held then
    local entry = cjson.decode(held)
    if entry.n == dead then
      redis.call('HDEL', members, peer)
      local identities = roomKey(prefix, room, 'identities')
      if entry.i and redis.call('HGET', identities, entry.i) == peer then redis.call('HDEL', identities, entry.i) end
      local changes = touched(room)
      if dropHost(prefix, room, peer, byArrival) then changes.c = true end
    end
  end
  local knocks = roomKey(prefix, room, 'knocks')
  local knock = redis.call('HGET', knocks, peer)
  if knock and cjson.decode(knock).n == dead then
    redis.call('HDEL', knocks, peer)
    local ended = touched(room).e
    ended[#ended + 1] = peer
  end
end
local reply = {}
for _, room in ipairs(order) do
  local changes = rooms[room]
  if changes.c or #changes.e > 0 then bump(prefix, room) end
  dropIfEmpty(prefix, room)
  changes.s = snapshot(prefix, room)
  local nodes, seen = {}, {}
  local raw = redis.call('HGETALL', roomKey(prefix, room, 'members'))
  for i = 2, #raw, 2 do
    local n = cjson.decode(raw[i]).n
    if not seen[n] then
      seen[n] = true
      nodes[#nodes + 1] = n
    end
  end
  changes.n = nodes
  reply[#reply + 1] = changes
end
redis.call('DEL', peersKey)
redis.call('SREM', KEYS[1], dead)
return cjson.encode(reply)
`

/**
 * Host actions. Each checks that \`by\` is a host of the room, applies the action and returns the
 * new snapshot with the members (whose nodes hear of it). ARGV of all: room, by, key prefix, then
 * their own. Refusals: {'not-permitted'} | {'unknown-peer'}.
 */

/** ARGV: …, locked ('1'/'0'). Returns {'ok', changed 0/1, snapshot JSON, members…}. */
export const LOCK = `${MODERATION}
local room, by, prefix, locked = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if not isHost(prefix, room, by) then return {'not-permitted'} end
local stateKey = roomKey(prefix, room, 'state')
if redis.call('HGET', stateKey, 'locked') == locked then return {'ok', 0} end
redis.call('HSET', stateKey, 'locked', locked)
bump(prefix, room)
return withMembers({'ok', 1, cjson.encode(snapshot(prefix, room))}, prefix, room)
`

/**
 * \`by\` makes \`peer\` a host; a host by arrival gives its own role up, a \`room-admin\` keeps it.
 * ARGV: …, peer. Returns {'ok', changed 0/1, snapshot JSON, members…}.
 */
export const MAKE_HOST = `${MODERATION}
local room, by, prefix, peer = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if not isHost(prefix, room, by) then return {'not-permitted'} end
if redis.call('HEXISTS', roomKey(prefix, room, 'members'), peer) == 0 then return {'unknown-peer'} end
if peer == by then return {'ok', 0} end
local hosts = roomKey(prefix, room, 'hosts')
local changed = false
if redis.call('HEXISTS', hosts, peer) == 0 then
  redis.call('HSET', hosts, peer, nextSeq(prefix, room) .. ':host')
  changed = true
end
local own = redis.call('HGET', hosts, by)
if string.match(own, ':host$') then
  redis.call('HDEL', hosts, by)
  changed = true
end
if not changed then return {'ok', 0} end
bump(prefix, room)
return withMembers({'ok', 1, cjson.encode(snapshot(prefix, room))}, prefix, room)
`

/**
 * \`by\` admits a waiting knock: it becomes a member (on the node holding its socket) in the same
 * step as the room size and duplicate-identity checks, so two hosts admitting at once, or a
 * timeout racing an admission, end one knock once. ARGV: …, peer, max peers, policy.
 * Returns {'room-full'} | {'identity-in-use'} |
 *         {'ok', knockNode, identity, evictPeer, evictNode, snapshot JSON, members…}.
 */
export const ADMIT = `${MODERATION}
local room, by, prefix, peer, max, policy = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6]
if not isHost(prefix, room, by) then return {'not-permitted'} end
local knocks, members = roomKey(prefix, room, 'knocks'), roomKey(prefix, room, 'members')
local raw = redis.call('HGET', knocks, peer)
if not raw then return {'unknown-peer'} end
local knock = cjson.decode(raw)
local identities = roomKey(prefix, room, 'identities')
local evictPeer, evictNode = '', ''
if knock.i then
  local holder = redis.call('HGET', identities, knock.i)
  local held = holder and redis.call('HGET', members, holder)
  if held then
    if policy == 'reject' then return {'identity-in-use'} end
    evictPeer, evictNode = holder, cjson.decode(held).n
  end
end
local size = redis.call('HLEN', members)
if evictPeer ~= '' then size = size - 1 end
if size >= max then return {'room-full'} end
if evictPeer ~= '' then
  redis.call('HDEL', members, evictPeer)
  redis.call('SREM', prefix .. 'node:' .. evictNode .. ':peers', room .. ' ' .. evictPeer)
  redis.call('HDEL', roomKey(prefix, room, 'hosts'), evictPeer)
end
redis.call('HDEL', knocks, peer)
local entry = {n = knock.n, a = nextSeq(prefix, room), m = knock.m, i = knock.i}
if knock.i then redis.call('HSET', identities, knock.i, peer) end
redis.call('HSET', members, peer, cjson.encode(entry))
bump(prefix, room)
return withMembers({'ok', knock.n, knock.i or '', evictPeer, evictNode, cjson.encode(snapshot(prefix, room))}, prefix, room)
`

/** ARGV: …, peer. Returns {'ok', knockNode, snapshot JSON, members…}. */
export const DENY = `${MODERATION}
local room, by, prefix, peer = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if not isHost(prefix, room, by) then return {'not-permitted'} end
local knocks = roomKey(prefix, room, 'knocks')
local raw = redis.call('HGET', knocks, peer)
if not raw then return {'unknown-peer'} end
local node = cjson.decode(raw).n
redis.call('HDEL', knocks, peer)
redis.call('SREM', prefix .. 'node:' .. node .. ':peers', room .. ' ' .. peer)
bump(prefix, room)
return withMembers({'ok', node, cjson.encode(snapshot(prefix, room))}, prefix, room)
`

/**
 * \`by\` removes \`peer\`: its resume tokens are revoked (as \`leave\` does, bounded alike) in the same
 * step; the node holding it ends the session. ARGV: …, peer, revocation ttl ms, max revocations.
 * Returns {'ok', node holding the peer}.
 */
export const REMOVE = `${MODERATION}
local room, by, prefix, peer, ttl, max = ARGV[1], ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
if not isHost(prefix, room, by) then return {'not-permitted'} end
local held = peer ~= by and redis.call('HGET', roomKey(prefix, room, 'members'), peer)
if not held then return {'unknown-peer'} end
local revoked = prefix .. 'revoked'
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', revoked, '-inf', nowMs)
redis.call('ZADD', revoked, nowMs + ttl, peer)
local surplus = redis.call('ZCARD', revoked) - max
if surplus > 0 then redis.call('ZPOPMIN', revoked, surplus) end
return {'ok', cjson.decode(held).n}
`

/**
 * A knock of this node ended on its own (timed out, or the knocker left), unless a host answered
 * it first. ARGV: room, peer, key prefix, node. Returns {1, snapshot JSON, members…} when this call
 * ended it, else {0}.
 */
export const END_KNOCK = `${MODERATION}
local room, peer, prefix, node = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local knocks = roomKey(prefix, room, 'knocks')
local raw = redis.call('HGET', knocks, peer)
if not raw or cjson.decode(raw).n ~= node then return {0} end
redis.call('HDEL', knocks, peer)
redis.call('SREM', prefix .. 'node:' .. node .. ':peers', room .. ' ' .. peer)
bump(prefix, room)
dropIfEmpty(prefix, room)
return withMembers({1, cjson.encode(snapshot(prefix, room))}, prefix, room)
`

/** The moderation snapshot of a room (after a reconciliation). ARGV: room, key prefix. */
export const SNAPSHOT = `${MODERATION}
return cjson.encode(snapshot(ARGV[2], ARGV[1]))
`

/**
 * After a Redis restart the version counter starts again at 0: a node raises it past the newest
 * version it has seen, so that what changes next is newer than every node's view. ARGV: version.
 */
export const RAISE_VERSION = `
local key = KEYS[1]
if tonumber(redis.call('GET', key) or '0') < tonumber(ARGV[1]) then redis.call('SET', key, ARGV[1]) end
return 1
`
