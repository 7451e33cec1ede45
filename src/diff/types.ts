/** Snapshots of state and the keyed difference between two of them, as plain data. */

export type Entry = Record<string, unknown>;

export interface Snapshot {
  /** The state probe's name, e.g. "pipelines". */
  state: string;
  /** The rule whose probe it is. */
  rule: string;
  /** Fields that identify an entry; empty means the whole entry. */
  key: string[];
  entries: Entry[];
}

export interface DiffEntry {
  state: string;
  key: Entry;
  entry: Entry;
}

export interface ChangedEntry {
  state: string;
  key: Entry;
  before: Entry;
  after: Entry;
  /** Top-level fields whose values differ. */
  fields: string[];
}

export interface StateDiff {
  added: DiffEntry[];
  removed: DiffEntry[];
  changed: ChangedEntry[];
}

export interface Violation {
  /** Which expectation failed, e.g. "removed.only", "added.none", "unchanged", "state.unverified". */
  expectation: string;
  message: string;
  entries: (DiffEntry | ChangedEntry)[];
  rule?: string;
  /** Found in the predicted change, before the command ran. */
  predicted?: boolean;
}

export function emptyDiff(): StateDiff {
  return { added: [], removed: [], changed: [] };
}
