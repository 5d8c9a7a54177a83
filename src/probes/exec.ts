// Runs a fixed, read-only tool (iptables-save, ip, nft, ipset, systemctl show, kubectl get) with a time limit.
// Arguments are an array passed straight to execve: no shell, and no text from rules or the host is ever
// interpreted as a command.
import { execFile } from 'node:child_process';

export interface ToolResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it did not succeed, in words fit for an `unchecked` reason. */
  reason?: string;
}

const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * `decode`: how to turn standard output into text, for tools that print names as raw bytes (iptables-save);
 * by default it is read as UTF-8.
 */
export function runTool(command: string, args: readonly string[], timeoutMs: number, opts: { decode?: (stdout: Buffer) => string } = {}): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { timeout: timeoutMs, maxBuffer: MAX_OUTPUT, encoding: 'buffer', env: { ...process.env, LC_ALL: 'C' }, windowsHide: true },
      (err, stdoutBytes, stderrBytes) => {
        const stdout = opts.decode ? opts.decode(stdoutBytes) : stdoutBytes.toString('utf8');
        const stderr = stderrBytes.toString('utf8');
        if (!err) return resolve({ ok: true, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: number | string };
        let reason: string;
        if (e.code === 'ENOENT') reason = `${command} not found`;
        else if (e.code === 'EACCES') reason = `${command}: permission denied`;
        else if (e.killed || e.signal === 'SIGTERM') reason = `${command} timed out after ${Math.round(timeoutMs / 1000)}s`;
        else {
          const first = (stderr || e.message).trim().split('\n')[0] ?? '';
          reason = `${command} failed: ${first}`;
        }
        resolve({ ok: false, stdout, stderr, reason });
      },
    );
  });
}
