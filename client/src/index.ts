export {
  AutoVidClient,
  type ClientOptions,
  type JobStatus,
  type ListJobsQuery,
  type SubmitOptions,
  type UploadContentType,
  type UploadedFile,
  type UploadInput,
  type WaitOptions,
} from './client.js';
export type {
  DeletedJob,
  Deliveries,
  ErrorBody,
  Health,
  JobList,
  JobPlan,
  JobSpec,
  JobView,
  Problem,
  Redelivery,
  WebhookAttempt,
  WebhookBody,
} from './contract.js';
export { AutoVidError } from './errors.js';
export { verifyWebhook, type WebhookHeaders } from './webhooks.js';
