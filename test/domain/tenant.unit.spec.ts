import { suite } from '../support/suite.js';
import { ConflictError, IllegalStateError, ValidationError } from '../../src/domain/errors.js';
import { slugReservationDecider, tenantDecider } from '../../src/domain/tenant/index.js';
import type { TenantEvent } from '../../src/domain/tenant/index.js';
import { deciderSpec } from '../support/decider-spec.js';

const now = new Date('2026-11-25T10:00:00.000Z');
const tenantId = '7f1c2d6e-0000-4000-8000-000000000001';
const registered: TenantEvent = { type: 'TenantRegistered', data: { tenantId, slug: 'acme', name: 'Acme', registeredAt: now.toISOString() } };
const spec = deciderSpec(tenantDecider);

const tenant = suite('tenant');

tenant('registers a new tenant', () => {
  spec.given([]).when({ type: 'RegisterTenant', tenantId, slug: 'acme', name: '  Acme  ', now }).then([registered]);
});

tenant('rejects a slug with capitals or spaces', () => {
  spec.given([]).when({ type: 'RegisterTenant', tenantId, slug: 'Acme Corp', name: 'Acme', now }).thenThrows(ValidationError);
});

tenant('rejects registering twice', () => {
  spec.given([registered]).when({ type: 'RegisterTenant', tenantId, slug: 'acme', name: 'Acme', now }).thenThrows(IllegalStateError);
});

tenant('renames, and renaming to the same name records nothing', () => {
  spec.given([registered]).when({ type: 'RenameTenant', name: 'Acme Ltd', now }).then([{ type: 'TenantRenamed', data: { name: 'Acme Ltd', renamedAt: now.toISOString() } }]);
  spec.given([registered]).when({ type: 'RenameTenant', name: 'Acme', now }).then([]);
});

tenant('cannot rename a tenant that was never registered', () => {
  spec.given([]).when({ type: 'RenameTenant', name: 'X', now }).thenThrows(IllegalStateError);
});

tenant.run();

const reservation = suite('tenant slug reservation');
const reserveSpec = deciderSpec(slugReservationDecider);

reservation('reserves a free slug', () => {
  reserveSpec.given([]).when({ type: 'ReserveTenantSlug', slug: 'acme', tenantId }).then([{ type: 'TenantSlugReserved', data: { slug: 'acme', tenantId } }]);
});

reservation('is a no-op for the tenant that holds it and a conflict for anyone else', () => {
  const held = [{ type: 'TenantSlugReserved' as const, data: { slug: 'acme', tenantId } }];
  reserveSpec.given(held).when({ type: 'ReserveTenantSlug', slug: 'acme', tenantId }).then([]);
  reserveSpec.given(held).when({ type: 'ReserveTenantSlug', slug: 'acme', tenantId: 'other' }).thenThrows(ConflictError);
});

reservation.run();
