export { categoriesProjection } from './categories.js';
export { servicesProjection } from './services.js';
