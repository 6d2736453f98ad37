export * from './asset-source.ts';
export * from './job-spec.ts';
export * from './job-view.ts';
export * from './json-schema.ts';
export * from './message-text.ts';
export * from './polly-voices.ts';
export * from './spec-reference.ts';
export * from './validation.ts';
