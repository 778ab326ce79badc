import { tenantsProjection } from './tenants/index.js';
import type { Projection } from './types.js';

/** Every read model the product serves queries from. */
export const allProjections: readonly Projection[] = [tenantsProjection];
