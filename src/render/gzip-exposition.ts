// The text exposition gzipped from deflate blocks cached per run of groups: a scrape compresses only what changed.
import zlib from 'node:zlib';
import type { Group, StoredFamily } from '../model/group.ts';
import { crc32Combine, crc32Shift } from './crc32-combine.ts';
import { textHeaders } from './exposition.ts';
import { type MergedFamily, type OwnFamily, mergeFamilies } from './family-merge.ts';

/** Raw deflate of some bytes, ended with a sync flush so blocks can follow it, plus what the trailer needs. */
interface Deflated {
  readonly bytes: Uint8Array;
  readonly crc: number;
  readonly length: number;
  readonly shift: number;
}

/** The deflated text of a run of one family's stored parts, valid while those exact parts are current. */
interface Segment extends Deflated {
  readonly parts: readonly StoredFamily[];
  readonly builtAt: number;
  readonly level: number;
  usedIn: number;
}

// Minimal gzip header: deflate, no name, no mtime, unknown OS. The final empty block and the trailer end it.
const GZIP_HEADER = new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
const FINAL_EMPTY_BLOCK = new Uint8Array([0x03, 0x00]);

/** Bytes of text aimed at per segment: big enough for deflate's 32 KiB window to pay off, small enough to rebuild cheaply. */
const SEGMENT_TARGET_BYTES = 128 * 1024;
/** A segment rebuilt again within this time is churning (the mixed load): compress it fast rather than small. */
const CHURN_MS = 10_000;
const LEVEL_STABLE = 6;
const LEVEL_CHURN = 1;
/** Fast-compressed runs that have since stopped changing are recompressed small, this many per scrape at most. */
const UPGRADES_PER_SCRAPE = 32;

const segments = new Map<string, Segment>();
const partsPerSegment = new Map<string, { per: number; usedIn: number }>();
const headerBlocks = new WeakMap<Uint8Array, Deflated>();
let scrapes = 0;
let upgradesLeft = 0;
let runsCompressed = 0;

/** How many runs have been compressed since start: lets tests count the work a scrape does instead of timing it. */
export function compressedRunCount(): number {
  return runsCompressed;
}

/**
 * The same body as renderExposition, as one gzip stream in chunks: a header, deflate blocks, a final
 * empty block and a trailer whose CRC is combined from the blocks' CRCs. Each family's stored parts are cut
 * into runs of groups at fixed positions; a run whose parts are all unchanged since the last scrape reuses
 * its compressed bytes, so a scrape after one push compresses one run per family it touched. Output bytes
 * are shared with the cache and must not be mutated.
 */
export function renderGzipExposition(groups: readonly Group[], own: readonly OwnFamily[], nowMs: number): Uint8Array[] {
  const scrape = ++scrapes;
  upgradesLeft = UPGRADES_PER_SCRAPE;
  const out: Uint8Array[] = [GZIP_HEADER];
  let crc = 0;
  let length = 0;
  const append = (block: Deflated): void => {
    out.push(block.bytes);
    crc = crc32Combine(crc, block.crc, block.shift);
    length += block.length;
  };
  for (const family of mergeFamilies(groups, own)) {
    append(headerBlock(textHeaders.get(family)));
    if (family.own !== undefined) append(deflate([family.own.text], LEVEL_CHURN));
    const per = segmentSize(family, scrape);
    for (let start = 0, index = 0; start < family.stored.length; start += per, index++) {
      append(segment(family, start, Math.min(start + per, family.stored.length), index, scrape, nowMs));
    }
  }
  out.push(FINAL_EMPTY_BLOCK, trailer(crc, length));
  // Runs and families that this scrape did not show are gone (groups deleted, families dropped).
  for (const [key, cached] of segments) if (cached.usedIn !== scrape) segments.delete(key);
  for (const [name, size] of partsPerSegment) if (size.usedIn !== scrape) partsPerSegment.delete(name);
  return out;
}

function segment(family: MergedFamily, start: number, end: number, index: number, scrape: number, nowMs: number): Segment {
  const key = `${family.name}\n${index}`;
  const cached = segments.get(key);
  const unchanged = cached !== undefined && sameParts(cached.parts, family.stored, start, end);
  const upgrade = unchanged && cached.level !== LEVEL_STABLE && nowMs - cached.builtAt >= CHURN_MS && upgradesLeft > 0;
  if (unchanged && !upgrade) {
    cached.usedIn = scrape;
    return cached;
  }
  if (upgrade) upgradesLeft--;
  runsCompressed++;
  const parts = family.stored.slice(start, end);
  const level = cached !== undefined && !upgrade && nowMs - cached.builtAt < CHURN_MS ? LEVEL_CHURN : LEVEL_STABLE;
  const built: Segment = { ...deflate(parts.map((p) => p.text), level), parts, builtAt: nowMs, level, usedIn: scrape };
  segments.set(key, built);
  return built;
}

function sameParts(cached: readonly StoredFamily[], stored: readonly StoredFamily[], start: number, end: number): boolean {
  if (cached.length !== end - start) return false;
  for (let i = start; i < end; i++) if (cached[i - start] !== stored[i]) return false;
  return true;
}

// Fixed per family name from the first part seen, so that changing values never move segment boundaries.
function segmentSize(family: MergedFamily, scrape: number): number {
  let size = partsPerSegment.get(family.name);
  if (size === undefined) {
    const first = family.stored[0]?.text.length ?? 1;
    size = { per: Math.max(8, Math.min(4096, Math.floor(SEGMENT_TARGET_BYTES / Math.max(1, first)))), usedIn: scrape };
    partsPerSegment.set(family.name, size);
  }
  size.usedIn = scrape;
  return size.per;
}

function headerBlock(header: Uint8Array): Deflated {
  let block = headerBlocks.get(header);
  if (block === undefined) {
    block = deflate([header], LEVEL_STABLE);
    headerBlocks.set(header, block);
  }
  return block;
}

function deflate(parts: readonly Uint8Array[], level: number): Deflated {
  const text = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  return {
    bytes: zlib.deflateRawSync(text, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
    crc: Bun.hash.crc32(text),
    length: text.length,
    shift: crc32Shift(text.length),
  };
}

function trailer(crc: number, length: number): Uint8Array {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, crc >>> 0, true);
  view.setUint32(4, length % 2 ** 32, true); // ISIZE is the length modulo 2^32
  return bytes;
}
