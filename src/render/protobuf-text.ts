// The protobuf debug scrapes (`encoding=text` / `compact-text`, SPEC §6.3): Go's protobuf text format, one family at a time.
import { PROTO_TYPE_NAMES } from '../model/metric.ts';
import { ProtoTextWriter, quoteProtoText, writeMetricFields } from '../model/proto-text.ts';
import type { Group } from '../model/group.ts';
import { type OwnFamily, mergeFamilies } from './family-merge.ts';
import { mergedMetrics } from './protobuf.ts';

const encoder = new TextEncoder();

/**
 * The scrape as Go 1.5.1 writes it for these two debug encodings: per family, `proto.MarshalTextString`
 * (one field per line, nested messages in `< … >` indented by two spaces, a blank line after each family)
 * or `proto.CompactTextString` (everything on one line, each field followed by a space). Fields come in
 * the order metrics.proto declares them; only set fields are shown. Rarely used and never cached: every
 * family is formatted afresh. Families, order and HELP are those of the other scrape formats.
 */
export function renderProtobufTextExposition(groups: readonly Group[], own: readonly OwnFamily[], compact: boolean): Uint8Array[] {
  return mergeFamilies(groups, own).map((family) => {
    const out = new ProtoTextWriter(compact);
    out.scalar('name', quoteProtoText(family.name));
    if (family.help !== undefined) out.scalar('help', quoteProtoText(family.help));
    out.scalar('type', PROTO_TYPE_NAMES[family.type]);
    for (const metric of mergedMetrics(family)) {
      out.open('metric');
      writeMetricFields(out, family.type, metric);
      out.close();
    }
    return encoder.encode(out.text + '\n');
  });
}

