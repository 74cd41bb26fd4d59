// Internal: the part of the Gateway API `HTTPRoute` spec (gateway.networking.k8s.io/v1) that
// GatewayApiHttpRoute writes. No L1 is generated for the Gateway API, so this typed subset lets the
// compiler check what we emit; field names and shapes are those of the upstream CRD.

/** `spec` of an HTTPRoute. */
export interface HttpRouteSpec {
  readonly parentRefs?: HttpRouteParentRef[];
  readonly hostnames?: string[];
  readonly rules?: HttpRouteRule[];
}

/** `spec.parentRefs[]`: a Gateway the route attaches to. */
export interface HttpRouteParentRef {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

/** `spec.rules[]`. */
export interface HttpRouteRule {
  readonly name?: string;
  readonly matches?: HttpRouteMatch[];
  readonly backendRefs?: HttpRouteBackendRef[];
}

/** `spec.rules[].matches[]`. */
export interface HttpRouteMatch {
  readonly path?: { readonly type?: 'Exact' | 'PathPrefix' | 'RegularExpression'; readonly value?: string };
  readonly headers?: Array<{ readonly type?: 'Exact' | 'RegularExpression'; readonly name: string; readonly value: string }>;
  readonly method?: string;
}

/** `spec.rules[].backendRefs[]`: a Service and its weight. */
export interface HttpRouteBackendRef {
  readonly group?: string;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name: string;
  readonly port?: number;
  readonly weight?: number;
}
