// Debian's Python prometheus_client (0.16) pushing to a grouping key with a dotted label name: accepted under --push.enable-utf8-names
// (the client puts the name in the path as it is), shown as it is with escaping=allow-utf-8 and escaped without; refused without the flag.
import { describe, expect, test } from 'bun:test';
import { send } from '../helpers/http.ts';
import type { Gateway } from '../helpers/start-server.ts';
import { useUtf8Gateways } from '../helpers/utf8-gateways.ts';
import { python } from './clients.ts';

const gateways = useUtf8Gateways();

// Prints "ok", or the gateway's refusal.
const PUSH = `
import os
from urllib.error import HTTPError
from prometheus_client import CollectorRegistry, Gauge, push_to_gateway
registry = CollectorRegistry()
Gauge("backup_rows", "Rows in the last dump.", registry=registry).set(1200)
try:
    push_to_gateway(os.environ["PUSHGATEWAY"], job="backup", grouping_key={"host.name": "db-01"}, registry=registry)
    print("ok")
except HTTPError as error:
    print(error.code, error.read().decode().strip())
`;

async function scrapeLine(gw: Gateway, scheme: string): Promise<string | undefined> {
  const { body } = await send(gw, 'GET', '/metrics', undefined, { Accept: `text/plain; escaping=${scheme}` });
  return body.split('\n').find((line) => line.startsWith('backup_rows{'));
}

describe('the Python client and a dotted grouping label', () => {
  test('with --push.enable-utf8-names the push lands under the real name', async () => {
    expect((await python(gateways.utf8, PUSH)).trim()).toBe('ok');
    expect(await scrapeLine(gateways.utf8, 'allow-utf-8')).toBe('backup_rows{"host.name"="db-01",instance="",job="backup"} 1200');
    expect(await scrapeLine(gateways.utf8, 'underscores')).toBe('backup_rows{host_name="db-01",instance="",job="backup"} 1200');
  });

  test('without the flag it is refused as 1.5.1 refuses it', async () => {
    expect((await python(gateways.legacy, PUSH)).trim()).toBe('400 improper label name "host.name"');
  });
});
