export { queuesProjection } from './queues.js';
