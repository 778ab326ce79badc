import { ForbiddenError } from '../../domain/errors.js';
import type { Action, Role } from '../../domain/permissions.js';
import { can } from '../../domain/permissions.js';

/** The signed-in caller, as the access token says. */
export interface Actor {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionId: string;
}

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new ForbiddenError(`${/^[aeiou]/.test(actor.role) ? 'an' : 'a'} ${actor.role} may not ${action.replace('.', ' ')}`);
}
