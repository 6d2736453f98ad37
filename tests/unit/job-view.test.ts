import { createJobRecord, type JobRecord, measureProcessingTime, toJobView } from '@auto-vid/shared';
import { describe, expect, it } from 'vitest';
import { NO_DELIVERABLES, OUTPUT_NOT_YET_MADE, VIEW_KEYS } from '../support/job-views.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');

describe('job record', () => {
  it('starts submitted, with an empty output and a ttl from now', () => {
    const record = createJobRecord({ jobId: 'j1', jobInfo: undefined, now: NOW, ttlSeconds: 604_800 });
    expect(record).toEqual({
      jobId: 'j1',
      status: 'submitted',
      submittedAt: '2026-03-01T10:00:00.000Z',
      updatedAt: '2026-03-01T10:00:00.000Z',
      completedAt: null,
      processingTime: null,
      output: { ...OUTPUT_NOT_YET_MADE },
      error: null,
      jobInfo: {},
      ttl: Math.floor(NOW.getTime() / 1000) + 604_800,
    });
  });

  it('keeps its owner, its webhook and the lower-cased title and projectId it is searched by', () => {
    const record = createJobRecord({
      jobId: 'j1',
      jobInfo: { title: 'Spring Sale', projectId: 'ACME-7' },
      now: NOW,
      ttlSeconds: 60,
      owner: 'k1',
      webhook: { url: 'https://h.example.com/', method: 'PUT', headers: {}, metadata: { n: 1 } },
    });
    expect(record).toMatchObject({ owner: 'k1', search: 'spring sale\nacme-7', webhook: { method: 'PUT' } });
  });
});

describe('job view', () => {
  const record: JobRecord = {
    ...createJobRecord({
      jobId: 'j2',
      jobInfo: { title: 'T' },
      now: NOW,
      ttlSeconds: 60,
      owner: 'key-1',
      webhook: {
        url: 'https://h.example.com/',
        method: 'POST',
        headers: { Authorization: 'secret' },
        metadata: {},
      },
    }),
    attempts: 2,
  };

  it('never shows ttl or bookkeeping fields', () => {
    const view = toJobView(record);
    expect(Object.keys(view)).toEqual(VIEW_KEYS);
    expect(view.jobInfo).toEqual({ title: 'T' });
  });

  it('shows progress only while processing', () => {
    expect(toJobView({ ...record, status: 'processing', progress: 42 }).progress).toBe(42);
    expect(toJobView({ ...record, status: 'completed', progress: 100 })).not.toHaveProperty('progress');
  });

  it('shows a chunked job the progress its count of encoded chunks gives, and its chunks after it ends', () => {
    const chunked = { ...record, status: 'processing' as const, progress: 14, chunksDone: { c0: true } };
    expect(toJobView({ ...chunked, chunks: { total: 4, done: 0 } }).progress).toBe(15);
    expect(toJobView({ ...chunked, chunks: { total: 4, done: 1 } }).progress).toBe(35);
    expect(toJobView({ ...chunked, chunks: { total: 3, done: 3 } }).progress).toBe(95);
    const ended = toJobView({ ...chunked, status: 'completed', chunks: { total: 4, done: 4 } });
    expect(ended).not.toHaveProperty('progress');
    expect(ended.chunks).toEqual({ total: 4, done: 4 });
    expect(ended).not.toHaveProperty('chunksDone');
  });
});

describe('the measured audio in the view', () => {
  it('shows a completed job its loudness and captions, and a record written before them null', () => {
    const audio = { integratedLufs: -14.1, truePeakDbtp: -1.2, loudnessRange: 6.5 };
    const completed = (output: object) =>
      toJobView({
        ...createJobRecord({ jobId: 'j3', jobInfo: {}, now: NOW, ttlSeconds: 60 }),
        status: 'completed',
        output,
      } as JobRecord);
    const measures = { url: null, urlExpiresAt: null, s3Uri: null, duration: 3, size: 10 };
    expect(completed({ ...measures, audio }).output.audio).toEqual(audio);
    expect(completed(measures).output).toEqual({
      ...measures,
      audio: null,
      captions: null,
      ...NO_DELIVERABLES,
    });
    const vtt = { format: 'vtt', url: 'https://signed', s3Uri: 's3://b/outputs/a.vtt', language: 'en-US' };
    const stored = { ...measures, audio, captions: [{ ...vtt, versionId: 'v-1' }] };
    // The version each sidecar was written as stays in the record, never in the view.
    expect(completed(stored).output.captions).toEqual([vtt]);
  });
});

describe('processing time', () => {
  it('is seconds rounded to 2 decimals', () => {
    expect(measureProcessingTime(NOW, new Date(NOW.getTime() + 127_456))).toBe(127.46);
    expect(measureProcessingTime(NOW, NOW)).toBe(0);
  });
});
