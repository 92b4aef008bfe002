export const ROLES = ['super_admin', 'admin', 'partner'] as const;
export type Role = (typeof ROLES)[number];
