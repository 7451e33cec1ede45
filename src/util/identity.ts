/**
 * Who runs preflight and on which host, for audit records and the log's lock: the names
 * Node's os.userInfo() and os.hostname() give, from the native addon where it is loaded
 * (native/identity.c), so that an unguarded run does not load node:os for them (0.6-0.9 ms
 * while its command runs, more than `true` takes). Asked once per process.
 */
import { nativeAddon } from "./native-addon.js";
import { os } from "./os.js";

let known: { user: string | null; host: string } | undefined;

function identity(): { user: string | null; host: string } {
  if (known) return known;
  const native = nativeAddon()?.identity();
  if (native?.[1]) {
    known = { user: native[0], host: native[1] };
    return known;
  }
  let user: string | null = null;
  try {
    user = os().userInfo().username;
  } catch {
    // No account for this uid (a container's arbitrary uid): the caller falls back.
  }
  known = { user, host: os().hostname() };
  return known;
}

/** The effective user's account name, or undefined where the uid has no account. */
export function accountName(): string | undefined {
  return identity().user ?? undefined;
}

/** os.hostname(). */
export function hostName(): string {
  return identity().host;
}
