import { describe, expect, it } from "vitest";
import { armWriteSchema, cmkFailureSchema, observedCmkSchema } from "../../../lib/cmk/types";

// These schemas guard what is stored (Job.plan, IsvResource.observed, Job.error): a value outside them is
// refused on write and reported on read (lib/db/json-column.ts), so each accepted and refused value matters.
describe("[cmk] the stored shapes of plans, read-backs and failures", () => {
  const write = {
    id: "/subscriptions/s/resourceGroups/g/providers/Microsoft.Storage/storageAccounts/a",
    apiVersion: "2025-06-01",
    body: { properties: {} },
    description: "Set the customer's key.",
  };

  it("an ARM write is a PUT, PATCH or POST, and nothing else", () => {
    for (const method of ["PUT", "PATCH", "POST"])
      expect(armWriteSchema.parse({ ...write, method }).method).toBe(method);
    for (const method of ["DELETE", "GET", "", "put"])
      expect(armWriteSchema.safeParse({ ...write, method }).success, method).toBe(false);
    expect(armWriteSchema.safeParse({ ...write, method: "PUT", body: "text" }).success).toBe(false);
  });

  it("a read-back names one of the five encryption states", () => {
    const observed = { keyUri: null, keyVersion: null, detail: "Microsoft-managed keys." };
    for (const state of ["MICROSOFT_MANAGED", "APPLIED", "PENDING", "DRIFTED", "FAILED"])
      expect(observedCmkSchema.parse({ ...observed, state }).state).toBe(state);
    for (const state of ["UNKNOWN", "", "applied"])
      expect(observedCmkSchema.safeParse({ ...observed, state }).success, state).toBe(false);
  });

  it("a failure keeps Azure's code and words, ours, and when it happened", () => {
    const failure = {
      code: "KeyVaultPolicyError",
      message: "…",
      what: "…",
      todo: "…",
      at: "2026-12-02T10:00:00.000Z",
    };
    expect(cmkFailureSchema.parse(failure)).toEqual(failure);
    expect(cmkFailureSchema.safeParse({ ...failure, at: "yesterday" }).success).toBe(false);
    const { todo: _todo, ...withoutTodo } = failure;
    expect(cmkFailureSchema.safeParse(withoutTodo).success).toBe(false);
  });
});
