export type { AssetCategory, AssetCategoryCommand, AssetCategoryEvent, ExistingAssetCategory } from './asset-category.js';
export { assetCategoryDecider, assetCategoryStream } from './asset-category.js';
export type { Asset, AssetCategoryFact, AssetChanges, AssetCommand, AssetEvent, AssetStatus, ExistingAsset, OwnerFact } from './asset.js';
export { ASSET_STATUSES, NEXT_STATUSES, assetDecider, assetStream } from './asset.js';
export { assetTagReservationDecider, assetTagStream } from './asset-tag-reservation.js';
export type { AssetMaintenanceCommand, AssetMaintenanceEvent, MaintenanceCompletion, MaintenancePlan, MaintenanceStatus } from './maintenance.js';
export { MAINTENANCE_STATUSES } from './maintenance.js';
export type { AssetRelation, AssetRelationType, RelationEnd, RelationGraph, RelationGraphCommand, RelationGraphEvent } from './relation-graph.js';
export { ASSET_RELATION_TYPES, DIRECTED_TYPES, relationGraphDecider, relationGraphStream } from './relation-graph.js';
