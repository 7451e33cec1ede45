/**
 * The PostgreSQL side of teams, built into dist/team.cjs and loaded through
 * loadTeamModules() (src/team/lazy.ts) only when a team database is configured.
 */
export { describeDbError, describeTarget, withDb } from "./connect.js";
export { forceUnlock, holdLease, listLocks, tryAcquire } from "./locks.js";
export { MIGRATIONS, migrate, SCHEMA_VERSION, schemaProblem, schemaVersion } from "./migrations.js";
export { verifyShared } from "./shared-chain.js";
export { listShared, type SharedListFilter } from "./shared-list.js";
export { checkReachable, uploadSpool } from "./upload.js";
