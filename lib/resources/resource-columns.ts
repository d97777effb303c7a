import "server-only";
import { cmkFailureSchema, observedCmkSchema } from "@/lib/cmk/types";
import { jsonColumn } from "@/lib/db/json-column";

/** IsvResource.observed: what the last read-back through ARM showed. */
export const observedColumn = jsonColumn("resource's read-back", observedCmkSchema);

/** IsvResource.lastError: why the last operation on the resource failed. */
export const resourceErrorColumn = jsonColumn("resource's last error", cmkFailureSchema);
