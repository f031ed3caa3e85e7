// startServer's net: a server nobody stopped does not outlive the `bun test` process that started it.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "pg-server-process-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A test file that starts a small Bun server with startServer, prints its PID and never stops it; with
 * `LINGER` set it then waits to be killed.
 */
const LEAVES_A_SERVER = `
import { test } from "bun:test";
import { startServer } from ${JSON.stringify(new URL("./server-process.ts", import.meta.url).pathname)};

test("leaves a server running", async () => {
  const server = await startServer({
    name: "idle server",
    argv: (port) => [process.execPath, "-e", \`Bun.serve({ hostname: "127.0.0.1", port: \${port}, fetch: () => new Response("ok") })\`],
  });
  console.log(\`server pid \${server.pid}\`);
  if (process.env.LINGER) await Bun.sleep(60_000);
});
`;

/**
 * Runs LEAVES_A_SERVER under `bun test`, kills that run with SIGKILL once the server is up when `kill`
 * is set, waits for the run to end and returns the server's PID.
 */
async function runLeavingAServer(kill: boolean): Promise<number> {
  const file = join(dir, "leaves-a-server.test.ts");
  writeFileSync(file, LEAVES_A_SERVER);
  const run = Bun.spawn([process.execPath, "test", "--timeout", "120000", file], {
    cwd: dir,
    env: { ...process.env, ...(kill ? { LINGER: "1" } : {}) },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const stderr = new Response(run.stderr).text();
  let stdout = "";
  let pid: number | undefined;
  const decoder = new TextDecoder();
  for await (const chunk of run.stdout) {
    stdout += decoder.decode(chunk, { stream: true });
    const match = /server pid (\d+)/.exec(stdout);
    if (match) {
      pid = Number(match[1]);
      if (kill) run.kill("SIGKILL");
      break;
    }
  }
  await run.exited;
  if (pid === undefined) throw new Error(`the test file printed no server PID\n${stdout}\n${await stderr}`);
  return pid;
}

/** Whether `pid` is a live process (not gone, not a zombie waiting to be reaped). */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

describe("startServer", () => {
  test.each([
    ["ends, the server still running", false],
    ["is killed with SIGKILL (no afterAll, no JavaScript runs)", true],
  ])("the server dies when the bun test process %s", async (_how, kill) => {
    const pid = await runLeavingAServer(kill);
    // The kernel signals at once; the process may take a moment to be gone.
    const deadline = Date.now() + 2_000;
    while (isAlive(pid) && Date.now() < deadline) await Bun.sleep(20);
    const alive = isAlive(pid);
    if (alive) process.kill(pid, "SIGKILL");
    expect({ pid, alive }).toEqual({ pid, alive: false });
  });
});
