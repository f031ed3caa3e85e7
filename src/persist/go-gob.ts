// Reads the Go Pushgateway's --persistence.file (a gob stream of its whole store, SPEC §8) into groups of protobuf families.
import { GobReader, persistenceError } from './gob-reader.ts';
import { FIRST_USER_ID, GOB_STRING_ID, type GobType, readTypeDefinition } from './gob-types.ts';

/** One family of a Go group: its name, when it was pushed, and the MetricFamily exactly as Go stored it. */
export interface GoFamily {
  readonly name: string;
  /**
   * The family's `Timestamp` in ms since the Unix epoch, fractional (Go keeps nanoseconds). A family
   * stored without a timestamp (Go's zero time, which gob leaves out) gives −62 135 596 800 000, year 1.
   */
  readonly pushedAtMs: number;
  /** One `io.prometheus.client.MetricFamily` message, not length-delimited. */
  readonly protobuf: Uint8Array;
}

/** One Go group: its grouping labels and its families (push_time_seconds and push_failure_time_seconds among them). */
export interface GoGroup {
  /** Flat `[name0, value0, name1, value1, …]`, sorted by name. */
  readonly labels: string[];
  /** In the order of the file (Go writes its maps in random order). */
  readonly families: GoFamily[];
}

/** The name Go's gob encoder gives the store's map type, the first thing in every Pushgateway file since 0.10. */
const STORE_TYPE_NAME = 'GroupingKeyToMetricGroup';

// Seconds from Go's time zero (1 January of year 1, UTC) to the Unix epoch.
const GO_SECONDS_BEFORE_UNIX_EPOCH = 62_135_596_800;
const GO_ZERO_TIME_MS = -GO_SECONDS_BEFORE_UNIX_EPOCH * 1000;

/**
 * Decodes a file the Go Pushgateway wrote with `--persistence.file`: type definitions (any number,
 * including the many the gateway sends for dto.MetricFamily's fields and never uses), then one value of
 * the schema `map[string]struct{Labels map[string]string; Metrics map[string]struct{Timestamp time.Time;
 * GobbableMetricFamily <GobEncoder: protobuf bytes>}}`, then the end of the data.
 *
 * Groups come in file order; each `protobuf` is a view into `bytes` (not a copy), valid while the caller
 * leaves `bytes` unchanged. Throws an Error `go persistence file: <what> at byte <offset>` for an empty,
 * cut-off or corrupt stream, for any other schema (a different field, type or kind), for bytes after the
 * store, for a label name or value or a family name that is not UTF-8, and for a name given twice. Work and memory are
 * bounded by the input's length.
 */
export function decodeGoPersistence(bytes: Uint8Array): GoGroup[] {
  if (bytes.length === 0) throw persistenceError('the file is empty', 0);
  const reader = new GobReader(bytes);
  const types = new Map<number, GobType>();
  for (;;) {
    if (reader.atDataEnd) throw persistenceError('unexpected end of data (type definitions but no store)', reader.offset);
    reader.enterMessage();
    const idOffset = reader.offset;
    const id = reader.readInt();
    if (id < 0) {
      readTypeDefinition(reader, -id, types, idOffset);
      reader.leaveMessage('a type definition');
      continue;
    }
    const schema = resolveSchema(types, id, idOffset);
    // A value that is not a struct is sent as a "singleton": a zero field delta, then the value.
    if (reader.readUint() !== 0) throw persistenceError('corrupt store value (non-zero delta for a singleton)', reader.offset - 1);
    const groups = readGroups(reader, schema);
    reader.leaveMessage('the store');
    // Go's gateway writes one value per file; anything after it is not a file it wrote.
    if (!reader.atDataEnd) throw persistenceError('unexpected data after the store', reader.offset);
    return groups;
  }
}

/**
 * A cheap look at the first bytes: true when they are a gob type definition of the Go gateway's store
 * map (`GroupingKeyToMetricGroup`), the first message of every file it writes. Reads at most the first
 * 256 bytes; never throws. True does not promise that `decodeGoPersistence` succeeds.
 */
export function looksLikeGoPersistence(bytes: Uint8Array): boolean {
  const reader = new GobReader(bytes.subarray(0, 256));
  try {
    reader.enterMessage();
    const idOffset = reader.offset;
    const id = reader.readInt();
    if (id >= 0) return false;
    const types = new Map<number, GobType>();
    readTypeDefinition(reader, -id, types, idOffset);
    const type = types.get(-id);
    return type?.kind === 'map' && type.name === STORE_TYPE_NAME;
  } catch {
    return false;
  }
}

/**
 * Where the parts of the schema sit in the stream's own struct definitions: gob numbers a struct's fields
 * by their order in the definition it sent, so Labels is whichever number the stream gave it. Each struct
 * has exactly two fields (`fieldsOf`): the group's other one is Metrics, the family's GobbableMetricFamily.
 */
interface Schema {
  readonly labelsField: number;
  readonly timestampField: number;
}

/** Checks that type `rootId` has the Pushgateway's shape and finds its fields; throws naming the first type that differs. */
function resolveSchema(types: ReadonlyMap<number, GobType>, rootId: number, offset: number): Schema {
  const store = stringMapOf(types, rootId, offset);
  const group = structOf(types, store.elemId, offset);
  const [labelsField, metricsField] = fieldsOf(group, ['Labels', 'Metrics'], offset);
  const labels = stringMapOf(types, group.fields[labelsField]!.typeId, offset);
  if (labels.elemId !== GOB_STRING_ID) throw notTheSchema(labels, 'its values are not strings', offset);
  const metrics = stringMapOf(types, group.fields[metricsField]!.typeId, offset);
  const family = structOf(types, metrics.elemId, offset);
  const [timestampField, familyField] = fieldsOf(family, ['Timestamp', 'GobbableMetricFamily'], offset);
  // time.Time is a GobEncoder (a BinaryMarshaler too, which gob would use for a type without GobEncode).
  const timestamp = types.get(family.fields[timestampField]!.typeId);
  if (timestamp?.kind !== 'gob-encoder' && timestamp?.kind !== 'binary-marshaler') {
    throw notTheSchema(family, 'its Timestamp is not a time.Time', offset);
  }
  if (types.get(family.fields[familyField]!.typeId)?.kind !== 'gob-encoder') {
    throw notTheSchema(family, 'its GobbableMetricFamily is not a GobEncoder', offset);
  }
  return { labelsField, timestampField };
}

type MapType = Extract<GobType, { kind: 'map' }>;
type StructType = Extract<GobType, { kind: 'struct' }>;

function stringMapOf(types: ReadonlyMap<number, GobType>, id: number, offset: number): MapType {
  const type = definedType(types, id, 'map', offset);
  if (type.kind !== 'map') throw notTheSchema(type, `it is a ${type.kind} type, not a map`, offset);
  if (type.keyId !== GOB_STRING_ID) throw notTheSchema(type, 'its keys are not strings', offset);
  return type;
}

function structOf(types: ReadonlyMap<number, GobType>, id: number, offset: number): StructType {
  const type = definedType(types, id, 'struct', offset);
  if (type.kind !== 'struct') throw notTheSchema(type, `it is a ${type.kind} type, not a struct`, offset);
  return type;
}

/**
 * The field numbers of `names` in `type`, which must have exactly these fields. Go would skip a field
 * it does not know; we refuse it, as it would mean a schema we have not seen (and every field we accept
 * is one we read, so the value can never be read out of step).
 */
function fieldsOf(type: StructType, names: readonly [string, string], offset: number): [number, number] {
  const [first, second] = names.map((name) => type.fields.findIndex((field) => field.name === name));
  if (first === undefined || first < 0) throw notTheSchema(type, `it has no field "${names[0]}"`, offset);
  if (second === undefined || second < 0) throw notTheSchema(type, `it has no field "${names[1]}"`, offset);
  if (type.fields.length !== 2) {
    const fields = type.fields.map((field) => `"${field.name}"`).join(', ');
    throw notTheSchema(type, `it has the fields ${fields}, not only "${names[0]}" and "${names[1]}"`, offset);
  }
  return [first, second];
}

function definedType(types: ReadonlyMap<number, GobType>, id: number, expected: string, offset: number): GobType {
  const type = types.get(id);
  if (type !== undefined) return type;
  if (id < FIRST_USER_ID) throw persistenceError(`not the Pushgateway's schema: gob's basic type ${id} where a ${expected} belongs`, offset);
  throw persistenceError(`type ${id} is used but never defined`, offset);
}

function notTheSchema(type: GobType, why: string, offset: number): Error {
  const name = type.name === '' ? '' : ` "${type.name}"`;
  return persistenceError(`type ${type.id}${name} is not the Pushgateway's schema: ${why}`, offset);
}

function readGroups(reader: GobReader, schema: Schema): GoGroup[] {
  const groups: GoGroup[] = [];
  const keys = new Set<string>();
  const count = reader.readCount('the store');
  for (let i = 0; i < count; i++) {
    // The grouping key joins names and values with 0xFF bytes, so it is no UTF-8 text; Labels holds the
    // same pairs as strings, and is what we return.
    const keyOffset = reader.offset;
    const key = latin1(reader.readBytes('a grouping key'));
    if (keys.has(key)) throw persistenceError('a grouping key given twice', keyOffset);
    keys.add(key);
    let labels: string[] = [];
    let families: GoFamily[] = [];
    reader.readStruct('a group', 2, (field) => {
      if (field === schema.labelsField) labels = readLabels(reader);
      else families = readFamilies(reader, schema);
    });
    groups.push({ labels, families });
  }
  return groups;
}

function readLabels(reader: GobReader): string[] {
  const pairs: [string, string][] = [];
  const names = new Set<string>();
  const count = reader.readCount('a group\'s labels');
  for (let i = 0; i < count; i++) {
    const nameOffset = reader.offset;
    const name = reader.readString('a label name');
    if (names.has(name)) throw persistenceError(`label "${name}" given twice`, nameOffset);
    names.add(name);
    pairs.push([name, reader.readString(`the value of label "${name}"`)]);
  }
  pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return pairs.flat();
}

function readFamilies(reader: GobReader, schema: Schema): GoFamily[] {
  const families: GoFamily[] = [];
  const names = new Set<string>();
  const count = reader.readCount('a group\'s families');
  for (let i = 0; i < count; i++) {
    const nameOffset = reader.offset;
    const name = reader.readString('a family name');
    if (names.has(name)) throw persistenceError(`family "${name}" given twice`, nameOffset);
    names.add(name);
    let pushedAtMs = GO_ZERO_TIME_MS;
    let protobuf: Uint8Array | undefined;
    reader.readStruct(`family "${name}"`, 2, (field) => {
      if (field === schema.timestampField) pushedAtMs = readGoTime(reader);
      else protobuf = reader.readBytes(`the MetricFamily of "${name}"`);
    });
    // Gob leaves out a nil pointer; Go's gateway never stores one, and there is no family to give back.
    if (protobuf === undefined) throw persistenceError(`family "${name}" has no MetricFamily`, reader.offset);
    families.push({ name, pushedAtMs, protobuf });
  }
  return families;
}

/**
 * A time.Time's GobEncode bytes (its MarshalBinary): a version byte (1, or 2 when the zone offset has
 * seconds), int64 seconds since year 1 UTC, int32 nanoseconds, int16 zone offset in minutes (−1 for UTC),
 * and in version 2 the offset's seconds. The instant does not depend on the zone, which is ignored.
 */
function readGoTime(reader: GobReader): number {
  const start = reader.offset;
  const payload = reader.readBytes('a time.Time');
  const version = payload[0];
  if (version !== 1 && version !== 2) throw persistenceError(`a time.Time of unknown version ${version ?? '(none)'}`, start);
  const expected = version === 1 ? 15 : 16;
  if (payload.length !== expected) throw persistenceError(`a time.Time of ${payload.length} bytes (version ${version} has ${expected})`, start);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const seconds = view.getInt32(1) * 2 ** 32 + view.getUint32(5);
  const nanos = view.getInt32(9);
  if (nanos < 0 || nanos >= 1e9) throw persistenceError(`a time.Time with ${nanos} nanoseconds`, start);
  return (seconds - GO_SECONDS_BEFORE_UNIX_EPOCH) * 1000 + nanos / 1e6;
}

/** Bytes as a string of one char per byte: a Set key that keeps bytes that are not UTF-8 apart. */
function latin1(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}
