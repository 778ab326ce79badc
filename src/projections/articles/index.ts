export { articlesProjection } from './articles.js';
