import type { DomainEvent } from '../decider.js';
import { ForbiddenError, IllegalStateError, UnauthorizedError, ValidationError } from '../errors.js';
import type { Role } from '../permissions.js';

export type UserRegistered = DomainEvent<'UserRegistered', { userId: string; tenantId: string; email: string; name: string; role: Role; passwordHash: string; registeredAt: string }>;
export type UserProfileUpdated = DomainEvent<'UserProfileUpdated', { name: string; email: string; updatedAt: string }>;
export type UserRoleChanged = DomainEvent<'UserRoleChanged', { role: Role; previousRole: Role; changedAt: string }>;
export type UserPasswordChanged = DomainEvent<'UserPasswordChanged', { passwordHash: string; changedAt: string }>;
export type UserDeactivated = DomainEvent<'UserDeactivated', { at: string }>;
export type UserReactivated = DomainEvent<'UserReactivated', { at: string }>;
export type MfaSetupStarted = DomainEvent<'MfaSetupStarted', { secret: string; at: string }>;
export type MfaEnabled = DomainEvent<'MfaEnabled', { recoveryCodeHashes: string[]; step: number; at: string }>;
export type MfaDisabled = DomainEvent<'MfaDisabled', { at: string }>;
export type MfaCodeAccepted = DomainEvent<'MfaCodeAccepted', { step: number; at: string }>;
export type MfaRecoveryCodeUsed = DomainEvent<'MfaRecoveryCodeUsed', { index: number; at: string }>;
/** Their personal data key was destroyed (src/privacy/): the log keeps only ciphertext of their name and email. */
export type UserForgotten = DomainEvent<'UserForgotten', { at: string }>;

export type UserEvent =
  | UserRegistered
  | UserProfileUpdated
  | UserRoleChanged
  | UserPasswordChanged
  | UserDeactivated
  | UserReactivated
  | MfaSetupStarted
  | MfaEnabled
  | MfaDisabled
  | MfaCodeAccepted
  | MfaRecoveryCodeUsed
  | UserForgotten;

export type Mfa =
  | { readonly state: 'off' }
  | { readonly state: 'pending'; readonly secret: string }
  | { readonly state: 'on'; readonly secret: string; readonly recoveryCodeHashes: readonly (string | null)[]; readonly lastUsedStep: number };

export type User =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'active' | 'deactivated';
      readonly id: string;
      readonly tenantId: string;
      readonly email: string;
      readonly name: string;
      readonly role: Role;
      readonly passwordHash: string;
      readonly mfa: Mfa;
      /** Forgotten users stay deactivated for good and carry the redaction markers instead of their name and email. */
      readonly forgotten: boolean;
    };
export type RegisteredUser = Exclude<User, { status: 'unregistered' }>;

export type RegisterUser = { type: 'RegisterUser'; userId: string; tenantId: string; email: string; name: string; role: Role; passwordHash: string; now: Date };
export type UpdateUserProfile = { type: 'UpdateUserProfile'; name?: string; email?: string; now: Date };
export type ChangeUserRole = { type: 'ChangeUserRole'; role: Role; now: Date };
/** `currentPasswordVerified`: the caller checked the current password against the stored hash. */
export type ChangePassword = { type: 'ChangePassword'; passwordHash: string; currentPasswordVerified: boolean; now: Date };
export type DeactivateUser = { type: 'DeactivateUser'; now: Date };
export type ReactivateUser = { type: 'ReactivateUser'; now: Date };
export type StartMfaSetup = { type: 'StartMfaSetup'; secret: string; now: Date };
/**
 * What a code the user typed matched, checked by the caller (src/auth/) against `secret` and the
 * recovery codes it read: the TOTP time step it is valid for, and the index of the unused recovery
 * code it is. The decider rules on the rest (a replayed step, a code used meanwhile, a secret that
 * changed since it was checked), so the domain needs no cryptography of its own.
 */
export type CheckedCode = { readonly secret: string; readonly totpStep: number | null; readonly recoveryIndex: number | null };
export type EnableMfa = { type: 'EnableMfa'; checked: CheckedCode; recoveryCodeHashes: string[]; now: Date };
export type DisableMfa = { type: 'DisableMfa'; checked: CheckedCode; now: Date };
/** A second factor at sign-in: a TOTP code or a recovery code. */
export type VerifyMfaCode = { type: 'VerifyMfaCode'; checked: CheckedCode; now: Date };
export type ForgetUser = { type: 'ForgetUser'; now: Date };

export type UserCommand =
  | RegisterUser
  | UpdateUserProfile
  | ChangeUserRole
  | ChangePassword
  | DeactivateUser
  | ReactivateUser
  | StartMfaSetup
  | EnableMfa
  | DisableMfa
  | VerifyMfaCode
  | ForgetUser;

export const userStream = (userId: string): string => `user-${userId}`;

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{1,63}$/;

/** What shows where a forgotten user's name and email were: a reserved domain, unique per user (the users table wants unique addresses). */
export const FORGOTTEN_NAME = '[forgotten]';
export const forgottenEmail = (userId: string): string => `forgotten-${userId}@forgotten.invalid`;

export function normalizeEmail(raw: string): string {
  return raw.trim().toLowerCase();
}

export function initialState(): User {
  return { status: 'unregistered' };
}

export function evolve(state: User, event: UserEvent): User {
  if (event.type === 'UserRegistered') {
    const d = event.data;
    return { status: 'active', id: d.userId, tenantId: d.tenantId, email: d.email, name: d.name, role: d.role, passwordHash: d.passwordHash, mfa: { state: 'off' }, forgotten: false };
  }
  if (state.status === 'unregistered') return state;
  switch (event.type) {
    case 'UserProfileUpdated':
      return { ...state, name: event.data.name, email: event.data.email };
    case 'UserRoleChanged':
      return { ...state, role: event.data.role };
    case 'UserPasswordChanged':
      return { ...state, passwordHash: event.data.passwordHash };
    case 'UserDeactivated':
      return { ...state, status: 'deactivated' };
    case 'UserReactivated':
      return { ...state, status: 'active' };
    case 'MfaSetupStarted':
      return { ...state, mfa: { state: 'pending', secret: event.data.secret } };
    case 'MfaEnabled':
      return state.mfa.state === 'pending'
        ? { ...state, mfa: { state: 'on', secret: state.mfa.secret, recoveryCodeHashes: event.data.recoveryCodeHashes, lastUsedStep: event.data.step } }
        : state;
    case 'MfaDisabled':
      return { ...state, mfa: { state: 'off' } };
    case 'MfaCodeAccepted':
      return state.mfa.state === 'on' ? { ...state, mfa: { ...state.mfa, lastUsedStep: event.data.step } } : state;
    case 'MfaRecoveryCodeUsed':
      return state.mfa.state === 'on'
        ? { ...state, mfa: { ...state.mfa, recoveryCodeHashes: state.mfa.recoveryCodeHashes.map((hash, index) => (index === event.data.index ? null : hash)) } }
        : state;
    case 'UserForgotten':
      return { ...state, status: 'deactivated', forgotten: true, name: FORGOTTEN_NAME, email: forgottenEmail(state.id) };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: UserCommand, state: User): UserEvent[] {
  if (command.type === 'RegisterUser') return register(command, state);
  if (state.status === 'unregistered') throw new IllegalStateError('the user does not exist');
  // Nothing more happens to a forgotten user; at sign-in they are just unknown credentials.
  if (state.forgotten) throw command.type === 'VerifyMfaCode' ? new UnauthorizedError('invalid credentials') : new IllegalStateError('the user has been forgotten');
  const at = command.now.toISOString();
  switch (command.type) {
    case 'UpdateUserProfile': {
      const name = command.name === undefined ? state.name : requireName(command.name);
      const email = command.email === undefined ? state.email : requireEmail(command.email);
      if (name === state.name && email === state.email) return [];
      return [{ type: 'UserProfileUpdated', data: { name, email, updatedAt: at } }];
    }
    case 'ChangeUserRole':
      if (command.role === state.role) return [];
      return [{ type: 'UserRoleChanged', data: { role: command.role, previousRole: state.role, changedAt: at } }];
    case 'ChangePassword':
      if (!command.currentPasswordVerified) throw new ForbiddenError('the current password is wrong');
      return [{ type: 'UserPasswordChanged', data: { passwordHash: command.passwordHash, changedAt: at } }];
    case 'DeactivateUser':
      return state.status === 'deactivated' ? [] : [{ type: 'UserDeactivated', data: { at } }];
    case 'ReactivateUser':
      return state.status === 'active' ? [] : [{ type: 'UserReactivated', data: { at } }];
    case 'StartMfaSetup':
      if (state.mfa.state === 'on') throw new IllegalStateError('two-factor authentication is already on; disable it first');
      return [{ type: 'MfaSetupStarted', data: { secret: command.secret, at } }];
    case 'EnableMfa': {
      if (state.mfa.state !== 'pending') throw new IllegalStateError('start two-factor setup first');
      const step = command.checked.secret === state.mfa.secret ? command.checked.totpStep : null;
      if (step === null) throw new ValidationError('the code does not match', [{ path: '/code', message: 'not the current code of the authenticator app' }]);
      return [{ type: 'MfaEnabled', data: { recoveryCodeHashes: command.recoveryCodeHashes, step, at } }];
    }
    case 'DisableMfa': {
      if (state.mfa.state !== 'on') throw new IllegalStateError('two-factor authentication is not on');
      const proof = secondFactor(state.mfa, command.checked, at);
      if (!proof) throw new ForbiddenError('the code does not match');
      return [proof, { type: 'MfaDisabled', data: { at } }];
    }
    case 'VerifyMfaCode': {
      if (state.status !== 'active') throw new UnauthorizedError('invalid credentials');
      if (state.mfa.state !== 'on') throw new IllegalStateError('two-factor authentication is not on');
      const proof = secondFactor(state.mfa, command.checked, at);
      if (!proof) throw new UnauthorizedError('invalid code');
      return [proof];
    }
    case 'ForgetUser':
      return [{ type: 'UserForgotten', data: { at } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

/** A TOTP code newer than the last one used (no replay), or a recovery code still unused. */
function secondFactor(mfa: Extract<Mfa, { state: 'on' }>, checked: CheckedCode, at: string): MfaCodeAccepted | MfaRecoveryCodeUsed | null {
  if (checked.secret !== mfa.secret) return null;
  if (checked.totpStep !== null) return checked.totpStep > mfa.lastUsedStep ? { type: 'MfaCodeAccepted', data: { step: checked.totpStep, at } } : null;
  const index = checked.recoveryIndex;
  return index !== null && (mfa.recoveryCodeHashes[index] ?? null) !== null ? { type: 'MfaRecoveryCodeUsed', data: { index, at } } : null;
}

function register(command: RegisterUser, state: User): UserEvent[] {
  if (state.status !== 'unregistered') throw new IllegalStateError('the user already exists');
  return [
    {
      type: 'UserRegistered',
      data: {
        userId: command.userId,
        tenantId: command.tenantId,
        email: requireEmail(command.email),
        name: requireName(command.name),
        role: command.role,
        passwordHash: command.passwordHash,
        registeredAt: command.now.toISOString(),
      },
    },
  ];
}

export function requireEmail(raw: string): string {
  const email = normalizeEmail(raw);
  if (!EMAIL.test(email)) throw new ValidationError('invalid email address', [{ path: '/email', message: 'not an email address' }]);
  return email;
}

function requireName(raw: string): string {
  const name = raw.trim();
  if (name.length === 0 || name.length > 200) throw new ValidationError('invalid name', [{ path: '/name', message: 'between 1 and 200 characters' }]);
  return name;
}

export const userDecider = { initialState, evolve, decide };
