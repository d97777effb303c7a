import type { Emulator } from "../emulator.js";
import type { GraphCaller } from "./auth.js";

export interface GraphRequest {
  emu: Emulator;
  caller: GraphCaller;
  query: URLSearchParams;
  body: unknown;
  /** `https://graph.microsoft.com/v1.0/$metadata#`, or the emulator's `{base}/graph/v1.0/$metadata#` */
  context: string;
}

export interface GraphResponse {
  status: number;
  body?: unknown;
}

/** One Graph operation: path pattern below /graph/v1.0 (OData key syntax included), thin handler. */
export interface GraphRoute {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  pattern: RegExp;
  operation: string;
  handle(req: GraphRequest, params: string[]): GraphResponse;
}

export const GUID = "([0-9a-fA-F-]{36})";
