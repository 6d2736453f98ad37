import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FONT_FILES } from '../../src/processor/captions/write-captions.ts';
import { loadTemplate } from '../../src/template/template.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dockerfile = readFileSync(`${root}processor-container/Dockerfile`, 'utf8');
const lines = dockerfile.split('\n');
const stages = dockerfile.split(/^FROM /m).slice(1);

describe('processor-container/Dockerfile', () => {
  it('is the image template.yaml builds for the processor', () => {
    const metadata = loadTemplate().Resources.VideoProcessorFunction?.Metadata;
    expect(metadata?.Dockerfile).toBe('processor-container/Dockerfile');
    expect(metadata?.DockerContext).toBe('.');
  });

  it('runs on the Lambda Node.js 24 base image with the processor handler', () => {
    expect(stages.at(-1)?.split('\n')[0]).toBe('public.ecr.aws/lambda/nodejs:24');
    expect(dockerfile).toContain('CMD ["process-jobs.handler"]');
    expect(dockerfile).toContain('RUN node scripts/build.ts VideoProcessorFunction');
  });

  it('copies only paths that exist in the repository', () => {
    const sources = lines
      .filter((line) => line.startsWith('COPY ') && !line.includes('--from='))
      .flatMap((line) => line.slice('COPY '.length).split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) expect(existsSync(`${root}${source}`), source).toBe(true);
  });

  it('pins the ffmpeg archive of each architecture by SHA-256 and checks it before unpacking', () => {
    expect(dockerfile).toMatch(/^ARG FFMPEG_VERSION=\d+\.\d+(\.\d+)?$/m);
    expect(dockerfile).toMatch(/^ARG FFMPEG_SHA256_ARM64=[0-9a-f]{64}$/m);
    expect(dockerfile).toMatch(/^ARG FFMPEG_SHA256_AMD64=[0-9a-f]{64}$/m);
    const ffmpegStage = stages.find((stage) => stage.includes('AS ffmpeg')) ?? '';
    // A moved release is still found; no checksum is fetched from the publisher.
    expect(ffmpegStage).toMatch(/\}\/releases\/\$\{archive\}/);
    expect(ffmpegStage).toMatch(/\}\/old-releases\/\$\{archive\}/);
    expect(ffmpegStage).not.toMatch(/md5|\.sha256"/);
    const check = ffmpegStage.indexOf('sha256sum -c');
    const unpack = ffmpegStage.indexOf('tar -xJf');
    expect(check).toBeGreaterThan(-1);
    expect(unpack).toBeGreaterThan(check);
    expect(dockerfile).toContain('FFMPEG_PATH=/opt/bin/ffmpeg');
    expect(dockerfile).toContain('FFPROBE_PATH=/opt/bin/ffprobe');
  });

  it('ships every caption font file in the folder the processor reads, and an ffmpeg with libass', () => {
    const fontsStage = stages.find((stage) => stage.includes('AS fonts')) ?? '';
    const copied = /for name in ([^;]+); do/.exec(fontsStage)?.[1]?.trim().split(/\s+/) ?? [];
    const needed = Object.values(FONT_FILES).flatMap((files) =>
      files.map((file) => file.replace(/\.ttf$/, '')),
    );
    expect(copied.sort()).toEqual([...needed].sort());
    expect(dockerfile).toContain('COPY --from=fonts /fonts/ /opt/fonts/');
    expect(dockerfile).toContain('CAPTION_FONTS_DIR=/opt/fonts');
    expect(dockerfile).toContain('FONTCONFIG_FILE=/opt/fonts/fonts.conf');
    expect(readFileSync(`${root}processor-container/fonts.conf`, 'utf8')).toContain('<dir>/opt/fonts</dir>');
    const ffmpegStage = stages.find((stage) => stage.includes('AS ffmpeg')) ?? '';
    expect(ffmpegStage).toContain("-filters | grep -q ' ass '");
  });

  it('installs every tool its RUN lines call that the base image lacks', () => {
    const ffmpegStage = stages.find((stage) => stage.includes('AS ffmpeg')) ?? '';
    const installed = /dnf install -y [^\\]*?((?:\s+[a-z0-9-]+)+)\s*\\/
      .exec(ffmpegStage)?.[1]
      ?.trim()
      .split(/\s+/);
    expect(installed).toEqual(expect.arrayContaining(['tar', 'xz']));
    // amazonlinux:2023 ships curl-minimal, coreutils (sha256sum, head, uname, mkdir, rm) and bash;
    // awk, wget, unzip and gzip are not relied on.
    expect(ffmpegStage).not.toMatch(/\b(awk|wget|unzip|gunzip)\b/);
  });
});
