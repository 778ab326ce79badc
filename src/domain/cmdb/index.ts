export type { AssetCategory, AssetCategoryCommand, AssetCategoryEvent, ExistingAssetCategory } from './asset-category.js';
export { assetCategoryDecider, assetCategoryStream } from './asset-category.js';
export type { Asset, AssetCategoryFact, AssetChanges, AssetCommand, AssetEvent, AssetStatus, ExistingAsset, OwnerFact } from './asset.js';
export { ASSET_STATUSES, NEXT_STATUSES, assetDecider, assetStream } from './asset.js';
export { assetTagReservationDecider, assetTagStream } from './asset-tag-reservation.js';
