import fs from "node:fs";
import { expect, it } from "vitest";
import { envSchema } from "../../lib/env";

/**
 * Each variable of .env.example (commented-out ones included) with the comment block right above it;
 * variables on consecutive lines share one block.
 */
function documentedVariables(): Map<string, string> {
  const variables = new Map<string, string>();
  let comment: string[] = [];
  let block = "";
  for (const line of fs.readFileSync(".env.example", "utf8").split("\n")) {
    const variable = /^#?\s?([A-Z][A-Z0-9_]+)=/.exec(line);
    if (variable) {
      if (comment.length > 0) block = comment.join(" ");
      variables.set(variable[1]!, block);
      comment = [];
    } else if (line.startsWith("#")) comment.push(line);
    else {
      comment = [];
      block = "";
    }
  }
  return variables;
}

it("[config] .env.example documents every setting and marks each for production", () => {
  const documented = documentedVariables();
  const settings = Object.keys(envSchema.shape).filter((name) => name !== "NODE_ENV");
  expect(settings.filter((name) => !documented.has(name))).toEqual([]);
  const unmarked = [...documented].filter(
    ([, comment]) => !/\[(required|optional|platform|dev only)\]/.test(comment),
  );
  expect(unmarked.map(([name]) => name)).toEqual([]);
});
