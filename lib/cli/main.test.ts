import { describe, expect, it } from 'vitest';
import { main } from './main';
import { memoryIo } from './test-helpers';

describe('appstore', () => {
  it('prints the list of commands for --help', async () => {
    const io = memoryIo({ cwd: '/' });
    expect(await main(['--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: appstore <command>');
    expect(io.out()).toContain('env runtime-version list');
  });

  it('prints a command\'s options for <command> --help', async () => {
    const io = memoryIo({ cwd: '/' });
    expect(await main(['import', '--help'], io)).toBe(0);
    expect(io.out()).toContain('--visibility');
  });

  it('shows usage on stderr and exits 2 for an unknown command or none', async () => {
    for (const argv of [['publish'], []]) {
      const io = memoryIo({ cwd: '/' });
      expect(await main(argv, io)).toBe(2);
      expect(io.out()).toBe('');
      expect(io.err()).toContain('Usage: appstore <command>');
    }
  });

  it('exits 2 with the command usage for an unknown option', async () => {
    const io = memoryIo({ cwd: '/' });
    expect(await main(['import', 'x.wave', '--force'], io)).toBe(2);
    expect(io.err()).toContain("Unknown option '--force'");
    expect(io.err()).toContain('Usage: appstore import');
  });
});
