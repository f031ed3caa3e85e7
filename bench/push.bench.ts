// Where does a push's time go before the socket? The whole request handler vs its parse and apply parts.
//
//   bun bench/push.bench.ts
//
// Calls the gateway's real request handler (http/server.ts createHandler) with real Request objects, one
// pgbench PUT per iteration, replacing 100 groups round-robin, and beside it the two parts of the same push
// alone: parsing the body and store.apply of already-parsed families. What the handler costs beyond the
// two parts is request plumbing (routing, grouping path, body read, self metrics). Loopback HTTP is not
// included: pgbench's push scenario measures that end to end. Target (issue #4): ≤ 0.08 ms of server CPU
// per push in total. Every iteration checks the answer (200) and the store size.
import { Bench } from 'tinybench';
import { parseFlags } from '../src/flags.ts';
import { createHandler } from '../src/http/server.ts';
import { OWN_TYPES, SelfMetrics } from '../src/http/self-metrics.ts';
import { createLogger } from '../src/log.ts';
import { parseText } from '../src/parse/text-parser.ts';
import { encodeFamilyText } from '../src/render/text.ts';
import { Store } from '../src/store/store.ts';
import { GROUP_BODIES, groupBody, groupLabels } from './payloads.ts';
import { meanMs, printResults, round3 } from './report.ts';

const GROUPS = 100;
const parsed = parseFlags([]);
if (parsed.kind !== 'run') throw new Error('default flags did not parse');

function newStore(): Store {
  return new Store({ encode: encodeFamilyText, checkConsistency: true, ownTypes: OWN_TYPES });
}

const handlerStore = newStore();
const handler = createHandler({
  config: parsed.config,
  store: handlerStore,
  metrics: new SelfMetrics(),
  log: createLogger({ level: 'error', format: 'logfmt' }),
  quit: () => undefined,
});
const applyStore = newStore();
let next = 0;

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
  .add('parse: the same body alone', () => {
    const families = parseText(groupBody(next++ % GROUPS));
    if (families.length !== 6) throw new Error(`parsed ${families.length} families`);
  })
  .add('apply: the same families alone', () => {
    const i = next++ % GROUPS;
    const result = applyStore.apply({ labels: groupLabels(i), families: parseText(groupBody(i)), replace: true, timeMs: 1 });
    if (!result.ok) throw new Error(result.error);
  });

await bench.run();

const handlerMs = meanMs(bench, 'handler: one PUT through createHandler');
const parseMs = meanMs(bench, 'parse: the same body alone');
// The apply task parses too (each write needs fresh families); its own share is the difference.
const applyMs = meanMs(bench, 'apply: the same families alone') - parseMs;
const restMs = handlerMs - parseMs - applyMs;
const row = (part: string, ms: number) => ({ part, 'µs per push': round3(ms * 1000), share: `${Math.round((100 * ms) / handlerMs)}%` });
printResults(`push — one pgbench PUT (${GROUP_BODIES.length} body variants) into ${GROUPS} groups`, bench, [
  row('whole handler', handlerMs),
  row('parse', parseMs),
  row('apply (check, encode, index)', applyMs),
  row('the rest (request plumbing)', restMs),
]);
