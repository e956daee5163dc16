import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        // Pure: no DynamoDB, no network. `npx vitest --project core` for a fast loop.
        extends: true,
        test: { name: "core", include: ["test/core/**/*.test.ts"] },
      },
      {
        // One DynamoDB Local for every suite that needs it; each file makes its own table.
        extends: true,
        test: {
          name: "integration",
          include: ["test/{aws,functions,e2e,stacks,bundles,fuzz,faults,soak,crm,import}/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          pool: "forks",
        },
      },
    ],
  },
});
