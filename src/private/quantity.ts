// Internal: Kubernetes resource quantities in the canonical form the API machinery writes
// (`resource.Quantity.String()` after `resource.ParseQuantity`): `1000m` -> `1`, `2048Mi` -> `2Gi`,
// `0.5` -> `500m`, `1.5Gi` -> `1536Mi`. Argo CD normalises a Rollout's pod template as a PodSpec,
// which puts its quantities in this form; when the live Rollout has them as written in Git, a
// sync with RespectIgnoreDifferences=true copies the whole live `containers` list into what it
// applies and drops a new image (argoproj/argo-cd#23283). Writing them canonical leaves the
// normaliser nothing to change. Not part of the public API.

const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_SUFFIXES: Record<string, number> = { 'n': -9, 'u': -6, 'm': -3, '': 0, 'k': 3, 'M': 6, 'G': 9, 'T': 12, 'P': 15, 'E': 18 };
const DECIMAL_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([suffix, exponent]) => [exponent, suffix]));
const BINARY_BY_EXPONENT = new Map(Object.entries(BINARY_SUFFIXES).map(([suffix, exponent]) => [exponent / 10, suffix]));

const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

const ZERO = BigInt(0);
const ONE = BigInt(1);
const TEN = BigInt(10);
const KIBI = BigInt(1024);
const INT64_LIMIT = BigInt(2) ** BigInt(63);
const pow10 = (n: number): bigint => TEN ** BigInt(n);

/**
 * The canonical form of a Kubernetes quantity, or undefined when `text` is not a quantity (the
 * API server reports those).
 */
export function canonicalQuantity(text: string): string | undefined {
  const match = QUANTITY.exec(text);
  if (!match) return undefined;
  const [, sign, whole, fraction = '', suffix = ''] = match;
  if (whole === '' && fraction === '') return undefined;
  // the value is mantissa x 10^-scale, exactly
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let scale = fraction.length;
  let binary = false;
  let exponentForm = false;
  if (suffix in BINARY_SUFFIXES) {
    binary = true;
    mantissa *= BigInt(2) ** BigInt(BINARY_SUFFIXES[suffix]);
  } else if (suffix.length > 1) {
    exponentForm = true;
    scale -= Number(suffix.slice(1));
  } else {
    scale -= DECIMAL_SUFFIXES[suffix];
  }
  if (scale < 0) {
    mantissa *= pow10(-scale);
    scale = 0;
  }
  if (mantissa === ZERO) return '0';
  // beyond an int64 the API machinery clamps or changes representation: leave such values as written
  if (mantissa / pow10(scale) >= INT64_LIMIT) return undefined;
  // like ParseQuantity: anything finer than 1n is rounded up to it
  if (scale > 9) {
    const unit = pow10(scale - 9);
    mantissa = (mantissa + unit - ONE) / unit;
    scale = 9;
  }
  const minus = sign === '-' ? '-' : '';
  // binary suffixes only for whole numbers of at least 1024; below that the decimal form
  if (binary && mantissa % pow10(scale) === ZERO) {
    let value = mantissa / pow10(scale);
    if (value >= KIBI) {
      let exponent = 0;
      while (value >= KIBI && value % KIBI === ZERO) {
        value /= KIBI;
        exponent++;
      }
      return `${minus}${value}${BINARY_BY_EXPONENT.get(exponent) ?? ''}`;
    }
  }
  // the largest exponent that is a multiple of 3 and keeps the mantissa whole
  let exponent = -scale;
  while (mantissa >= TEN && mantissa % TEN === ZERO) {
    mantissa /= TEN;
    exponent++;
  }
  const down = ((exponent % 3) + 3) % 3;
  mantissa *= pow10(down);
  exponent -= down;
  if (exponentForm) return `${minus}${mantissa}${exponent === 0 ? '' : `e${exponent}`}`;
  const decimal = DECIMAL_BY_EXPONENT.get(exponent);
  return `${minus}${mantissa}${decimal ?? `e${exponent}`}`;
}

/**
 * A copy of a rendered PodSpec with every quantity in canonical form: container and init
 * container resources, emptyDir size limits and the pod overhead.
 */
export function withCanonicalQuantities<T extends object | undefined>(podSpec: T): T {
  if (podSpec === undefined) return podSpec;
  const canonical = (v: unknown) => (typeof v === 'string' ? canonicalQuantity(v) ?? v : v);
  const quantities = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, canonical(v)]));
  const container = (c: any) => {
    if (!c?.resources) return c;
    const resources = { ...c.resources };
    for (const key of ['limits', 'requests']) if (resources[key]) resources[key] = quantities(resources[key]);
    return { ...c, resources };
  };
  const volume = (v: any) => (v?.emptyDir?.sizeLimit === undefined ? v
    : { ...v, emptyDir: { ...v.emptyDir, sizeLimit: canonical(v.emptyDir.sizeLimit) } });
  const spec: any = { ...podSpec };
  for (const key of ['containers', 'initContainers']) if (Array.isArray(spec[key])) spec[key] = spec[key].map(container);
  if (Array.isArray(spec.volumes)) spec.volumes = spec.volumes.map(volume);
  if (spec.overhead) spec.overhead = quantities(spec.overhead);
  return spec;
}
