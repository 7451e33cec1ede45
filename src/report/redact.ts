/**
 * Secrets never reach the report, the audit log or the terminal. These functions run on every
 * invocation (the audit record is redacted before it is written), so they are synchronous,
 * allocation-light and keep all their work in the constants below.
 *
 * The rules lean towards hiding: a harmless value shown as `***` costs a little readability,
 * a leaked password costs a rotation. The exceptions are deliberate and listed here.
 */

export const REDACTED = "***";

/** Words that make a name secret wherever they appear in it (`PGPASSWORD`, `authtoken`). */
const SECRET_STEMS = [
  "password",
  "passwd",
  "passphrase",
  "secret",
  "token",
  "credential",
  "apikey",
  "privatekey",
  "accesskey",
  "secretkey",
];

/** Words that make a name secret only as a whole word (`db_pass`, `auth`, not `author`). */
const SECRET_WORDS = new Set([
  "pass",
  "pwd",
  "auth",
  "authorization",
  "cookie",
  "creds",
  "jwt",
  "signature",
]);

/** `*_key` is secret with one of these before it; a bare `key` is not (`aws s3api --key path`). */
const KEY_QUALIFIERS = new Set([
  "api",
  "private",
  "access",
  "secret",
  "signing",
  "encryption",
  "master",
  "account",
  "client",
  "session",
  "auth",
  "license",
  "storage",
  "subscription",
  "shared",
]);

/**
 * A last word that names *about* a secret rather than the secret itself: AWS_ACCESS_KEY_ID is
 * an identifier (it is shown in consoles and logs by AWS itself and is what an auditor needs to
 * know which credential was used); `--secret-id`, `--password-file`, `--password-stdin`,
 * `--auth-type` and `AUTH_URL` carry names, paths, flags or URLs (a URL still has its password
 * redacted by the URL rule).
 */
const NOT_SECRET_LAST_WORDS = new Set([
  "id",
  "ids",
  "name",
  "names",
  "arn",
  "arns",
  "type",
  "file",
  "path",
  "dir",
  "stdin",
  "url",
  "uri",
  "length",
  "ttl",
  "expiry",
  "expiration",
  "expires",
  "prompt",
  "policy",
  "region",
]);

/** Words ending in "pass" that are not passwords (`--bypass-checks`). */
const NOT_PASS_WORDS = new Set([
  "bypass",
  "compass",
  "encompass",
  "surpass",
  "trespass",
  "overpass",
  "underpass",
  "multipass",
]);

const CAMEL_BOUNDARY = /([a-z0-9])([A-Z])/g;
const WORD_SEPARATORS = /[^a-z0-9]+/;

/**
 * Whether a variable, flag, header or JSON key name looks like it holds a secret: passwords,
 * tokens, API/private/access keys, credentials, auth. Case-insensitive; leading dashes of a
 * flag are ignored. `PWD` (the working folder), `KEY_ID`s and `--no-password` are not secrets.
 */
export function isSecretName(name: string): boolean {
  // Records and reports repeat the same few dozen keys: remember the answers.
  let known = secretNameCache.get(name);
  if (known === undefined) {
    known = judgeSecretName(name);
    if (secretNameCache.size < 10_000) secretNameCache.set(name, known);
  }
  return known;
}

const secretNameCache = new Map<string, boolean>();

/**
 * Every way judgeSecretName can answer true needs one of these in the name: the secret words
 * and stems below all contain one. Most names (the keys of every report and record) have
 * none, and are answered by a substring test instead of splitting them into words.
 * (Not a regular expression: each one a run executes pays V8 a compile, and a second compile
 * to machine code on its second use, 0.1-0.3 ms for this one; see docs/performance.md.)
 */
const MAY_BE_SECRET_PARTS = [
  "pass",
  "pwd",
  "auth",
  "cookie",
  "cred",
  "jwt",
  "signature",
  "secret",
  "token",
  "key",
];

export function mayBeSecretName(name: string): boolean {
  const lower = name.toLowerCase();
  for (const part of MAY_BE_SECRET_PARTS) if (lower.includes(part)) return true;
  return false;
}

function judgeSecretName(name: string): boolean {
  if (!mayBeSecretName(name)) return false;
  const words = name
    .replace(CAMEL_BOUNDARY, "$1_$2")
    .toLowerCase()
    .split(WORD_SEPARATORS)
    .filter((word) => word !== "");
  const last = words[words.length - 1];
  if (last === undefined || NOT_SECRET_LAST_WORDS.has(last)) return false;
  // A negated boolean flag (`psql --no-password`) takes no value.
  if (words[0] === "no" && words.length > 1) return false;
  // PWD alone is the shell's working folder, not a password.
  if (words.length === 1 && last === "pwd") return false;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (SECRET_WORDS.has(word)) return true;
    if (SECRET_STEMS.some((stem) => word.includes(stem))) return true;
    if (word.endsWith("pass") && word.length > 4 && !NOT_PASS_WORDS.has(word)) return true;
    if (word === "key" && i > 0 && KEY_QUALIFIERS.has(words[i - 1]!)) return true;
  }
  return false;
}

/** `scheme://user:password@host`: the password group is everything up to the last `@`. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/?#@]*:)[^\s/?#]+@/gi;
const AUTHORIZATION =
  /\b((?:proxy-)?authorization[ \t]*[:=][ \t]*)(?:([A-Za-z][\w-]*)[ \t]+)?[^\s"',;]+/gi;
const BEARER_OR_BASIC = /\b(Bearer|Basic)([ \t]+)([A-Za-z0-9._~+/-]{8,}=*)/g;
const PEM_PRIVATE_KEY =
  /(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----)[\s\S]*?(-----END [A-Z0-9 ]*PRIVATE KEY-----)/g;
/** `"name": "value"`, `'name': 'value'`, `"name" = "value"`. */
const QUOTED_PAIR = /(["'])([^"'\n]{1,100})\1([ \t]*[:=][ \t]*)(["'])((?:\\.|(?!\4)[^\\\n])*)\4/g;
const VALUE = String.raw`"(?:\\.|[^"\\])*"|'[^']*'|[^\s;&|]+`;
/** `--name=value`, `--name value` (a value that is itself a long option is left alone). */
const FLAG_PAIR = new RegExp(String.raw`(?<![\w-])(--?[A-Za-z][\w.-]*)(=|[ \t]+)(${VALUE})`, "g");
/** `NAME=value`, `NAME = value`, `NAME: value`, `X-Api-Key: value`. */
const NAME_PAIR = new RegExp(
  String.raw`(?<![\w.-])([A-Za-z_][\w.-]*)([ \t]*=[ \t]*|:[ \t]*)(${VALUE})`,
  "g",
);

const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number) => c >= 48 && c <= 57;
/** [\w-]: what may not come before a flag in FLAG_PAIR. */
const isWordOrDash = (c: number) => isLetter(c) || isDigit(c) || c === 95 || c === 45;

/**
 * Whether any rule of redactText could match: each needs `=` or `:`, a flag that starts a
 * word (`-p`, `--password`, not the dash inside `no-rule`), `Bearer`/`Basic`, or a PEM
 * header. Most strings (names, states, ids, paths) have none and are returned as they are.
 * A scan, not a regular expression (see MAY_BE_SECRET_PARTS); redact.test.ts checks that
 * whatever it passes over, the rules leave unchanged.
 */
export function mayHoldSecret(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 61 || c === 58) return true; // = :
    if (c === 45 && (i === 0 || !isWordOrDash(text.charCodeAt(i - 1)))) {
      const next = text.charCodeAt(i + 1);
      if (isLetter(next) || (next === 45 && isLetter(text.charCodeAt(i + 2)))) return true;
    }
  }
  return text.includes("Bearer") || text.includes("Basic") || text.includes("PRIVATE KEY-----");
}

/**
 * A bare timestamp (`2026-12-07T02:18:33.433Z`) has colons but no room for a secret: every
 * record has two. What /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/ matches.
 */
export function isIsoTimestamp(text: string): boolean {
  const pattern = "dddd-dd-ddTdd:dd:dd";
  if (text.length < 20 || text.charCodeAt(text.length - 1) !== 90) return false; // Z
  for (let i = 0; i < pattern.length; i++) {
    const c = text.charCodeAt(i);
    if (pattern[i] === "d" ? !isDigit(c) : c !== pattern.charCodeAt(i)) return false;
  }
  const rest = text.length - 1 - pattern.length;
  if (rest === 0) return true;
  if (rest < 2 || text.charCodeAt(pattern.length) !== 46) return false; // .
  for (let i = pattern.length + 1; i < text.length - 1; i++) {
    if (!isDigit(text.charCodeAt(i))) return false;
  }
  return true;
}

function maskQuoted(value: string): string {
  if (isReference(value)) return value;
  const quote = value[0];
  remember(value);
  return quote === '"' || quote === "'" ? `${quote}${REDACTED}${quote}` : REDACTED;
}

/** A word after "Bearer"/"Basic" that looks like a credential rather than prose ("Basic checks"). */
function looksLikeCredential(word: string): boolean {
  return /[0-9+/=._~-]/.test(word) || /[A-Z]/.test(word.slice(1));
}

/**
 * Redacts secrets in free text (a shell script, a check's output, a message): passwords in
 * URLs, values of secret-looking `NAME=value`, `NAME: value`, `--name value`, `--name=value`
 * and `"name": "value"` pairs, `Authorization:` headers, `Bearer`/`Basic` credentials and
 * PEM private keys.
 */
export function redactText(text: string): string {
  if (!mayHoldSecret(text) || isIsoTimestamp(text)) return text;
  return applyTextRules(text);
}

/** redactText's rules, on any text (exported for the test that checks mayHoldSecret). */
export function applyTextRules(text: string): string {
  return text
    .replace(QUERY_PARAM, (match, lead: string, name: string, value: string) =>
      isSecretName(name) && value !== "" ? `${lead}${name}=${remember(value)}` : match,
    )
    .replace(PEM_PRIVATE_KEY, `$1\n${REDACTED}\n$2`)
    .replace(URL_PASSWORD, `$1${REDACTED}@`)
    .replace(AUTHORIZATION, (_match, head: string, scheme: string | undefined) =>
      scheme === undefined ? `${head}${REDACTED}` : `${head}${scheme} ${REDACTED}`,
    )
    .replace(BEARER_OR_BASIC, (match, scheme: string, space: string, word: string) =>
      looksLikeCredential(word) ? `${scheme}${space}${REDACTED}` : match,
    )
    .replace(
      QUOTED_PAIR,
      (match, q: string, name: string, sep: string, vq: string, _value: string) =>
        isSecretName(name) ? `${q}${name}${q}${sep}${vq}${REDACTED}${vq}` : match,
    )
    .replace(FLAG_PAIR, (match, flag: string, sep: string, value: string) =>
      isSecretName(flag) && !(sep !== "=" && value.startsWith("--"))
        ? `${flag}${sep}${maskQuoted(value)}`
        : match,
    )
    .replace(NAME_PAIR, (match, name: string, sep: string, value: string) =>
      // Authorization headers were handled above, keeping their scheme visible.
      isSecretName(name) && !/^(?:proxy-)?authorization$/i.test(name)
        ? `${name}${sep}${maskQuoted(value)}`
        : match,
    );
}

/** `?access_token=…&X-Amz-Signature=…` in URLs. */
const QUERY_PARAM = /([?&])([^=&\s#?]+)=([^&\s#"']*)/g;

/**
 * Values already recognised as secrets in this process (a `--password` value, say). A check
 * that echoes one back in its own words ("login failed for password …") must not undo the
 * redaction, so every later text is scrubbed of them too.
 */
const learnedSecrets = new Set<string>();
// Only there, only whole words, and only values long enough to be unlikely words: scrubbing
// everywhere once turned `--password staging` into an environment named "***".
const MIN_LEARNED_LENGTH = 8;

/**
 * `@env:NAME`: where a secret is read from (`--param token=@env:NEW_TOKEN`), not the secret;
 * hiding it would make the resume command preflight prints impossible to paste.
 */
function isReference(value: string): boolean {
  return /^(["']?)@env:[A-Za-z_][A-Za-z0-9_]*\1$/.test(value);
}

function remember(value: string): string {
  if (isReference(value)) return value;
  const bare = value.replace(/^(["'])([\s\S]*)\1$/, "$2");
  if (bare.length >= MIN_LEARNED_LENGTH && bare !== REDACTED) learnedSecrets.add(bare);
  return REDACTED;
}

function scrubLearnedSecrets(text: string): string {
  let out = text;
  for (const secret of learnedSecrets) {
    if (!out.includes(secret)) continue;
    const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "g"), REDACTED);
  }
  return out;
}

/** Output a check, probe or rollback printed: redactText, and no secret the command held. */
export function redactOutput(text: string): string {
  return redactText(scrubLearnedSecrets(text));
}

/** mysql and friends take the password glued to -p (`-phunter2`). */
const GLUED_PASSWORD_PROGRAMS = new Set([
  "mysql",
  "mysqldump",
  "mysqladmin",
  "mysqlimport",
  "mysqlcheck",
  "mysqlsh",
  "mariadb",
  "mariadb-dump",
]);
/** `curl -u user:password`, `--user user:password`. */
const USER_FLAGS = new Set(["-u", "--user", "--proxy-user"]);

const FLAG_WITH_VALUE = /^(--?[A-Za-z][\w.-]*)=([\s\S]*)$/;
const FLAG_ALONE = /^--?[A-Za-z][\w.-]*$/;
/** `-c`, `-ec`, `-lc`: the next word is a script (sh, bash, python, psql). */
const SCRIPT_FLAG = /^-[a-z]*c$/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=([\s\S]*)$/;

/** One argv word on its own: the whole value after `=` is the secret, spaces included. */
function redactWord(word: string): string {
  // The regular expressions only where they can match (see MAY_BE_SECRET_PARTS for why).
  if (!word.includes("=")) return redactText(word);
  const flag = word.startsWith("-") ? FLAG_WITH_VALUE.exec(word) : null;
  if (flag) {
    const name = flag[1]!;
    if (isSecretName(name)) return `${name}=${remember(flag[2]!)}`;
    if (USER_FLAGS.has(name)) return `${name}=${redactUserPassword(flag[2]!)}`;
    return `${name}=${redactWord(flag[2]!)}`;
  }
  const assignment = ASSIGNMENT.exec(word);
  if (assignment) {
    const name = assignment[1]!;
    return isSecretName(name)
      ? `${name}=${remember(assignment[2]!)}`
      : `${name}=${redactText(assignment[2]!)}`;
  }
  // Anything else may be a script (`sh -c '...'`), a header (`-H 'Authorization: ...'`) or a URL.
  return redactText(word);
}

/**
 * Redacts a command line: `--password=x` and `--password x` (the value of a secret-looking
 * flag), `PGPASSWORD=x` assignment words, URL passwords anywhere in a word, and secrets inside
 * script words such as the argument of `sh -c`. Short flags (`-p`) are never assumed secret:
 * `-p` means pipeline, port or profile far more often than password.
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  if (argv.length === 0) return out;
  let valueIsSecret = false;
  let previous = "";
  const program = argv[0]!.slice(argv[0]!.lastIndexOf("/") + 1);
  const gluedPassword = GLUED_PASSWORD_PROGRAMS.has(program);
  for (const word of argv) {
    // A long option right after `--password` is the next option, not its value (mysql allows
    // `--password` without one); anything else there is taken to be the secret.
    if (valueIsSecret && !word.startsWith("--")) {
      out.push(remember(word));
      valueIsSecret = false;
    } else if (gluedPassword && /^-p./.test(word)) {
      out.push(`-p${remember(word.slice(2))}`);
    } else if (USER_FLAGS.has(previous)) {
      out.push(redactUserPassword(word));
    } else if (previous.startsWith("-") && SCRIPT_FLAG.test(previous) && /\s/.test(word)) {
      // `sh -c 'PGPASSWORD=x psql ...'`: a script, where `NAME=` ends at the first blank.
      out.push(redactText(word));
    } else {
      valueIsSecret = word.startsWith("-") && FLAG_ALONE.test(word) && isSecretName(word);
      out.push(valueIsSecret ? word : redactWord(word));
    }
    previous = word;
  }
  return out;
}

/** `user:password` → `user:***`; a bare user stays visible. */
function redactUserPassword(value: string): string {
  const colon = value.indexOf(":");
  return colon === -1 ? value : `${value.slice(0, colon + 1)}${remember(value.slice(colon + 1))}`;
}

/** Learns the secrets in a command line, so that later output echoing them is scrubbed too. */
export function learnSecrets(argv: readonly string[]): void {
  redactArgv(argv);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function maskSecretValue(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string" || typeof value === "number") return REDACTED;
  if (Array.isArray(value)) return value.map((item) => maskSecretValue(item, seen));
  return redactValue(value, seen);
}

function redactValue(value: unknown, seen: WeakMap<object, unknown>): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  const done = seen.get(value);
  if (done !== undefined) return done;
  if (Array.isArray(value)) {
    // Lists of strings in our reports and records are command lines (`command`, a check's
    // `run`), where `--password x` spans two items; redactArgv also covers every redactText case.
    if (value.every((item) => typeof item === "string")) {
      const copy = redactArgv(value as string[]);
      seen.set(value, copy);
      return copy;
    }
    const copy: unknown[] = [];
    seen.set(value, copy);
    for (const item of value) copy.push(redactValue(item, seen));
    return copy;
  }
  // Dates, Buffers, class instances: not ours to take apart; JSON rendering handles them.
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const [key, item] of Object.entries(value)) {
    copy[key] = isSecretName(key) ? maskSecretValue(item, seen) : redactValue(item, seen);
  }
  return copy;
}

/**
 * A redacted copy of a JSON-like value: every string goes through redactText (string arrays
 * through redactArgv), and a property whose key looks secret has its string or number value
 * (or the strings and numbers of its array value) replaced by `***`. The input is not changed.
 */
export function redactDeep<T>(value: T): T {
  const copy = redactValue(value, new WeakMap());
  if (copy !== value && typeof copy === "object" && copy !== null) redactedCopies.add(copy);
  return copy as T;
}

/** The copies redactDeep made: redacting one again would change nothing. */
const redactedCopies = new WeakSet<object>();

/**
 * Whether `value` is a copy redactDeep made, so a caller that must redact what it is given
 * (the audit log) need not walk it a second time. Only for a copy nobody changed since, which
 * holds for one made and passed on in the same breath (src/report/json.ts's toAuditRecord).
 */
export function isRedactedCopy(value: unknown): boolean {
  return typeof value === "object" && value !== null && redactedCopies.has(value);
}
