import "server-only";
import { z } from "zod";
import type { Total } from "./counts";

/** Rows per page on every console list. */
export const PAGE_SIZE = 50;

/**
 * Where a page starts: the sort key of the row next to it and how many rows come before the page. The
 * offset is only for "51–100 of 61,204"; the query itself seeks on the key, so page 2,000 costs what page 1 costs.
 */
export type Cursor = { key: string[]; offset: number };

/** Which page the URL asks for: the first, the one after a row, or the one before a row. */
export type PageRequest = { after?: Cursor; before?: Cursor };

export type Page<T> = {
  rows: T[];
  total: number;
  /** The total is a lower bound ("10,000+"): counting stopped at a cap (lib/db/counts.ts). */
  totalIsLowerBound: boolean;
  /** 1-based position of the first row; 0 when the page is empty. */
  from: number;
  to: number;
  /** Encoded cursors for the neighbouring pages; "" stands for the first page. */
  next?: string;
  prev?: string;
};

const cursorSchema = z.object({
  k: z.array(z.string().max(300)).min(1).max(4),
  o: z.number().int().min(0).max(100_000_000),
});

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify({ k: cursor.key, o: cursor.offset })).toString("base64url");
}

/** A cursor from a URL; anything malformed means "start from the first page", never an error page. */
export function decodeCursor(value: unknown): Cursor | undefined {
  if (typeof value !== "string" || value.length > 2000) return undefined;
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
    return parsed.success ? { key: parsed.data.k, offset: parsed.data.o } : undefined;
  } catch {
    return undefined;
  }
}

export function pageRequestFrom(params: { after?: unknown; before?: unknown }): PageRequest {
  const after = decodeCursor(params.after);
  if (after) return { after };
  const before = decodeCursor(params.before);
  return before ? { before } : {};
}

/**
 * Runs one keyset query in the direction the request asks and builds the page around it.
 * `fetch(direction, key, limit)` must return rows in that direction's order (forward = list order).
 */
export async function keysetPage<T>(options: {
  request: PageRequest;
  total: number | Total;
  keyOf: (row: T) => string[];
  fetch: (direction: "forward" | "backward", key: string[] | undefined, limit: number) => Promise<T[]>;
}): Promise<Page<T>> {
  const { request, keyOf } = options;
  const { count: total, atLeast } =
    typeof options.total === "number" ? { count: options.total, atLeast: false } : options.total;
  if (request.before) {
    const fetched = await options.fetch("backward", request.before.key, PAGE_SIZE + 1);
    const rows = fetched.slice(0, PAGE_SIZE).reverse();
    const atStart = fetched.length <= PAGE_SIZE;
    const offset = atStart ? 0 : Math.max(1, request.before.offset - rows.length);
    return build(rows, offset, !atStart, true);
  }
  const fetched = await options.fetch("forward", request.after?.key, PAGE_SIZE + 1);
  const rows = fetched.slice(0, PAGE_SIZE);
  return build(rows, request.after?.offset ?? 0, request.after !== undefined, fetched.length > PAGE_SIZE);

  function build(rows: T[], offset: number, hasPrev: boolean, hasNext: boolean): Page<T> {
    const first = rows[0];
    const last = rows.at(-1);
    return {
      rows,
      total: Math.max(total, offset + rows.length),
      totalIsLowerBound: atLeast,
      from: rows.length ? offset + 1 : 0,
      to: offset + rows.length,
      prev:
        hasPrev && first
          ? offset <= PAGE_SIZE
            ? ""
            : encodeCursor({ key: keyOf(first), offset })
          : undefined,
      next: hasNext && last ? encodeCursor({ key: keyOf(last), offset: offset + rows.length }) : undefined,
    };
  }
}
