// Users writing their own rules: `rules validate` and `scan --rules` must name file, line, rule and field for
// every problem, and exit 2.
import { describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';

const broken = (name: string): string => fixture('rules', 'broken', name);

describe('rules validate', () => {
  it('accepts a valid user pack', () => {
    const run = runCli(['rules', 'validate', fixture('rules', 'valid', 'example.yaml')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('pack acme, 1 rule');
  });

  const cases: Array<[string, RegExp]> = [
    ['unknown-field.yaml', /unknown-field\.yaml:12: rule broken-unknown-field field check\.command: unknown field "command"/],
    ['bad-severity.yaml', /bad-severity\.yaml:5: rule broken-bad-severity field severity: must be one of: "critical", "high", "medium", "low", "info"/],
    ['missing-fix.yaml', /missing-fix\.yaml:3: rule broken-missing-fix field fix: missing required field "fix"/],
    ['bad-regex.yaml', /bad-regex\.yaml:11: rule broken-bad-regex field check\.nameRegex: invalid regular expression/],
    ['lookahead.yaml', /lookahead\.yaml:11: rule broken-lookahead field check\.chainRegex: lookahead and lookbehind .* are not supported \(RE2 syntax\); use the field’s …Exclude companion/],
    ['backreference.yaml', /backreference\.yaml:12: rule broken-backreference field check\.cmdline: backreferences .* are not supported \(RE2 syntax\)/],
    ['unknown-var.yaml', /unknown-var\.yaml:12: rule broken-unknown-var field fix\.commands\[0\]: unknown template variable \{\{path\}\} for kind path/],
    ['yaml-syntax.yaml', /yaml-syntax\.yaml:\d+: YAML: /],
    ['duplicate-id.yaml', /duplicate-id\.yaml:13: rule broken-dup field id: duplicate rule id \(first defined at .*duplicate-id\.yaml:3\)/],
    ['relative-path.yaml', /relative-path\.yaml:9: rule broken-relative-path field check\.paths\[0\]: must match pattern "\^\/"/],
  ];
  it.each(cases)('%s: a precise error and exit 2', (file, message) => {
    const run = runCli(['rules', 'validate', broken(file)]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('scan refuses an invalid --rules file with exit 2 before touching anything', () => {
    const run = runCli(['scan', '--rules', broken('unknown-field.yaml'), '--format', 'json']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/invalid rule file/);
    expect(run.stdout).toBe('');
  });
});
