// A STAND-IN for a Kubernetes API server: no real API server can run on this machine (or in CI), so this local
// HTTPS server answers the way kube-apiserver 1.30 does for what kube-residue (and kubectl) ask: discovery
// documents and List responses, recorded in real shape under fixtures/cluster/api/ (fixtures/cluster/make-api.py).
// It speaks TLS with a certificate from a CA the test generates with openssl, wants a bearer token, and records
// every request (method and path), so tests can prove kube-residue only ever reads. Per-path faults: 403
// Forbidden, or an answer that never comes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fixture } from '../helpers/cli.js';

export const TOKEN = 'stand-in-token-0123456789';

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
}

export interface StandIn {
  url: string;
  port: number;
  caFile: string;
  dir: string;
  requests: RecordedRequest[];
  /** Paths answered with 403, and paths never answered. */
  forbidden: Set<string>;
  hang: Set<string>;
  /** Paths answered with this body instead of the recorded one. */
  replace: Map<string, unknown>;
  close(): Promise<void>;
}

function tls(dir: string): { key: Buffer; cert: Buffer; caFile: string } {
  const run = (args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  };
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=stand-in-kubernetes-ca']);
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=kube-apiserver']);
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'san.ext']);
  return { key: readFileSync(path.join(dir, 'server.key')), cert: readFileSync(path.join(dir, 'server.crt')), caFile: path.join(dir, 'ca.crt') };
}

/** Equality and existence terms only: all kube-residue's rules and the tests use. */
function selectorMatches(selector: string, labels: Record<string, string>): boolean {
  return selector.split(',').every((term) => {
    const [k, v] = term.split('=');
    return v === undefined ? k !== undefined && k in labels : labels[k ?? ''] === v;
  });
}

function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

export async function startStandIn(): Promise<StandIn> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kr-standin-'));
  const { key, cert, caFile } = tls(dir);
  const api = fixture('cluster', 'api');
  const requests: RecordedRequest[] = [];
  const forbidden = new Set<string>();
  const hang = new Set<string>();
  const replace = new Map<string, unknown>();
  const server = https.createServer({ key, cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.search });
    const send = (code: number, body: string): void => {
      res.writeHead(code, { 'Content-Type': 'application/json', 'Audit-Id': 'stand-in' });
      res.end(body);
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (req.method !== 'GET') return send(405, status(405, 'MethodNotAllowed', 'the stand-in only serves GET'));
    if (hang.has(url.pathname)) return; // never answers
    // Namespaced lists: /api/v1/namespaces/<ns>/<resource> is the cluster-wide list filtered to that namespace.
    const m = /^(\/apis?\/.+?)\/namespaces\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    const file = path.join(api, `${m ? `${m[1]}/${m[3]}` : url.pathname}.json`);
    if (forbidden.has(url.pathname)) {
      return send(403, status(403, 'Forbidden', `${path.basename(url.pathname)} is forbidden: User "system:serviceaccount:audit:reader" cannot list resource "${path.basename(url.pathname)}" at the cluster scope`));
    }
    const key = m ? `${m[1]}/${m[3]}` : url.pathname;
    if (replace.has(key)) return send(200, JSON.stringify(replace.get(key)));
    if (!file.startsWith(api) || !existsSync(file)) return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const body = JSON.parse(readFileSync(file, 'utf8')) as { items?: Array<{ metadata?: { namespace?: string; labels?: Record<string, string> } }> };
    if (Array.isArray(body.items)) {
      const selector = url.searchParams.get('labelSelector');
      body.items = body.items.filter((i) => (!m || i.metadata?.namespace === m[2]) && (!selector || selectorMatches(selector, i.metadata?.labels ?? {})));
    }
    send(200, JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    caFile,
    dir,
    requests,
    forbidden,
    hang,
    replace,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface KubeconfigContext {
  name: string;
  server: string;
  caFile: string;
  /** A bearer token, or an exec credential plugin (command and arguments). */
  token?: string;
  exec?: { command: string; args: string[] };
}

/** A kubeconfig as kubectl writes one, with certificate-authority files. */
export function writeKubeconfig(file: string, contexts: readonly KubeconfigContext[], current: string): string {
  const lines = ['apiVersion: v1', 'kind: Config', 'clusters:'];
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  cluster:', `    server: ${c.server}`, `    certificate-authority: ${c.caFile}`);
  lines.push('users:');
  for (const c of contexts) {
    lines.push(`- name: ${c.name}-user`, '  user:');
    if (c.exec) {
      lines.push('    exec:', '      apiVersion: client.authentication.k8s.io/v1', `      command: ${c.exec.command}`, '      args:', ...c.exec.args.map((a) => `      - ${JSON.stringify(a)}`), '      interactiveMode: Never');
    } else {
      lines.push(`    token: ${c.token ?? TOKEN}`);
    }
  }
  lines.push('contexts:');
  for (const c of contexts) lines.push(`- name: ${c.name}`, '  context:', `    cluster: ${c.name}`, `    user: ${c.name}-user`);
  lines.push(`current-context: ${current}`, '');
  writeFileSync(file, lines.join('\n'));
  return file;
}
