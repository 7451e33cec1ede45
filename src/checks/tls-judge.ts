/**
 * The verdict of a TLS check, from what was served and what is on disk, in words an operator
 * acts on. GoCardless lost minutes in 2020 re-issuing a certificate that was already fine:
 * the message must tell "expired", "renewed but not reloaded", "expiring soon" and "wrong
 * host" apart, and say what to do for each.
 */
import { worst } from "./expect-output.js";
import type { CheckOutcome } from "./types.js";

const DAY_MS = 86_400_000;

/** The parts of a certificate the verdict needs (from X509Certificate, or built in a test). */
export interface CertificateFacts {
  fingerprint256: string;
  validFrom: Date;
  validTo: Date;
  /** Who it is for, in words: its subject alternative names, else its subject. */
  names: string;
}

export interface TlsFacts {
  address: string;
  served: CertificateFacts;
  /** The certificate file on disk, when the check names one. */
  file?: CertificateFacts & { path: string };
  /** The name checked against the served certificate, and whether it matched. */
  hostname?: { name: string; matches: boolean };
  /** Chain validation against the CA file, when the check names one. */
  chain?: { caFile: string; error?: string };
  minDays: number;
  warnDays?: number;
  now: Date;
}

/** The check's outcome; `value` is the served certificate's days to expiry (negative: expired). */
export function judgeTls(facts: TlsFacts): CheckOutcome {
  const { served, file, now, minDays } = facts;
  const servedDays = daysLeft(served.validTo, now);
  const fails: string[] = [];
  const warns: string[] = [];
  const differs = file !== undefined && file.fingerprint256 !== served.fingerprint256;
  const servedExpired = served.validTo.getTime() <= now.getTime();

  if (file && differs) {
    if (isRenewal(file, served)) {
      fails.push(
        servedExpired
          ? `the served certificate expired on ${day(served.validTo)}, but the certificate on disk was renewed on ${day(file.validFrom)} (valid until ${day(file.validTo)}) and the server still serves the old one: reload the server; there is no need to re-issue`
          : `the certificate on disk was renewed on ${day(file.validFrom)} but the server still serves the old one, which expires on ${day(served.validTo)} (${inDays(servedDays)}): reload the server`,
      );
    } else {
      fails.push(
        `the server serves a different certificate from ${file.path} (served: issued ${day(served.validFrom)}, expires ${day(served.validTo)}; on disk: issued ${day(file.validFrom)}, expires ${day(file.validTo)}); the one on disk is not newer: is the server reading another file?`,
      );
    }
  } else if (servedExpired) {
    fails.push(
      `the served certificate expired on ${day(served.validTo)} (${agoDays(served.validTo, now)})${file ? `, and ${file.path} holds the same one: renew it` : ""}`,
    );
  }
  if (served.validFrom.getTime() > now.getTime()) {
    fails.push(`the served certificate is not valid until ${day(served.validFrom)}`);
  }
  if (!servedExpired && servedDays < minDays && !(differs && fails.length > 0)) {
    fails.push(
      `the served certificate expires on ${day(served.validTo)}, ${inDays(servedDays)} (minimum ${minDays} days)${file && !differs ? ": renew it" : ""}`,
    );
  }
  if (file && differs) {
    const fileDays = daysLeft(file.validTo, now);
    if (fileDays < minDays) {
      fails.push(
        file.validTo.getTime() <= now.getTime()
          ? `the certificate on disk expired on ${day(file.validTo)} too: renew it`
          : `the certificate on disk expires on ${day(file.validTo)}, ${inDays(fileDays)} (minimum ${minDays} days): renew it`,
      );
    }
  }
  if (facts.hostname && !facts.hostname.matches) {
    fails.push(
      `the served certificate is for ${served.names}, not ${facts.hostname.name}: the host name does not match`,
    );
  }
  // The chain's own verdict on dates repeats what is said above, in worse words.
  const chainRepeatsDates =
    /^CERT_(HAS_EXPIRED|NOT_YET_VALID)$/.test(facts.chain?.error ?? "") &&
    (servedExpired || served.validFrom.getTime() > now.getTime());
  if (facts.chain?.error !== undefined && !chainRepeatsDates) {
    fails.push(
      `the served chain does not verify against ${facts.chain.caFile} (${facts.chain.error})`,
    );
  }
  if (
    fails.length === 0 &&
    facts.warnDays !== undefined &&
    servedDays < facts.warnDays &&
    !servedExpired
  ) {
    warns.push(
      `the served certificate expires on ${day(served.validTo)}, ${inDays(servedDays)} (warning at ${facts.warnDays} days)`,
    );
  }

  const status = worst([...fails.map(() => "fail" as const), ...warns.map(() => "warn" as const)]);
  if (status !== "pass") {
    return { status, detail: [...fails, ...warns].join("; "), value: servedDays };
  }
  const what = file
    ? `${facts.address} serves the certificate on disk (SHA-256 ${shortFingerprint(served.fingerprint256)})`
    : `${facts.address} serves a certificate for ${served.names} (SHA-256 ${shortFingerprint(served.fingerprint256)})`;
  return {
    status,
    detail: `${what}, which expires on ${day(served.validTo)}, ${inDays(servedDays)}`,
    value: servedDays,
  };
}

/**
 * Whether the certificate on disk replaces the served one. notBefore alone is not enough: a
 * re-issue in the same second (cert-manager retrying, a script run twice) has the same
 * notBefore, to the second, as the certificate it replaces; it still expires later.
 */
function isRenewal(file: CertificateFacts, served: CertificateFacts): boolean {
  return (
    file.validTo.getTime() > served.validTo.getTime() ||
    file.validFrom.getTime() > served.validFrom.getTime()
  );
}

/** Whole days left before `to` (negative once it has passed). */
export function daysLeft(to: Date, now: Date): number {
  return Math.floor((to.getTime() - now.getTime()) / DAY_MS);
}

function inDays(days: number): string {
  if (days <= 0) return "today";
  return `in ${days} day${days === 1 ? "" : "s"}`;
}

function agoDays(when: Date, now: Date): string {
  const days = Math.floor((now.getTime() - when.getTime()) / DAY_MS);
  if (days === 0) return "today";
  return `${days} day${days === 1 ? "" : "s"} ago`;
}

/** A date as the day it was, in UTC: 2020-10-25. */
export function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function shortFingerprint(fingerprint: string): string {
  return `${fingerprint.split(":").slice(0, 4).join(":")}…`;
}
