// Internal: readable, stable object names derived from construct ids (no hash suffix).
import { IConstruct } from 'constructs';
import { fail } from './problems';

const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The one way the library turns a construct id into an object name: a DNS-1035 label in kebab
 * case (`SuccessRate` → `success-rate`, `checkout` → `checkout`), '-' for anything else.
 */
export function readableName(construct: IConstruct): string {
  const name = kebabCase(construct.node.id).replace(/^[^a-z]+/, '').replace(/-+$/, '');
  if (!DNS_LABEL.test(name) || name.length > 63) {
    fail(construct, 'cannot derive a Kubernetes name from the id', construct.node.id, 'pass a name (a DNS-1035 label of at most 63 characters)');
  }
  return name;
}

/** Kebab case of an id: `SuccessRate` → `success-rate`, `APIServer` → `api-server`, `my_app` → `my-app`. */
export function kebabCase(id: string): string {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-');
}

const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Whether a name is a DNS-1123 label (namespaces, subset names): at most 63 characters. */
export function isDns1123Label(name: string): boolean {
  return name.length <= 63 && DNS_1123_LABEL.test(name);
}

/** Whether a name is a DNS-1123 subdomain (most object names): at most 253 characters. */
export function isDns1123Subdomain(name: string): boolean {
  return name.length <= 253 && DNS_1123_SUBDOMAIN.test(name);
}

/** Whether a name is a DNS-1035 label of at most `max` characters. */
export function isDnsLabel(name: string, max: number = 63): boolean {
  return name.length <= max && DNS_LABEL.test(name);
}
