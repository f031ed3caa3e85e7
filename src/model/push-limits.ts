// The bounds on what one push may make the gateway read and hold (SPEC D5): shared by the flags that set them and the parsers that keep them.

/**
 * The bounds on one push body, each set by a `--push.max-…` flag. They bound what a push costs before it is
 * stored: a parse holds about one object per sample, so `maxSeries` bounds its memory whatever the body's
 * size or compression ratio, and `maxBodyBytes` bounds the bytes read.
 */
export interface PushLimits {
  /** Bytes of the body after decompression (`--push.max-body-bytes`). */
  readonly maxBodyBytes: number;
  /** Bytes of one text line, without its `\n` (`--push.max-line-bytes`). */
  readonly maxLineBytes: number;
  /** Samples in one push: a text sample line, or a protobuf value, bucket, quantile, sum or count (`--push.max-series`). */
  readonly maxSeries: number;
  /** Labels of one series in the body, not counting `le`/`quantile` or the grouping labels (`--push.max-labels-per-series`). */
  readonly maxLabels: number;
  /** Bytes of one label name (`--push.max-label-name-bytes`). */
  readonly maxLabelNameBytes: number;
  /** Bytes of one label value, unescaped (`--push.max-label-value-bytes`). */
  readonly maxLabelValueBytes: number;
}

/**
 * Generous for real fleets (a pgbench push is 60 samples of a dozen labels), small enough that one push
 * cannot take the process down. The store applies a push in one synchronous step, so `maxSeries` is also
 * how long other requests may wait: 100 000 samples parse into ~12 MB and apply in 0.2–0.5 s on the dev
 * VM (490 000 took 0.7–1.3 s, issue #11).
 */
export const DEFAULT_PUSH_LIMITS: PushLimits = Object.freeze({
  maxBodyBytes: 64 * 1024 * 1024,
  maxLineBytes: 1024 * 1024,
  maxSeries: 100_000,
  maxLabels: 128,
  maxLabelNameBytes: 1024,
  maxLabelValueBytes: 64 * 1024,
});

/** The flag that sets each limit, named in every refusal. */
export const LIMIT_FLAGS: { readonly [K in keyof PushLimits]: string } = {
  maxBodyBytes: 'push.max-body-bytes',
  maxLineBytes: 'push.max-line-bytes',
  maxSeries: 'push.max-series',
  maxLabels: 'push.max-labels-per-series',
  maxLabelNameBytes: 'push.max-label-name-bytes',
  maxLabelValueBytes: 'push.max-label-value-bytes',
};

/** The flag bounding how many large push bodies are read at once (429 past it), as refusals are counted under it. */
export const LARGE_BODIES_FLAG = 'push.max-concurrent-large-bodies';
/** The flag bounding how long a push body may take to arrive (408 past it), likewise. */
export const BODY_TIMEOUT_FLAG = 'push.body-timeout';
