import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One worker count for every project (vitest requires it of projects run together): two, the
    // machine's cores. One e2e file alone keeps 2 cores about 60 % busy, but a third worker gains
    // nothing: measured in a cold CI run (2026-12-03), each file then took 1.6 times as long (the
    // CPU goes to LiteLLM's boots and Prisma runs). The contract suite runs its files one at a time.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/e2e/**", "test/contract/**", "node_modules/**"],
          testTimeout: 30_000,
        },
      },
      {
        // The product's admin client and providers against a real LiteLLM (one gateway for the
        // whole project, started by the global set-up; faults injected by test/faults/proxy.ts).
        test: {
          name: "contract",
          include: ["test/contract/**/*.test.ts"],
          globalSetup: ["test/gateway/global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        // Files in parallel (two workers): every e2e stack has its own names, network, volume and
        // free host port (test/e2e/harness.ts), and most of a file's time is spent waiting on
        // containers.
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          testTimeout: 900_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});
