/**
 * The PostgreSQL side of teams, built into dist/team.cjs and loaded through
 * loadTeamModules() (src/team/lazy.ts) only when a team database is configured.
 */

export {
  type ApprovalRequest,
  approveRequest,
  createRequest,
  findRequest,
  useApproval,
} from "./approvals.js";
export {
  type Checkpoint,
  checkCheckpoints,
  loadOrCreateKey,
  signCheckpoint,
  storedCheckpoints,
} from "./checkpoints.js";
export { connect, describeDbError, describeTarget, withDb } from "./connect.js";
export { forceUnlock, holdLease, listLocks, tryAcquire } from "./locks.js";
export { MIGRATIONS, migrate, SCHEMA_VERSION, schemaProblem, schemaVersion } from "./migrations.js";
export { appendShared, verifyShared } from "./shared-chain.js";
export { listShared, type SharedListFilter } from "./shared-list.js";
export { checkReachable, uploadSpool } from "./upload.js";
