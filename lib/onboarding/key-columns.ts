import "server-only";
import { jsonColumn } from "@/lib/db/json-column";
import { verificationResultSchema } from "@/lib/keys/verify/types";

/** CustomerKey.verification: the hop-by-hop result of the key's last verification. */
export const verificationColumn = jsonColumn("key's verification", verificationResultSchema);
