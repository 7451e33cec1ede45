/**
 * A record's own property, or undefined. Policy maps are keyed by names that come from the
 * command line (`--env toString`): a plain `record[name]` would find Object.prototype's
 * members and treat "toString" as a defined environment, which once let a denied command run.
 */
export function own<T>(
  record: Readonly<Record<string, T>> | undefined,
  key: string,
): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
