import { createHttpHeaders, RestError } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { describeAzureError } from "../../../lib/azure/azure-error";
import { AppError } from "../../../lib/errors";

/** A RestError as the ARM SDK throws it: status, Azure's code, and the response headers. */
function armError(statusCode: number, code: string, headers: Record<string, string> = {}) {
  return Object.assign(new RestError(`${code}: the message\nsecond line`, { code, statusCode }), {
    response: { headers: createHttpHeaders(headers) },
  });
}

describe("[arm] describeAzureError: whether trying again can help", () => {
  it.each([
    [429, "SubscriptionRequestsThrottled"],
    [500, "InternalServerError"],
    [503, "ServiceUnavailable"],
    [409, "AnotherOperationInProgress"],
    [409, "Conflict"],
  ])("%i %s is retryable", (status, code) => {
    expect(describeAzureError(armError(status, code))).toMatchObject({ code, status, retryable: true });
  });

  it.each([
    [400, "KeyVaultAuthenticationFailure"],
    [400, "KeyVaultPolicyError"],
    [400, "InvalidParameter"],
    [403, "AuthorizationFailed"],
    [403, "LinkedAuthorizationFailed"],
    [401, "InvalidAuthenticationToken"],
    [404, "ResourceNotFound"],
    [409, "RoleAssignmentExists"],
  ])("%i %s is final", (status, code) => {
    expect(describeAzureError(armError(status, code))).toMatchObject({ code, status, retryable: false });
  });

  it("Cosmos DB's 503 for an unreachable customer key is final: a missing key or identity does not come back by itself", () => {
    const cosmos = Object.assign(
      new RestError("Error contacting the Azure Key Vault resource. Please try again.", {
        code: "ServiceUnavailable",
        statusCode: 503,
      }),
      { response: { headers: createHttpHeaders({}) } },
    );
    expect(describeAzureError(cosmos)).toMatchObject({
      code: "ServiceUnavailable",
      status: 503,
      retryable: false,
    });
  });

  it("keeps Retry-After (seconds) and only the first line of the message", () => {
    expect(
      describeAzureError(armError(429, "SubscriptionRequestsThrottled", { "retry-after": "7" })),
    ).toEqual({
      code: "SubscriptionRequestsThrottled",
      status: 429,
      message: "SubscriptionRequestsThrottled: the message",
      retryable: true,
      retryAfterSeconds: 7,
    });
  });

  it("a long-running operation that ended Failed keeps the operation's code", () => {
    const failed = new Error(
      "The long-running operation has failed. KeyVaultAccessForbidden. Unable to access key vault.",
    );
    expect(describeAzureError(failed)).toEqual({
      code: "KeyVaultAccessForbidden",
      message: "Unable to access key vault.",
      retryable: false,
    });
    expect(
      describeAzureError(new Error("The long-running operation has failed. InternalServerError. Oops.")),
    ).toMatchObject({
      retryable: true,
    });
    expect(describeAzureError(new Error("The long-running operation has failed"))).toMatchObject({
      code: "OperationFailed",
      retryable: false,
    });
    expect(describeAzureError(new Error("Operation was canceled"))).toMatchObject({
      code: "Canceled",
      retryable: false,
    });
  });

  it("network failures are retryable; our own errors carry Azure's code and are final", () => {
    expect(
      describeAzureError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })),
    ).toMatchObject({
      code: "ECONNRESET",
      retryable: true,
    });
    const unreadable = new AppError("AZURE", "Azure returned a body Crosskey cannot read.", {
      azureCode: "UnexpectedResponse",
    });
    expect(describeAzureError(unreadable)).toMatchObject({
      code: "UnexpectedResponse",
      status: 502,
      retryable: false,
    });
  });
});
