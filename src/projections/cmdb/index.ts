export { assetCategoriesProjection } from './asset-categories.js';
export { assetsProjection } from './assets.js';
