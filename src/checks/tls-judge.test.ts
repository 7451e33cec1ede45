/**
 * The TLS verdict's wording: each problem says which one it is and what to do, because
 * "expired" and "renewed but not reloaded" need different fixes (GoCardless, 2020).
 */
import { describe, expect, it } from "vitest";
import { type CertificateFacts, judgeTls, type TlsFacts } from "./tls-judge.js";

const NOW = new Date("2020-10-20T12:00:00Z");
const d = (iso: string) => new Date(`${iso}T00:00:00Z`);

function cert(fingerprint: string, from: string, to: string): CertificateFacts {
  return {
    fingerprint256: fingerprint,
    validFrom: d(from),
    validTo: d(to),
    names: "vault.internal",
  };
}

const OLD = cert("AA:AA:AA:AA:AA", "2020-07-27", "2020-10-25");
const RENEWED = cert("BB:BB:BB:BB:BB", "2020-09-25", "2020-12-24");

function judge(facts: Partial<TlsFacts>) {
  return judgeTls({ address: "vault.internal:8200", served: OLD, minDays: 0, now: NOW, ...facts });
}

describe("judgeTls", () => {
  it("says a renewed certificate was not reloaded, with both dates and what to do", () => {
    const outcome = judge({ file: { ...RENEWED, path: "/etc/vault/tls.crt" }, minDays: 14 });
    expect(outcome).toEqual({
      status: "fail",
      detail:
        "the certificate on disk was renewed on 2020-09-25 but the server still serves the old one, which expires on 2020-10-25 (in 4 days): reload the server",
      value: 4,
    });
  });

  it("says so even before min-days matters", () => {
    const outcome = judge({ file: { ...RENEWED, path: "tls.crt" }, minDays: 0 });
    expect(outcome.status).toBe("fail");
    expect(outcome.detail).toMatch(/^the certificate on disk was renewed on 2020-09-25/);
  });

  it("once the old one has expired, says not to re-issue the one on disk", () => {
    const outcome = judge({
      file: { ...RENEWED, path: "tls.crt" },
      now: new Date("2020-10-25T06:00:00Z"),
    });
    expect(outcome.detail).toBe(
      "the served certificate expired on 2020-10-25, but the certificate on disk was renewed on 2020-09-25 (valid until 2020-12-24) and the server still serves the old one: reload the server; there is no need to re-issue",
    );
    expect(outcome.value).toBe(-1);
  });

  it("tells an expired certificate that is also the one on disk: renew it", () => {
    const outcome = judge({
      file: { ...OLD, path: "tls.crt" },
      now: new Date("2020-10-28T12:00:00Z"),
    });
    expect(outcome).toEqual({
      status: "fail",
      detail:
        "the served certificate expired on 2020-10-25 (3 days ago), and tls.crt holds the same one: renew it",
      value: -4,
    });
  });

  it("fails a certificate expiring inside min-days, and warns inside warn-days", () => {
    expect(judge({ file: { ...OLD, path: "tls.crt" }, minDays: 14 })).toEqual({
      status: "fail",
      detail: "the served certificate expires on 2020-10-25, in 4 days (minimum 14 days): renew it",
      value: 4,
    });
    expect(judge({ minDays: 3, warnDays: 30 })).toEqual({
      status: "warn",
      detail: "the served certificate expires on 2020-10-25, in 4 days (warning at 30 days)",
      value: 4,
    });
  });

  it("passes the certificate on disk, served and valid, with its expiry", () => {
    expect(judge({ served: RENEWED, file: { ...RENEWED, path: "tls.crt" }, minDays: 14 })).toEqual({
      status: "pass",
      detail:
        "vault.internal:8200 serves the certificate on disk (SHA-256 BB:BB:BB:BB…), which expires on 2020-12-24, in 64 days",
      value: 64,
    });
  });

  it("names the host a certificate is for when it does not match", () => {
    const outcome = judge({ served: RENEWED, hostname: { name: "db.internal", matches: false } });
    expect(outcome.status).toBe("fail");
    expect(outcome.detail).toBe(
      "the served certificate is for vault.internal, not db.internal: the host name does not match",
    );
  });

  it("calls a certificate issued in the same second but expiring later a renewal", () => {
    const sameSecond = cert("CC:CC:CC:CC:CC", "2020-07-27", "2020-12-24");
    const outcome = judge({ file: { ...sameSecond, path: "tls.crt" } });
    expect(outcome.detail).toBe(
      "the certificate on disk was renewed on 2020-07-27 but the server still serves the old one, which expires on 2020-10-25 (in 4 days): reload the server",
    );
  });

  it("does not call a certificate with the same dates a renewal", () => {
    const twin = cert("DD:DD:DD:DD:DD", "2020-07-27", "2020-10-25");
    const outcome = judge({ file: { ...twin, path: "tls.crt" } });
    expect(outcome.detail).toMatch(
      /the one on disk is not newer: is the server reading another file\?$/,
    );
  });

  it("says when the server serves a certificate that is newer than the file", () => {
    const outcome = judge({ served: RENEWED, file: { ...OLD, path: "/etc/old.crt" } });
    expect(outcome.detail).toMatch(
      /^the server serves a different certificate from \/etc\/old\.crt .*the one on disk is not newer: is the server reading another file\?/,
    );
  });

  it("reports a chain that does not verify against the CA file", () => {
    const outcome = judge({
      served: RENEWED,
      chain: { caFile: "ca.crt", error: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" },
    });
    expect(outcome).toMatchObject({
      status: "fail",
      detail: "the served chain does not verify against ca.crt (UNABLE_TO_VERIFY_LEAF_SIGNATURE)",
    });
  });

  it("does not repeat an expiry the chain validation also reports", () => {
    const outcome = judge({
      now: new Date("2020-10-26T00:00:00Z"),
      chain: { caFile: "ca.crt", error: "CERT_HAS_EXPIRED" },
    });
    expect(outcome.detail).toBe("the served certificate expired on 2020-10-25 (1 day ago)");
  });

  it("lists every problem found, most telling first", () => {
    const outcome = judge({
      file: { ...RENEWED, path: "tls.crt" },
      hostname: { name: "other", matches: false },
    });
    expect(outcome.detail.split("; ")).toHaveLength(2);
    expect(outcome.detail).toMatch(
      /^the certificate on disk was renewed.*; the served certificate is for/,
    );
  });
});
