export type { Category, CategoryCommand, CategoryEvent, CategoryMove, ExistingCategory, ParentCategory } from './category.js';
export { categoryDecider, categoryStream } from './category.js';
export type { Criticality, ExistingService, OwnerTeam, Service, ServiceCommand, ServiceEvent, ServiceSlaPolicy } from './service.js';
export { requireAnswers, requireRequestForm } from './request-form.js';
export { CRITICALITIES, serviceDecider, serviceStream } from './service.js';
