import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { runDevCommand } from './cli/dev-command.ts';
import { runInvokeCommand } from './cli/invoke-command.ts';
import { runRenderCommand } from './cli/render-command.ts';
import { runValidateCommand } from './cli/validate-command.ts';

/** Exit codes: 0 success, 1 the input was rejected or the job failed, 2 usage or I/O error. */
export const EXIT = { ok: 0, rejected: 1, usage: 2 } as const;

const io = { out: process.stdout, err: process.stderr };

function buildProgram(): Command {
  const program = new Command('auto-vid')
    .description('auto-vid: JSON video job specs rendered to MP4, on AWS or on one machine.')
    .exitOverride()
    .showHelpAfterError('(run auto-vid --help for usage)');
  addValidateCommand(program);
  addRenderCommand(program);
  addInvokeCommand(program);
  addDevCommand(program);
  return program;
}

function addValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check a job spec against the contract and print every problem found.')
    .argument('<spec.json>', 'path of the job spec file')
    .action(async (specPath: string) => {
      process.exitCode = await runValidateCommand(specPath, io);
    });
}

function addRenderCommand(program: Command): void {
  program
    .command('render')
    .description(
      'Render a job spec to an MP4 on this machine (file paths allowed, espeak-ng speech by default).',
    )
    .argument('<spec.json>', 'path of the job spec file')
    .option(
      '--out <dir>',
      'output folder when output.destination is not a folder (default: the working directory)',
    )
    .addOption(
      new Option('--tts <engine>', 'speech engine: espeak (local) or polly (needs AWS credentials)')
        .choices(['espeak', 'polly'])
        .default('espeak'),
    )
    .option('--json', 'print the job view of the result as the last line of stdout', false)
    .action(async (specPath: string, options: { out?: string; tts: 'espeak' | 'polly'; json: boolean }) => {
      process.exitCode = await runRenderCommand(specPath, options, io);
    });
}

function addInvokeCommand(program: Command): void {
  program
    .command('invoke')
    .description(
      'Run one function of template.yaml in this process, as `sam local invoke` would, against the embedded DynamoDB, S3 and SQS.',
    )
    .argument('<LogicalId>', 'the function, e.g. SubmitJobFunction')
    .argument('<event.json>', 'the event, e.g. events/submit-job.json')
    .option('--data-dir <dir>', 'where tables, objects and secrets are kept', '.auto-vid')
    .action(async (logicalId: string, eventPath: string, options: { dataDir: string }) => {
      process.exitCode = await runInvokeCommand(logicalId, eventPath, options, io);
    });
}

/** A commander parser for an option that takes a number >= 0. */
function number(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new InvalidArgumentError(`${name} must be a number >= 0`);
    return parsed;
  };
}

/** A commander parser for an option that takes a whole number >= 0. */
function wholeNumber(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 0)
      throw new InvalidArgumentError(`${name} must be a whole number >= 0`);
    return parsed;
  };
}

function addDevCommand(program: Command): void {
  program
    .command('dev')
    .description(
      'Run the whole service on this machine: API on 127.0.0.1, queue, worker, embedded DynamoDB and S3, espeak-ng speech.',
    )
    .option('--port <port>', 'port of the API', number('--port'), 3000)
    .option('--data-dir <dir>', 'where tables, objects, queues and keys are kept', '.auto-vid')
    .option('--rate <n>', 'usage plan rate, requests per second (default: template.yaml)', number('--rate'))
    .option('--burst <n>', 'usage plan burst (default: template.yaml)', number('--burst'))
    .option('--quota <n>', 'usage plan requests per day (default: template.yaml)', number('--quota'))
    .option(
      '--grace <seconds>',
      'on Ctrl-C/SIGTERM, how long a render may go on before it is cut',
      number('--grace'),
      5,
    )
    .option(
      '--webhook-delay-scale <factor>',
      'multiply every webhook retry delay (1 s, 2 s, then 30 s up to 8 h over 24 h) by this, e.g. 0.01',
      number('--webhook-delay-scale'),
    )
    .option(
      '--chunk-workers <n>',
      'chunk encoders running at once: re-encodes longer than --chunk-threshold are split into chunks encoded in parallel and joined; 0 renders every job in one run',
      wholeNumber('--chunk-workers'),
      2,
    )
    .option(
      '--chunk-threshold <seconds>',
      're-encodes of videos longer than this are chunked (default: template.yaml, 300)',
      number('--chunk-threshold'),
    )
    .option(
      '--chunk-seconds <seconds>',
      'target length of one chunk; chunks start on the source keyframes (default: template.yaml, 60)',
      number('--chunk-seconds'),
    )
    .addHelpText(
      'after',
      '\nAPI keys: AUTO_VID_API_KEYS=key1,key2 gives several keys, each the owner of its own jobs;\nAUTO_VID_API_KEY sets one; otherwise one is generated and kept in the data folder.',
    )
    .action(
      async (options: {
        port: number;
        dataDir: string;
        rate?: number;
        burst?: number;
        quota?: number;
        grace: number;
        webhookDelayScale?: number;
        chunkWorkers: number;
        chunkThreshold?: number;
        chunkSeconds?: number;
      }) => {
        process.exitCode = await runDevCommand(options, { out: process.stdout });
      },
    );
}

async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const asked = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      process.exitCode = asked || error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    throw error;
  }
}

await main(process.argv);
