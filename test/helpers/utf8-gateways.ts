// The two gateways a UTF-8 name test compares: one with --push.enable-utf8-names, one without (as 1.5.1 is).
import { afterAll, beforeAll } from "bun:test";
import { type Gateway, startOurGateway } from "./start-server.ts";

/** The pair `useUtf8Gateways` started. Read it inside tests only: the gateways start in beforeAll. */
export interface Utf8Gateways {
  /** Started with --push.enable-utf8-names. */
  readonly utf8: Gateway;
  /** Started without it. */
  readonly legacy: Gateway;
}

/**
 * Registers a beforeAll that starts both gateways at once (memory only, see startOurGateway) and an afterAll
 * that stops them. Call it at the top of a test file.
 */
export function useUtf8Gateways(): Utf8Gateways {
  let utf8: Gateway | undefined;
  let legacy: Gateway | undefined;
  const started = (gw: Gateway | undefined): Gateway => {
    if (gw === undefined) throw new Error("the UTF-8 gateways are not running: read them inside tests only");
    return gw;
  };

  beforeAll(async () => {
    [utf8, legacy] = await Promise.all([startOurGateway(["--push.enable-utf8-names"]), startOurGateway()]);
  });

  afterAll(async () => {
    await Promise.all([utf8?.stop(), legacy?.stop()]);
  });

  return {
    get utf8() {
      return started(utf8);
    },
    get legacy() {
      return started(legacy);
    },
  };
}
