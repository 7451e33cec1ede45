/**
 * Maps a path inside a parsed YAML document (["rules", 0, "decision"]) to a line and column,
 * so every policy error can point at the text the author wrote.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from "yaml";

export interface Position {
  line: number;
  column: number;
}

type PathKey = string | number;

/** The node at `path`, or the deepest node on the way there. */
function nodeAt(doc: Document, path: readonly PathKey[]): { node: Node | null; depth: number } {
  let node = doc.contents as Node | null;
  let depth = 0;
  for (const key of path) {
    let next: Node | null = null;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      next = (pair?.value as Node | null) ?? null;
    } else if (isSeq(node) && typeof key === "number") {
      next = (node.items[key] as Node | null) ?? null;
    }
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, depth };
}

/** Position of the value at `path` (or of its closest existing parent). */
export function positionOf(doc: Document, lc: LineCounter, path: readonly PathKey[]): Position {
  const { node } = nodeAt(doc, path);
  return toPosition(lc, node?.range?.[0] ?? 0);
}

/** Position of a key inside the map at `path` (for unknown keys). */
export function positionOfKey(
  doc: Document,
  lc: LineCounter,
  path: readonly PathKey[],
  key: string,
): Position {
  const { node, depth } = nodeAt(doc, path);
  if (depth === path.length && isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
    const range = (pair?.key as Node | undefined)?.range;
    if (range) return toPosition(lc, range[0]);
  }
  return positionOf(doc, lc, path);
}

export function toPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line, column: col };
}
