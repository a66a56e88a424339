/**
 * The command-line surface. Declares commands and options only; each action lazy-loads its module so
 * `--help` stays fast, and only this file sets the exit code.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
// A type only (erased): the command module itself is loaded when history runs.
import type { HistoryOptions } from './commands/history.js';
import type { RunCommandOptions } from './commands/run.js';
import { packageRoot } from './core/packageRoot.js';
// The enumerations only: a leaf module with no imports, so --help stays fast.
import { FORMATS } from './core/vocabulary.js';
import { guardVerdict } from './verdictGuard.js';

const version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string })
  .version;
const debug = process.argv.includes('--debug');

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function list(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

function colorAllowed(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR) return false;
  if (process.env.FORCE_COLOR && process.env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

const write = (text: string) => process.stdout.write(text);

/**
 * Set by `run`: once its report and history are written, the process ends with the exit code rather
 * than waiting for whatever still holds the event loop (a socket to a hung endpoint, a timer of a
 * check the deadline abandoned). --deadline is a promise about the process, not about the report.
 */
let endProcessWhenDone = false;

/** Waits until what was written to `stream` has been handed to the OS (bounded: a stalled reader cannot hold the exit). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  if (stream.destroyed || !stream.writable) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 500);
    stream.write('', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

// `l2preflight list | head`: a closed pipe is the reader saying "enough", not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const program = new Command()
  .name('l2preflight')
  .description(
    'Operational risk checks for Layer-2 derivatives venues: is it safe to route capital here now?',
  )
  .version(version)
  .option('--debug', 'print stack traces and RPC traffic figures')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

program
  .command('run')
  .description(
    'run a checklist and print a pass/fail report; several checklists run side by side and print one venue matrix',
  )
  .argument(
    '[checklists...]',
    'checklist YAML file(s), default checks/devnet.yaml; several compare their venues (a row per concern, a column per venue)',
    ['checks/devnet.yaml'],
  )
  .addOption(new Option('--format <format>', 'report format on stdout').choices(FORMATS).default('table'))
  .option('--output <file>', 'also write the --format report to FILE, atomically')
  .option(
    '--report <format=file>',
    'also write another format to a file, e.g. junit=report.xml (repeatable)',
    collect,
  )
  .option('--only <ids|tags>', 'run only these checks (comma-separated ids or tags)', list)
  .option('--skip <ids|tags>', 'skip these checks (comma-separated ids or tags)', list)
  .addOption(
    new Option('--fail-on <status>', 'lowest status that makes the exit code non-zero')
      .choices(['fail', 'warn'])
      .default('fail'),
  )
  .option('--timeout <duration>', 'per-check deadline when a check sets none, e.g. 30s')
  .option(
    '--deadline <duration>',
    'deadline for the whole process, counted from its start (per run with --watch), e.g. 2m; unfinished checks end as error and the process exits',
  )
  .option(
    '--rpc-timeout <duration>',
    'per HTTP request to an RPC endpoint before the next endpoint is tried (default 3s, below --timeout)',
  )
  .option(
    '--clock-tolerance <duration>',
    "how far this machine's clock may lag the chain head before age checks are error (default 30s)",
  )
  .option(
    '--max-block-age <duration>',
    'oldest chain head checks may read state at before they are error (default max(60s, 30 blocks))',
  )
  .option('--concurrency <n>', 'checks in flight at once (default: all; reads are batched)')
  .option('--state <dir>', 'where run history lives (default: .l2preflight/ next to the checklist)')
  .option(
    '--wide',
    'the full table even on a terminal too narrow for it (else a line per check there: the compact layout)',
  )
  .option('--watch <interval>', 're-run every INTERVAL (e.g. 60s) until Ctrl-C; redraws on a terminal')
  .option(
    '--notify <url>',
    'POST to this webhook when the verdict changes (see --notify-on): JSON, Alertmanager or Slack',
  )
  .addOption(
    new Option(
      '--notify-format <format>',
      'what --notify sends (default: alertmanager for a URL ending /api/v2/alerts, slack for hooks.slack.com, else json)',
    ).choices(['json', 'alertmanager', 'slack']),
  )
  .addOption(
    new Option(
      '--notify-on <when>',
      'change: the verdict changed; hold: also every run that is not ROUTE; always: every run (default: hold for alertmanager, else change)',
    ).choices(['change', 'hold', 'always']),
  )
  .addHelpText(
    'after',
    '\nExit codes: 0 nothing at or above --fail-on; 1 a check failed (or warned with --fail-on warn);\n' +
      '2 usage or checklist error (nothing ran); 3 NO VERDICT: a critical check could not measure (RPC down,\n' +
      'timeout, deadline) or none measured anything; 130 interrupted by Ctrl-C (143 by SIGTERM): no report,\n' +
      "no history record. --watch: Ctrl-C between runs exits with the last run's code.\n\n" +
      'Several checklists: each runs as it would alone (its own history), all at once; the exit code is the\n' +
      "worst venue's (1 over 3 over 0; 2 if any checklist is invalid, and then nothing runs). --format table,\n" +
      'json ({ kind: "comparison", verdict, venues: [each single-run report] }), junit (a testsuite per venue)\n' +
      'or markdown, and the same for --output and --report; --watch, --notify and prometheus need one checklist.',
  )
  .action(async (files: string[], options) => {
    endProcessWhenDone = true;
    const runOptions: RunCommandOptions = {
      ...options,
      version,
      stdoutColor: colorAllowed(process.stdout),
      stdoutIsTty: process.stdout.isTTY === true,
      // A terminal that reports no width (an unsized pseudo-terminal) would send ora's redraw into an
      // endless loop of line clears: no spinner there.
      stderrIsTty: process.stderr.isTTY === true && !process.env.CI && (process.stderr.columns ?? 0) > 0,
      stepSummary: process.env.GITHUB_STEP_SUMMARY || undefined,
      width: process.stdout.columns,
      height: process.stdout.rows,
      write,
      log: debug ? (text) => process.stderr.write(`${text}\n`) : undefined,
      warn: (text) => process.stderr.write(`warning: ${text}\n`),
    };
    if (files.length > 1) {
      const { compareCommand } = await import('./commands/compare.js');
      process.exitCode = await compareCommand(files, runOptions);
      return;
    }
    const { runCommand } = await import('./commands/run.js');
    process.exitCode = await runCommand(files[0] ?? 'checks/devnet.yaml', runOptions);
  });

program
  .command('serve')
  .description(
    'a Prometheus exporter: GET /probe?checklist=NAME runs NAME from --checklists and answers in the text format; /metrics; /-/healthy',
  )
  .option(
    '--listen <host:port>',
    'address to listen on (default 127.0.0.1:9478; loopback unless you say otherwise)',
  )
  .option('--checklists <dir>', 'directory whose NAME.yaml files /probe may run (default: checks)')
  .option('--state <dir>', 'where run history lives (default: .l2preflight/ in the checklists directory)')
  .option(
    '--min-interval <duration>',
    'a probe within this long of the last run of its checklist gets that result (default 10s)',
  )
  .option('--timeout-offset <duration>', "kept back from the scrape's timeout for answering (default 500ms)")
  .addOption(
    new Option('--fail-on <status>', 'lowest status that makes the verdict HOLD')
      .choices(['fail', 'warn'])
      .default('fail'),
  )
  .option('--timeout <duration>', 'per-check deadline when a check sets none')
  .option('--rpc-timeout <duration>', 'per HTTP request to an RPC endpoint')
  .option('--concurrency <n>', 'checks in flight at once per run (default: all)')
  .option(
    '--notify <url>',
    "POST to this webhook when a probe's verdict changes (see run --help: --notify-on)",
  )
  .addOption(
    new Option(
      '--notify-format <format>',
      'json, alertmanager or slack (default: inferred from the URL)',
    ).choices(['json', 'alertmanager', 'slack']),
  )
  .addOption(
    new Option(
      '--notify-on <when>',
      'change, hold or always (default: hold for alertmanager, else change)',
    ).choices(['change', 'hold', 'always']),
  )
  .action(async (options) => {
    const { serveCommand } = await import('./commands/serve.js');
    process.exitCode = await serveCommand({
      ...options,
      version,
      log: (text) => process.stderr.write(`${text}\n`),
    });
    endProcessWhenDone = true;
  });

program
  .command('history')
  .description(
    "the last runs of a checklist: when, verdict, which checks did not pass, each measured check's trend",
  )
  .argument('[checklist]', 'checklist YAML file', 'checks/devnet.yaml')
  .option('--state <dir>', 'where run history lives (default: .l2preflight/ next to the checklist)')
  .option('--limit <n>', 'how many runs to show', '20')
  .option(
    '--format <format>',
    'table (with a trend line per measured check) or json (the records, newest last)',
    'table',
  )
  .option('--check <id>', "one check's value series: started, status, value, unit, limit, partial")
  .action(async (file: string, options: HistoryOptions) => {
    const { historyCommand } = await import('./commands/history.js');
    write(await historyCommand(file, options));
  });

program
  .command('validate')
  .description('check a checklist without touching the network; errors carry file:line:col')
  .argument('<checklist>', 'checklist YAML file')
  .action(async (file: string) => {
    const { validateCommand } = await import('./commands/validate.js');
    write(await validateCommand(file, (text) => process.stderr.write(text)));
  });

program
  .command('list')
  .description('list the check types and the venue presets, one line each')
  .action(async () => {
    const { listCommand } = await import('./commands/catalog.js');
    write(listCommand());
  });

program
  .command('init')
  .description('write a commented starter checklist (never overwrites without --force)')
  .argument('[file]', 'where to write it (default: <preset>.yaml, or venue.yaml, in this directory)')
  .option('--venue <preset>', 'start from a venue preset (op-mainnet, base, arbitrum-one, dydx-v4)')
  .option('--force', 'overwrite FILE if it exists')
  .action(async (file: string | undefined, options: { venue?: string; force?: boolean }) => {
    const { initCommand } = await import('./commands/init.js');
    write(await initCommand(file, options));
  });

program
  .command('explain')
  .description('what a check type measures, its parameters with defaults, and an example')
  .argument('<type>', 'check type, e.g. sequencer.head-age')
  .action(async (type: string) => {
    const { explainCommand } = await import('./commands/catalog.js');
    write(explainCommand(type));
  });

program
  .command('drill')
  .description('withdrawal drills: a real small withdrawal driven through every stage')
  .command('withdraw')
  .description('plan (default) or --execute a withdrawal drill; running it again resumes the open drill')
  .argument('<checklist>', 'checklist YAML file with a drill section')
  .option('--execute', 'initiate (or resume) the drill; without it, only the plan is printed')
  .option('--wait', 'stay and advance each stage when it becomes ready, until finalized')
  .option('--key-file <file>', 'read the drill key from FILE (default: the L2PREFLIGHT_DRILL_KEY variable)')
  .option(
    '--amount <amount>',
    "withdraw this much instead of drill.amount (never above drill.maxAmount), e.g. '0.001 ether'",
  )
  .option('--state <dir>', 'where the drill journal lives (default: .l2preflight/ next to the checklist)')
  .option(
    '--give-up-after <duration>',
    'with --wait: how long the same lasting failure (a refused key, a read that keeps reverting) is retried before the wait ends, exit 3, the drill still open (default 10m; failures that may clear, such as timeouts and 5xx, are waited out)',
  )
  .addHelpText(
    'after',
    '\nThe key is never printed. Every transaction is written to the journal before it is broadcast, so a\n' +
      'crash or a kill at any point resumes without a second withdrawal.',
  )
  .action(async (file: string, options) => {
    const { drillWithdrawCommand } = await import('./commands/drill.js');
    process.exitCode = await drillWithdrawCommand(file, {
      ...options,
      write,
      log: (text) => process.stderr.write(`${text}\n`),
    });
  });

program
  .command('schema')
  .description('print the JSON Schema of the checklist format (for editor completion)')
  .addHelpText(
    'after',
    '\nIn a checklist: # yaml-language-server: $schema=<path to schema/checklist.schema.json>',
  )
  .action(async () => {
    const { renderJsonSchema } = await import('./checklist/jsonSchema.js');
    write(renderJsonSchema());
  });

const devnet = program.command('devnet').description('a local venue on anvil, with no network at all');

/**
 * No commander defaults: src/commands/devnet.ts (devnetEndpoints) resolves flag, then the
 * L2PREFLIGHT_DEVNET_* variable, then the default, the same way for every devnet command.
 */
function portOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--stack <stack>',
        'which devnet: the OP Stack venue, or the Arbitrum rollup (nitro-contracts)',
      )
        .choices(['op-stack', 'arbitrum'])
        .default('op-stack'),
    )
    .option(
      '--l2-port <port>',
      "L2 RPC port on 127.0.0.1 (default: L2PREFLIGHT_DEVNET_L2_RPC's, else 9545; arbitrum: L2PREFLIGHT_DEVNET_ARB_L2_RPC's, else 9555)",
    )
    .option(
      '--l1-port <port>',
      "L1 RPC port on 127.0.0.1 (default: L2PREFLIGHT_DEVNET_L1_RPC's, else 9546; arbitrum: L2PREFLIGHT_DEVNET_ARB_L1_RPC's, else 9556)",
    )
    .option(
      '--l2-replica-port <port>',
      "port of the L2's second endpoint (default: L2PREFLIGHT_DEVNET_L2_REPLICA_RPC's, else 9547; op-stack only)",
    );
}

interface DevnetFlags {
  stack: 'op-stack' | 'arbitrum';
  l2Port?: string;
  l1Port?: string;
  l2ReplicaPort?: string;
}

async function ports(options: DevnetFlags) {
  const { devnetEndpoints } = await import('./commands/devnet.js');
  return devnetEndpoints(options).ports;
}

async function arbitrumPorts(options: DevnetFlags) {
  const { arbitrumDevnetEndpoints } = await import('./commands/devnet.js');
  return arbitrumDevnetEndpoints(options).ports;
}

portOptions(
  devnet
    .command('up')
    .description(
      'start the local devnet (L1 + L2 anvil, venue contracts, batcher) in the foreground; Ctrl-C stops it. ' +
        '--stack arbitrum: the real Arbitrum rollup (nitro-contracts 3.2.0) with a batch poster and a validator',
    ),
).action(async (options: DevnetFlags) => {
  if (options.stack === 'arbitrum') {
    const { arbitrumUpCommand } = await import('./commands/devnetArbitrum.js');
    process.exitCode = await arbitrumUpCommand({ ports: await arbitrumPorts(options), write });
    return;
  }
  const { devnetUpCommand } = await import('./commands/devnet.js');
  process.exitCode = await devnetUpCommand({ ports: await ports(options), write });
});

portOptions(
  devnet
    .command('scenario')
    .description(
      'put the running devnet into a named state: healthy, sequencer-halt, sequencer-resume, stale-oracle, volatile-oracle, oracle-split, ' +
        'oracle-future, oracle-at-bound, drained-fund, reorg, batcher-stalled, rpc-split, paused-bridge, proposer-stalled, garbage-game, ' +
        'games-retired, game-type-changed, gas-spike, l1-fee-spike, instant-upgrades, admin-takeover. ' +
        'With --stack arbitrum: healthy, batch-poster-stalled, force-included, rollup-paused, inbox-paused, assertions-stalled, instant-upgrades',
    )
    .argument('<name>', 'scenario name'),
)
  .option('--l2-rpc <url>', 'L2 RPC of the running devnet (wins over --l2-port)')
  .option('--l1-rpc <url>', 'L1 RPC of the running devnet (wins over --l1-port)')
  .option('--l2-replica-rpc <url>', "the L2's second endpoint (wins over --l2-replica-port)")
  .option('--depth <blocks>', 'reorg depth (reorg scenario; default: every block of the last 2 minutes)')
  .action(async (name: string, options: DevnetFlags & { depth?: string; l1Rpc?: string }) => {
    if (options.stack === 'arbitrum') {
      const { arbitrumScenarioCommand } = await import('./commands/devnetArbitrum.js');
      write(await arbitrumScenarioCommand(name, options, (text) => process.stderr.write(`${text}\n`)));
      return;
    }
    const { devnetScenarioCommand } = await import('./commands/devnet.js');
    const depth = options.depth === undefined ? undefined : Number(options.depth);
    write(await devnetScenarioCommand(name, { ...options, depth }));
  });

portOptions(
  devnet
    .command('demo')
    .description(
      'bring the devnet up, run checks/devnet.yaml against it, print the table, shut it down (npm start); ' +
        '--stack arbitrum: the Arbitrum devnet and checks/devnet-arbitrum.yaml',
    )
    .option('--wide', 'the full table even on a terminal too narrow for it'),
).action(async (options: DevnetFlags & { wide?: boolean }) => {
  const common = {
    version,
    stdoutColor: colorAllowed(process.stdout),
    width: process.stdout.columns,
    wide: options.wide,
    write,
    log: debug ? (text: string) => process.stderr.write(`${text}\n`) : undefined,
  };
  if (options.stack === 'arbitrum') {
    const { arbitrumDemoCommand } = await import('./commands/devnetArbitrum.js');
    process.exitCode = await arbitrumDemoCommand({ ...common, ports: await arbitrumPorts(options) });
    return;
  }
  const { devnetDemoCommand } = await import('./commands/devnet.js');
  process.exitCode = await devnetDemoCommand({ ...common, ports: await ports(options) });
});

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; a usage mistake is exit 2 (commander says 1).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    const { InterruptedError, L2PreflightError } = await import('./errors.js');
    if (error instanceof L2PreflightError) {
      // Ctrl-C is the user's own doing, not an error to report as one.
      process.stderr.write(
        `${error instanceof InterruptedError ? 'l2preflight' : 'error'}: ${error.message}\n`,
      );
      if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    // A bug's error may carry what a command held (viem puts the request's URL, with its key, in its
    // messages): nothing here knows the command's secrets, so anything shaped like one is hidden.
    const { hideSecretShapes } = await import('./checklist/secretShapes.js');
    const text = hideSecretShapes((error as Error)?.stack ?? String(error));
    process.stderr.write(
      `internal error (a bug in l2preflight ${version}): ${text}\n` +
        'Please report it with the command you ran.\n',
    );
    process.exitCode = 70;
  }
}

// No top-level await: the bundle is also built as CommonJS (scripts/build.mjs), which has none. The
// guard keeps a main() that never settles from ending the process as a silent exit 0.
void guardVerdict(main()).then(async () => {
  if (endProcessWhenDone) {
    await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
    process.exit(process.exitCode ?? 0);
  }
});
