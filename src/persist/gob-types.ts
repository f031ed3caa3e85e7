// Gob's type definitions: the wireType messages a gob stream sends before its values, read into a table by type id.
import { type GobReader, persistenceError } from './gob-reader.ts';

/** Gob's predefined id of `string` (bool is 1, int 2, uint 3, float 4, []byte 5, string 6, …). */
export const GOB_STRING_ID = 6;

/** Ids below this are gob's own (basic types and the wire types themselves); a stream may not redefine them. */
export const FIRST_USER_ID = 64;

/** One field of a struct type: its Go name and the id of its type. */
export interface GobField {
  readonly name: string;
  readonly typeId: number;
}

/**
 * A type a gob stream defined. `name` is the Go name the encoder sent, often empty (gob leaves out the
 * names of unnamed types, and in the Go gateway's files even of some named structs). The marshaler kinds
 * are values gob carries as opaque bytes, produced by the type's own GobEncode, MarshalBinary or MarshalText.
 */
export type GobType = { readonly id: number } & (
  | { readonly kind: 'struct'; readonly name: string; readonly fields: readonly GobField[] }
  | { readonly kind: 'map'; readonly name: string; readonly keyId: number; readonly elemId: number }
  | { readonly kind: 'slice'; readonly name: string; readonly elemId: number }
  | { readonly kind: 'array'; readonly name: string; readonly elemId: number; readonly length: number }
  | { readonly kind: 'gob-encoder' | 'binary-marshaler' | 'text-marshaler'; readonly name: string }
);

/** A type definition as the stream sends it; its id is the message's. */
type WireType = DistributiveOmit<GobType, 'id'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * Reads the rest of a type-definition message (after its negative type id) and adds the type to
 * `types` under `id`. Throws, as gob's own decoder does, for an id gob reserves and for an id defined
 * twice. Referenced ids are not resolved here: a definition may name a type defined later, and the Go
 * gateway's files define many types its value never uses.
 */
export function readTypeDefinition(reader: GobReader, id: number, types: Map<number, GobType>, idOffset: number): void {
  if (id < FIRST_USER_ID) throw persistenceError(`type definition for reserved id ${id}`, idOffset);
  if (types.has(id)) throw persistenceError(`type ${id} defined twice`, idOffset);
  types.set(id, { id, ...readWireType(reader) });
}

// wireType { ArrayT, SliceT, StructT, MapT, GobEncoderT, BinaryMarshalerT, TextMarshalerT }: a struct of
// pointers of which exactly one is set.
function readWireType(reader: GobReader): WireType {
  const start = reader.offset;
  let type: WireType | undefined;
  reader.readStruct('a type definition', 7, (field) => {
    if (type !== undefined) throw persistenceError('a type definition of two kinds', start);
    switch (field) {
      case 0:
        type = readArrayType(reader);
        break;
      case 1:
        type = readSliceType(reader);
        break;
      case 2:
        type = readStructType(reader);
        break;
      case 3:
        type = readMapType(reader);
        break;
      default:
        type = { kind: MARSHALER_KINDS[field - 4]!, name: readMarshalerType(reader) };
    }
  });
  if (type === undefined) throw persistenceError('an empty type definition', start);
  return type;
}

const MARSHALER_KINDS = ['gob-encoder', 'binary-marshaler', 'text-marshaler'] as const;

/** CommonType { Name string; Id typeId }: only the name is kept (the id is the message's). */
function readCommonType(reader: GobReader): string {
  let name = '';
  reader.readStruct('a type header', 2, (field) => {
    if (field === 0) name = reader.readString('a type name');
    else reader.readInt();
  });
  return name;
}

// arrayType { CommonType; Elem typeId; Len int }
function readArrayType(reader: GobReader): WireType {
  let name = '';
  let elemId = 0;
  let length = 0;
  reader.readStruct('an array type', 3, (field) => {
    if (field === 0) name = readCommonType(reader);
    else if (field === 1) elemId = reader.readInt();
    else length = reader.readInt();
  });
  return { kind: 'array', name, elemId, length };
}

// sliceType { CommonType; Elem typeId }
function readSliceType(reader: GobReader): WireType {
  let name = '';
  let elemId = 0;
  reader.readStruct('a slice type', 2, (field) => {
    if (field === 0) name = readCommonType(reader);
    else elemId = reader.readInt();
  });
  return { kind: 'slice', name, elemId };
}

// structType { CommonType; Field []fieldType } with fieldType { Name string; Id typeId }
function readStructType(reader: GobReader): WireType {
  let name = '';
  const fields: GobField[] = [];
  reader.readStruct('a struct type', 2, (field) => {
    if (field === 0) {
      name = readCommonType(reader);
      return;
    }
    const count = reader.readCount('a struct type');
    for (let i = 0; i < count; i++) {
      let fieldName = '';
      let typeId = 0;
      reader.readStruct('a struct field', 2, (part) => {
        if (part === 0) fieldName = reader.readString('a field name');
        else typeId = reader.readInt();
      });
      fields.push({ name: fieldName, typeId });
    }
  });
  return { kind: 'struct', name, fields };
}

// mapType { CommonType; Key typeId; Elem typeId }
function readMapType(reader: GobReader): WireType {
  let name = '';
  let keyId = 0;
  let elemId = 0;
  reader.readStruct('a map type', 3, (field) => {
    if (field === 0) name = readCommonType(reader);
    else if (field === 1) keyId = reader.readInt();
    else elemId = reader.readInt();
  });
  return { kind: 'map', name, keyId, elemId };
}

// gobEncoderType { CommonType }, shared by the three marshaler kinds.
function readMarshalerType(reader: GobReader): string {
  let name = '';
  reader.readStruct('a marshaler type', 1, () => {
    name = readCommonType(reader);
  });
  return name;
}
