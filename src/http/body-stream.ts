// A response body sent from a list of byte chunks, joined into batches only as the client reads them.

const BATCH_BYTES = 1 << 20;

/**
 * Streams `parts` in order, taking them from the iterable only as the client reads. Each pull joins the
 * next ~1 MiB of parts into one chunk: far fewer writes than one per part, and the first bytes leave
 * before the rest is even looked at (a 600k-series scrape would otherwise wait for an 83 MB copy). The
 * parts must not change while the stream is read; stored bytes never do.
 */
export function partsStream(parts: Iterable<Uint8Array>): ReadableStream<Uint8Array> {
  const it = parts[Symbol.iterator]();
  let pending = it.next();
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (pending.done) {
        controller.close();
        return;
      }
      const batch: Uint8Array[] = [];
      let size = 0;
      while (!pending.done && size < BATCH_BYTES) {
        batch.push(pending.value);
        size += pending.value.length;
        pending = it.next();
      }
      // Copied even when alone: the stream takes ownership of what it is given.
      controller.enqueue(Buffer.concat(batch, size));
    },
  });
}
