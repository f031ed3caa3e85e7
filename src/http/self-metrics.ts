// The gateway's own metrics: build info, request counts and push statistics, plus the process families (SPEC §6.5).
import type { MetricFamily, MetricType } from '../model/metric.ts';
import type { OwnFamily } from '../render/family-merge.ts';
import { encodeFamilyText } from '../stored/family-text.ts';
import { PROCESS_FAMILIES, processFamilies } from './process-metrics.ts';
import { QuantileWindow } from './quantile-window.ts';
import { buildInfo } from '../version.ts';

const BUILD_INFO = 'pushgateway_build_info';
const REQUESTS = 'pushgateway_http_requests_total';
const PUSH_DURATION = 'pushgateway_http_push_duration_seconds';
const PUSH_SIZE = 'pushgateway_http_push_size_bytes';
const REJECTED = 'pushgateway_push_rejected_total';
const EXPIRED = 'pushgateway_groups_expired_total';
const PERSISTENCE_ERRORS = 'pushgateway_persistence_errors_total';
const PERSISTENCE_LAST_WRITE = 'pushgateway_persistence_last_write_timestamp_seconds';
const REDIS_UP = 'pushgateway_redis_up';
const REDIS_CONFLICTS = 'pushgateway_redis_commit_conflicts_total';

const HELP: Record<string, string> = {
  [BUILD_INFO]:
    "A metric with a constant '1' value labeled by version, revision, branch, goversion from which pushgateway was built, and the goos and goarch for the build.",
  [REQUESTS]: 'Total HTTP requests processed by the Pushgateway, excluding scrapes.',
  [PUSH_DURATION]: 'HTTP request duration for pushes to the Pushgateway.',
  [PUSH_SIZE]: 'HTTP request size for pushes to the Pushgateway.',
  [REJECTED]: 'Pushes refused by a limit or quota, by the flag that sets it.',
  [EXPIRED]: 'Groups deleted because their TTL ran out (--metrics.ttl, or the pusher\'s Pushgateway-Expire-After).',
  [PERSISTENCE_ERRORS]: 'Failed writes of the persistence file or its journal.',
  [PERSISTENCE_LAST_WRITE]: 'Unix time of the last successful write of the persistence file or its journal; 0 = none yet.',
  [REDIS_UP]: 'Whether Redis (--storage.redis.url) answered the last command of this replica: 1 yes, 0 no.',
  [REDIS_CONFLICTS]: 'Batches of writes this replica decided again because another replica had changed state they read.',
};

/** Every family name the gateway exposes itself, with its type: pushes must agree with these types. */
export const OWN_TYPES: ReadonlyMap<string, MetricType> = new Map<string, MetricType>([
  [BUILD_INFO, 'gauge'],
  [REQUESTS, 'counter'],
  [PUSH_DURATION, 'summary'],
  [PUSH_SIZE, 'summary'],
  [REJECTED, 'counter'],
  [EXPIRED, 'counter'],
  [PERSISTENCE_ERRORS, 'counter'],
  [PERSISTENCE_LAST_WRITE, 'gauge'],
  [REDIS_UP, 'gauge'],
  [REDIS_CONFLICTS, 'counter'],
  ...PROCESS_FAMILIES.map((f): [string, MetricType] => [f.name, f.type]),
]);

const QUANTILES = [0.1, 0.5, 0.9];
const GO_ARCH: Record<string, string> = { x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm' };

/** What persistence reports about itself (persist/persistence.ts), read at each scrape. */
export interface PersistenceHealth {
  readonly errors: number;
  readonly lastWriteSeconds: number;
}

/** What the store reports about expiry (store/store.ts), read at each scrape. */
export interface ExpiryCount {
  readonly expiredGroups: number;
}

/** What a replica reports about Redis (replica/replica.ts), read at each scrape. */
export interface RedisUp {
  readonly up: boolean;
  readonly commitConflicts: number;
}

/** Counters and summaries updated by the handlers and rendered fresh on every scrape. */
export class SelfMetrics {
  /** Shown only when the gateway persists (`--persistence.file`). */
  readonly #persistence: PersistenceHealth | undefined;
  readonly #requests = new Map<string, number>();
  readonly #durations = new Map<string, QuantileWindow>();
  readonly #sizes = new Map<string, QuantileWindow>();
  readonly #rejected = new Map<string, number>();
  /** The gateway's store: any group may get a TTL from its pusher, so the counter is always shown. */
  readonly #expiry: ExpiryCount | undefined;

  /** Shown only by a replica (`--storage.redis.url`). */
  readonly #redis: RedisUp | undefined;

  constructor(persistence?: PersistenceHealth, expiry?: ExpiryCount, redis?: RedisUp) {
    this.#persistence = persistence;
    this.#expiry = expiry;
    this.#redis = redis;
  }

  /** Counts one answered request; `handler` is Go's handler label (`push`, `delete`, `healthy`, …). */
  countRequest(handler: string, method: string, code: number): void {
    const key = `${code}\n${handler}\n${method.toLowerCase()}`;
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  /** Counts one push refused by the limit or quota that `flag` (e.g. `push.max-series`) sets. */
  countRejected(flag: string): void {
    this.#rejected.set(flag, (this.#rejected.get(flag) ?? 0) + 1);
  }

  /** Records one push's duration and approximate request size (client_golang's definition). */
  observePush(method: string, seconds: number, sizeBytes: number, nowMs: number): void {
    const m = method.toLowerCase();
    windowFor(this.#durations, m).observe(seconds, nowMs);
    windowFor(this.#sizes, m).observe(sizeBytes, nowMs);
  }

  /** The gateway's own families with their sample lines rendered now. */
  families(nowMs: number): OwnFamily[] {
    const families: MetricFamily[] = [this.#buildInfo()];
    const requests = this.#requestFamily();
    if (requests.metrics.length > 0) families.push(requests);
    if (this.#rejected.size > 0) families.push(this.#rejectedFamily());
    if (this.#expiry !== undefined) {
      families.push({ name: EXPIRED, help: HELP[EXPIRED], type: 'counter', metrics: [{ labels: [], value: this.#expiry.expiredGroups }] });
    }
    for (const [name, windows] of [[PUSH_DURATION, this.#durations], [PUSH_SIZE, this.#sizes]] as const) {
      if (windows.size > 0) families.push(summaryFamily(name, windows, nowMs));
    }
    const persistence = this.#persistence;
    if (persistence !== undefined) {
      families.push({ name: PERSISTENCE_ERRORS, help: HELP[PERSISTENCE_ERRORS], type: 'counter', metrics: [{ labels: [], value: persistence.errors }] });
      families.push({ name: PERSISTENCE_LAST_WRITE, help: HELP[PERSISTENCE_LAST_WRITE], type: 'gauge', metrics: [{ labels: [], value: persistence.lastWriteSeconds }] });
    }
    if (this.#redis !== undefined) {
      families.push({ name: REDIS_UP, help: HELP[REDIS_UP], type: 'gauge', metrics: [{ labels: [], value: this.#redis.up ? 1 : 0 }] });
      families.push({ name: REDIS_CONFLICTS, help: HELP[REDIS_CONFLICTS], type: 'counter', metrics: [{ labels: [], value: this.#redis.commitConflicts }] });
    }
    families.push(...processFamilies());
    return families.map((family) => ({
      name: family.name,
      help: family.help ?? '',
      type: family.type,
      text: encodeFamilyText(family).text,
    }));
  }

  #buildInfo(): MetricFamily {
    // The gateway's own version, branch and revision; Bun stands where Go names its compiler.
    const { version, branch, revision } = buildInfo();
    const labels = ['branch', branch, 'goarch', GO_ARCH[process.arch] ?? process.arch, 'goos', process.platform,
      'goversion', `bun${Bun.version}`, 'revision', revision, 'version', version];
    return { name: BUILD_INFO, help: HELP[BUILD_INFO], type: 'gauge', metrics: [{ labels, value: 1 }] };
  }

  #rejectedFamily(): MetricFamily {
    const metrics = [...this.#rejected].sort(([a], [b]) => (a < b ? -1 : 1)).map(([reason, value]) => ({ labels: ['reason', reason], value }));
    return { name: REJECTED, help: HELP[REJECTED], type: 'counter', metrics };
  }

  #requestFamily(): MetricFamily {
    const metrics = [...this.#requests].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, value]) => {
      const [code, handler, method] = key.split('\n') as [string, string, string];
      return { labels: ['code', code, 'handler', handler, 'method', method], value };
    });
    return { name: REQUESTS, help: HELP[REQUESTS], type: 'counter', metrics };
  }
}

function windowFor(windows: Map<string, QuantileWindow>, method: string): QuantileWindow {
  let window = windows.get(method);
  if (window === undefined) {
    window = new QuantileWindow();
    windows.set(method, window);
  }
  return window;
}

function summaryFamily(name: string, windows: Map<string, QuantileWindow>, nowMs: number): MetricFamily {
  const metrics = [...windows].sort(([a], [b]) => (a < b ? -1 : 1)).map(([method, window]) => ({
    labels: ['method', method],
    quantiles: window.quantiles(QUANTILES, nowMs).map((value, i) => ({ quantile: QUANTILES[i]!, value })),
    count: window.count,
    sum: window.sum,
  }));
  return { name, help: HELP[name], type: 'summary', metrics };
}
