/**
 * Runs `fn` over `items` with at most `limit` calls in flight (at least one) and returns the results in
 * the items' order. Items are started in order, each as soon as a lane is free; what `fn` shares between
 * items (a stop flag, a running count) it sees in that order. A call that throws rejects the whole map
 * (the other lanes carry on with their current and remaining items), so callers that must isolate items
 * catch inside `fn`.
 */
export async function mapWithConcurrency<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) {
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  return results;
}
