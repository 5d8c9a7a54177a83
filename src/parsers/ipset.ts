// `ipset list -n`: one set name per line (nothing at all when there are no sets).

/** Set names in output order; blank lines are skipped and surrounding whitespace trimmed. */
export function parseIpsetNames(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const name = line.trim();
    if (name.length > 0) out.push(name);
  }
  return out;
}
