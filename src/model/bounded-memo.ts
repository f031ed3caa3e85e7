// A pure function's results kept by argument, for the names and bounds a fleet sends again and again.

/**
 * `compute` memoised: each key's result is computed once and kept. The memo empties itself when it holds
 * `limit` keys, so that a stream of odd keys (names, bounds, grouping keys) cannot grow it without bound;
 * a fleet's few hundred recurring keys are back in it after one push each. `compute` must be pure: a
 * result may be handed out again at any later call. An `undefined` result is kept like any other.
 */
export function boundedMemo<K, V>(limit: number, compute: (key: K) => V): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let result = results.get(key);
    if (result === undefined && !results.has(key)) {
      if (results.size >= limit) results.clear();
      result = compute(key);
      results.set(key, result);
    }
    return result as V;
  };
}
