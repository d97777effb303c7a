import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulator, type RunningEmulator } from "../src/server.js";
import { call, userToken } from "./resource-helpers.js";
import { IDS } from "./resource-world.js";

/**
 * Subscriptions_List paging: github.com/Azure/azure-rest-api-specs,
 * specification/resources/resource-manager/Microsoft.Resources/subscriptions/stable/2022-12-01/subscriptions.json
 * (x-ms-pageable nextLinkName "nextLink"; SubscriptionListResult: `value` required, `nextLink` a URI — an earlier
 * revision of the same file marked `nextLink` required instead). The emulator pages by `settings.listPageSize`
 * and sends `nextLink` only while more pages follow, as ARM does.
 */
const EXTRA = ["aaaaaaaa-0000-4000-8000-00000000c101", "aaaaaaaa-0000-4000-8000-00000000c102"];
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
let em: RunningEmulator;

beforeAll(async () => {
  const world = JSON.parse(
    fs.readFileSync(path.resolve(import.meta.dirname, "../world/demo.json"), "utf8"),
  ) as {
    tenants: { id: string; subscriptions?: { subscriptionId: string; displayName: string }[] }[];
    arm: { roleAssignments: object[] };
  };
  const contoso = world.tenants.find((t) => t.id === IDS.contoso)!;
  for (const [i, subscriptionId] of EXTRA.entries()) {
    contoso.subscriptions = [
      ...(contoso.subscriptions ?? []),
      { subscriptionId, displayName: `Contoso ${i + 2}` },
    ];
    world.arm.roleAssignments.push({
      scope: `/subscriptions/${subscriptionId}`,
      roleDefinitionId: OWNER,
      principalId: IDS.contosoAdmin,
      principalType: "User",
    });
  }
  const dataDir = path.resolve(
    process.env.EMULATOR_TEST_DATA_DIR ?? path.join(os.tmpdir(), "crosskey-emulator-test"),
  );
  em = await createEmulator({ port: 0, dataDir, world });
});
afterAll(async () => em.close());

describe("[arm] Subscriptions_List (subscriptions.json 2022-12-01)", () => {
  it("pages with nextLink while more subscriptions follow, and leaves it out on the last page", async () => {
    const token = await userToken(
      em.url,
      IDS.contoso,
      IDS.contosoAdminUpn,
      "https://management.azure.com/.default",
    );
    const whole = await call(em.url, "GET", "/subscriptions?api-version=2022-12-01", token);
    expect(whole.status).toBe(200);
    expect(whole.body).not.toHaveProperty("nextLink");
    expect((whole.body.value as unknown[]).length).toBe(3);

    em.emu.settings.listPageSize = 2;
    const first = await call(em.url, "GET", "/subscriptions?api-version=2022-12-01", token);
    expect((first.body.value as unknown[]).length).toBe(2);
    const next = String(first.body.nextLink);
    expect(next).toMatch(/^https:\/\/localhost:\d+\/subscriptions\?api-version=2022-12-01&%24skiptoken=2$/);
    const second = await call(em.url, "GET", next.replace(em.url, ""), token);
    expect(second.status).toBe(200);
    expect(second.body).not.toHaveProperty("nextLink");
    const ids = [
      ...(first.body.value as { subscriptionId: string }[]),
      ...(second.body.value as { subscriptionId: string }[]),
    ].map((s) => s.subscriptionId);
    expect(ids.sort()).toEqual([IDS.contosoSub, ...EXTRA].sort());
    const bad = await call(em.url, "GET", "/subscriptions?api-version=2022-12-01&$skiptoken=x", token);
    expect(bad.status).toBe(400);
  });
});
