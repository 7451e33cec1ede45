/**
 * PostgreSQL clients (`psql`, `dropdb`, `createdb`, `pg_dump`, `pg_restore`, …): the host, port
 * and database as libpq resolves them. For each parameter, in order of strength:
 *   1. the command's flags (`-h`, `-p`, `-d`/`--dbname`, `--maintenance-db`) and a database
 *      argument that is a connection string or URI (its values override the flags, as psql
 *      passes the dbname after host and port with expand_dbname);
 *   2. the service (`service=` in the connection string, else `$PGSERVICE`), looked up in
 *      `$PGSERVICEFILE` or `~/.pg_service.conf`, and only if not found there in
 *      `$PGSYSCONFDIR/pg_service.conf` (default /etc/postgresql-common); it fills only what
 *      the command did not set, and a service found in neither file is an error, as for libpq;
 *   3. `$PGHOST`, `$PGHOSTADDR`, `$PGPORT`, `$PGDATABASE`;
 *   4. libpq's defaults: the local Unix socket, port 5432.
 */
import { flagValues } from "../../command/flags.js";
import { isConnectionString, type Params, parseConnectionString } from "./conninfo.js";
import { lastOf, toolPath } from "./paths.js";
import { ConfigProblem, keepingAlias, readText, shown } from "./problem.js";
import type { ResolverInput, TargetReading } from "./types.js";

/** Short options that take a value, per program (so the words after them are not the database). */
const VALUE_FLAGS: Record<string, string> = {
  psql: "-c -d -f -h -L -o -p -P -R -F -T -U -v",
  dropdb: "-h -p -U",
  createdb: "-D -E -l -O -T -S -h -p -U",
  pg_dump: "-d -f -F -j -n -N -t -T -Z -E -S -h -p -U",
  pg_restore: "-d -f -F -I -j -L -n -N -P -t -T -S -h -p -U",
  pg_dumpall: "-d -f -l -S -h -p -U",
};
const DATABASE_FLAGS = ["-d", "--dbname", "--maintenance-db"];

export function readPostgres(input: ResolverInput): TargetReading {
  const { argv, vars } = input;
  const files: string[] = [];
  const params: Params = {};
  const set = (from: Params, only: "missing" | "all") => {
    for (const [key, value] of Object.entries(from) as [keyof Params, string][]) {
      if (only === "all" || params[key] === undefined) params[key] = value;
    }
  };

  const host = lastOf(flagValues(argv, ["-h", "--host"]));
  const port = lastOf(flagValues(argv, ["-p", "--port"]));
  set({ ...(host && { host }), ...(port && { port }) }, "all");
  const program = argv[0]?.split("/").pop() ?? "";
  const database = lastOf(flagValues(argv, DATABASE_FLAGS)) ?? firstPositional(argv, program);
  if (database !== undefined) {
    if (isConnectionString(database)) set(parseConnectionString(database, "the command"), "all");
    // dropdb and createdb connect to a maintenance database; the argument is the one they drop.
    else if (!/^(dropdb|createdb)$/.test(program)) set({ dbname: database }, "missing");
  }

  const service = params.service ?? (vars.PGSERVICE || undefined);
  const alias = service && {
    value: service,
    source: params.service
      ? "libpq service from the connection string"
      : "libpq service from PGSERVICE",
  };
  if (alias)
    set(
      keepingAlias(alias, () => lookUpService(input, alias.value, files)),
      "missing",
    );
  set(
    {
      ...(vars.PGHOST && { host: vars.PGHOST }),
      ...(vars.PGHOSTADDR && { hostaddr: vars.PGHOSTADDR }),
      ...(vars.PGPORT && { port: vars.PGPORT }),
      ...(vars.PGDATABASE && { dbname: vars.PGDATABASE }),
    },
    "missing",
  );
  const target = params.host ?? params.hostaddr ?? "local socket";
  const where = [
    `host ${target}`,
    `port ${params.port ?? "5432"}`,
    ...(params.dbname ? [`database ${params.dbname}`] : []),
    ...(service ? [`service ${service}`] : []),
  ].join(", ");
  return {
    tool: "postgres",
    ...(alias && { alias }),
    truth: { host: target },
    where,
    files,
  };
}

/** libpq's service file lookup: the user's file first; the system file only if not found there. */
function lookUpService(input: ResolverInput, service: string, files: string[]): Params {
  const userFile = input.vars.PGSERVICEFILE
    ? toolPath(input.vars.PGSERVICEFILE, input.cwd, input.home)
    : `${input.home}/.pg_service.conf`;
  const systemFile = `${input.vars.PGSYSCONFDIR || "/etc/postgresql-common"}/pg_service.conf`;
  for (const path of [userFile, systemFile]) {
    const text = readText(input.files, path, input.home);
    if (text === undefined) continue;
    files.push(path);
    const found = serviceIn(text, service, shown(path, input.home));
    if (found) return found;
  }
  throw new ConfigProblem(
    `service '${service}' is not defined in ${shown(userFile, input.home)} or ${systemFile}`,
  );
}

/**
 * The `[service]` section of an INI-style service file; a line libpq would reject is a problem.
 * Lines are taken one at a time with indexOf (not split), as this runs once, before the JIT.
 */
function serviceIn(text: string, service: string, name: string): Params | undefined {
  let inSection = false;
  let found: Params | undefined;
  let number = 0;
  for (let at = 0; at <= text.length; ) {
    let end = text.indexOf("\n", at);
    if (end === -1) end = text.length;
    const line = text.slice(at, end).trim();
    at = end + 1;
    number++;
    if (line === "" || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      if (!line.endsWith("]"))
        throw new ConfigProblem(`${name} line ${number}: a section name needs a closing "]"`);
      if (found) return found;
      inSection = line.slice(1, -1) === service;
      if (inSection) found = {};
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) throw new ConfigProblem(`${name} line ${number}: syntax error (no "=")`);
    if (!inSection || !found) continue;
    const key = line.slice(0, eq).trim();
    if (key === "service")
      throw new ConfigProblem(
        `${name} line ${number}: nested service specifications are not supported`,
      );
    if (key === "host" || key === "hostaddr" || key === "port" || key === "dbname") {
      found[key] = line.slice(eq + 1).trim();
    }
  }
  return found;
}

/** The first word that is neither an option nor an option's value: the database argument. */
function firstPositional(argv: readonly string[], program: string): string | undefined {
  const takesValue = new Set((VALUE_FLAGS[program] ?? "-d -h -p -U").split(" "));
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === "--") return argv[i + 1];
    if (word.startsWith("--")) {
      if (!word.includes("=") && LONG_VALUE_FLAGS.has(word)) i++;
      continue;
    }
    if (word.startsWith("-") && word.length > 1) {
      if (word.length === 2 && takesValue.has(word)) i++;
      continue;
    }
    return word;
  }
  return undefined;
}

const LONG_VALUE_FLAGS = new Set([
  "--host",
  "--port",
  "--username",
  "--dbname",
  "--maintenance-db",
  "--command",
  "--file",
  "--format",
  "--jobs",
  "--schema",
  "--exclude-schema",
  "--table",
  "--exclude-table",
  "--output",
  "--log-file",
  "--pset",
  "--record-separator",
  "--field-separator",
  "--set",
  "--variable",
  "--encoding",
  "--role",
  "--compress",
  "--lock-wait-timeout",
  "--section",
  "--superuser",
  "--tablespace",
  "--template",
  "--locale",
  "--lc-collate",
  "--lc-ctype",
  "--owner",
  "--exclude-table-data",
  "--extension",
  "--index",
  "--function",
  "--trigger",
  "--use-list",
  "--snapshot",
  "--rows-per-insert",
  "--filter",
  "--exclude-database",
]);
