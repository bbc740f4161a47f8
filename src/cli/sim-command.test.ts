import fs from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIM, QUICK } from '../../sim/config.ts';
import { simCommand, type SimRequest } from './sim-command.ts';

// `lastmile sim`'s flags: the evening's shape, --replay (which refuses whatever would change the
// recorded evening), --compare, and `sim compare <earlier> <later>`. The actions are stand-ins
// that note what they were asked, except where the real ones must refuse a bad file.

interface Asked {
  run?: SimRequest;
  compare?: { earlier: string; later: string; json: boolean };
}

/** Parses `args` as `lastmile sim …` would; errors throw instead of ending the process. */
async function parse(args: string[], real = false): Promise<Asked> {
  const asked: Asked = {};
  const sim = real
    ? simCommand()
    : simCommand({
        run: async (req) => {
          asked.run = req;
        },
        compare: async (earlier, later, json) => {
          asked.compare = { earlier, later, json };
        },
      });
  const quiet = (c: Command) => c.exitOverride().configureOutput({ writeErr: () => {} });
  quiet(sim);
  sim.commands.forEach(quiet);
  await sim.parseAsync(args, { from: 'user' });
  return asked;
}

/** The usage error `args` end in. */
async function refusal(args: string[], real = false): Promise<CommanderError> {
  const err = await parse(args, real).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CommanderError);
  expect((err as CommanderError).exitCode).toBe(2);
  return err as CommanderError;
}

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(tmpdir(), 'lastmile-sim-cli-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('lastmile sim', () => {
  it('makes the default evening, or the quick one, with the sizes given', async () => {
    expect((await parse([])).run).toMatchObject({
      cfg: DEFAULT_SIM,
      replay: null,
      compare: null,
      baseline: true,
      name: null,
    });
    const quick = await parse(['--quick', '--seed', '42', '--rush', '5', '--drivers', '9']);
    expect(quick.run?.cfg).toEqual({
      ...DEFAULT_SIM,
      ...QUICK,
      seed: 42,
      rushFactor: 5,
      drivers: 9,
    });
  });

  it('refuses a size that is not a whole number', async () => {
    const err = await refusal(['--stores', '1.5']);
    expect(err.message).toBe('error: --stores must be a whole number of at least 1, got "1.5"');
  });

  it('replays with the flags about the platform: no baseline, a name, a comparison', async () => {
    const { run } = await parse([
      '--replay',
      'sim/results/a',
      '--no-baseline',
      '--name',
      'replay-a',
      '--compare',
      'sim/results/a',
    ]);
    expect(run).toMatchObject({
      replay: 'sim/results/a',
      compare: 'sim/results/a',
      baseline: false,
      name: 'replay-a',
    });
  });

  it('refuses with --replay every flag that would change the evening, naming them', async () => {
    const one = await refusal(['--replay', 'sim/results/a', '--seed', '1']);
    expect(one.message).toBe(
      'error: --replay plays the recorded evening as it was: --seed would change it (drop it, or run without --replay)',
    );
    const some = await refusal(['--replay', 'x', '--quick', '--rush-min', '2', '--drain-min', '5']);
    expect(some.message).toMatch(/: --quick, --rush-min, --drain-min would change it \(drop them/);
  });

  it('refuses a corrupt evening or a missing earlier run before starting anything', async () => {
    const bad = path.join(dir, 'evening.json');
    await fs.writeFile(bad, '{"format": "lastmile-sim-evening", "version": 1, "run": ');
    expect((await refusal(['--replay', bad], true)).message).toMatch(
      /^error: .*evening\.json is corrupt: not JSON/,
    );
    expect((await refusal(['--compare', path.join(dir, 'no-run')], true)).message).toMatch(
      /^error: cannot compare with .*no-run: it does not exist$/,
    );
    await fs.mkdir(path.join(dir, 'old-run'));
    expect((await refusal(['--compare', path.join(dir, 'old-run')], true)).message).toMatch(
      /^error: cannot compare with .*old-run: .*report\.json is not a readable report/,
    );
  });
});

describe('lastmile sim compare', () => {
  it('takes the earlier and the later run, and --json', async () => {
    expect((await parse(['compare', 'a', 'b'])).compare).toEqual({
      earlier: 'a',
      later: 'b',
      json: false,
    });
    expect((await parse(['compare', 'a', 'b', '--json'])).compare?.json).toBe(true);
  });

  it('needs both runs', async () => {
    const err = await parse(['compare', 'a']).then(
      () => null,
      (e: unknown) => e as CommanderError,
    );
    expect(err?.code).toBe('commander.missingArgument');
  });
});
