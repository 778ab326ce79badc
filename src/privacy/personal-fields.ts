import { FORGOTTEN_NAME, forgottenEmail } from '../domain/identity/index.js';
import type { JsonObject } from '../eventstore/types.js';

/** The personal fields an event carries and whose they are. */
export interface PersonalFields {
  readonly subjectId: string;
  readonly fields: readonly PersonalField[];
}

export type PersonalField = 'name' | 'email';

/**
 * Every event type that carries someone's name or email, and who that someone is. Ticket,
 * group and asset events refer to people by id only; their names are joined in at read time.
 * A new event type with a person's name, email or phone must be listed here.
 */
export function personalFieldsOf(event: { readonly type: string; readonly data: JsonObject }, streamId: string): PersonalFields | null {
  switch (event.type) {
    case 'UserRegistered':
      return subject(event.data.userId, ['name', 'email']);
    case 'UserProfileUpdated':
      return streamId.startsWith('user-') ? subject(streamId.slice('user-'.length), ['name', 'email']) : null;
    case 'UserEmailReserved':
      return subject(event.data.userId, ['email']);
    default:
      return null;
  }
}

function subject(id: unknown, fields: readonly PersonalField[]): PersonalFields | null {
  return typeof id === 'string' && id.length > 0 ? { subjectId: id, fields } : null;
}

/** What a forgotten person's field reads as: the same markers the users read model writes on UserForgotten. */
export function redacted(field: PersonalField, subjectId: string): string {
  return field === 'name' ? FORGOTTEN_NAME : forgottenEmail(subjectId);
}
