/**
 * The `tls` check: connect to host:port, read the certificate the server actually serves,
 * and compare it with the file on disk (tls-judge.ts words the verdict). node:tls is loaded
 * only when a tls check runs. Anything that stops it from looking (a refused connection, an
 * unreadable file) is a fail with the reason, never a pass.
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import { resolve } from "node:path";
import type { TlsCheckSpec } from "../policy/types.js";
import { describeNetworkError, parseHostPort } from "./network.js";
import { type CertificateFacts, judgeTls } from "./tls-judge.js";
import type { CheckKind } from "./types.js";

type X509 = import("node:crypto").X509Certificate;

export const tlsCheck: CheckKind<TlsCheckSpec> = {
  kind: "tls",
  async run(spec, { cwd, now }) {
    const target = parseHostPort(spec.connect);
    if ("problem" in target) return { status: "fail", detail: target.problem };
    const address = `${target.host}:${target.port}`;
    const { X509Certificate } = await import("node:crypto");

    let file: (CertificateFacts & { path: string }) | undefined;
    if (spec.certFile !== undefined) {
      const read = await readPem(resolve(cwd, spec.certFile), "certificate file");
      if ("failure" in read) return { status: "fail", detail: read.failure };
      try {
        file = { ...facts(new X509Certificate(read.pem)), path: spec.certFile };
      } catch (error) {
        return {
          status: "fail",
          detail: `${spec.certFile} holds no certificate preflight can read (${(error as Error).message})`,
        };
      }
    }
    let ca: Buffer | undefined;
    if (spec.caFile !== undefined) {
      const read = await readPem(resolve(cwd, spec.caFile), "CA file");
      if ("failure" in read) return { status: "fail", detail: read.failure };
      ca = read.pem;
    }

    const hostname = spec.servername ?? target.host;
    const served = await fetchServed({
      host: target.host,
      port: target.port,
      ...(spec.servername !== undefined || !isIP(target.host) ? { servername: hostname } : {}),
      ...(ca && { ca }),
      timeoutMs: spec.timeoutMs,
    });
    if ("failure" in served) return { status: "fail", detail: served.failure };
    const cert = served.certificate;
    const matches = isIP(hostname)
      ? cert.checkIP(hostname) !== undefined
      : cert.checkHost(hostname) !== undefined;
    return judgeTls({
      address,
      served: facts(cert),
      ...(file && { file }),
      ...(spec.checkHostname && { hostname: { name: hostname, matches } }),
      ...(spec.caFile !== undefined && {
        chain: {
          caFile: spec.caFile,
          ...(served.authorizationError !== undefined && { error: served.authorizationError }),
        },
      }),
      minDays: spec.minDays,
      ...(spec.warnDays !== undefined && { warnDays: spec.warnDays }),
      now: now(),
    });
  },
};

async function readPem(path: string, what: string): Promise<{ pem: Buffer } | { failure: string }> {
  try {
    return { pem: await readFile(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return { failure: `cannot read the ${what} ${path} (${code})` };
  }
}

function facts(cert: X509): CertificateFacts {
  return {
    fingerprint256: cert.fingerprint256,
    validFrom: new Date(cert.validFrom),
    validTo: new Date(cert.validTo),
    names: cert.subjectAltName
      ? cert.subjectAltName
          .split(", ")
          .map((name) => name.replace(/^(DNS|IP Address):/, ""))
          .join(", ")
      : cert.subject.replaceAll("\n", ", "),
  };
}

interface Served {
  certificate: X509;
  /** Why the chain did not verify against the CA file given; undefined when it did. */
  authorizationError?: string;
}

/**
 * The certificate a server presents. Verification is left to the verdict (the point is to
 * look at an expired or wrong certificate, not to refuse to), so the handshake accepts
 * anything; the chain is still validated against `ca` when one is given, and the result kept.
 */
async function fetchServed(options: {
  host: string;
  port: number;
  servername?: string;
  ca?: Buffer;
  timeoutMs: number;
}): Promise<Served | { failure: string }> {
  const tls = await import("node:tls");
  const address = `${options.host}:${options.port}`;
  return new Promise((resolvePromise) => {
    let settled = false;
    const settle = (value: Served | { failure: string }) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolvePromise(value);
    };
    const socket = tls.connect({
      host: options.host,
      port: options.port,
      ...(options.servername !== undefined && { servername: options.servername }),
      ...(options.ca && { ca: options.ca }),
      rejectUnauthorized: false,
      // The host name is judged separately, so that the message can say which problem it is.
      checkServerIdentity: () => undefined,
    });
    socket.setTimeout(options.timeoutMs, () =>
      settle({
        failure: `no TLS handshake with ${address} within ${options.timeoutMs / 1000} s`,
      }),
    );
    socket.once("secureConnect", () => {
      const certificate = socket.getPeerX509Certificate();
      if (!certificate) {
        settle({ failure: `${address} presented no certificate` });
        return;
      }
      const error = socket.authorizationError;
      settle({
        certificate,
        ...(options.ca && !socket.authorized && { authorizationError: String(error) }),
      });
    });
    socket.once("error", (error: NodeJS.ErrnoException) =>
      settle({ failure: `could not connect to ${address}: ${describeNetworkError(error)}` }),
    );
  });
}
