/**
 * Certificates made with the `openssl` command line, as an operator would: a small CA whose
 * leaf certificates can be given any validity window (`openssl ca -startdate/-enddate`), so
 * tests can have an expired certificate, one expiring soon, and an old one beside its renewal.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const DAY_MS = 86_400_000;

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

/** `now + days` as a Date (negative days are in the past). */
export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * DAY_MS);
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** 2020-01-01T00:00:00Z → 20200101000000Z, the form `openssl ca` takes. */
function asn1Time(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, "").slice(0, 14)}Z`;
}

export class TestCA {
  readonly certFile: string;
  private count = 0;

  private constructor(
    readonly dir: string,
    private readonly keyFile: string,
  ) {
    this.certFile = join(dir, "ca.crt");
  }

  /** A new CA in `dir` (created), valid from a year ago for ten years. */
  static create(dir: string, name = "preflight test CA"): TestCA {
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "ca.conf"),
      [
        "[ca]",
        "default_ca = local",
        "[local]",
        "dir = .",
        "database = index.txt",
        "new_certs_dir = .",
        "serial = serial",
        "default_md = sha256",
        "policy = any",
        "copy_extensions = copy",
        "unique_subject = no",
        "[any]",
        "commonName = supplied",
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial"), "1000\n");
    openssl(
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-days",
        "3650",
        "-subj",
        `/CN=${name}`,
      ],
      dir,
    );
    return new TestCA(dir, join(dir, "ca.key"));
  }

  /** A leaf certificate for `names` (DNS names or IP addresses), valid from `notBefore` to `notAfter`. */
  issue(
    label: string,
    options: { names: string[]; notBefore: Date; notAfter: Date },
  ): IssuedCertificate {
    this.count++;
    const base = `${label}-${this.count}`;
    const san = options.names.map((n) => (/^[\d.]+$|:/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(",");
    openssl(
      [
        "req",
        "-new",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        `${base}.key`,
        "-out",
        `${base}.csr`,
        "-subj",
        `/CN=${options.names[0]}`,
        "-addext",
        `subjectAltName=${san}`,
      ],
      this.dir,
    );
    openssl(
      [
        "ca",
        "-batch",
        "-config",
        "ca.conf",
        "-cert",
        "ca.crt",
        "-keyfile",
        this.keyFile,
        "-in",
        `${base}.csr`,
        "-out",
        `${base}.crt`,
        "-notext",
        "-startdate",
        asn1Time(options.notBefore),
        "-enddate",
        asn1Time(options.notAfter),
      ],
      this.dir,
    );
    const certFile = join(this.dir, `${base}.crt`);
    const keyFile = join(this.dir, `${base}.key`);
    return { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
  }
}
