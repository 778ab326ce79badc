import type { JsonObject } from '../json.js';
import type { DomainEvent } from '../decider.js';
import { IllegalStateError } from '../errors.js';
import { requireDescription, requireName } from '../catalog/fields.js';
import { requireAttributesSchema } from './attributes.js';

export type AssetCategoryCreated = DomainEvent<'AssetCategoryCreated', { assetCategoryId: string; tenantId: string; name: string; description: string; attributesSchema: JsonObject; at: string }>;
/** Carries the whole schema: assets written after it are checked against this revision, earlier ones are left as they were. */
export type AssetCategoryUpdated = DomainEvent<'AssetCategoryUpdated', { name: string; description: string; attributesSchema: JsonObject; at: string }>;
export type AssetCategoryEvent = AssetCategoryCreated | AssetCategoryUpdated;

export type CreateAssetCategory = { type: 'CreateAssetCategory'; assetCategoryId: string; tenantId: string; name: string; description?: string; attributesSchema?: JsonObject; now: Date };
export type UpdateAssetCategory = { type: 'UpdateAssetCategory'; name?: string; description?: string; attributesSchema?: JsonObject; now: Date };
export type AssetCategoryCommand = CreateAssetCategory | UpdateAssetCategory;

export type AssetCategory =
  | { readonly status: 'none' }
  | { readonly status: 'active'; readonly id: string; readonly tenantId: string; readonly name: string; readonly description: string; readonly attributesSchema: JsonObject };
export type ExistingAssetCategory = Exclude<AssetCategory, { status: 'none' }>;

export const assetCategoryStream = (id: string): string => `assetcategory-${id}`;

/** No schema means any attributes object. */
const OPEN_SCHEMA: JsonObject = { type: 'object' };

export function initialState(): AssetCategory {
  return { status: 'none' };
}

export function evolve(state: AssetCategory, event: AssetCategoryEvent): AssetCategory {
  if (event.type === 'AssetCategoryCreated') {
    const d = event.data;
    return { status: 'active', id: d.assetCategoryId, tenantId: d.tenantId, name: d.name, description: d.description, attributesSchema: d.attributesSchema };
  }
  if (state.status === 'none') return state;
  return { ...state, name: event.data.name, description: event.data.description, attributesSchema: event.data.attributesSchema };
}

export function decide(command: AssetCategoryCommand, state: AssetCategory): AssetCategoryEvent[] {
  if (command.type === 'CreateAssetCategory') {
    if (state.status !== 'none') throw new IllegalStateError('the asset category already exists');
    const data = {
      assetCategoryId: command.assetCategoryId,
      tenantId: command.tenantId,
      name: requireName(command.name),
      description: requireDescription(command.description ?? ''),
      attributesSchema: requireAttributesSchema(command.attributesSchema ?? OPEN_SCHEMA),
      at: command.now.toISOString(),
    };
    return [{ type: 'AssetCategoryCreated', data }];
  }
  if (state.status === 'none') throw new IllegalStateError('the asset category does not exist');
  const name = command.name === undefined ? state.name : requireName(command.name);
  const description = command.description === undefined ? state.description : requireDescription(command.description);
  const attributesSchema = command.attributesSchema === undefined ? state.attributesSchema : requireAttributesSchema(command.attributesSchema);
  if (name === state.name && description === state.description && JSON.stringify(attributesSchema) === JSON.stringify(state.attributesSchema)) return [];
  return [{ type: 'AssetCategoryUpdated', data: { name, description, attributesSchema, at: command.now.toISOString() } }];
}

export const assetCategoryDecider = { initialState, evolve, decide };
