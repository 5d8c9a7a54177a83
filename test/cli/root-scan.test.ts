// `--root`: a host filesystem mounted elsewhere (fixtures/hostroot, with its own /proc and /sys) is scanned
// through that prefix and every target is reported as a host path.
import { describe, expect, it } from 'vitest';
import type { ScanResult } from '../../src/model/result.js';
import { fixture, runCli } from '../helpers/cli.js';

function scanHostroot(extra: string[] = []): { status: number; report: ScanResult } {
  const run = runCli(['scan', '--no-builtin', '--rules', fixture('rules', 'hostroot-rules.yaml'), '--root', fixture('hostroot'), '--format', 'json', ...extra]);
  return { status: run.status, report: JSON.parse(run.stdout) as ScanResult };
}

function targets(report: ScanResult, ruleId: string): string[] {
  return report.results.find((r) => r.ruleId === ruleId)?.findings.map((f) => f.target) ?? [];
}

describe('scan --root', () => {
  const { status, report } = scanHostroot();

  it('reports residue with exit 1 and the mounted host identity', () => {
    expect(status).toBe(1);
    expect(report.verdict).toBe('residue');
    expect(report.host.hostname).toBe('node1');
    expect(report.host.root).toBe(fixture('hostroot'));
  });

  it('reports files, units and contents as host paths, never with the prefix', () => {
    expect(targets(report, 't-static-manifests')).toEqual(['/etc/kubernetes/manifests/kube-apiserver.yaml', '/etc/kubernetes/manifests/nginx-proxy.yml']);
    expect(targets(report, 't-container-logs')).toEqual(['/var/log/containers']);
    expect(targets(report, 't-kubekey-hosts')).toEqual(['/etc/hosts']);
    expect(JSON.stringify(report.results)).not.toContain(fixture('hostroot'));
  });

  it('treats /var/run and /run as one place', () => {
    expect(targets(report, 't-var-run-calico')).toEqual(['/run/calico']);
  });

  it('reads mounts from the host init process, decoding \\040', () => {
    expect(targets(report, 't-mounts')).toEqual([
      '/var/lib/kubelet/pods/8b1e-uid/volumes/kubernetes.io~projected/kube-api-access-x7k2p',
      '/var/lib/kubelet/pods/9c2f-uid/volumes/kubernetes.io~empty-dir/cache dir',
    ]);
    expect(targets(report, 't-calico-cgroup')).toEqual(['/run/calico/cgroup']);
    const spaced = report.results.find((r) => r.ruleId === 't-mounts')?.findings[1];
    expect(spaced?.fix).toEqual(["umount '/var/lib/kubelet/pods/9c2f-uid/volumes/kubernetes.io~empty-dir/cache dir'"]);
  });

  it('finds kubepods trees in every cgroup hierarchy, once per tree', () => {
    expect(targets(report, 't-kubepods')).toEqual(['/sys/fs/cgroup/memory/kubepods.slice', '/sys/fs/cgroup/unified/kubepods.slice']);
  });

  it('reads links from the mounted sysfs, including DOWN ones, and names veths without DEVTYPE', () => {
    expect(targets(report, 't-links')).toEqual(['cali1234567890a', 'cni0', 'flannel.1']);
    const cali = report.results.find((r) => r.ruleId === 't-links')?.findings[0];
    expect(cali?.evidence).toBe('veth, DOWN');
  });

  it('finds unit files, drop-ins, wants links (a dangling one too) and transient units', () => {
    const unit = report.results.find((r) => r.ruleId === 't-kubelet-unit');
    expect(unit?.findings.map((f) => f.target)).toEqual(['etcd.service', 'kubelet.service']);
    expect(unit?.findings[0]?.evidence).toBe('dangling link /etc/systemd/system/multi-user.target.wants/etcd.service');
    expect(unit?.findings[1]?.vars.paths).toEqual([
      '/etc/systemd/system/kubelet.service',
      '/etc/systemd/system/kubelet.service.d',
      '/etc/systemd/system/multi-user.target.wants/kubelet.service',
    ]);
    expect(unit?.reason).toMatch(/unit state not read/);
    expect(targets(report, 't-transient')).toEqual(['kubepods.slice']);
  });

  it('matches processes by comm and command line, not a decoy mentioning kubelet', () => {
    expect(targets(report, 't-kubelet-process')).toEqual(['kubelet[4242]']);
    expect(targets(report, 't-shim')).toEqual(['containerd-shim[5001]']);
  });

  it('finds listeners in the host init process net namespace, v4, v6 and UDP, and ignores established sockets', () => {
    expect(targets(report, 't-ports')).toEqual(['tcp/10250', 'tcp/6443', 'udp/8472']);
  });

  it('tells a live netns and content matches apart with line numbers', () => {
    expect(report.results.find((r) => r.ruleId === 't-netns')?.findings[0]?.evidence).toMatch(/^live network namespace/);
    expect(report.results.find((r) => r.ruleId === 't-kubekey-hosts')?.findings[0]?.evidence).toBe('block "# kubekey hosts BEGIN" at line 2-5');
    expect(report.results.find((r) => r.ruleId === 't-nodelocaldns-resolv')?.findings[0]?.fix).toEqual(['sed -i 1d /etc/resolv.conf']);
  });

  it('leaves rules that match nothing clean', () => {
    expect(report.results.find((r) => r.ruleId === 't-user-file')?.status).toBe('clean');
  });
});
