import { createHash, randomBytes } from 'node:crypto';
import { passwordProblems } from '../../auth/passwords.js';
import { newRefreshToken, readRefreshToken } from '../../auth/refresh-tokens.js';
import { matchRecoveryCode, newRecoveryCodes, hashRecoveryCode } from '../../auth/recovery-codes.js';
import { matchTotp, newTotpSecret, otpauthUrl } from '../../auth/totp.js';
import { IllegalStateError, UnauthorizedError, ValidationError } from '../../domain/errors.js';
import type { CheckedCode, Mfa } from '../../domain/identity/index.js';
import { normalizeEmail, sessionDecider, sessionStream, userDecider, userStream } from '../../domain/identity/index.js';
import { handleCommand, loadAggregate } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from './actor.js';
import type { IdentityDependencies } from './dependencies.js';
import { loadTenantUser, signInCandidate } from './lookups.js';
import type { TokenPair } from './sessions.js';
import { endSessions, endUserSessions, startSession } from './sessions.js';
import { countSecretAttempt, countSignInAttempt, knownAccount, unknownAccount } from './sign-in-limits.js';

export type SignInResult = { readonly kind: 'tokens'; readonly tokens: TokenPair } | { readonly kind: 'mfa_required'; readonly mfaToken: string };

const MFA_CHALLENGE_TTL_MS = 5 * 60_000;
const INVALID_CREDENTIALS = 'invalid tenant, email or password';

interface MfaChallenge {
  readonly userId: string;
  readonly tenantId: string;
  [key: string]: string;
}

/**
 * Unknown tenant, unknown user, deactivated user and wrong password all answer the same, after the
 * same work: the same reads (signInCandidate), one count, and one argon2 verification, against a
 * decoy hash of the same parameters when there is no account, so timing does not tell them apart.
 */
export async function signIn(deps: IdentityDependencies, input: { tenant: string; email: string; password: string }, clientAddress: string, context: Omit<CommandContext, 'tenantId' | 'actorId'>): Promise<SignInResult> {
  const email = normalizeEmail(input.email);
  const slug = input.tenant.trim().toLowerCase();
  const user = await signInCandidate(deps, slug, email);
  await countSecretAttempt(deps, user ? knownAccount(user.id) : unknownAccount(slug, email), clientAddress);
  const passwordMatches = user ? await deps.hasher.verify(user.passwordHash, input.password) : await deps.hasher.verifyAgainstNothing(input.password);
  if (!user || !passwordMatches || user.status !== 'active') throw new UnauthorizedError(INVALID_CREDENTIALS);
  const { tenantId, id: userId } = user;
  if (user.mfa.state === 'on') {
    const mfaToken = randomBytes(32).toString('base64url');
    const challenge: MfaChallenge = { userId, tenantId };
    await deps.cache.set(challengeKey(mfaToken), challenge, MFA_CHALLENGE_TTL_MS);
    return { kind: 'mfa_required', mfaToken };
  }
  const tokens = await startSession(deps, { id: userId, tenantId, role: user.role }, 'password', { ...context, tenantId, actorId: userId });
  return { kind: 'tokens', tokens };
}

/**
 * The second step: a TOTP code (each time step usable once) or a recovery code (each usable once).
 * The user's stream decides, so of many parallel attempts with one code exactly one wins.
 */
export async function verifySecondFactor(deps: IdentityDependencies, input: { mfaToken: string; code: string }, clientAddress: string, context: Omit<CommandContext, 'tenantId' | 'actorId'>): Promise<TokenPair> {
  const challenge = await deps.cache.get<MfaChallenge>(challengeKey(input.mfaToken));
  if (!challenge) {
    // No code is checked, but a flood of made-up challenges still counts against its address.
    await countSignInAttempt(deps, [`address:${clientAddress}`]);
    throw new UnauthorizedError('the sign-in challenge is unknown or expired; sign in again');
  }
  // Counted per account, not per challenge: a fresh sign-in must not buy fresh guesses at the code.
  await countSecretAttempt(deps, knownAccount(challenge.userId), clientAddress);
  const commandContext = { ...context, tenantId: challenge.tenantId, actorId: challenge.userId };
  const { user } = await loadTenantUser(deps.commands.store, challenge.tenantId, challenge.userId);
  await handleCommand(deps.commands, userDecider, userStream(user.id), { type: 'VerifyMfaCode', checked: checkCode(user.mfa, input.code, context.now), now: context.now }, commandContext, { mustExist: true });
  await deps.cache.delete(challengeKey(input.mfaToken));
  return startSession(deps, { id: user.id, tenantId: user.tenantId, role: user.role }, 'password+totp', commandContext);
}

/** Rotates the refresh token. A token presented twice revokes its whole family. */
export async function refreshSession(deps: IdentityDependencies, input: { refreshToken: string }, context: Omit<CommandContext, 'tenantId' | 'actorId'>): Promise<TokenPair> {
  const presented = readRefreshToken(input.refreshToken);
  if (!presented) throw new UnauthorizedError('invalid refresh token');
  const { state } = await loadSession(deps, presented.sessionId);
  if (state.status === 'none') throw new UnauthorizedError('invalid refresh token');
  const commandContext = { ...context, tenantId: state.tenantId, actorId: state.userId };
  const { user } = await loadTenantUser(deps.commands.store, state.tenantId, state.userId);
  if (user.status !== 'active') throw new UnauthorizedError('invalid refresh token');
  const next = newRefreshToken(presented.sessionId);
  const result = await handleCommand(
    deps.commands,
    sessionDecider,
    sessionStream(presented.sessionId),
    { type: 'RefreshSession', presentedHash: presented.hash, newHash: next.hash, expiresAt: new Date(context.now.getTime() + deps.refreshTokenTtlDays * 86_400_000), now: context.now },
    commandContext,
  );
  if (result.events.some((event) => event.type === 'SessionRevoked')) {
    await deps.denyList.deny(`session:${presented.sessionId}`, new Date(context.now.getTime() + (deps.accessTokenTtlSeconds + 60) * 1000));
    throw new UnauthorizedError('invalid refresh token');
  }
  const access = deps.accessTokens.issue({ userId: user.id, tenantId: user.tenantId, role: user.role, sessionId: presented.sessionId });
  return { accessToken: access.token, refreshToken: next.token, tokenType: 'Bearer', expiresIn: access.expiresIn };
}

export async function signOut(deps: IdentityDependencies, input: { refreshToken: string }, context: Omit<CommandContext, 'tenantId' | 'actorId'>): Promise<void> {
  const presented = readRefreshToken(input.refreshToken);
  if (!presented) throw new UnauthorizedError('invalid refresh token');
  const { state } = await loadSession(deps, presented.sessionId);
  if (state.status === 'none') throw new UnauthorizedError('invalid refresh token');
  const known = state.currentHash === presented.hash || state.usedHashes.includes(presented.hash);
  if (!known) throw new UnauthorizedError('invalid refresh token');
  await endSessions(deps, [presented.sessionId], 'logout', { ...context, tenantId: state.tenantId, actorId: state.userId });
}

/** Changes the caller's password and ends every other session of theirs. */
export async function changePassword(deps: IdentityDependencies, actor: Actor, input: { currentPassword: string; newPassword: string }, clientAddress: string, context: CommandContext): Promise<void> {
  const { user } = await loadTenantUser(deps.commands.store, actor.tenantId, actor.userId);
  const problems = passwordProblems(input.newPassword, { email: user.email, name: user.name });
  if (problems.length > 0) throw new ValidationError('the new password is too weak', problems.map((message) => ({ path: '/newPassword', message })));
  // A stolen access token must not become a way to guess the password without limit.
  await countSecretAttempt(deps, knownAccount(user.id), clientAddress);
  const currentPasswordVerified = await deps.hasher.verify(user.passwordHash, input.currentPassword);
  const passwordHash = currentPasswordVerified ? await deps.hasher.hash(input.newPassword) : '';
  await handleCommand(deps.commands, userDecider, userStream(user.id), { type: 'ChangePassword', passwordHash, currentPasswordVerified, now: context.now }, context, { mustExist: true });
  await endUserSessions(deps, user.id, 'password_changed', context, actor.sessionId);
}

export async function startMfaSetup(deps: IdentityDependencies, actor: Actor, context: CommandContext): Promise<{ secret: string; otpauthUrl: string }> {
  const { user } = await loadTenantUser(deps.commands.store, actor.tenantId, actor.userId);
  const secret = newTotpSecret();
  await handleCommand(deps.commands, userDecider, userStream(user.id), { type: 'StartMfaSetup', secret, now: context.now }, context, { mustExist: true });
  return { secret, otpauthUrl: otpauthUrl({ secret, accountName: user.email, issuer: deps.issuer }) };
}

export async function enableMfa(deps: IdentityDependencies, actor: Actor, input: { code: string }, context: CommandContext): Promise<{ recoveryCodes: string[] }> {
  const recoveryCodes = newRecoveryCodes();
  const { user } = await loadTenantUser(deps.commands.store, actor.tenantId, actor.userId);
  await handleCommand(
    deps.commands,
    userDecider,
    userStream(actor.userId),
    { type: 'EnableMfa', checked: checkCode(user.mfa, input.code, context.now), recoveryCodeHashes: recoveryCodes.map(hashRecoveryCode), now: context.now },
    context,
    { mustExist: true },
  );
  return { recoveryCodes };
}

export async function disableMfa(deps: IdentityDependencies, actor: Actor, input: { code: string }, clientAddress: string, context: CommandContext): Promise<void> {
  const { user } = await loadTenantUser(deps.commands.store, actor.tenantId, actor.userId);
  if (user.mfa.state !== 'on') throw new IllegalStateError('two-factor authentication is not on');
  await countSecretAttempt(deps, knownAccount(user.id), clientAddress);
  await handleCommand(deps.commands, userDecider, userStream(user.id), { type: 'DisableMfa', checked: checkCode(user.mfa, input.code, context.now), now: context.now }, context, { mustExist: true });
}

/**
 * What the typed code matches for this user as loaded: a TOTP step of their secret (set up or
 * pending), or an unused recovery code. The decider rules on replay and reuse.
 */
function checkCode(mfa: Mfa, code: string, now: Date): CheckedCode {
  if (mfa.state === 'off') return { secret: '', totpStep: null, recoveryIndex: null };
  const totpStep = matchTotp(mfa.secret, code, now)?.step ?? null;
  const recoveryIndex = mfa.state === 'on' && totpStep === null ? matchRecoveryCode(code, mfa.recoveryCodeHashes) : null;
  return { secret: mfa.secret, totpStep, recoveryIndex };
}

function loadSession(deps: IdentityDependencies, sessionId: string) {
  return loadAggregate(deps.commands.store, sessionDecider, sessionStream(sessionId));
}

function challengeKey(mfaToken: string): string {
  return `mfa-challenge:${createHash('sha256').update(mfaToken).digest('hex')}`;
}
