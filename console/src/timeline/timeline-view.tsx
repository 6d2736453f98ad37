import type { JobPlan } from '../../../client/src/contract.ts';
import { formatSeconds } from '../format.ts';
import { type Block, pictureOfPlan } from './timeline-geometry.ts';

const WIDTH = 1000;
const LEFT = 92;
const LANE = { axis: 18, music: 30, gain: 82, narration: 146, effects: 190 } as const;
const LANE_HEIGHT = 34;
const GAIN_HEIGHT = 50;
const HEIGHT = 236;

/**
 * The dry run drawn: the music's plays with their crossfades, the narration and the effects on
 * lanes, the music's gain over time (the ducking), each warning pinned where it happens.
 */
export function TimelineView({ plan }: { plan: JobPlan }) {
  const picture = pictureOfPlan(plan, { clip: (index) => `timeline[${index}]` });
  const x = (t: number) => LEFT + (t / Math.max(picture.duration, 1e-6)) * (WIDTH - LEFT - 8);
  const gainY = (gain: number) => LANE.gain + (1 - gain) * GAIN_HEIGHT;
  const dips = plan.ducking.map((d) => `to ${Math.round(d.level * 100)} % from ${d.start} s to ${d.end} s`);
  const summary = [
    `${picture.duration} s of video`,
    `${picture.music.length} music play${picture.music.length === 1 ? '' : 's'}`,
    `${picture.narration.length} narration clip${picture.narration.length === 1 ? '' : 's'}`,
    `${picture.effects.length} effect${picture.effects.length === 1 ? '' : 's'}`,
    dips.length > 0 ? `the music ducks ${dips.join(', ')}` : 'no ducking',
    `${picture.warnings.length} warning${picture.warnings.length === 1 ? '' : 's'}`,
  ].join('; ');
  return (
    <figure class="timeline" aria-labelledby="timeline-caption">
      <div class="timeline-scroll">
        <svg
          viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
          role="img"
          aria-label={`Timeline: ${summary}`}
          data-duration={picture.duration}
        >
          {picture.ticks.map((t) => (
            <g class="tick">
              <line x1={x(t)} x2={x(t)} y1={LANE.axis} y2={HEIGHT - 6} />
              <text
                x={x(t)}
                y={LANE.axis - 6}
                text-anchor={t === picture.duration ? 'end' : t === 0 ? 'start' : 'middle'}
              >
                {formatSeconds(t)}
              </text>
            </g>
          ))}
          <LaneLabel y={LANE.music} text="Music" />
          {picture.music.map((play) => (
            <MusicPlay play={play} x={x} />
          ))}
          <LaneLabel y={LANE.gain} text="Music gain" />
          <line class="gain-full" x1={x(0)} x2={x(picture.duration)} y1={gainY(1)} y2={gainY(1)} />
          <polyline
            class="envelope"
            data-testid="ducking-envelope"
            data-envelope={picture.envelope.map(([t, g]) => `${t}:${g}`).join(' ')}
            points={picture.envelope.map(([t, g]) => `${x(t)},${gainY(g)}`).join(' ')}
          />
          <LaneLabel y={LANE.narration} text="Narration" />
          {picture.narration.map((clip) => (
            <Clip block={clip} y={LANE.narration} x={x} lane="narration" />
          ))}
          <LaneLabel y={LANE.effects} text="Effects" />
          {picture.effects.map((clip) => (
            <Clip block={clip} y={LANE.effects} x={x} lane="effects" />
          ))}
          {picture.warnings.map((warning) => (
            <g class="warning" data-testid="timeline-warning" data-at={warning.at}>
              <title>{warning.message}</title>
              <path d={`M ${x(warning.at)} ${HEIGHT - 14} l -7 12 h 14 z`} />
            </g>
          ))}
        </svg>
      </div>
      <figcaption id="timeline-caption">{summary}</figcaption>
      {picture.warnings.length > 0 && (
        <ul class="warnings" aria-label="Warnings">
          {picture.warnings.map((w) => (
            <li>
              at {formatSeconds(w.at)}: {w.message}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

function LaneLabel({ y, text }: { y: number; text: string }) {
  return (
    <text class="lane-label" x={4} y={y + 21}>
      {text}
    </text>
  );
}

/** A play: a block whose ends slope over its crossfades. */
function MusicPlay({ play, x }: { play: Block; x: (t: number) => number }) {
  const top = LANE.music;
  const bottom = LANE.music + LANE_HEIGHT;
  const points = [
    [x(play.start), bottom],
    [x(play.start + play.fadeIn), top],
    [x(play.end - play.fadeOut), top],
    [x(play.end), bottom],
  ];
  return (
    <g class="music-play" data-testid="music-play" data-start={play.start} data-end={play.end}>
      <title>{`${play.label}: ${formatSeconds(play.start)} to ${formatSeconds(play.end)}`}</title>
      <polygon points={points.map((p) => p.join(',')).join(' ')} />
      <text x={x(play.start + play.fadeIn) + 4} y={top + 21}>
        {play.label}
      </text>
    </g>
  );
}

function Clip({ block, y, x, lane }: { block: Block; y: number; x: (t: number) => number; lane: string }) {
  const width = Math.max(2, x(block.end) - x(block.start));
  return (
    <g
      class={`clip ${lane}${block.cut ? ' cut' : ''}`}
      data-testid="clip"
      data-lane={lane}
      data-start={block.start}
      data-end={block.end}
    >
      <title>{`${block.label}: ${formatSeconds(block.start)} to ${formatSeconds(block.end)}${block.cut ? ' (cut at the video end)' : ''}`}</title>
      <rect x={x(block.start)} y={y} width={width} height={LANE_HEIGHT} rx={4} />
      <text x={x(block.start) + 4} y={y + 21}>
        {block.label}
      </text>
    </g>
  );
}
