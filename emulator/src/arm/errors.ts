/** ARM error envelope (docs/azure-contracts.md §4.2): {"error":{"code","message","target?","details?"}}. */
export interface ArmErrorBody {
  code: string;
  message: string;
  target?: string;
  details?: ArmErrorBody[];
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: { target?: string; details?: ArmErrorBody[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  toBody(): { error: ArmErrorBody } {
    const error: ArmErrorBody = { code: this.code, message: this.message };
    if (this.extra.target) error.target = this.extra.target;
    if (this.extra.details) error.details = this.extra.details;
    return { error };
  }
}

export const notFound = (type: string, name: string, rg: string): ArmError =>
  new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );

export const resourceGroupNotFound = (rg: string): ArmError =>
  new ArmError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);

export const invalidRequest = (message: string, target?: string): ArmError =>
  new ArmError(400, "InvalidRequestContent", message, target ? { target } : {});

export const badParameter = (message: string, target?: string, code = "InvalidParameter"): ArmError =>
  new ArmError(400, code, message, target ? { target } : {});
