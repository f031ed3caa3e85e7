// Where does a push's time go before the socket? The whole request handler vs its parse and apply parts.
//
//   bun bench/push.bench.ts
//
// Calls the gateway's real request handler (http/server.ts createHandler) with real Request objects, one
// pgbench PUT per iteration, replacing 100 groups round-robin, and beside it the two parts of the same push
// alone: the text fast path turning the body into stored families (parse/text-transcoder.ts) and
// store.apply of those families. What the handler costs beyond the two parts is request plumbing
// (routing, grouping path, body read, self metrics). For comparison, the structured path the fast path
// replaces (TextParser, then apply with sanitising and encoding) is timed too. Loopback HTTP is not
// included: pgbench's push scenario measures that end to end. Target (issue #4): ≤ 0.08 ms of server CPU
// per push in total. Every iteration checks its result.
import { Bench } from 'tinybench';
import { parseFlags } from '../src/flags.ts';
import { createHandler } from '../src/http/server.ts';
import { OWN_TYPES, SelfMetrics } from '../src/http/self-metrics.ts';
import { createLogger } from '../src/log.ts';
import { parseText } from '../src/parse/text-parser.ts';
import { transcodeText } from '../src/parse/text-transcoder.ts';
import { Store } from '../src/store/store.ts';
import { GROUP_BODIES, groupBody, groupLabels } from './payloads.ts';
import { meanMs, printResults, round3 } from './report.ts';
import { storeWriter } from '../src/store/writer.ts';

const GROUPS = 100;
const parsed = parseFlags([]);
if (parsed.kind !== 'run') throw new Error('default flags did not parse');

function newStore(): Store {
  return new Store({ checkConsistency: true, ownTypes: OWN_TYPES });
}

const handlerStore = newStore();
const handler = createHandler({
  config: parsed.config,
  store: handlerStore,
  writer: storeWriter(handlerStore),
  metrics: new SelfMetrics(),
  log: createLogger({ level: 'error', format: 'logfmt' }),
  quit: () => undefined,
});
const applyStore = newStore();
const structuredStore = newStore();
let next = 0;
// Each group's body, already through the fast path: stored families are immutable, so they can be re-applied.
const encoded = Array.from({ length: GROUPS }, (_, i) => {
  const families = transcodeText(groupBody(i), groupLabels(i));
  if (families === undefined) throw new Error(`the fast path gave up on group ${i}'s body`);
  return families;
});

function pathOf(i: number): string {
  const [instance, value, job, jobValue] = groupLabels(i);
  return `/metrics/${job}/${encodeURIComponent(jobValue!)}/${instance}/${encodeURIComponent(value!)}`;
}

const bench = new Bench({ name: 'push', time: 2000 });
bench
  .add('handler: one PUT through createHandler', async () => {
    const i = next++ % GROUPS;
    const body = groupBody(i);
    const response = await handler(
      new Request(`http://127.0.0.1:9091${pathOf(i)}`, { method: 'PUT', body, headers: { 'content-length': String(body.length) } }),
    );
    if (response.status !== 200) throw new Error(`push answered ${response.status}: ${await response.text()}`);
    if (handlerStore.size > GROUPS) throw new Error(`store grew to ${handlerStore.size} groups`);
  })
  .add('transcode: the same body alone', () => {
    const i = next++ % GROUPS;
    const families = transcodeText(groupBody(i), groupLabels(i));
    if (families?.length !== 6) throw new Error(`transcoded ${families?.length} families`);
  })
  .add('apply: the encoded families alone', () => {
    const i = next++ % GROUPS;
    const structured = () => {
      throw new Error('refused');
    };
    const result = applyStore.apply({ labels: groupLabels(i), encoded: { families: encoded[i]!, structured }, replace: true, timeMs: 1 });
    if (!result.ok) throw new Error(result.error);
  })
  .add('structured path: parse, then apply', () => {
    const i = next++ % GROUPS;
    const result = structuredStore.apply({ labels: groupLabels(i), families: parseText(groupBody(i)), replace: true, timeMs: 1 });
    if (!result.ok) throw new Error(result.error);
  });

await bench.run();

const handlerMs = meanMs(bench, 'handler: one PUT through createHandler');
const parseMs = meanMs(bench, 'transcode: the same body alone');
const applyMs = meanMs(bench, 'apply: the encoded families alone');
const restMs = handlerMs - parseMs - applyMs;
const row = (part: string, ms: number) => ({ part, 'µs per push': round3(ms * 1000), share: `${Math.round((100 * ms) / handlerMs)}%` });
printResults(`push — one pgbench PUT (${GROUP_BODIES.length} body variants) into ${GROUPS} groups`, bench, [
  row('whole handler', handlerMs),
  row('transcode (parse, sanitise, encode, hash)', parseMs),
  row('apply (check, index)', applyMs),
  row('the rest (request plumbing)', restMs),
  row('structured path instead of the two (parse, apply)', meanMs(bench, 'structured path: parse, then apply')),
]);
