import * as auth from '../../identity/auth-router.js';
import * as groups from '../../identity/groups-router.js';
import * as users from '../../identity/users-router.js';
import { z } from 'zod';
import { listQuery } from '../../http.js';
import type { JsonSchema } from '../json-schema.js';
import { ROLES } from '../../../domain/permissions.js';
import { instant, page, ref, uuid } from '../json-schema.js';
import type { Area, OperationSpec } from '../operation.js';

const noBody = z.object({}).strict().optional();
const versionField: JsonSchema = { type: 'integer', minimum: 0, description: 'The stream revision; also sent as the ETag.' };

const tokens: JsonSchema = {
  type: 'object',
  required: ['accessToken', 'refreshToken', 'tokenType', 'expiresIn'],
  properties: {
    accessToken: { type: 'string', description: 'A JWT for `Authorization: Bearer …`.' },
    refreshToken: { type: 'string', description: 'Single use: each refresh hands out the next one.' },
    tokenType: { const: 'Bearer' },
    expiresIn: { type: 'integer', description: 'Seconds until the access token expires.' },
  },
};
const secondFactorNeeded: JsonSchema = { type: 'object', required: ['mfaRequired', 'mfaToken'], properties: { mfaRequired: { const: true }, mfaToken: { type: 'string', description: 'Send with a code to /auth/mfa/verify.' } } };

export const identitySchemas: Record<string, JsonSchema> = {
  Tokens: tokens,
  User: {
    type: 'object',
    required: ['id', 'email', 'name', 'role', 'status', 'mfaEnabled', 'registeredAt', 'updatedAt', 'version'],
    properties: {
      id: uuid,
      email: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string', enum: [...ROLES] },
      status: { type: 'string', enum: ['active', 'deactivated'] },
      mfaEnabled: { type: 'boolean' },
      registeredAt: instant,
      updatedAt: instant,
      version: versionField,
    },
  },
  Group: {
    type: 'object',
    description: 'A team or a department, with its members.',
    required: ['id', 'name', 'description', 'members', 'createdAt', 'updatedAt', 'version'],
    properties: {
      id: uuid,
      name: { type: 'string' },
      description: { type: 'string' },
      members: { type: 'array', items: { type: 'object', required: ['userId', 'name', 'email'], properties: { userId: uuid, name: { type: 'string' }, email: { type: 'string' } } } },
      createdAt: instant,
      updatedAt: instant,
      version: versionField,
    },
  },
};

export const authArea: Area = {
  tag: 'Authentication',
  description: 'Sign-up, sign-in, tokens and the second factor.',
  access: 'public',
  idempotent: false,
  operations: [
    {
      method: 'POST',
      path: '/api/v1/signup',
      summary: 'Sign up an organization',
      description: 'Creates a tenant and its first admin, and signs them in.',
      body: auth.signupBody,
      ok: { status: 201, description: 'The tenant, the admin and their tokens.', schema: { type: 'object', required: ['tenant', 'user'], properties: { tenant: { type: 'object', additionalProperties: true }, user: { type: 'object', additionalProperties: true } }, allOf: [tokens] } },
      errors: [409],
    },
    {
      method: 'POST',
      path: '/api/v1/auth/login',
      summary: 'Sign in',
      description: 'Answers tokens, or — when the account has MFA — a token to finish with /auth/mfa/verify. Limited per address and per account; the account’s allowance is shared by every check of its password and codes.',
      body: auth.loginBody,
      ok: { status: 200, description: 'Tokens, or a second factor to give.', schema: { oneOf: [ref('Tokens'), secondFactorNeeded] } },
      errors: [401],
    },
    { method: 'POST', path: '/api/v1/auth/mfa/verify', summary: 'Finish signing in with a second factor', description: 'Codes count against the account, not the challenge: a new sign-in gives no new guesses.', body: auth.mfaVerifyBody, ok: { status: 200, description: 'Tokens.', schema: ref('Tokens') }, errors: [401] },
    { method: 'POST', path: '/api/v1/auth/refresh', summary: 'Refresh the tokens', body: auth.refreshBody, ok: { status: 200, description: 'A new pair of tokens.', schema: ref('Tokens') }, errors: [401] },
    { method: 'POST', path: '/api/v1/auth/logout', summary: 'Sign out (revoke a refresh token)', body: auth.refreshBody, ok: { status: 204, description: 'Signed out.' } },
    {
      method: 'POST',
      path: '/api/v1/auth/mfa/setup',
      access: 'signedIn',
      summary: 'Start setting up TOTP',
      body: noBody,
      ok: { status: 200, description: 'The secret and its otpauth URI.', schema: { type: 'object', properties: { secret: { type: 'string' } }, additionalProperties: true } },
      errors: [409],
    },
    {
      method: 'POST',
      path: '/api/v1/auth/mfa/enable',
      access: 'signedIn',
      summary: 'Turn TOTP on',
      body: auth.codeBody,
      ok: { status: 200, description: 'Recovery codes, shown once.', schema: { type: 'object', required: ['recoveryCodes'], properties: { recoveryCodes: { type: 'array', items: { type: 'string' } } } } },
      errors: [409],
    },
    { method: 'POST', path: '/api/v1/auth/mfa/disable', access: 'signedIn', summary: 'Turn TOTP off', description: 'The code counts against the account\'s sign-in allowance.', body: auth.codeBody, ok: { status: 204, description: 'Turned off.' }, errors: [409] },
    { method: 'POST', path: '/api/v1/auth/password', access: 'signedIn', summary: 'Change your password', description: 'The current password counts against the account\'s sign-in allowance.', body: auth.passwordBody, ok: { status: 204, description: 'Changed; other sessions end.' } },
    { method: 'GET', path: '/api/v1/me', access: 'signedIn', summary: 'Who am I', ok: { status: 200, description: 'The caller, with their tenant.', schema: { allOf: [ref('User'), { type: 'object', required: ['tenantId'], properties: { tenantId: uuid } }] } } },
  ],
};

const written = (schema: string, status = 200) => ({ status, description: `The ${schema.toLowerCase()} as projected after the command.`, schema: ref(schema), etag: true, ...(status === 201 ? { location: true } : {}) });

export const usersArea: Area = {
  tag: 'Users',
  description: "The tenant's people and their roles.",
  access: 'signedIn',
  idempotent: true,
  operations: [
    { method: 'POST', path: '/api/v1/users', summary: 'Create a user', body: users.createBody, ok: written('User', 201), afterWrite: true, errors: [409] },
    { method: 'GET', path: '/api/v1/users', summary: 'List users', query: users.usersQuery, ok: { status: 200, description: 'A page of users.', schema: page(ref('User')) } },
    { method: 'GET', path: '/api/v1/users/:id', summary: 'Read a user', ok: { status: 200, description: 'The user.', schema: ref('User'), etag: true } },
    { method: 'PATCH', path: '/api/v1/users/:id', summary: 'Edit a user', description: 'Everyone may rename themselves; role and email are for admins.', body: users.patchBody, ok: written('User'), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/users/:id/deactivate', summary: 'Deactivate a user', body: noBody, ok: written('User'), afterWrite: true, errors: [409] },
    { method: 'POST', path: '/api/v1/users/:id/reactivate', summary: 'Reactivate a user', body: noBody, ok: written('User'), afterWrite: true, errors: [409] },
    {
      method: 'POST',
      path: '/api/v1/users/:id/forget',
      summary: "Forget a user's personal data",
      body: noBody,
      description: 'Crypto-shredding: the key that seals their name and email in the log is destroyed. The answer shows the user with those fields replaced by markers. Cannot be undone.',
      ok: written('User'),
      afterWrite: true,
      errors: [409],
    },
  ],
};

function groupOperations(collection: 'teams' | 'departments'): OperationSpec[] {
  const base = `/api/v1/${collection}`;
  const noun = collection === 'teams' ? 'team' : 'department';
  return [
    { method: 'POST', path: base, summary: `Create a ${noun}`, body: groups.createBody, ok: written('Group', 201), afterWrite: true, errors: [409] },
    { method: 'GET', path: base, summary: `List ${collection}`, query: listQuery, ok: { status: 200, description: `A page of ${collection}.`, schema: page(ref('Group')) } },
    { method: 'GET', path: `${base}/:id`, summary: `Read a ${noun}`, ok: { status: 200, description: `The ${noun}.`, schema: ref('Group'), etag: true } },
    { method: 'PATCH', path: `${base}/:id`, summary: `Edit a ${noun}`, body: groups.patchBody, ok: written('Group'), afterWrite: true, errors: [409] },
    { method: 'POST', path: `${base}/:id/members`, summary: `Add a member to a ${noun}`, body: groups.memberBody, ok: written('Group'), afterWrite: true, errors: [409] },
    { method: 'DELETE', path: `${base}/:id/members/:userId`, summary: `Remove a member from a ${noun}`, ok: written('Group'), afterWrite: true, errors: [409] },
  ];
}

export const groupsArea: Area = {
  tag: 'Teams and departments',
  description: 'Teams work tickets; departments are where people belong.',
  access: 'signedIn',
  idempotent: true,
  operations: [...groupOperations('teams'), ...groupOperations('departments')],
};
