import type { DomainEvent } from '../decider.js';
import { IllegalStateError, ValidationError } from '../errors.js';
import { requireDescription, requireName } from './fields.js';

export type CategoryCreated = DomainEvent<'CategoryCreated', { categoryId: string; tenantId: string; name: string; description: string; parentId: string | null; at: string }>;
export type CategoryUpdated = DomainEvent<'CategoryUpdated', { name: string; description: string; parentId: string | null; at: string }>;
export type CategoryDeactivated = DomainEvent<'CategoryDeactivated', { at: string }>;
export type CategoryReactivated = DomainEvent<'CategoryReactivated', { at: string }>;
export type CategoryEvent = CategoryCreated | CategoryUpdated | CategoryDeactivated | CategoryReactivated;

/**
 * The proposed parent as the caller found it among the tenant's categories (another tenant's is
 * not found). Categories nest one level deep, category → subcategory: under that rule no cycle
 * can form, and a requester picks in two steps.
 */
export type ParentCategory =
  | { readonly id: string; readonly found: false }
  | { readonly id: string; readonly found: true; readonly parentId: string | null; readonly active: boolean };

/** A change of parent. `hasSubcategories` is looked up for it: a category with subcategories stays top-level. */
export interface CategoryMove {
  readonly parent: ParentCategory | null;
  readonly hasSubcategories: boolean;
}

export type CreateCategory = { type: 'CreateCategory'; categoryId: string; tenantId: string; name: string; description?: string; parent: ParentCategory | null; now: Date };
export type UpdateCategory = { type: 'UpdateCategory'; name?: string; description?: string; move?: CategoryMove; now: Date };
/** Tickets keep pointing at a category, so it is retired rather than deleted. */
export type DeactivateCategory = { type: 'DeactivateCategory'; now: Date };
export type ReactivateCategory = { type: 'ReactivateCategory'; now: Date };
export type CategoryCommand = CreateCategory | UpdateCategory | DeactivateCategory | ReactivateCategory;

export type Category =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'inactive';
      readonly id: string;
      readonly tenantId: string;
      readonly name: string;
      readonly description: string;
      readonly parentId: string | null;
    };
export type ExistingCategory = Exclude<Category, { status: 'none' }>;

export const categoryStream = (categoryId: string): string => `category-${categoryId}`;

export function initialState(): Category {
  return { status: 'none' };
}

export function evolve(state: Category, event: CategoryEvent): Category {
  if (event.type === 'CategoryCreated') {
    const d = event.data;
    return { status: 'active', id: d.categoryId, tenantId: d.tenantId, name: d.name, description: d.description, parentId: d.parentId };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'CategoryUpdated':
      return { ...state, name: event.data.name, description: event.data.description, parentId: event.data.parentId };
    case 'CategoryDeactivated':
      return { ...state, status: 'inactive' };
    case 'CategoryReactivated':
      return { ...state, status: 'active' };
    default: {
      const _exhaustive: never = event;
      return _exhaustive;
    }
  }
}

export function decide(command: CategoryCommand, state: Category): CategoryEvent[] {
  if (command.type === 'CreateCategory') return create(command, state);
  if (state.status === 'none') throw new IllegalStateError('the category does not exist');
  const at = command.now.toISOString();
  switch (command.type) {
    case 'UpdateCategory':
      return update(command, state);
    case 'DeactivateCategory':
      return state.status === 'inactive' ? [] : [{ type: 'CategoryDeactivated', data: { at } }];
    case 'ReactivateCategory':
      return state.status === 'active' ? [] : [{ type: 'CategoryReactivated', data: { at } }];
    default: {
      const _exhaustive: never = command;
      return _exhaustive;
    }
  }
}

function create(command: CreateCategory, state: Category): CategoryEvent[] {
  if (state.status !== 'none') throw new IllegalStateError('the category already exists');
  const data = {
    categoryId: command.categoryId,
    tenantId: command.tenantId,
    name: requireName(command.name),
    description: requireDescription(command.description ?? ''),
    parentId: requireParent(command.parent, command.categoryId),
    at: command.now.toISOString(),
  };
  return [{ type: 'CategoryCreated', data }];
}

function update(command: UpdateCategory, state: ExistingCategory): CategoryEvent[] {
  const name = command.name === undefined ? state.name : requireName(command.name);
  const description = command.description === undefined ? state.description : requireDescription(command.description);
  const parentId = command.move === undefined ? state.parentId : requireMove(command.move, state);
  if (name === state.name && description === state.description && parentId === state.parentId) return [];
  return [{ type: 'CategoryUpdated', data: { name, description, parentId, at: command.now.toISOString() } }];
}

function requireMove(move: CategoryMove, state: ExistingCategory): string | null {
  // Restating the current parent is not a move, even if that parent was deactivated since.
  if ((move.parent?.id ?? null) === state.parentId) return state.parentId;
  if (move.parent !== null && move.hasSubcategories) throw parentProblem('a category with subcategories cannot become a subcategory');
  return requireParent(move.parent, state.id);
}

function requireParent(parent: ParentCategory | null, self: string): string | null {
  if (parent === null) return null;
  if (!parent.found) throw parentProblem('no category with this id');
  if (parent.id === self) throw parentProblem('a category cannot be its own parent');
  if (parent.parentId !== null) throw parentProblem('subcategories cannot have subcategories; choose a top-level category');
  if (!parent.active) throw parentProblem('the category is deactivated');
  return parent.id;
}

function parentProblem(message: string): ValidationError {
  return new ValidationError('invalid parent category', [{ path: '/parentId', message }]);
}

export const categoryDecider = { initialState, evolve, decide };
