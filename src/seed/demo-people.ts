import type { Role } from '../domain/permissions.js';

export const DEMO_TENANT = { id: '00000000-0000-4000-8000-00000000de00', slug: 'demo', name: 'Demo Service Desk' } as const;

export interface DemoLogin {
  readonly role: Role;
  readonly email: string;
  readonly password: string;
}

/** Known on purpose: this tenant exists to be tried out. Never seed it in production (SEED_DEMO=false). */
export const DEMO_LOGINS: ReadonlyArray<DemoLogin & { readonly id: string; readonly name: string }> = [
  { id: '00000000-0000-4000-8000-00000000de01', role: 'admin', name: 'Ada Admin', email: 'ada@demo.example', password: 'saffron-kettle-orbit-42' },
  { id: '00000000-0000-4000-8000-00000000de02', role: 'manager', name: 'Max Manager', email: 'max@demo.example', password: 'copper-lantern-meadow-17' },
  { id: '00000000-0000-4000-8000-00000000de03', role: 'technician', name: 'Tia Technician', email: 'tia@demo.example', password: 'velvet-harbor-quartz-88' },
  { id: '00000000-0000-4000-8000-00000000de04', role: 'user', name: 'Rex Requester', email: 'rex@demo.example', password: 'marble-cactus-violin-23' },
  { id: '00000000-0000-4000-8000-00000000de05', role: 'auditor', name: 'Aude Auditor', email: 'aude@demo.example', password: 'pewter-ledger-comet-61' },
];

