export { deliveryWorkflow } from './delivery-workflow';
