/** A valid spec that uses every section, for tests that change one thing in it. */
export function buildFullSpec(): Record<string, unknown> {
  return {
    jobInfo: { projectId: 'p1', title: 'Test video', tags: ['a', 'b'] },
    assets: {
      video: { id: 'main', source: 's3://test-bucket/in/video.mp4' },
      audio: [
        { id: 'music', source: 's3://test-bucket/in/music.mp3' },
        { id: 'sfx', source: 'https://media.example.com/sfx.wav' },
      ],
    },
    backgroundMusic: { playlist: ['music'], loop: true, volume: 0.3, crossfadeDuration: 2 },
    timeline: [
      {
        start: 1,
        type: 'tts',
        data: {
          text: 'Hello there.',
          providerConfig: { voiceId: 'Joanna', engine: 'neural' },
          duckingLevel: 0.2,
        },
      },
      { start: 4, type: 'audio', data: { assetId: 'sfx', volume: 0.8 } },
    ],
    output: { filename: 'result.mp4', encoding: { preset: 'fast', bitrate: '2500k' } },
    notifications: { webhook: { url: 'https://hooks.example.com/done', headers: { 'X-Token': 't' } } },
  };
}

/** A copy of `spec` with the value at `path` replaced (or removed when `value` is undefined). */
export function withValue(spec: unknown, path: readonly (string | number)[], value: unknown): unknown {
  const copy = structuredClone(spec) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

/** Every path to a node or leaf of `value` (the root included as []), to mutate a spec anywhere. */
export function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, child]) => pathsOf(child, [...prefix, key]))];
}
