// The entry point (`bun src/main.ts`, the built binary): runs the gateway (gateway.ts) under the allocator settings it is measured with.

/**
 * Bun's allocator (mimalloc) gives the pages of freed memory back to the kernel 10 ms after they empty (its
 * purge delay). Under push load the gateway empties and refills such pages all the time, so pushes faulted
 * fresh pages back in: ~2 minor faults per push on a replica, ~4 on a replica applying another's changes,
 * where they cost up to 40% of its CPU (bench/README.md, "The allocator's purge delay"). Purged after 10 s
 * instead, pages are reused while a load lasts and still given back once it ends. mimalloc reads these
 * settings from the environment once, at process start: when one is unset, the process executes itself
 * again with it (execve: the same PID, arguments and other environment); a value the caller set is kept.
 * Not when socket-activated (LISTEN_FDS): Bun marks the passed sockets close-on-exec, so they would not
 * survive; the packaged unit sets the variable itself (packaging/pushgateway.service).
 */
const ALLOCATOR_SETTINGS: Readonly<Record<string, string>> = { MIMALLOC_PURGE_DELAY: '10000' };

const unset = Object.entries(ALLOCATOR_SETTINGS).filter(([name]) => process.env[name] === undefined);
if (unset.length > 0 && process.env.LISTEN_FDS === undefined) {
  // A built binary's argv[1] is its entry inside the binary, which the runtime puts there again.
  const script = Bun.main.startsWith('/$bunfs/') ? [] : [process.argv[1]!];
  try {
    process.execve!(process.execPath, [process.execPath, ...process.execArgv, ...script, ...process.argv.slice(2)], { ...process.env, ...Object.fromEntries(unset) });
  } catch (error) {
    // Not fatal: the gateway runs as well with the allocator's defaults, only with more CPU per push.
    console.error(`pushgateway: could not set ${unset.map(([name]) => name).join(', ')} (running with the allocator's defaults): ${(error as Error).message}`);
  }
}
await import('./gateway.ts');
