import { ForbiddenError } from '../../domain/errors.js';
import type { Action, Role } from '../../domain/permissions.js';
import { can, refusal } from '../../domain/permissions.js';

/** The signed-in caller, as the access token says. */
export interface Actor {
  readonly userId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly sessionId: string;
}

export function authorize(actor: Actor, action: Action): void {
  if (!can(actor.role, action)) throw new ForbiddenError(refusal(actor.role, action));
}
