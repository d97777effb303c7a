import { describe, expect, it } from "vitest";
import { AppError } from "../../../lib/errors";
import { jobPlanColumn, jobProgressColumn } from "../../../lib/jobs/job-columns";
import { observedColumn } from "../../../lib/resources/resource-columns";

const step = {
  method: "PATCH" as const,
  id: "/subscriptions/00000000-0000-4000-8000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
  apiVersion: "2025-06-01",
  body: { properties: { encryption: { keySource: "Microsoft.Keyvault" } } },
  description: "Encrypt the storage account with the customer's key.",
};

describe("[db] JSON columns are checked on write and parsed on read", () => {
  it("a value of the column's shape goes in and comes back as it was", () => {
    const stored = JSON.parse(JSON.stringify(jobPlanColumn.write({ steps: [step] }))) as unknown;
    expect(jobPlanColumn.read(stored as never)).toEqual({ steps: [step] });
    expect(jobPlanColumn.read(null)).toBeNull();
  });

  it("a value of another shape is refused before it is written, naming the column", () => {
    const wrong = { step: 0, of: 1, description: "x" };
    expect(() => jobProgressColumn.write(wrong)).toThrow(AppError);
    expect(() => jobProgressColumn.write(wrong)).toThrow(
      "The job's progress does not have the expected shape.",
    );
  });

  it("a stored value that no longer fits is an error, never silently another state", () => {
    expect(() => observedColumn.read({ state: "ENCRYPTED_SOMEHOW", detail: "?" })).toThrow(
      "The resource's read-back does not have the expected shape.",
    );
  });
});
