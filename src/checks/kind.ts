// What a check kind declares about itself, apart from how it reads the host: its parameters (as a TypeScript
// type and as a JSON Schema fragment), its fix variables, its README row, its SARIF precision and start order.
// Each kind declares this in src/checks/<kind>.meta.ts, which imports no probe, parser or matcher, so reporters,
// the rule loader and the schema build read it without pulling the code that touches the host.

/** One fix variable's value: one shell word, several words, or a list of word lists (for `{{name[]}}`). */
export type FixVarValue = string | string[] | string[][];

/** A kind's fix variables as a type: every finding has a `target`; the rest is the kind's own (optional ones too). */
export type FixVarsShape = { target: string } & { [name: string]: FixVarValue };

/** How sure a match is that the object is residue of the cluster (SARIF `precision`). */
export type SarifPrecision = 'very-high' | 'high' | 'medium';

/** A parameter of a check (every field but `kind`). */
export type ParamName<C> = Exclude<keyof C, 'kind'>;

/** Each parameter of a check, as the TypeScript type declares it: required or optional. */
export type ParamSpec<C> = { readonly [P in ParamName<C>]-?: {} extends Pick<C, P> ? 'optional' : 'required' };

/** The parameters of a check that hold one string (candidates for a regex field). */
export type StringParam<C> = { [P in ParamName<C>]-?: NonNullable<C[P]> extends string ? P : never }[ParamName<C>];

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };
/** A JSON Schema (draft-07) node. */
export type JsonSchema = { readonly [keyword: string]: JsonValue };

/**
 * The shared vocabulary of src/schema/rule.schema.base.json's `definitions` a kind's schema may use; a typo is a
 * compile error, and a test compiles the assembled schema (so every `$ref` resolves).
 */
export const schemaRef = {
  nonEmpty: { $ref: '#/definitions/nonEmpty' },
  globList: { $ref: '#/definitions/globList' },
  absGlobList: { $ref: '#/definitions/absGlobList' },
  /** A regular expression (RE2); list such a field in `regexFields` too, so it is compiled at rule load. */
  regex: { $ref: '#/definitions/regex' },
  conditionList: { $ref: '#/definitions/conditionList' },
} as const satisfies Record<string, JsonSchema>;

/** The JSON Schema of a kind's parameters; `kind`, `required` and `additionalProperties: false` are added. */
export interface KindSchema<C> {
  readonly properties: { readonly [P in ParamName<C>]-?: JsonSchema };
  /** For kinds whose every parameter is optional but one must be given (counting `kind`). */
  readonly minProperties?: number;
}

export interface KindMeta<K extends string, C extends { kind: K }, V extends FixVarsShape> {
  readonly kind: K;
  /** The README "Check kinds" row: what the fields mean, and what one finding is. */
  readonly doc: { readonly fields: string; readonly findingPer: string };
  /** The check's parameters, required or not (the schema's `required` is made from it). */
  readonly params: ParamSpec<C>;
  /** Each parameter's schema: the kind's part of the rule schema, assembled by src/schema/rule-schema.ts. */
  readonly schema: KindSchema<C>;
  /** Parameters that are regular expressions: compiled at rule load, so a bad one fails validation (exit 2). */
  readonly regexFields: readonly StringParam<C>[];
  /** Every fix variable a finding may carry, with what it holds: the names a fix template may use. */
  readonly fixVars: { readonly [P in keyof V & string]-?: string };
  readonly sarifPrecision: SarifPrecision;
  /**
   * Probes that spawn a tool start first (lowest first), so their children run while the synchronous /proc and
   * /sys readers work; kinds without one start after them.
   */
  readonly startOrder?: number;
}

/** Any kind's metadata with its types erased, for code that reads it for every kind alike. */
export interface AnyKindMeta {
  readonly kind: string;
  readonly doc: { readonly fields: string; readonly findingPer: string };
  readonly params: Readonly<Record<string, 'required' | 'optional'>>;
  readonly schema: { readonly properties: Readonly<Record<string, JsonSchema>>; readonly minProperties?: number };
  readonly regexFields: readonly string[];
  readonly fixVars: Readonly<Record<string, string>>;
  readonly sarifPrecision: SarifPrecision;
  readonly startOrder?: number;
}

/** The parameter type a kind's metadata declares. */
export type ParamsOf<M> = M extends KindMeta<infer _K, infer C, infer _V> ? C : never;
/** The fix variables a kind's metadata declares. */
export type VarsOf<M> = M extends KindMeta<infer _K, infer _C, infer V> ? V : never;
