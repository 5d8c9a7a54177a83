// `kube-residue gate` through the real CLI in the namespace sandbox: kubespray's old nginx-proxy on 127.0.0.1:6443
// and an old static pod manifest block a re-join, each with its reason; once the operator removed them the node
// is READY; a blocking rule that could not be checked (a user who is not root) blocks unless allowed.
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import schema from '../../src/schema/gate.schema.json' with { type: 'json' };
import type { GateDocument } from '../../src/gate/render.js';
import { requireSandboxOrSkip, runInSandbox } from '../sandbox/sandbox.js';

const skip = requireSandboxOrSkip();
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validate = ajv.compile(schema);

/** Splits the `=== <name> <status>` framed output of gate-run.sh / gate-as-nobody.sh. */
function runs(stdout: string): Map<string, { status: number; out: string }> {
  const map = new Map<string, { status: number; out: string }>();
  for (const part of stdout.split(/^=== /m).slice(1)) {
    const nl = part.indexOf('\n');
    const [name, status] = part.slice(0, nl).split(' ');
    map.set(name as string, { status: Number(status), out: part.slice(nl + 1) });
  }
  return map;
}

function json(r: { out: string } | undefined): GateDocument {
  const doc = JSON.parse(r?.out ?? 'null') as GateDocument;
  expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  return doc;
}

describe.skipIf(skip !== undefined)('kube-residue gate in the sandbox', () => {
  const r = runInSandbox({ scenarios: ['clean', 'test/gate/join-blockers.sh'], command: ['bash', 'test/gate/gate-run.sh'], timeoutMs: 120_000 });
  const out = runs(r.stdout);

  it('is BLOCKED with one line per blocker: the 6443 listener and the static pod, each with why and the fix', () => {
    expect(r.status, r.stderr).toBe(0);
    const text = out.get('blocked-text');
    expect(text?.status).toBe(1);
    const lines = text?.out.trim().split('\n') ?? [];
    expect(lines.at(-1)).toMatch(/^BLOCKED — 3 blockers, 0 unchecked$/);
    const port = lines.find((l) => l.startsWith('BLOCKER kubernetes-apiserver-port: tcp/6443'));
    expect(port).toMatch(/\[ERROR Port-6443\]: Port 6443 is in use/);
    expect(port).toMatch(/Fix: kill \d+/);
    const manifest = lines.find((l) => l.startsWith('BLOCKER kubernetes-static-pod-manifests: /etc/kubernetes/manifests/kube-apiserver.yaml'));
    expect(manifest).toMatch(/kubelet would start the old static pods/);
    expect(manifest).toMatch(/Fix: rm -f -- \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml/);
  });

  it('gives {ready, blockers[], unchecked[]} as JSON that validates against src/schema/gate.schema.json', () => {
    const run = out.get('blocked-json');
    expect(run?.status).toBe(1);
    const doc = json(run);
    expect(doc.ready).toBe(false);
    expect(doc.verdict).toBe('BLOCKED');
    expect(doc.blockers.map((b) => [b.rule, b.target])).toEqual([
      ['kubernetes-apiserver-port', 'tcp/6443'],
      ['kubernetes-cni-net-d', '/etc/cni/net.d/10-calico.conflist'],
      ['kubernetes-static-pod-manifests', '/etc/kubernetes/manifests/kube-apiserver.yaml'],
    ]);
    expect(doc.blockers[0]?.why).toMatch(/loadbalancer_apiserver_port, default 6443/);
    expect(doc.unchecked).toEqual([]);
  });

  it('is READY once they are gone and the only CNI config is that of the plugin about to be installed', () => {
    const text = out.get('ready-text');
    expect(text?.status).toBe(0);
    expect(text?.out.trim().split('\n').at(-1)).toBe('READY — 0 blockers, 0 unchecked');
    const doc = json(out.get('ready-json'));
    expect(doc).toMatchObject({ ready: true, verdict: 'READY', blockers: [], unchecked: [], cni: 'calico', allowedCniConfig: ['/etc/cni/net.d/10-calico.conflist'] });
  });

  it('lets any stale CNI config block without --cni, and another plugin’s config block with --cni of a different plugin', () => {
    for (const name of ['cni-unset-json', 'other-cni-json']) {
      const run = out.get(name);
      expect(run?.status).toBe(1);
      expect(json(run).blockers.map((b) => b.target)).toEqual(['/etc/cni/net.d/10-calico.conflist']);
    }
  });
});

describe.skipIf(skip !== undefined)('kube-residue gate as a user who is not root', () => {
  const r = runInSandbox({ scenarios: ['clean', 'test/gate/unreadable-kubelet.sh'], command: ['bash', 'test/gate/gate-as-nobody.sh'], timeoutMs: 120_000 });
  const out = runs(r.stdout);

  it('blocks (exit 3) on a blocking rule it could not check, with the reason', () => {
    const run = out.get('nobody-json');
    expect(run?.status).toBe(3);
    const doc = json(run);
    expect(doc.ready).toBe(false);
    expect(doc.blockers).toEqual([]);
    expect(doc.unchecked).toContainEqual(expect.objectContaining({ rule: 'kubernetes-kubelet-pki', reason: 'cannot look at /var/lib/kubelet/pki: EACCES' }));
    expect(out.get('nobody-text')?.out).toMatch(/UNCHECKED BLOCKER kubernetes-kubelet-pki: could not be checked \(cannot look at \/var\/lib\/kubelet\/pki: EACCES\)[^\n]*\nBLOCKED — 0 blockers, \d+ unchecked\n/);
  });

  it('is READY with --allow-unchecked, still listing what it could not check', () => {
    const run = out.get('nobody-allowed-json');
    expect(run?.status).toBe(0);
    const doc = json(run);
    expect(doc.ready).toBe(true);
    expect(doc.unchecked.length).toBeGreaterThan(0);
  });
});
