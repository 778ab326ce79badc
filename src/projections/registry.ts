import { articlesProjection } from './articles/index.js';
import { categoriesProjection, servicesProjection } from './catalog/index.js';
import { assetCategoriesProjection, assetRelationsProjection, assetsProjection } from './cmdb/index.js';
import { departmentsProjection, teamsProjection } from './groups/index.js';
import { emailTemplatesProjection, notificationsProjection } from './notifications/index.js';
import { sessionsProjection } from './sessions/index.js';
import { queuesProjection } from './queues/index.js';
import { reportingProjection } from './reporting/index.js';
import { businessCalendarsProjection, slaPoliciesProjection } from './sla/index.js';
import { tenantsProjection } from './tenants/index.js';
import { searchProjection } from './search/index.js';
import { postgresSearchWriter } from '../search/postgres/index.js';
import { ticketsProjection } from './tickets/index.js';
import { timersProjection } from './timers/index.js';
import type { Projection } from './types.js';
import { usersProjection } from './users/index.js';

/** Every read model the product serves queries from. */
export const allProjections: readonly Projection[] = [
  tenantsProjection,
  usersProjection,
  teamsProjection,
  departmentsProjection,
  sessionsProjection,
  categoriesProjection,
  servicesProjection,
  ticketsProjection,
  queuesProjection,
  businessCalendarsProjection,
  slaPoliciesProjection,
  emailTemplatesProjection,
  notificationsProjection,
  timersProjection,
  articlesProjection,
  assetCategoriesProjection,
  assetsProjection,
  assetRelationsProjection,
  // The analysts' `reporting` schema (docs/reporting.md).
  reportingProjection,
  // Feeds the default (PostgreSQL) index; src/system.ts swaps in the Meilisearch writer when configured.
  searchProjection(postgresSearchWriter),
];
