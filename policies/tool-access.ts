/**
 * Which tools exist for whom. Every tool declares one access class; this is the only place
 * that maps classes to roles, and the tool registry builds each role's tool list from it, so
 * a tool absent for a role is never registered and cannot be called by name.
 */
export type ToolAccess = 'read' | 'draft' | 'review';
export type Role = 'agent' | 'reviewer';

export const ROLES: readonly Role[] = ['agent', 'reviewer'];

// Fails closed: an unknown role or access class allows nothing.
export function toolAllowed(access: ToolAccess, role: Role, readOnly: boolean): boolean {
  switch (access) {
    case 'read':
      return role === 'agent' || role === 'reviewer';
    case 'draft':
      // Policy: read-only mode removes draft tools; reviewers decide on drafts, they do not write them.
      return role === 'agent' && !readOnly;
    case 'review':
      return role === 'reviewer';
    default:
      return false;
  }
}
