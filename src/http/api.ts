// The JSON API (/api/v1/status, /api/v1/metrics, its CORS preflight) and the admin wipe (SPEC §7.1–7.4).
import { type Config, flagsForStatus } from '../flags.ts';
import { ApiMetricsCache } from '../render/api-metrics.ts';
import { goJsonTime, quoteGoJson } from '../render/go-json.ts';
import type { Store } from '../store/store.ts';
import type { Writer } from '../store/writer.ts';
import { goBuildInformation } from '../version.ts';
import { CORS_HEADERS, JSON_HEADERS } from './api-json.ts';
import { partsStream } from './body-stream.ts';
import { textError } from './errors.ts';

/** The API's answers for one store and one configuration. */
export interface Api {
  /** GET /api/v1/status: build information, flags, start time. */
  status(): Response;
  /** GET /api/v1/metrics: every group, in grouping-key order ([Rec] of SPEC §7.2; Go's order is random). */
  metrics(): Response;
  /** OPTIONS /api/v1/<anything>: the CORS preflight, 200 and empty. */
  options(): Response;
  /** PUT /api/v1/admin/wipe (routed only with --web.enable-admin-api): every group deleted, then 202. */
  wipe(): Promise<Response>;
}

/**
 * `routePrefix` is the prefix the routes use (SPEC §2.6), which Go shows as `web.route-prefix`. Reads come
 * from `store`; the wipe goes through `writer`.
 */
export function createApi(config: Config, routePrefix: string, store: Store, writer: Writer): Api {
  // Flags, build and start time never change while the process runs: the status body is built once.
  const status = new TextEncoder().encode('{"status":"success","data":' + statusData(config, routePrefix) + '}');
  const cache = new ApiMetricsCache(config.expiry);
  return {
    status: () => new Response(status, { headers: JSON_HEADERS }),
    metrics: () => new Response(partsStream(cache.body(store.groups())), { headers: JSON_HEADERS }),
    options: () => new Response(null, { headers: CORS_HEADERS }),
    async wipe() {
      // Through the one write path (one `wipe` change, journalled like any other). Go queues the wipe and
      // answers at once; ours, like DELETE, answers once it is applied (and durable).
      const outcome = await writer.write({ kind: 'wipe' });
      return outcome.kind === 'unavailable' ? textError(503, outcome.reason) : new Response(null, { status: 202 });
    },
  };
}

// `{"build_information":{…},"flags":{…},"start_time":"…"}`, keys sorted as Go's maps are. Bun stands
// where Go names its compiler; build date and user are empty, as in a Go binary built without them.
function statusData(config: Config, routePrefix: string): string {
  const build = goBuildInformation();
  const flags = statusFlags(config, routePrefix);
  // performance.timeOrigin is when this process started: the moment Go's API records as its start time.
  return `{"build_information":${stringObject(build)},"flags":${stringObject(flags)},"start_time":${goJsonTime(Math.round(performance.timeOrigin))}}`;
}

/** The flags as Go's status API and status page show them: `web.route-prefix` as the routes use it, not as given. */
export function statusFlags(config: Config, routePrefix: string): Record<string, string> {
  return { ...flagsForStatus(config), 'web.route-prefix': routePrefix };
}

function stringObject(record: Readonly<Record<string, string>>): string {
  return '{' + Object.keys(record).sort().map((key) => `${quoteGoJson(key)}:${quoteGoJson(record[key]!)}`).join(',') + '}';
}
