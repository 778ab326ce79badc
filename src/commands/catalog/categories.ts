import { randomUUID } from 'node:crypto';
import type { CategoryCommand, CategoryMove, ParentCategory } from '../../domain/catalog/index.js';
import { categoryDecider, categoryStream } from '../../domain/catalog/index.js';
import type { LogPosition } from '../../eventstore/types.js';
import { handleCommand } from '../handle.js';
import type { CommandContext } from '../metadata.js';
import type { Actor } from '../identity/actor.js';
import { authorize } from '../identity/actor.js';
import { hasSubcategories } from '../../projections/catalog/queries.js';
import { findParentCategory, loadVisibleCategory } from './access.js';
import type { CatalogDependencies } from './dependencies.js';

export interface CatalogWritten {
  readonly id: string;
  readonly position: LogPosition | null;
}

export interface CategoryInput {
  readonly name?: string;
  readonly description?: string;
  /** `null` makes it top-level; absent leaves it where it is. */
  readonly parentId?: string | null;
}

export async function createCategory(deps: CatalogDependencies, actor: Actor, input: CategoryInput & { name: string }, context: CommandContext): Promise<CatalogWritten> {
  authorize(actor, 'catalog.manage');
  const id = randomUUID();
  const parent = await parentOf(deps, actor, input.parentId ?? null);
  const command: CategoryCommand = { type: 'CreateCategory', categoryId: id, tenantId: actor.tenantId, name: input.name, ...(input.description !== undefined ? { description: input.description } : {}), parent, now: context.now };
  const result = await handleCommand(deps.commands, categoryDecider, categoryStream(id), command, context);
  return { id, position: result.position };
}

export async function updateCategory(deps: CatalogDependencies, actor: Actor, id: string, input: CategoryInput, context: CommandContext, expectedVersion?: number): Promise<CatalogWritten> {
  authorize(actor, 'catalog.read');
  await loadVisibleCategory(deps.commands.store, actor, id);
  authorize(actor, 'catalog.manage');
  const move = input.parentId === undefined ? undefined : await moveOf(deps, actor, id, input.parentId);
  const command: CategoryCommand = {
    type: 'UpdateCategory',
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(move ? { move } : {}),
    now: context.now,
  };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, categoryDecider, categoryStream(id), command, context, options);
  return { id, position: result.position };
}

export async function setCategoryActive(deps: CatalogDependencies, actor: Actor, id: string, active: boolean, context: CommandContext, expectedVersion?: number): Promise<CatalogWritten> {
  authorize(actor, 'catalog.read');
  await loadVisibleCategory(deps.commands.store, actor, id);
  authorize(actor, 'catalog.manage');
  const command: CategoryCommand = active ? { type: 'ReactivateCategory', now: context.now } : { type: 'DeactivateCategory', now: context.now };
  const options = { mustExist: true, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const result = await handleCommand(deps.commands, categoryDecider, categoryStream(id), command, context, options);
  return { id, position: result.position };
}

function parentOf(deps: CatalogDependencies, actor: Actor, parentId: string | null): Promise<ParentCategory | null> {
  return parentId === null ? Promise.resolve(null) : findParentCategory(deps.commands.store, actor.tenantId, parentId);
}

async function moveOf(deps: CatalogDependencies, actor: Actor, id: string, parentId: string | null): Promise<CategoryMove> {
  // Subcategories are known from the read model only: let it catch up before asking it.
  if (parentId !== null) await deps.readModelsCaughtUp();
  return { parent: await parentOf(deps, actor, parentId), hasSubcategories: parentId !== null && (await hasSubcategories(deps.knex, actor.tenantId, id)) };
}
