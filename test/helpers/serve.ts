/** Test support for `l2preflight serve`: spawn it on a free port and find it, and the Prometheus binaries. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { ROOT } from './cli.js';

export interface RunningServe {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  stop: () => Promise<number | null>;
}

/** Starts `l2preflight serve --listen 127.0.0.1:0 ARGS` and waits for the address it says it listens on. */
export function startServe(args: string[], env: Record<string, string> = {}): Promise<RunningServe> {
  const child = spawn(process.execPath, ['bin/l2preflight.js', 'serve', '--listen', '127.0.0.1:0', ...args], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', CI: 'true', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(stderr);
      if (found?.[1])
        resolve({
          url: found[1],
          child,
          stderr: () => stderr,
          exited,
          stop: () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
    });
    void exited.then((code) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}

/**
 * The path of a Prometheus tool by its Debian name. Absent: in CI a failure naming the package (a
 * skipped test proves nothing); on a developer's machine undefined, so the test can skip saying why.
 */
export function promTool(
  name: 'promtool' | 'prometheus' | 'prometheus-alertmanager' | 'amtool',
): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    const packageName =
      name === 'prometheus-alertmanager' || name === 'amtool' ? 'prometheus-alertmanager' : 'prometheus';
    if (process.env.CI)
      throw new Error(
        `${name} is not on PATH: install Debian's ${packageName} package (.ci/run does: apt-get install ${packageName})`,
      );
    return undefined;
  }
}
