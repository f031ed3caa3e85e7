// The two Lua scripts that are the replicas' whole protocol with Redis: commit a batch of changes if nothing came first, and read the whole state at once.

/** A Lua script and its SHA-1, by which EVALSHA runs it once Redis has seen it. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): LuaScript {
  return { source, sha: new Bun.CryptoHasher('sha1').update(source).digest('hex') };
}

/**
 * Commits a batch of changes, all or none. KEYS: the version counter, the groups hash, the change stream, the
 * notice stream, the key-versions sorted set. ARGV: the version V the batch was decided at, the window W (the
 * stream's approximate length bound, and how many versions back the key versions reach), the time (Unix ms)
 * after which the replica has answered 503 and nothing may be made any more, the bytes before the group's
 * bytes in a `set` record, how many read keys follow, those keys (store/state-keys.ts: the state the batch's
 * decisions read); then per change: what it does to the hash (`set`, `delete`, `wipe`), its record
 * (persist/journal-format.ts), how many group keys follow, those keys, how many state keys it writes, those
 * keys. Each change gets the next version and a stream entry of its own, so a reader replays them one by
 * one, a notice of that version under the same id, and that version as the score of each state key it
 * writes (member: the key, score: the version of the last change that wrote it).
 *
 * The check: if Redis is at V nothing changed since the decisions; if it is behind V (it lost its state) they
 * are refused; if it is past V, they stand only when V is within the window (V >= version - W), no read key,
 * nor `*`, was written after V, and no read key is `*`. Proof that this keeps every replica's verdicts those
 * of one gateway applying the changes in version order: the decisions were made on the mirror holding
 * exactly the changes 1..V. A decision is a deterministic function of the state it reads (the group, its
 * grouping-shape neighbours, the name index entries of the names and suffix-siblings it looks up, its job's
 * group count, the shapes) and of the write; Store.decide notes every such read as a key, and every change
 * names every key whose state it alters (state-keys.ts writtenKeysOf; what it cannot name precisely is `*`).
 * If no read key was written by changes V+1..now, each value read at V is the value now, so the decision
 * made now, after those changes, would read the same and decide the same: committing it after them is what
 * one gateway would do. A batch's later decisions read its earlier ones' changes, which commit together with
 * them. A batch without changes only checks.
 *
 * Why the check still sees every write after V although the set is bounded: each batch that writes ends by
 * dropping every key scored at most its last version minus W, and a wipe drops them all and scores `*`. Let
 * N be the version now. Every drop so far was made at some version N' <= N, so it dropped only scores
 * <= N' - W <= N - W. A key last written at s > N - W is therefore still scored s, unless a wipe at w > s
 * dropped it; then `*` scores w or more (a later wipe only scores it higher), above N - W, so it was not
 * dropped either. Take a batch with N - W <= V < N that read a key written at some s > V: s > N - W, so
 * that key scores s > V, or `*` scores above s > V, and the batch is refused exactly as the unbounded check
 * would refuse it. A batch with V < N - W is refused outright, as Redis can no longer tell: the replica
 * catches up and decides again (with W the stream's bound, one that far behind is at the stream's end anyway).
 *
 * Returns `{1, last version, last stream id, version before the batch}` (`{1, version}` without changes);
 * `{0, current version}` when the check fails; `{2, current version}` when it came too late (a Redis that
 * stalled runs the commands it had received once it resumes: this keeps a change the client was told failed
 * from appearing later, as far as Redis's clock and the replica's agree). In the last two cases nothing was
 * written. One script, so the check and every write are one atomic step on Redis.
 */
export const COMMIT = script(`
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
local base = tonumber(ARGV[1])
local reads = tonumber(ARGV[5])
if version < base then return {0, version} end
local window = tonumber(ARGV[2])
if version > base then
  -- Keys last written at base or before may have been dropped (see the window above): none can be checked.
  if base < version - window then return {0, version} end
  local fields = {'*'}
  for k = 6, 5 + reads do
    if ARGV[k] == '*' then return {0, version} end
    fields[#fields + 1] = ARGV[k]
  end
  for from = 1, #fields, 1000 do
    local seen = redis.call('ZMSCORE', KEYS[5], unpack(fields, from, math.min(from + 999, #fields)))
    for _, v in ipairs(seen) do
      if v and tonumber(v) > base then return {0, version} end
    end
  end
end
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[3]) then return {2, version} end
local prior = version
local skip = tonumber(ARGV[4]) + 1
local id
local i = 6 + reads
while i <= #ARGV do
  local op, record, count = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if op == 'set' then
    redis.call('HSET', KEYS[2], ARGV[i + 3], string.sub(record, skip))
  elseif op == 'delete' then
    for k = i + 3, i + 2 + count do redis.call('HDEL', KEYS[2], ARGV[k]) end
  elseif op == 'wipe' then
    redis.call('DEL', KEYS[2])
    -- It writes '*' at this version, which every check compares: no older key's version is needed any more.
    redis.call('DEL', KEYS[5])
  end
  version = version + 1
  id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'v', version, 'r', record)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], id, 'v', version)
  local w = i + 3 + count
  local writes = tonumber(ARGV[w])
  -- ZADD version key version key …, at most 500 keys a call (Lua's unpack has a stack limit).
  for from = w + 1, w + writes, 500 do
    local scored = {}
    for k = from, math.min(from + 499, w + writes) do
      scored[#scored + 1] = version
      scored[#scored + 1] = ARGV[k]
    end
    redis.call('ZADD', KEYS[5], unpack(scored))
  end
  i = w + 1 + writes
end
if id then
  redis.call('SET', KEYS[1], version)
  -- Keys last written W or more versions ago: a check that would need them refuses by the window instead.
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', version - window)
end
return {1, version, id, prior}
`);

/**
 * KEYS as COMMIT's. Returns `{version, {key, group bytes, …}, id of the stream's last entry or 0-0}`: the
 * state and where the stream stood, read in one atomic step, so tailing from that id misses nothing and
 * repeats nothing the state already holds.
 */
export const SNAPSHOT = script(`
local version = redis.call('GET', KEYS[1]) or '0'
local last = redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', 1)
local id = '0-0'
if #last > 0 then id = last[1][1] end
return {version, redis.call('HGETALL', KEYS[2]), id}
`);
