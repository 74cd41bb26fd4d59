import { Duration } from 'cdk8s';

/** Retries of an HTTP route. */
export interface IstioRetries {
  /** How many times a request is retried. */
  readonly attempts: number;

  /**
   * The time each attempt may take.
   * @default - the route's timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * The conditions that retry, e.g. `['5xx', 'reset', 'connect-failure']`.
   * @default - Istio's default (connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes)
   */
  readonly retryOn?: string[];
}

/** Settings of the HTTP route the Rollout splits (and of nothing else in the VirtualService). */
export interface IstioHttpRouteSettings {
  /**
   * How long a request may take, retries included.
   * @default - no timeout (Istio's default)
   */
  readonly timeout?: Duration;

  /**
   * How requests are retried.
   * @default - Istio's default (2 attempts)
   */
  readonly retries?: IstioRetries;
}

/** How a client sidecar talks TLS to the Service's pods. */
export enum IstioTlsMode {
  /** Plain text. */
  DISABLE = 'DISABLE',
  /** TLS to the pods (the client verifies the server). */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS with certificates you provide. */
  MUTUAL = 'MUTUAL',
  /** Mutual TLS with Istio's certificates. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/** How a client sidecar spreads requests over the pods. */
export enum IstioLoadBalancer {
  /** Each pod in turn. */
  ROUND_ROBIN = 'ROUND_ROBIN',
  /** The pod with the fewest requests in flight, of two picked at random. */
  LEAST_REQUEST = 'LEAST_REQUEST',
  /** A random pod. */
  RANDOM = 'RANDOM',
  /** The address the client asked for, without balancing. */
  PASSTHROUGH = 'PASSTHROUGH',
}

/** Connection limits towards the Service's pods. */
export interface IstioConnectionPool {
  /**
   * Most TCP connections to one pod.
   * @default - no limit
   */
  readonly maxConnections?: number;

  /**
   * TCP connect timeout.
   * @default Duration.seconds(10)
   */
  readonly connectTimeout?: Duration;

  /**
   * Most HTTP requests waiting for a connection.
   * @default - no limit
   */
  readonly http1MaxPendingRequests?: number;

  /**
   * Most HTTP/2 requests in flight.
   * @default - no limit
   */
  readonly http2MaxRequests?: number;

  /**
   * Most requests over one connection (1 turns keep-alive off).
   * @default - no limit
   */
  readonly maxRequestsPerConnection?: number;
}

/** Ejects pods that keep failing from the load-balancing pool. */
export interface IstioOutlierDetection {
  /**
   * Consecutive 5xx answers (or connection errors) that eject a pod.
   * @default 5
   */
  readonly consecutive5xxErrors?: number;

  /**
   * How often pods are checked.
   * @default Duration.seconds(10)
   */
  readonly interval?: Duration;

  /**
   * How long an ejected pod stays out (times the number of its ejections).
   * @default Duration.seconds(30)
   */
  readonly baseEjectionTime?: Duration;

  /**
   * The highest share of pods that may be ejected at once, in percent.
   * @default 10
   */
  readonly maxEjectionPercent?: number;
}

/**
 * The DestinationRule's `trafficPolicy` for the Service host: TLS, load balancing, connection
 * limits and outlier detection. It applies to both subsets (the controller rewrites only the
 * subsets' labels and would drop any per-subset policy).
 */
export interface IstioTrafficPolicy {
  /**
   * TLS towards the pods.
   * @default - the mesh default (ISTIO_MUTUAL under automatic mTLS)
   */
  readonly tlsMode?: IstioTlsMode;

  /**
   * Load balancing.
   * @default - Istio's default (LEAST_REQUEST)
   */
  readonly loadBalancer?: IstioLoadBalancer;

  /**
   * Connection limits.
   * @default - none
   */
  readonly connectionPool?: IstioConnectionPool;

  /**
   * Outlier detection.
   * @default - none
   */
  readonly outlierDetection?: IstioOutlierDetection;
}
