import { spawn } from 'node:child_process';
import { ROOT } from './server.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm run <script> -- <args>` in the project, as an operator would,
 * with `env` added (TILTS_DATA_DIR above all). TILTS_* variables of the
 * calling shell are dropped so the test decides them.
 */
export function runNpm(script: string, args: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('TILTS_')) delete childEnv[key];
  Object.assign(childEnv, env);
  const argv = ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])];
  return new Promise((resolve, reject) => {
    const child = spawn('npm', argv, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
