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
} from './client.ts';
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
} from './contract.ts';
export { AutoVidError } from './errors.ts';
export { verifyWebhook, type WebhookHeaders } from './webhooks.ts';
