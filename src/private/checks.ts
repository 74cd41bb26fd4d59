// Internal: pure checks of values the Kubernetes API server, istiod, the Rollouts controller or
// the AWS ELB API refuse. Each returns undefined when the value is fine, or a short text saying
// what is wrong (the caller adds the construct path, the value and the fix). Not part of the
// public API.
import { isDns1123Label, isDns1123Subdomain } from './names';

/** The largest value of a Kubernetes `int32` field. */
export const INT32_MAX = 2147483647;

/** Problem of a whole number that must fit an int32 field and be at least `min`. */
export function int32Problem(value: number, min: number): string | undefined {
  if (!Number.isInteger(value)) return `must be a whole number from ${min} to ${INT32_MAX}`;
  if (value < min || value > INT32_MAX) return `must be from ${min} to ${INT32_MAX} (an int32 field)`;
  return undefined;
}

// RFC 7230 token: 1*tchar
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether a header name is an HTTP token (RFC 7230 tchar characters only). */
export function isHttpToken(name: string): boolean {
  return HTTP_TOKEN.test(name);
}

// escapes RE2 knows besides escaped punctuation (https://github.com/google/re2/wiki/Syntax)
const RE2_LETTER_ESCAPES = new Set('afnrtvdDsSwWbBAzQEpPxC'.split(''));

/**
 * Problem of a regular expression for RE2, the engine of Envoy (Istio) and of the controller's
 * Go code: JS-only features RE2 lacks (lookaround, backreferences, atomic groups, possessive
 * quantifiers, unknown escapes, counts above 1000), and anything JS cannot compile either.
 */
export function re2Problem(pattern: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) return 'ends with a lone backslash';
      if (next >= '1' && next <= '9' && !inClass) return `has a backreference \\${next}, which RE2 does not support`;
      if (next === 'k' && pattern[i + 2] === '<') return 'has a named backreference \\k<...>, which RE2 does not support';
      if (/[A-Za-z]/.test(next) && !RE2_LETTER_ESCAPES.has(next)) return `has the escape \\${next}, which RE2 does not know`;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (pattern[i + 1] === '^') i++;
      if (pattern[i + 1] === ']') i++; // a leading ']' is literal
      continue;
    }
    if (c === '(' && pattern[i + 1] === '?') {
      const rest = pattern.slice(i + 2, i + 4);
      if (rest.startsWith('=') || rest.startsWith('!')) return `has a lookahead (?${rest[0]}, which RE2 does not support`;
      if (rest === '<=' || rest === '<!') return `has a lookbehind (?${rest}, which RE2 does not support`;
      if (rest.startsWith('>')) return 'has an atomic group (?>, which RE2 does not support';
    }
    if ((c === '*' || c === '+' || c === '?' || c === '}') && pattern[i + 1] === '+') {
      return `has a possessive quantifier ${c}+, which RE2 does not support`;
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (m && (Number(m[1]) > 1000 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 1000))) {
        return `repeats ${m[0]}, more than RE2's limit of 1000`;
      }
    }
  }
  // RE2 syntax JS spells differently: (?P<name>...), flag groups (?i) and (?i:...)
  const asJs = pattern.replace(/\(\?P</g, '(?<').replace(/\(\?[imsU-]+\)/g, '').replace(/\(\?[imsU-]+:/g, '(?:');
  try {
    new RegExp(asJs);
  } catch (e: any) {
    return `does not compile (${e.message})`;
  }
  return undefined;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Problem of an Ingress rule host: a DNS-1123 subdomain, optionally with a `*.` first label;
 * no upper case, port, path or IP address.
 */
export function ingressHostProblem(host: string): string | undefined {
  if (IPV4.test(host) || host.includes(':')) return 'must be a DNS name, not an IP address or host:port';
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (!isDns1123Subdomain(name)) {
    return 'must be a lower-case DNS-1123 subdomain (letters, digits, \'-\' and \'.\'), optionally starting with "*." (a wildcard is allowed only as the first label)';
  }
  return undefined;
}

/** Problem of an Ingress path of type Prefix, Exact or ImplementationSpecific. */
export function ingressPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'must start with "/"';
  for (const seq of ['//', '/./', '/../', '%2f', '%2F']) {
    if (path.includes(seq)) return `must not contain "${seq}"`;
  }
  for (const suffix of ['/..', '/.']) {
    if (path.endsWith(suffix)) return `must not end with "${suffix}"`;
  }
  if (/\s/.test(path)) return 'must not contain whitespace';
  return undefined;
}

const QUALIFIED_NAME_PART = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/**
 * Problem of a label or annotation key: an optional DNS-1123 subdomain prefix and '/', then a
 * name of at most 63 characters (letters, digits, '-', '_', '.'; alphanumeric at both ends).
 */
export function qualifiedNameProblem(key: string): string | undefined {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && !isDns1123Subdomain(prefix)) {
    return `has the prefix "${prefix}", which must be a lower-case DNS-1123 subdomain of at most 253 characters`;
  }
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME_PART.test(name)) {
    return `has the name part "${name}", which must be 1-63 characters of letters, digits, '-', '_' and '.', starting and ending with a letter or digit`;
  }
  return undefined;
}

const ISTIO_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

/**
 * Problem of a VirtualService host for istiod: a (wildcard) domain name such as `checkout`,
 * `checkout.shop.svc.cluster.local` or `*.example.com`; no scheme, port or path.
 */
export function istioHostProblem(host: string): string | undefined {
  if (host.includes('/') || host.includes(':')) return 'must be a host name, not a URL, path or host:port';
  if (host === '*') return undefined;
  const name = host.startsWith('*.') ? host.slice(2) : host.startsWith('*') ? host.slice(1) : host;
  if (name.length === 0 || host.length > 255 || name.split('.').some(l => l.length > 63 || !ISTIO_LABEL.test(l))) {
    return 'must be a domain name of labels of letters, digits and \'-\' (at most 63 characters each), optionally starting with "*."';
  }
  return undefined;
}

/** Problem of a VirtualService gateway reference: `mesh`, `<name>` or `<namespace>/<name>`. */
export function istioGatewayProblem(gateway: string): string | undefined {
  if (gateway === 'mesh') return undefined;
  const parts = gateway.split('/');
  if (parts.length > 2) return 'has more than one "/"';
  const [ns, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (ns !== undefined && !isDns1123Label(ns)) return `has the namespace "${ns}", which must be a lower-case DNS-1123 label`;
  if (!isDns1123Subdomain(name)) return `has the name "${name}", which must be a lower-case DNS-1123 subdomain`;
  return undefined;
}

/** Problem of a VirtualService `exportTo` list: namespace names, `.` (this one) or `*` (all). */
export function istioExportToProblem(exportTo: string[]): string | undefined {
  for (const value of exportTo) {
    if (value !== '.' && value !== '*' && !isDns1123Label(value)) {
      return `has "${value}", which is neither ".", "*" nor a namespace name (a lower-case DNS-1123 label)`;
    }
  }
  if (new Set(exportTo).size !== exportTo.length) return 'has duplicate entries';
  if (exportTo.includes('*') && exportTo.length > 1) return 'combines "*" with other entries; "*" must be the only entry';
  return undefined;
}
