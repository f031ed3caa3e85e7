// Seeded batch-job push bodies (text format 0.0.4): the bytes ../shared/pgbench/payload.ts generates for the same
// arguments, written here so the benchmarks and their tests need nothing outside the repository.
//
// Byte equality with pgbench is the contract: the micro-benchmarks must measure exactly what pgbench pushes in
// bench:compare. test/bench/payload-generator-matches-pgbench.test.ts compares the two whenever pgbench sits
// beside the repository. Every detail below (the order of the random draws, the float arithmetic, the rounding)
// exists for that equality; change none of it without changing pgbench the same way.

/** Every family a large enough body holds, in body order; all names start with `job_`, nothing else does. */
export const FAMILY_NAMES = [
  'job_last_success_unixtime',
  'job_last_duration_seconds',
  'job_rows_processed',
  'job_records_total',
  'job_stage_duration_seconds',
  'job_batch_size_bytes',
] as const;

/** How a body's series budget is spent. */
export interface SeriesPlan {
  /** 0–2: the last-success time, then the last duration. */
  readonly gauges: number;
  /** `job_rows_processed{table,partition}` series. */
  readonly rows: number;
  /** `job_records_total{source,stage,status,shard}` series. */
  readonly records: number;
  readonly histogram: boolean;
  readonly summary: boolean;
}

const BUCKET_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HISTOGRAM_STAGES = ['extract', 'load'];
/** Two stages × (ten bounds, `+Inf`, `_sum`, `_count`). */
const HISTOGRAM_SERIES = HISTOGRAM_STAGES.length * (BUCKET_BOUNDS.length + 3);
const QUANTILES = [0.5, 0.9, 0.99];
const SUMMARY_SERIES = QUANTILES.length + 2;
const TABLES = [
  'warehouse.customer_orders_daily', 'warehouse.invoice_line_items', 'warehouse.payment_settlements',
  'warehouse.shipment_tracking_events', 'warehouse.product_catalog_snapshot', 'warehouse.inventory_levels_hourly',
  'warehouse.customer_support_tickets', 'warehouse.marketing_campaign_clicks', 'warehouse.fraud_review_queue',
  'warehouse.currency_exchange_rates',
];
const PIPELINE_STAGES = ['extract', 'transform', 'validate', 'deduplicate', 'load', 'archive'];
const SOURCES = ['kafka://orders.v2', 's3://ingest-raw/payments', 'postgres://billing/replica'];
const OUTCOMES = ['succeeded', 'skipped_duplicate', 'failed_validation'];

/**
 * Spends `seriesPerGroup` (at least 1) on the families: the two gauges first, then the fixed-size summary and
 * histogram where they fit, and what is left split between rows (the larger half) and records. Where only one
 * of the summary and the histogram fits, the histogram (the larger) wins.
 */
export function planSeries(seriesPerGroup: number): SeriesPlan {
  let left = Math.max(1, Math.floor(seriesPerGroup));
  const gauges = Math.min(2, left);
  left -= gauges;
  // The histogram goes in only with two series to spare for rows and records.
  const histogramNeeds = HISTOGRAM_SERIES + 2;
  const summary = left >= SUMMARY_SERIES + histogramNeeds || (left >= SUMMARY_SERIES && left < histogramNeeds);
  if (summary) left -= SUMMARY_SERIES;
  const histogram = left >= histogramNeeds;
  if (histogram) left -= HISTOGRAM_SERIES;
  const rows = Math.ceil(left / 2);
  return { gauges, rows, records: left - rows, histogram, summary };
}

/** The sample lines a body of this plan holds (a histogram's buckets, `_sum` and `_count` each count). */
export function plannedSeries(plan: SeriesPlan): number {
  return plan.gauges + plan.rows + plan.records + (plan.histogram ? HISTOGRAM_SERIES : 0) + (plan.summary ? SUMMARY_SERIES : 0);
}

/** mulberry32: a 32-bit state, one multiply-xorshift round per draw, uniform in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Integers as they are, other values rounded to six decimals, so no body holds a 17-digit float tail. */
function sixDecimals(value: number): string {
  return String(Number.isInteger(value) ? value : Math.round(value * 1e6) / 1e6);
}

function padded(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** What one body's families are written from. */
interface BodyDraw {
  readonly lines: string[];
  readonly random: () => number;
  readonly variant: number;
  readonly iteration: number;
}

function header(lines: string[], name: (typeof FAMILY_NAMES)[number], type: string, help: string): void {
  lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

function writeGauges({ lines, random, variant, iteration }: BodyDraw, gauges: number): void {
  if (gauges >= 1) {
    header(lines, 'job_last_success_unixtime', 'gauge', 'Last time the batch job completed successfully, in seconds since the Unix epoch.');
    lines.push(`job_last_success_unixtime ${1_700_000_000 + variant * 13 + iteration * 60}`);
  }
  if (gauges >= 2) {
    header(lines, 'job_last_duration_seconds', 'gauge', 'Wall-clock duration of the last run of the batch job.');
    lines.push(`job_last_duration_seconds ${sixDecimals(30 + random() * 600)}`);
  }
}

function writeRows({ lines, random, variant }: BodyDraw, rows: number): void {
  header(lines, 'job_rows_processed', 'gauge', 'Number of rows written by the last run, per destination table.');
  for (let i = 0; i < rows; i++) {
    const table = TABLES[(i + variant) % TABLES.length];
    // Past the tenth row the tables repeat; the partition keeps every series distinct.
    const round = Math.floor(i / TABLES.length);
    const partition = `dt=2024-11-${padded(1 + (round % 28), 2)}/p${padded(round, 3)}`;
    lines.push(`job_rows_processed{table="${table}",partition="${partition}"} ${Math.floor(random() * 5_000_000)}`);
  }
}

function writeRecords({ lines, random, variant, iteration }: BodyDraw, records: number): void {
  header(lines, 'job_records_total', 'counter', 'Records handled by the batch job since it was deployed, by pipeline stage and outcome.');
  for (let i = 0; i < records; i++) {
    const source = SOURCES[(i + variant) % SOURCES.length];
    const stage = PIPELINE_STAGES[i % PIPELINE_STAGES.length];
    const outcome = OUTCOMES[Math.floor(i / PIPELINE_STAGES.length) % OUTCOMES.length];
    const shard = padded(Math.floor(i / (PIPELINE_STAGES.length * OUTCOMES.length)), 2);
    // A counter grows between pushes of the same group.
    const value = Math.floor(1e6 + random() * 1e8) + iteration * 1000;
    lines.push(`job_records_total{source="${source}",stage="${stage}",status="${outcome}",shard="shard-${shard}"} ${value}`);
  }
}

function writeHistogram({ lines, random }: BodyDraw): void {
  header(lines, 'job_stage_duration_seconds', 'histogram', 'Time spent in each stage of the batch job, per chunk of work.');
  for (const stage of HISTOGRAM_STAGES) {
    let count = 0;
    let sum = 0;
    for (const bound of BUCKET_BOUNDS) {
      const observed = Math.floor(random() * 400);
      count += observed;
      sum += observed * bound * 0.7;
      lines.push(`job_stage_duration_seconds_bucket{stage="${stage}",le="${bound}"} ${count}`);
    }
    const slow = Math.floor(random() * 20);
    count += slow;
    sum += slow * 7.5;
    lines.push(
      `job_stage_duration_seconds_bucket{stage="${stage}",le="+Inf"} ${count}`,
      `job_stage_duration_seconds_sum{stage="${stage}"} ${sixDecimals(sum)}`,
      `job_stage_duration_seconds_count{stage="${stage}"} ${count}`,
    );
  }
}

function writeSummary({ lines, random }: BodyDraw): void {
  header(lines, 'job_batch_size_bytes', 'summary', 'Size of the batches written to the destination, in bytes.');
  const median = 50_000 + random() * 200_000;
  QUANTILES.forEach((quantile, i) => lines.push(`job_batch_size_bytes{quantile="${quantile}"} ${sixDecimals(median * (1 + i * i * 0.8))}`));
  const count = 1000 + Math.floor(random() * 9000);
  lines.push(`job_batch_size_bytes_sum ${sixDecimals(median * count * 1.1)}`, `job_batch_size_bytes_count ${count}`);
}

/**
 * One group's body with `plannedSeries(planSeries(seriesPerGroup))` series. `variant` picks label values and
 * magnitudes (one per job), `iteration` moves the values between pushes of the same group. The same arguments
 * always give the same string. Families are written in FAMILY_NAMES order, each only when its plan has series.
 */
export function batchJobBody(seriesPerGroup: number, seed: number, variant: number, iteration = 0): string {
  const plan = planSeries(seriesPerGroup);
  // pgbench's seed mix, float multiplications truncated to 32 bits by `^`, kept as written for equal streams.
  const random = mulberry32((seed * 2654435761) ^ (variant * 40503) ^ (iteration * 97));
  const draw: BodyDraw = { lines: [], random, variant, iteration };
  writeGauges(draw, plan.gauges);
  if (plan.rows > 0) writeRows(draw, plan.rows);
  if (plan.records > 0) writeRecords(draw, plan.records);
  if (plan.histogram) writeHistogram(draw);
  if (plan.summary) writeSummary(draw);
  return `${draw.lines.join('\n')}\n`;
}

/** Group `i`'s job and instance: twenty workers per nightly job. */
export function groupingOf(i: number): { job: string; instance: string } {
  return { job: `nightly_etl_${padded(Math.floor(i / 20), 4)}`, instance: `worker-${padded(i % 20, 2)}.batch.internal` };
}

/** The URL path pgbench pushes group `i` to. */
export function groupPath(i: number): string {
  const { job, instance } = groupingOf(i);
  return `/metrics/job/${job}/instance/${instance}`;
}

/** `count` bodies, the k-th as variant k, iteration k, UTF-8 encoded: the pool pgbench's load loops cycle through. */
export function encodedBodies(seriesPerGroup: number, seed: number, count = 64): Uint8Array[] {
  const encoder = new TextEncoder();
  return Array.from({ length: count }, (_, k) => encoder.encode(batchJobBody(seriesPerGroup, seed, k, k)));
}
