export { assetCategoriesProjection } from './asset-categories.js';
export { assetRelationsProjection } from './asset-relations.js';
export { assetsProjection } from './assets.js';
