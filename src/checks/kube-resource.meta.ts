// The `kube-resource` check kind's declaration: its parameters, their schema, its fix variables and its README row.
// The probe and the matcher are in ./kube-resource.ts.
import { schemaRef, type KindMeta } from './kind.js';

/**
 * present: every matching object. terminating: deletionTimestamp set (the finalizers holding it are named).
 * webhook-service-missing: a webhook configuration calling a Service that no longer exists.
 * apiservice-unavailable: an APIService whose Available condition is not True.
 * node-gone: the node named in the object's name (before nodeNameSuffix) is no longer registered.
 * binding-subject-gone: a (cluster) role binding whose ServiceAccount subjects or their namespaces are gone.
 */
export const KUBE_CONDITIONS = ['present', 'terminating', 'webhook-service-missing', 'apiservice-unavailable', 'node-gone', 'binding-subject-gone'] as const;
export type KubeCondition = (typeof KUBE_CONDITIONS)[number];

/**
 * Cluster-scope objects, read through the API server with the official client (`scan --cluster`) or from
 * `kubectl get -o json` dumps (`scan --cluster-dump`). Only selected with one of those: a node scan never
 * depends on an API server.
 */
export interface KubeResourceCheck {
  kind: 'kube-resource';
  /** The resource as kubectl names it: `namespaces`, `customresourcedefinitions`, or `<plural>.<group>` for others. */
  resource: string;
  /** Globs over metadata.name. */
  names?: string[];
  /** A label selector, e.g. `kubesphere.io/managed=true` (equality, inequality and existence terms). */
  labelSelector?: string;
  /** For namespaced resources; default: all namespaces. */
  namespace?: string;
  /** Which of the matching objects count (default `present`): see KUBE_CONDITIONS. */
  condition?: KubeCondition;
  /** Only objects naming this host's Node (--node-name): a dotted field path, and a prefix before the name. */
  thisNode?: { field: string; prefix?: string };
  /** The owner whose presence means the objects are still in use: the rule is clean while one exists. */
  unlessPresent?: { resource: string; names?: string[]; namespace?: string };
  /** condition `node-gone`: the suffix after the node name in the object's name (`.node-password.k3s`). */
  nodeNameSuffix?: string;
  /** condition `binding-subject-gone`: only bindings to this role (e.g. `cluster-admin`). */
  roleRef?: string;
  /** CustomResourceDefinitions: also count each one's instances (one list request per CRD). */
  countInstances?: boolean;
}

/** `object`: kubectl's words for the object, `RESOURCE NAME` or `--namespace NS RESOURCE NAME`. */
export type KubeResourceFixVars = { target: string; resource: string; name: string; namespace?: string; object: string[] };

export const kubeResourceKind: KindMeta<'kube-resource', KubeResourceCheck, KubeResourceFixVars> = {
  kind: 'kube-resource',
  doc: {
    fields:
      '`resource` (kubectl\'s plural, or `<plural>.<group>`), `names`, `labelSelector`, `namespace`; `condition` present/terminating/webhook-service-missing/apiservice-unavailable/node-gone (with `nodeNameSuffix`)/binding-subject-gone (with `roleRef`); `thisNode: {field, prefix}` (objects naming this host\'s Node); `unlessPresent: {resource, names, namespace}` (clean while the owner exists); `countInstances` (CRDs) — only with `--cluster` or `--cluster-dump`',
    findingPer: 'object `<resource>[/<namespace>]/<name>`',
  },
  params: {
    resource: 'required',
    names: 'optional',
    labelSelector: 'optional',
    namespace: 'optional',
    condition: 'optional',
    thisNode: 'optional',
    unlessPresent: 'optional',
    nodeNameSuffix: 'optional',
    roleRef: 'optional',
    countInstances: 'optional',
  },
  schema: {
    properties: {
      resource: { type: 'string', pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*$' },
      names: schemaRef.globList,
      labelSelector: schemaRef.nonEmpty,
      namespace: schemaRef.nonEmpty,
      condition: { enum: [...KUBE_CONDITIONS] },
      thisNode: {
        type: 'object',
        additionalProperties: false,
        required: ['field'],
        properties: {
          field: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$' },
          prefix: { type: 'string' },
        },
      },
      unlessPresent: {
        type: 'object',
        additionalProperties: false,
        required: ['resource'],
        properties: {
          resource: { type: 'string', pattern: '^[a-z][a-z0-9-]*(\\.[a-z0-9-]+)*$' },
          names: schemaRef.globList,
          namespace: schemaRef.nonEmpty,
        },
      },
      nodeNameSuffix: schemaRef.nonEmpty,
      roleRef: schemaRef.nonEmpty,
      countInstances: { type: 'boolean' },
    },
    minProperties: 3,
  },
  regexFields: [],
  fixVars: {
    target: '`<resource>/[<namespace>/]<name>`',
    resource: 'the resource',
    name: 'the object name',
    namespace: 'its namespace (namespaced objects only)',
    object: 'kubectl\'s words for the object (`[--namespace NS] RESOURCE NAME`)',
  },
  sarifPrecision: 'very-high',
  startOrder: 1,
};
