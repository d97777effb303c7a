import type { Emulator } from "../emulator.js";
import type { ArmCaller } from "./auth.js";
import type { Fault } from "../core/faults.js";
import type { ResourceId } from "./resource-id.js";
import type { ArmResource, ArmStore, Subscription } from "./store.js";

/** One authenticated ARM request, as handlers see it. */
export interface ArmContext {
  emu: Emulator;
  store: ArmStore;
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  /** Scheme + host the client used: LRO URLs must point back at the emulator. */
  baseUrl: string;
  apiVersion: string;
  caller: ArmCaller;
  subscription: Subscription;
  fault?: Fault;
}

export interface ArmResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A resource provider type handler (moto's "responses" layer): thin, rules live in the CMK modules/store. */
export interface ResourceProvider {
  /** Canonical casing, e.g. `Microsoft.Storage/storageAccounts`. */
  type: string;
  get?(
    ctx: ArmContext,
    id: ResourceId,
    existing: ArmResource | undefined,
  ): ArmResponse | Promise<ArmResponse>;
  put?(
    ctx: ArmContext,
    id: ResourceId,
    existing: ArmResource | undefined,
  ): ArmResponse | Promise<ArmResponse>;
  patch?(
    ctx: ArmContext,
    id: ResourceId,
    existing: ArmResource | undefined,
  ): ArmResponse | Promise<ArmResponse>;
  delete?(
    ctx: ArmContext,
    id: ResourceId,
    existing: ArmResource | undefined,
  ): ArmResponse | Promise<ArmResponse>;
  /** `POST {resourceId}/{action}` (e.g. a SQL database's `encryptionProtector/current/revert`). */
  action?(
    ctx: ArmContext,
    id: ResourceId,
    existing: ArmResource | undefined,
    action: string,
  ): ArmResponse | Promise<ArmResponse>;
}
