// A replica killed (SIGKILL) under load loses nothing it acknowledged: every push it answered 2xx is on the survivors (issue #15).
import { describe, expect, test } from "bun:test";
import { scrapePushed } from "../helpers/http.ts";
import { converged, useReplicas } from "../helpers/replicas.ts";
import type { Gateway } from "../helpers/start-server.ts";

const cluster = useReplicas(3);

describe("a replica killed under load", () => {
  test("every push it acknowledged is readable from the survivors", async () => {
    const [victim, ...survivors] = cluster.replicas as [Gateway, Gateway, Gateway];
    const acknowledged: number[] = [];
    let n = 0;
    const pushers = Array.from({ length: 8 }, async () => {
      for (;;) {
        const i = n++;
        try {
          const response = await fetch(`${victim.url}/metrics/job/load/instance/i${i}`, { method: "PUT", body: `pushed ${i}\n` });
          await response.arrayBuffer();
          if (response.status === 200) acknowledged.push(i);
        } catch {
          return; // the connection died with the replica
        }
      }
    });
    await Bun.sleep(300);
    expect(await victim.kill("SIGKILL")).toBeNull();
    await Promise.all(pushers);
    expect(acknowledged.length).toBeGreaterThan(10);
    const state = await converged(survivors);
    for (const i of acknowledged) expect(state.samples).toContain(`pushed{instance="i${i}",job="load"} ${i}`);
    expect((await scrapePushed(survivors[0]!)).status).toBe(200);
  });
});
