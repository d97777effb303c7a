import type { Emulator } from "../emulator.js";

/** A user-assigned managed identity as ARM shows it (the identity side owns them in `emu.directory`). */
export interface UamiView {
  id: string;
  name: string;
  location: string;
  clientId: string;
  principalId: string;
  tenantId: string;
}

function view(u: unknown): UamiView | undefined {
  if (!u || typeof u !== "object") return undefined;
  const o = u as Record<string, unknown>;
  const id = String(o.resourceId ?? o.id ?? "");
  return {
    id,
    name: String(o.name ?? id.split("/").pop() ?? ""),
    location: String(o.location ?? "westeurope"),
    clientId: String(o.clientId ?? ""),
    principalId: String(o.principalId ?? o.objectId ?? ""),
    tenantId: String(o.tenantId ?? ""),
  };
}

export const findUami = (emu: Emulator, resourceId: string): UamiView | undefined =>
  view(emu.directory.getUamiByResourceId(resourceId));

export const listUamis = (emu: Emulator): UamiView[] =>
  (emu.directory.listUamis() as unknown[]).map(view).filter((u): u is UamiView => !!u);
