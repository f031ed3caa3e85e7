// A gzip stream built from deflate blocks cached per run of groups: a scrape compresses only what changed.
import zlib from 'node:zlib';
import type { StoredFamily } from '../model/group.ts';
import { crc32Combine, crc32Shift } from './crc32-combine.ts';

/** One family of a scrape body: chunks that lead it (header, own series), then one part per stored family. */
export interface FamilyChunks {
  readonly name: string;
  /** Sent before the stored parts; compressed once per distinct Uint8Array (a cached header is reused). */
  readonly lead: readonly Uint8Array[];
  readonly stored: readonly StoredFamily[];
}

/** Raw deflate of some bytes, ended with a sync flush so blocks can follow it, plus what the trailer needs. */
interface Deflated {
  readonly bytes: Uint8Array;
  readonly crc: number;
  readonly length: number;
  readonly shift: number;
}

/** The deflated bytes of a run of one family's stored parts, valid while those exact parts are current. */
interface Run extends Deflated {
  readonly parts: readonly StoredFamily[];
  readonly builtAt: number;
  readonly level: number;
  usedIn: number;
}

// Minimal gzip header: deflate, no name, no mtime, unknown OS. The final empty block and the trailer end it.
const GZIP_HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const FINAL_EMPTY_BLOCK = new Uint8Array([0x03, 0x00]);

/** Bytes aimed at per run: big enough for deflate's 32 KiB window to pay off, small enough to rebuild cheaply. */
const RUN_TARGET_BYTES = 128 * 1024;
/** A run rebuilt again within this time is churning (the mixed load): compress it fast rather than small. */
const CHURN_MS = 10_000;
const LEVEL_STABLE = 6;
const LEVEL_CHURN = 1;
/** Fast-compressed runs that have since stopped changing are recompressed small, this many per scrape at most. */
const UPGRADES_PER_SCRAPE = 32;

/**
 * The gzip form of one scrape format. Each family's stored parts are cut into runs of groups at fixed
 * positions; a run whose parts are all the same objects as last time reuses its compressed bytes, so a
 * scrape after one push compresses one run per family the push replaced. The gzip trailer's CRC is
 * combined from the blocks' CRCs, so the body is never looked at whole. Output chunks are shared with the
 * cache and must not be mutated.
 */
export class GzipRuns {
  readonly #bytesOf: (stored: StoredFamily) => Uint8Array;
  readonly #runs = new Map<string, Run>();
  readonly #partsPerRun = new Map<string, { per: number; usedIn: number }>();
  readonly #leadBlocks = new WeakMap<Uint8Array, Deflated>();
  #scrapes = 0;
  #upgradesLeft = 0;
  /** How many runs have been compressed: lets tests count the work a scrape does instead of timing it. */
  runsCompressed = 0;

  /** `bytesOf` gives a stored family's part in this format; it must return the same bytes while the family lives. */
  constructor(bytesOf: (stored: StoredFamily) => Uint8Array) {
    this.#bytesOf = bytesOf;
  }

  /** One gzip stream of the families' chunks, in order, as chunks to send. `nowMs` dates rebuilt runs. */
  compress(families: Iterable<FamilyChunks>, nowMs: number): Uint8Array[] {
    const scrape = ++this.#scrapes;
    this.#upgradesLeft = UPGRADES_PER_SCRAPE;
    const out: Uint8Array[] = [GZIP_HEADER];
    let crc = 0;
    let length = 0;
    const append = (block: Deflated): void => {
      out.push(block.bytes);
      crc = crc32Combine(crc, block.crc, block.shift);
      length += block.length;
    };
    for (const family of families) {
      for (const lead of family.lead) append(this.#leadBlock(lead));
      const per = this.#runSize(family, scrape);
      for (let start = 0, index = 0; start < family.stored.length; start += per, index++) {
        append(this.#run(family, start, Math.min(start + per, family.stored.length), index, scrape, nowMs));
      }
    }
    out.push(FINAL_EMPTY_BLOCK, trailer(crc, length));
    // Runs and families that this scrape did not show are gone (groups deleted, families dropped).
    for (const [key, run] of this.#runs) if (run.usedIn !== scrape) this.#runs.delete(key);
    for (const [name, size] of this.#partsPerRun) if (size.usedIn !== scrape) this.#partsPerRun.delete(name);
    return out;
  }

  #run(family: FamilyChunks, start: number, end: number, index: number, scrape: number, nowMs: number): Run {
    const key = `${family.name}\n${index}`;
    const cached = this.#runs.get(key);
    const unchanged = cached !== undefined && sameParts(cached.parts, family.stored, start, end);
    const upgrade = unchanged && cached.level !== LEVEL_STABLE && nowMs - cached.builtAt >= CHURN_MS && this.#upgradesLeft > 0;
    if (unchanged && !upgrade) {
      cached.usedIn = scrape;
      return cached;
    }
    if (upgrade) this.#upgradesLeft--;
    this.runsCompressed++;
    const parts = family.stored.slice(start, end);
    const level = cached !== undefined && !upgrade && nowMs - cached.builtAt < CHURN_MS ? LEVEL_CHURN : LEVEL_STABLE;
    const run: Run = { ...deflate(parts.map(this.#bytesOf), level), parts, builtAt: nowMs, level, usedIn: scrape };
    this.#runs.set(key, run);
    return run;
  }

  // Fixed per family name from the first part seen, so that changing values never move run boundaries.
  #runSize(family: FamilyChunks, scrape: number): number {
    let size = this.#partsPerRun.get(family.name);
    if (size === undefined) {
      const first = family.stored[0] === undefined ? 1 : this.#bytesOf(family.stored[0]).length;
      size = { per: Math.max(8, Math.min(4096, Math.floor(RUN_TARGET_BYTES / Math.max(1, first)))), usedIn: scrape };
      this.#partsPerRun.set(family.name, size);
    }
    size.usedIn = scrape;
    return size.per;
  }

  // Lead chunks that come back as the same object (cached headers) are compressed once; fresh ones (the
  // gateway's own series, rendered per scrape) each time, fast.
  #leadBlock(lead: Uint8Array): Deflated {
    let block = this.#leadBlocks.get(lead);
    if (block === undefined) {
      block = deflate([lead], LEVEL_CHURN);
      this.#leadBlocks.set(lead, block);
    }
    return block;
  }
}

function sameParts(cached: readonly StoredFamily[], stored: readonly StoredFamily[], start: number, end: number): boolean {
  if (cached.length !== end - start) return false;
  for (let i = start; i < end; i++) if (cached[i - start] !== stored[i]) return false;
  return true;
}

// Where a run's parts are joined before deflating: reused, because a fresh join per run left a whole
// body's worth of garbage (~100 MB at 600k series) after a cold scrape or a warm-up, in RSS for seconds.
let joined = new Uint8Array(2 * RUN_TARGET_BYTES);

function deflate(parts: readonly Uint8Array[], level: number): Deflated {
  let bytes = parts[0] ?? new Uint8Array(0);
  if (parts.length > 1) {
    let length = 0;
    for (const part of parts) length += part.length;
    if (length > joined.length) joined = new Uint8Array(Math.max(length, 2 * joined.length));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    bytes = joined.subarray(0, length);
  }
  return {
    bytes: zlib.deflateRawSync(bytes, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
    // node:zlib's crc32 is the hardware one: ~35x faster than Bun.hash.crc32 here, same values.
    crc: zlib.crc32(bytes),
    length: bytes.length,
    shift: crc32Shift(bytes.length),
  };
}

function trailer(crc: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, length % 2 ** 32, true); // ISIZE is the length modulo 2^32
  return bytes;
}
