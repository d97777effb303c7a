import { NextResponse } from "next/server";
import { clearCookie } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";

/** POST only: a link or image cannot sign someone out; SameSite=Lax keeps other sites from posting here with the cookie. */
export async function POST() {
  await clearCookie("operator");
  return NextResponse.redirect(new URL("/", getEnv().APP_BASE_URL), { status: 303 });
}
