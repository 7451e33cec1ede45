/**
 * The PostgreSQL test helper itself: a primary that accepts writes, and a streaming standby
 * that replays them and is in recovery. Later suites (switchovers) build on both.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeWithPostgres,
  type PgServer,
  startPostgres,
  startStandby,
} from "./helpers/postgres.js";

describeWithPostgres("test/helpers/postgres.ts", () => {
  let primary: PgServer;
  let standby: PgServer | undefined;

  beforeAll(async () => {
    primary = await startPostgres();
  });
  afterAll(async () => {
    await standby?.stop();
    await primary?.stop();
  });

  it("starts a primary on a free loopback port that accepts writes", async () => {
    expect(primary.port).toBeGreaterThan(0);
    await primary.psql("create table t (id int); insert into t values (1)");
    expect(await primary.psql("select count(*) from t")).toBe("1");
    expect(await primary.psql("select pg_is_in_recovery()")).toBe("f");
  });

  it("starts a streaming hot standby that replays the primary and refuses writes", async () => {
    standby = await startStandby(primary);
    expect(await standby.psql("select pg_is_in_recovery()")).toBe("t");
    await primary.psql("insert into t values (2)");
    let count = "";
    for (let i = 0; i < 50 && count !== "2"; i++) {
      count = await standby.psql("select count(*) from t");
      if (count !== "2") await new Promise((r) => setTimeout(r, 100));
    }
    expect(count).toBe("2");
    await expect(standby.psql("insert into t values (3)")).rejects.toThrow(/read-only transaction/);
  });
});
