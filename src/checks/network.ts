/** What network checks share: reading host:port, and network errors in words. */

/** `host:port`, `[::1]:8443`; the port is required (there is no safe default). */
export function parseHostPort(text: string): { host: string; port: number } | { problem: string } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text.trim());
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port < 1 || port > 65_535) {
    return { problem: `'${text}' is not host:port (e.g. vault.internal:8200, [::1]:8443)` };
  }
  return { host: (match[1] ?? match[2])!, port };
}

/** A socket error as a short phrase: "connection refused", "host not found". */
export function describeNetworkError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ECONNREFUSED":
      return "connection refused (is the server running and listening on that port?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ETIMEDOUT":
      return "timed out";
    case "ECONNRESET":
      return "the connection was reset (is it the right port, and does it speak TLS?)";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "host unreachable";
    default:
      if (/wrong version number|packet length too long|unknown protocol/i.test(error.message)) {
        return "the server did not answer in TLS (is it a plain-text port?)";
      }
      return error.message;
  }
}
