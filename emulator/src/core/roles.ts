/** Entra built-in directory roles the emulator knows, by display name → role template id (as in `wids`). */
export const DIRECTORY_ROLES = {
  "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
  "Privileged Role Administrator": "e8611ab8-c189-46e8-94e1-60213ab1f814",
  "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
  "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "Application Developer": "cf1c38e5-3621-4004-a7cb-879624dced7c",
  "Directory Readers": "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
} as const;

export type DirectoryRoleName = keyof typeof DIRECTORY_ROLES;
export const DIRECTORY_ROLE_NAMES = Object.keys(DIRECTORY_ROLES) as [
  DirectoryRoleName,
  ...DirectoryRoleName[],
];

// Who may grant tenant-wide admin consent: https://learn.microsoft.com/entra/identity/enterprise-apps/grant-admin-consent
export const CONSENT_ADMIN_ROLES: readonly DirectoryRoleName[] = [
  "Global Administrator",
  "Privileged Role Administrator",
  "Cloud Application Administrator",
  "Application Administrator",
];

// Who may create service principals and write app credentials (microsoft.directory/applications/credentials/update).
export const APP_ADMIN_ROLES: readonly DirectoryRoleName[] = [
  "Global Administrator",
  "Cloud Application Administrator",
  "Application Administrator",
];

export const hasAnyRole = (roles: readonly string[], allowed: readonly DirectoryRoleName[]): boolean =>
  roles.some((r) => (allowed as readonly string[]).includes(r));
