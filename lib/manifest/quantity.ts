// Kubernetes resource quantities (`500Mi`, `1.5`, `500m`, `1e3`), parsed the way k8s.io/apimachinery does.
//   quantity ::= sign? number suffix?
//   number   ::= digits | digits "." digits? | "." digits
//   suffix   ::= Ki|Mi|Gi|Ti|Pi|Ei  (binary)  |  n|u|m|k|M|G|T|P|E  (decimal)  |  (e|E) sign? digits  (exponent)

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei)|([numkMGTPE])|[eE]([+-]?\d+))?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

export interface Quantity {
  /** The quantity in base units (bytes, or CPU cores); approximate for huge values. */
  value: number;
  /** The suffix as written (`Mi`, `m`, `e3`, or empty). */
  suffix: string;
}

/** The parsed quantity, or null when `s` is not one. */
export function parseQuantity(s: string): Quantity | null {
  const m = QUANTITY.exec(s);
  if (!m) return null;
  const [, sign, digits, binary, decimal, exponent] = m;
  let value = Number(digits);
  let suffix = '';
  if (binary) {
    value *= BINARY[binary];
    suffix = binary;
  } else if (decimal) {
    value *= 10 ** DECIMAL[decimal];
    suffix = decimal;
  } else if (exponent !== undefined) {
    value *= 10 ** Number(exponent);
    suffix = `e${exponent}`;
  }
  if (sign === '-') value = -value;
  return { value, suffix };
}

export type QuantityKind = 'memory' | 'cpu';

/** Why `s` is not a usable quantity for a memory/volume or CPU attribute, or null when it is fine. */
export function quantityProblem(label: string, s: string, kind: QuantityKind): string | null {
  const example = kind === 'cpu' ? 'cores such as "1.5" or millicores such as "500m"' : 'a size such as "500Mi", "2Gi" or "1G"';
  if (s !== s.trim()) return `${label} "${s}" has surrounding spaces; write it as "${s.trim()}".`;
  const q = parseQuantity(s);
  if (!q) {
    // "1GB"/"512 MB" is the usual slip; the binary unit is almost always what was meant.
    const bytes = /^(\d+(?:\.\d+)?)\s*([KkMGTPE])i?B$/.exec(s);
    const bytesHint = bytes ? ` (did you mean "${bytes[1]}${bytes[2].toUpperCase()}i"?)` : '';
    return `${label} "${s}" is not a Kubernetes quantity${bytesHint}: use ${example}.`;
  }
  if (q.value < 0) return `${label} cannot be negative ("${s}").`;
  if (!Number.isFinite(q.value)) return `${label} "${s}" is too large.`;
  return null;
}
