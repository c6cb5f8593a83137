// Plain-text tables in the style of the platform's `h2o` CLI: upper-case headers, columns padded by two spaces.
export function formatTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (c ?? '').padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [headers, ...rows].map(line).join('\n') + '\n';
}
