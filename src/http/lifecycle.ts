// /-/healthy, /-/ready and /-/quit.

const TEXT = { 'Content-Type': 'text/plain; charset=utf-8' };

/**
 * Healthy is, as in Go, that the process answers. Go can only fail it when its write queue is full; ours
 * has no queue, every write is applied on arrival.
 */
export function handleHealth(): Response {
  return new Response('OK', { headers: TEXT });
}

/**
 * Ready is healthy, unless `notReady` says why not: a replica whose Redis has been out of reach past its
 * grace period (replica/redis-health.ts) cannot take writes, so a load balancer should send them elsewhere.
 */
export function handleReady(notReady: string | undefined): Response {
  return notReady === undefined ? handleHealth() : new Response(`not ready: ${notReady}\n`, { status: 503, headers: TEXT });
}

/** PUT/POST /-/quit: 403 unless `--web.enable-lifecycle`; else answers, then shuts down like SIGTERM. */
export function handleQuit(enabled: boolean, quit: () => void): Response {
  if (!enabled) return new Response('Lifecycle API is not enabled.', { status: 403, headers: TEXT });
  // Let the answer leave before the server stops.
  setTimeout(quit, 0);
  return new Response('Requesting termination... Goodbye!', { headers: TEXT });
}

/** GET /-/quit, which Go answers outside its router (SPEC §2.1). */
export function quitWrongMethod(): Response {
  return new Response('Only POST or PUT requests allowed.', { status: 405, headers: TEXT });
}

