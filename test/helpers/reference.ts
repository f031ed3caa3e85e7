// Starts the Go reference Pushgateway (Debian's 1.5.1, the behavioural oracle of SPEC.md) for a test.
import { type Gateway, startGateway } from "./start-server.ts";

export type { Gateway } from "./start-server.ts";

/** Installed by the Debian package `prometheus-pushgateway` (test/peers.sh checks it). */
export const REFERENCE_BINARY = "/usr/bin/prometheus-pushgateway";

/**
 * Starts the Go gateway on 127.0.0.1 at a free port with `--persistence.file=""` (Debian's default would
 * persist to /var/lib, SPEC §0) plus `extraArgs`, and resolves once `/-/ready` answers 200.
 * `stop()` kills only this process and waits for it to exit.
 */
export function startReference(extraArgs: string[] = []): Promise<Gateway> {
  return startGateway("go", (port) => [
    REFERENCE_BINARY,
    `--web.listen-address=127.0.0.1:${port}`,
    "--persistence.file=",
    ...extraArgs,
  ]);
}
