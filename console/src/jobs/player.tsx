import { useEffect, useRef, useState } from 'preact/hooks';
import type { JobView } from '../../../client/src/contract.ts';

type Output = NonNullable<JobView['output']>;

/**
 * The finished video: its HLS package when the job made one (native HLS where the browser has it,
 * else hls.js, loaded only then), the MP4 otherwise; the WebVTT captions as a track; the poster.
 */
export function Player({ output }: { output: Output }) {
  const video = useRef<HTMLVideoElement>(null);
  const [problem, setProblem] = useState<string>();
  const hlsUrl = output.hls?.url ?? null;
  useEffect(() => {
    const element = video.current;
    if (!element) return;
    if (!hlsUrl || element.canPlayType('application/vnd.apple.mpegurl') !== '') {
      element.src = hlsUrl ?? output.url ?? '';
      return;
    }
    let destroy = () => {};
    import('hls.js').then(
      ({ default: Hls }) => {
        if (!Hls.isSupported()) {
          element.src = output.url ?? '';
          return;
        }
        const hls = new Hls();
        hls.on(Hls.Events.ERROR, (_event, data) => {
          if (data.fatal) setProblem(`The HLS stream stopped: ${data.details}`);
        });
        hls.loadSource(hlsUrl);
        hls.attachMedia(element);
        destroy = () => hls.destroy();
      },
      (error: Error) => setProblem(`The HLS player could not load: ${error.message}`),
    );
    return () => destroy();
  }, [hlsUrl, output.url]);
  const vtt = output.captions?.find((c) => c.format === 'vtt' && c.url);
  return (
    <div class="player">
      {/* biome-ignore lint/a11y/useMediaCaption: the track is there when the job made captions; a job without narration has none to give */}
      <video
        ref={video}
        controls
        crossOrigin="anonymous"
        playsInline
        preload="metadata"
        poster={output.poster?.url ?? undefined}
        data-source={hlsUrl ? 'hls' : 'mp4'}
        aria-label="The finished video"
      >
        {vtt?.url && (
          <track
            kind="captions"
            src={vtt.url}
            srcLang={vtt.language}
            label={`Captions (${vtt.language})`}
            default
          />
        )}
      </video>
      {problem && (
        <p class="problem" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
