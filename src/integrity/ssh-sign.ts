// Signatures with OpenSSH (`ssh-keygen -Y sign` / `-Y verify`, OpenSSH 8.1+): the widely available offline
// signer, with keys operators already have. The signature is `<report>.sig` next to the report. The namespace
// ties a signature to kube-residue reports, so a signature made for something else does not verify here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const SIGNATURE_NAMESPACE = 'kube-residue-report';
const PRINCIPAL = 'kube-residue-report-signer';
const TIMEOUT_MS = 30_000;

export function signatureFile(report: string): string {
  return `${report}.sig`;
}

/**
 * Signs `file` with the private key and writes the signature to `<file>.sig`, like any report file the user named
 * (an ordinary write, replacing an older signature there). ssh-keygen signs standard input and prints the
 * signature, so it never creates or deletes anything next to the report itself.
 */
export function signFile(file: string, key: string): string {
  const sig = signatureFile(file);
  const r = spawnSync('ssh-keygen', ['-q', '-Y', 'sign', '-f', key, '-n', SIGNATURE_NAMESPACE], {
    input: readFileSync(file),
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (r.error) throw new Error(`cannot run ssh-keygen: ${r.error.message}`);
  if (r.status !== 0 || !r.stdout.includes('BEGIN SSH SIGNATURE')) throw new Error(`ssh-keygen -Y sign failed: ${(r.stderr || r.stdout).trim()}`);
  writeFileSync(sig, r.stdout);
  return sig;
}

/** The public key line for `key`: the file itself when it is a public key, else derived from the private key. */
function publicKeyLine(key: string): string {
  const text = readFileSync(key, 'utf8').trim();
  if (/^(ssh|ecdsa|sk)-[^\s]+ [A-Za-z0-9+/=]+/.test(text)) return text.split('\n')[0] as string;
  const r = spawnSync('ssh-keygen', ['-y', '-f', key], { encoding: 'utf8', timeout: TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`cannot read a public key from ${key}: ${(r.stderr || '').trim()}`);
  return r.stdout.trim();
}

export type SignatureCheck = { ok: true; message: string } | { ok: false; reason: string };

export function verifySignature(file: string, key: string): SignatureCheck {
  const sig = signatureFile(file);
  let pub: string;
  try {
    readFileSync(sig);
    pub = publicKeyLine(key);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  // ssh-keygen takes the public key only as an allowed-signers FILE and the report only on standard input, so
  // the key line goes into a private temporary directory of this command's own, removed right after. Tried
  // instead: the line on a pipe (-f /dev/fd/3), but Node's child pipes are socket pairs and ssh-keygen cannot
  // open one by path (ENXIO). `verify` reads a report; it scans nothing and touches nothing else.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-verify-'));
  try {
    const allowed = path.join(dir, 'allowed_signers');
    writeFileSync(allowed, `${PRINCIPAL} namespaces="${SIGNATURE_NAMESPACE}" ${pub}\n`);
    const r = spawnSync('ssh-keygen', ['-Y', 'verify', '-f', allowed, '-I', PRINCIPAL, '-n', SIGNATURE_NAMESPACE, '-s', sig], {
      input: readFileSync(file),
      encoding: 'utf8',
      timeout: TIMEOUT_MS,
    });
    if (r.error) return { ok: false, reason: `cannot run ssh-keygen: ${r.error.message}` };
    const out = `${r.stdout}${r.stderr}`.trim();
    return r.status === 0 ? { ok: true, message: out } : { ok: false, reason: `signature does not verify: ${out}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
