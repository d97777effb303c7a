import "server-only";
import type { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { AppError } from "@/lib/errors";

/**
 * A JSON column with its schema: what is written is checked first, what is read is parsed, so code on either
 * side works with the schema's type instead of casting. A stored value that no longer fits is an error with
 * the column's name, never silently a different shape.
 */
export function jsonColumn<S extends z.ZodType>(name: string, schema: S) {
  const check = (value: unknown): z.output<S> => {
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new AppError("INTERNAL", `The ${name} does not have the expected shape.`, {
        details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) },
      });
    return parsed.data;
  };
  return {
    schema,
    /** The value to hand Prisma, after the schema accepted it. */
    write(value: z.input<S>): Prisma.InputJsonValue {
      // The schemas describe JSON only (strings, numbers, booleans, null, arrays, plain objects).
      const checked: unknown = check(value);
      return checked as Prisma.InputJsonValue;
    },
    /** The stored value parsed, or null when the column is empty. */
    read(value: Prisma.JsonValue | null | undefined): z.output<S> | null {
      return value === null || value === undefined ? null : check(value);
    },
  };
}
