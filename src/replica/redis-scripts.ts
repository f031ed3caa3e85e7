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
 * notice stream. ARGV: the version the batch was decided at, the stream's approximate length bound, the time
 * (Unix ms) after which the replica has answered 503 and nothing may be made any more, the bytes before the
 * group's bytes in a `set` record; then per change: what it does to the hash (`set`, `delete`, `wipe`), its
 * record (persist/journal-format.ts), how many group keys follow, those keys. Each change gets the next
 * version and a stream entry of its own, so a reader replays them one by one, and a notice of that version
 * under the same id. A batch without changes only checks the version (its writes were decided on the latest
 * state). Returns `{1, last version, last stream id}` (`{1, version}` without changes); `{0, current version}`
 * when another change came first; `{2, current version}` when it came too late (a Redis that stalled runs the
 * commands it had received once it resumes: this keeps a change the client was told failed from appearing
 * later, as far as Redis's clock and the replica's agree). In the last two cases nothing was written. One
 * script, so the check and every write are one atomic step on Redis: two replicas can never both commit
 * changes decided at the same version.
 */
export const COMMIT = script(`
local version = tonumber(redis.call('GET', KEYS[1]) or '0')
if version ~= tonumber(ARGV[1]) then return {0, version} end
local now = redis.call('TIME')
if tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000) > tonumber(ARGV[3]) then return {2, version} end
local skip = tonumber(ARGV[4]) + 1
local id
local i = 5
while i <= #ARGV do
  local op, record, count = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  if op == 'set' then
    redis.call('HSET', KEYS[2], ARGV[i + 3], string.sub(record, skip))
  elseif op == 'delete' then
    for k = i + 3, i + 2 + count do redis.call('HDEL', KEYS[2], ARGV[k]) end
  elseif op == 'wipe' then
    redis.call('DEL', KEYS[2])
  end
  version = version + 1
  id = redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', 'v', version, 'r', record)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[2], id, 'v', version)
  i = i + 3 + count
end
if id then redis.call('SET', KEYS[1], version) end
return {1, version, id}
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
