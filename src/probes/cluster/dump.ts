// `--cluster-dump <file...>`: the cluster rules against `kubectl get <resources> -A -o json` output, for auditors
// who receive dumps instead of credentials. Each file is a List (or one object); objects are told apart by
// apiVersion and kind. A kind the dumps hold no object of cannot be told from "not dumped", so its rules are
// unchecked, with the command that would dump it.
import { readFileSync } from 'node:fs';
import { parseSelector } from './selector.js';
import { groupOf, kubectlResourceName, resolveResource } from './resources.js';
import { toItem, type ClusterSource, type JsonObject, type KubeItem, type ListOutcome, type ListQuery } from './source.js';

export class DumpError extends Error {}

function itemsOf(doc: unknown, file: string): KubeItem[] {
  if (!doc || typeof doc !== 'object') throw new DumpError(`${file}: not a JSON object`);
  const o = doc as JsonObject;
  if (Array.isArray(o.items)) {
    return o.items.filter((i): i is JsonObject => Boolean(i) && typeof i === 'object').map((i) => toItem(i));
  }
  if (typeof o.kind === 'string' && o.metadata) return [toItem(o)];
  throw new DumpError(`${file}: neither a List with items nor a Kubernetes object (expected kubectl get ... -o json output)`);
}

export function loadDumps(files: readonly string[]): ClusterSource {
  const items: KubeItem[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new DumpError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (err) {
      throw new DumpError(`${file}: not JSON (${(err as Error).message}); dump with kubectl get ... -A -o json`);
    }
    items.push(...itemsOf(doc, file));
  }
  const crds = items.filter((i) => i.kind === 'CustomResourceDefinition' && groupOf(i.apiVersion) === 'apiextensions.k8s.io');
  const kinds = new Set(items.map((i) => `${groupOf(i.apiVersion)}/${i.kind}`));
  return {
    description: `dump ${files.join(', ')}`,
    close() {},
    async list(q: ListQuery): Promise<ListOutcome> {
      const ref = resolveResource(q.resource);
      let kind = ref.kind;
      if (!kind) {
        const crd = crds.find((c) => {
          const spec = (c.raw.spec ?? {}) as { group?: string; names?: { plural?: string; kind?: string } };
          return spec.group === ref.group && spec.names?.plural === ref.plural;
        });
        kind = (crd?.raw.spec as { names?: { kind?: string } } | undefined)?.names?.kind;
        // Its CRD is not among the dumped CRDs: the resource does not exist in that cluster.
        if (!kind && crds.length > 0) return { ok: true, items: [] };
      }
      if (!kind || !kinds.has(`${ref.group}/${kind}`)) {
        return { ok: false, reason: `the dump holds no ${q.resource}: add the output of kubectl get ${kubectlResourceName(ref)} -A -o json` };
      }
      const selector = q.labelSelector ? parseSelector(q.labelSelector) : undefined;
      return {
        ok: true,
        items: items.filter(
          (i) => i.kind === kind && groupOf(i.apiVersion) === ref.group && (!q.namespace || i.namespace === q.namespace) && (!selector || selector(i.labels)),
        ),
      };
    },
  };
}
