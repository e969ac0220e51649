import type { TestProject } from "vitest/node";
import { startPostgres } from "../scripts/postgres.mjs";

declare module "vitest" {
  export interface ProvidedContext {
    /** The throwaway cluster's maintenance database; test/database.ts creates one database per test file in it. */
    postgresUrl: string;
  }
}

/** vitest.postgres.config.mts: one PostgreSQL cluster for the whole run, deleted afterwards. */
export default async function setup(project: TestProject) {
  const cluster = await startPostgres({ database: "twofold_tests" });
  project.provide("postgresUrl", cluster.url);
  return () => cluster.stop();
}
