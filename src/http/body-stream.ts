// A response body sent from a list of byte chunks, joined into batches only as the client reads them.

const BATCH_BYTES = 1 << 20;

/**
 * Streams `parts` in order as the client reads. Each pull joins the next ~1 MiB of parts into one chunk:
 * far fewer writes than one per part, and the first bytes leave before the rest is copied (a 600k-series
 * scrape would otherwise wait for an 83 MB copy). The parts must not change while the stream is read;
 * stored bytes never do.
 */
export function partsStream(parts: readonly Uint8Array[]): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (next === parts.length) {
        controller.close();
        return;
      }
      const first = next;
      let size = 0;
      while (next < parts.length && size < BATCH_BYTES) size += parts[next++]!.length;
      // Copied even when alone: the stream takes ownership of what it is given.
      controller.enqueue(Buffer.concat(parts.slice(first, next), size));
    },
  });
}
