import type { AnalysisTemplateSpecMetricsProviderPrometheusAuthentication } from '../imports/analysistemplate-argoproj.io';
import { Problems } from '../private/problems';
import type { Wire } from '../private/wire';

/**
 * A metric's `authentication` (the Prometheus and web providers share the shape). `basicAuth` is
 * in no provider's schema: every metric rejects that method, so it is never written, but its
 * placeholders still count as argument references.
 */
type AuthenticationJson = Wire<AnalysisTemplateSpecMetricsProviderPrometheusAuthentication>
  & { readonly basicAuth?: { readonly username: string; readonly password: string } };

/**
 * Options for AWS Signature Version 4 signing, e.g. for Amazon Managed Service for Prometheus.
 */
export interface SigV4AuthenticationOptions {
  /**
   * AWS region of the endpoint.
   * @default - the region of the Rollouts controller (`AWS_REGION`)
   */
  readonly region?: string;

  /**
   * AWS credentials profile.
   * @default - the default credential chain
   */
  readonly profile?: string;

  /**
   * IAM role to assume before signing.
   * @default - no role is assumed
   */
  readonly roleArn?: string;
}

/**
 * Options for the OAuth2 client-credentials flow. The controller fetches a token from `tokenUrl`
 * and sends it as `Authorization: Bearer`.
 */
export interface OAuth2AuthenticationOptions {
  /** Token endpoint URL. */
  readonly tokenUrl: string;

  /** OAuth2 client id. */
  readonly clientId: string;

  /**
   * OAuth2 client secret. Do not put a literal secret here: reference a template argument read
   * from a Secret, e.g. `TemplateArgument.fromSecret('oauth-secret', 'oauth', 'secret').placeholder`.
   */
  readonly clientSecret: string;

  /**
   * Scopes to request.
   * @default - none
   */
  readonly scopes?: string[];
}

/**
 * How a Prometheus or web metric authenticates to its endpoint. Exactly one method per metric.
 */
export class MetricAuthentication {
  /**
   * AWS SigV4 request signing, for Prometheus metrics whose address is an Amazon Managed Service
   * for Prometheus workspace (the controller signs only addresses containing `aps-workspaces`).
   */
  public static sigv4(options: SigV4AuthenticationOptions = {}): MetricAuthentication {
    return new MetricAuthentication('sigv4', {
      sigv4: { region: options.region, profile: options.profile, roleArn: options.roleArn },
    }, new Problems());
  }

  /** OAuth2 client-credentials flow. */
  public static oauth2(options: OAuth2AuthenticationOptions): MetricAuthentication {
    const problems = new Problems();
    if (!options.tokenUrl) problems.add('oauth2 tokenUrl must not be empty', options.tokenUrl, 'give the URL of the token endpoint');
    if (!options.clientId) problems.add('oauth2 clientId must not be empty', options.clientId, 'give the client id');
    if (!options.clientSecret) problems.add('oauth2 clientSecret must not be empty', options.clientSecret, 'give the client secret');
    return new MetricAuthentication('oauth2', {
      oauth2: {
        tokenUrl: options.tokenUrl,
        clientId: options.clientId,
        clientSecret: options.clientSecret,
        scopes: options.scopes && options.scopes.length > 0 ? [...options.scopes] : undefined,
      },
    }, problems);
  }

  /**
   * HTTP basic authentication. Not supported by the Argo Rollouts release this library targets
   * (v1.9.0 has no `basicAuth` field): every metric rejects it; send an `Authorization` header instead. Pass the password as a template-argument placeholder read from a
   * Secret, e.g. `TemplateArgument.fromSecret('prom-password', 'prometheus', 'password').placeholder`.
   */
  public static basic(username: string, password: string): MetricAuthentication {
    const problems = new Problems();
    if (!username) problems.add('basic authentication username must not be empty', username, 'give the user name');
    if (!password) problems.add('basic authentication password must not be empty', password, 'give the password');
    return new MetricAuthentication('basic', { basicAuth: { username, password } }, problems);
  }

  private constructor(
    /** The method: `sigv4`, `oauth2` or `basic`. */
    public readonly method: string,
    private readonly rendered: AuthenticationJson,
    private readonly problems: Problems) {}

  /** Records the problems of the authentication in `problems`. @internal */
  public _addProblemsTo(problems: Problems): void {
    problems.addAll(this.problems.messages);
  }

  /** @internal */
  public _toKube(): AuthenticationJson {
    return this.rendered;
  }
}
