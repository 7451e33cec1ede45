/**
 * CIDR blocks in the form AWS stores them: host bits cleared (`10.1.2.3/8` is `10.0.0.0/8`),
 * IPv6 in lower case with the longest run of zero groups compressed (RFC 5952). Two ways of
 * writing one block must compare equal, or a revoke of `10.1.2.3/8` would look like it names
 * a grant that does not exist.
 */

/** The canonical form of an IPv4 CIDR block, or undefined when it is not one. */
export function canonicalCidr4(text: string): string | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const bits = Number(match[5]);
  if (octets.some((o) => o > 255) || bits > 32) return undefined;
  const value = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - bits);
  const network = Math.floor(value / size) * size;
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return `${parts.join(".")}/${bits}`;
}

/** The canonical form of an IPv6 CIDR block, or undefined when it is not one. */
export function canonicalCidr6(text: string): string | undefined {
  const slash = text.trim().split("/");
  if (slash.length !== 2 || !/^\d{1,3}$/.test(slash[1]!)) return undefined;
  const bits = Number(slash[1]);
  const groups = parseIpv6(slash[0]!.toLowerCase());
  if (!groups || bits > 128) return undefined;
  let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  const hostBits = BigInt(128 - bits);
  value = (value >> hostBits) << hostBits;
  const cleared = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  return `${formatIpv6(cleared)}/${bits}`;
}

/** Either family; undefined when the text is neither. */
export function canonicalCidr(text: string): string | undefined {
  return text.includes(":") ? canonicalCidr6(text) : canonicalCidr4(text);
}

function parseIpv6(address: string): number[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const read = (part: string): number[] | undefined => {
    if (part === "") return [];
    const words = part.split(":");
    if (words.some((w) => !/^[0-9a-f]{1,4}$/.test(w))) return undefined;
    return words.map((w) => Number.parseInt(w, 16));
  };
  const head = read(halves[0]!);
  const tail = halves.length === 2 ? read(halves[1]!) : [];
  if (!head || !tail) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...Array<number>(missing).fill(0), ...tail];
}

function formatIpv6(groups: number[]): string {
  // The longest run of two or more zero groups becomes "::" (the first, on a tie).
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLength).join(":");
  return `${head}::${tail}`;
}
