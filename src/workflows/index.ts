export { deliveryWorkflow } from './delivery-workflow';
export { accountEmailWorkflow } from './account-email-workflow';
export { deliveryBatchWorkflow } from './batch-workflow';
export { sandboxCourierWorkflow } from './sandbox-courier-workflow';
export { sandboxRemovalWorkflow } from './sandbox-removal-workflow';
