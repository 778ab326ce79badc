export * from './user.js';
export * from './email-reservation.js';
export * from './session.js';
export type { Group, GroupCommand } from './group.js';
export * from './team.js';
export * from './department.js';
