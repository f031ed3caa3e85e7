// A replica that starts after the writes loads the state; one that fell behind a trimmed stream loads it again (issue #15).
import { describe, expect, test } from "bun:test";
import { scrapePushed, send } from "../helpers/http.ts";
import { converged, useReplicas } from "../helpers/replicas.ts";
import type { Gateway } from "../helpers/start-server.ts";

/** One replica at first; the first test adds the second. */
const cluster = useReplicas(1);

describe("a replica that was not there for the writes", () => {
  test("started later, it serves the state from its first scrape on", async () => {
    const [a] = cluster.replicas as [Gateway];
    for (let i = 0; i < 5; i++) expect((await send(a, "PUT", `/metrics/job/early${i}`, `# TYPE early gauge\nearly ${i}\n`)).status).toBe(200);
    expect((await send(a, "DELETE", "/metrics/job/early0")).status).toBe(202);
    const b = await cluster.addReplica();
    // Ready means loaded: no wait for convergence.
    expect((await scrapePushed(b)).text).toBe((await scrapePushed(a)).text);
  });

  test("stopped while the stream was trimmed past its place, it loads the whole state again and catches up", async () => {
    const [a, b] = cluster.replicas as [Gateway, Gateway];
    b.kill("SIGSTOP");
    try {
      for (let i = 0; i < 5; i++) expect((await send(a, "PUT", `/metrics/job/missed${i}`, `missed ${i}\n`)).status).toBe(200);
      // As XADD's MAXLEN does once the stream holds more than it keeps.
      const client = cluster.redis.client();
      try {
        await client.xtrim("pushgateway:changes", "MAXLEN", 0);
      } finally {
        client.disconnect();
      }
      expect((await send(a, "PUT", "/metrics/job/after-trim", "after_trim 1\n")).status).toBe(200);
    } finally {
      b.kill("SIGCONT");
    }
    const state = await converged(cluster.replicas);
    expect(state.samples).toContain('missed{instance="",job="missed4"} 4');
    expect(state.samples).toContain('after_trim{instance="",job="after-trim"} 1');
    expect(b.log()).toMatch(/loaded the state from Redis.*\n(.|\n)*loaded the state from Redis/);
  });
});
