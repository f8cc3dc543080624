import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionId, RouteAuth, RouteDef } from '../../lib/api/functions.ts';

/**
 * A value for every route kind. Extra kinds are tolerated (a kind being added or retired in
 * lib/api/functions.ts must not break the build in between); missing ones are a type error.
 */
export type ByAuth<T> = Record<RouteAuth, T> & Record<string, T>;

/** Steady-state requests per second and burst, as API Gateway's token bucket takes them. */
export interface Throttle {
  rateLimit: number;
  burstLimit: number;
}

/**
 * Route throttles by who calls the route. API Gateway applies them per route across all
 * callers (HTTP APIs have no per-client usage plans); per-device and per-insurer limits are
 * the application's job (429 with Retry-After, keyed by device / insurer id).
 *
 * - device: ~4,800 cameras driving at once, one batch per 30–60 s ≈ 80–160 req/s on average;
 *   1,000/s leaves headroom for rush hours and for a fleet reconnecting after an outage.
 * - public: drivers' apps poll hazards by area; responses are cacheable (max-age 15 s), so a CDN
 *   in front absorbs most of it; 500/s protects the tables from a runaway client.
 * - insurer: batch analytics, metered per key in the app; 50/s across insurers.
 * - operator: humans and scripts provisioning devices; 10/s is plenty, and it bounds how fast
 *   anyone can guess an operator token.
 * - legal: a handful of requests a month; 5/s bounds guessing like the operator routes.
 */
export const ROUTE_THROTTLES: ByAuth<Throttle> = {
  device: { rateLimit: 1000, burstLimit: 2000 },
  public: { rateLimit: 500, burstLimit: 1000 },
  insurer: { rateLimit: 50, burstLimit: 100 },
  operator: { rateLimit: 10, burstLimit: 20 },
  legal: { rateLimit: 5, burstLimit: 10 },
};

/** Why each kind of route has no gateway authoriser (reviewed acknowledgement of AwsSolutions-APIG4). */
const AUTH_IN_HANDLER: ByAuth<string> = {
  public:
    "Public by contract v1 (drivers' apps, /healthz): anonymous, read-only, cacheable; bounded by the route throttle.",
  device:
    'The handler authenticates the camera: the bearer token is hashed and looked up in the Identity table ' +
    '(functions/http/auth.ts). A gateway authoriser would repeat that lookup, and an HTTP API answers its ' +
    'denials with its own {"message":"Forbidden"} 403, which would break the contract\'s 401 ' +
    'application/problem+json (HTTP APIs cannot customise gateway responses). It can still be attached ' +
    "through the construct's authorizers prop without touching routes.",
  operator:
    'The handler resolves the bearer token to an operator staff credential (hash in Identity) or compares it ' +
    'with the Secrets Manager operator token in constant time (functions/http/auth.ts); the route throttle ' +
    'bounds guessing.',
  legal:
    'The handler resolves the bearer token to a legal or operator staff credential (hash in Identity) or the ' +
    'operator secret, and checks the authorisation matrix (functions/http/auth.ts).',
  insurer:
    'The handler resolves the x-api-key to an insurer in the Identity table and applies per-insurer limits; ' +
    'an API key identifies, it does not authorise on its own.',
};

export interface HttpApiProps {
  stage: string;
  routes: readonly RouteDef[];
  /** The function behind each route's `fn`. */
  handlers: Partial<Record<FunctionId, lambda.IFunction>>;
  /** Optional gateway authorisers by route kind (e.g. a device authoriser); absent: the handler authenticates. */
  authorizers?: Partial<Record<RouteAuth, apigw.IHttpRouteAuthorizer>>;
  logRetention: logs.RetentionDays;
  removalPolicy: RemovalPolicy;
}

/**
 * The contract's HTTP API: an API Gateway **HTTP API** with payload format 2.0, which is the
 * event shape the handlers take (`APIGatewayProxyEventV2`). Routes come from ROUTES, so a route
 * added there (the insurer routes, for one) appears here with its throttle, no edit needed.
 *
 * Why not a REST API with usage plans for insurers: REST APIs only send payload 1.0, which the
 * handlers do not take, and API keys in usage plans identify a caller but do not authorise one.
 * Metering and per-insurer limits live in the application (keys hashed in Identity); the stage
 * throttles each route class as a whole.
 *
 * AWS WAF cannot be associated with an HTTP API (it protects REST APIs, CloudFront, ALBs, …):
 * per-address rate rules sit on a CloudFront distribution in front of this API, `ApiEdge`
 * (cdk/constructs/ApiEdge.ts). Without it, per-address limiting is the application's: the
 * per-source failed-credential lockout in functions/http/auth.ts.
 */
export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly routes: { def: RouteDef; route: apigw.HttpRoute }[] = [];

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `dashnet-${props.stage}`,
      description: 'dashnet contract v1 (shared/API.md)',
      createDefaultStage: false,
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: ROUTE_THROTTLES.public,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        // No source IP, no user agent, no headers: a camera's IP over time is a location trace.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            error: '$context.error.message',
          }),
        ),
      },
    });

    const integrations = new Map<FunctionId, HttpLambdaIntegration>();
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const def of props.routes) {
      const handler = props.handlers[def.fn];
      if (!handler) throw new Error(`route ${def.method} ${def.path}: no function ${def.fn}`);
      let integration = integrations.get(def.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${def.fn}Integration`, handler, {
          payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(def.fn, integration);
      }
      const authorizer = props.authorizers?.[def.auth];
      const [route] = this.api.addRoutes({
        path: def.path,
        methods: [apigw.HttpMethod[def.method]],
        integration,
        ...(authorizer ? { authorizer } : {}),
      });
      if (!route) throw new Error(`route ${def.method} ${def.path} was not created`);
      if (!authorizer) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: AUTH_IN_HANDLER[def.auth] });
      }
      const throttle = ROUTE_THROTTLES[def.auth];
      routeSettings[`${def.method} ${def.path}`] = {
        ThrottlingRateLimit: throttle.rateLimit,
        ThrottlingBurstLimit: throttle.burstLimit,
      };
      this.routes.push({ def, route });
    }
    // HttpStage has no per-route throttle property; CloudFormation's RouteSettings does.
    const cfnStage = this.stage.node.defaultChild as apigw.CfnStage;
    cfnStage.routeSettings = routeSettings;
  }

  /** The API's base URL (`https://<id>.execute-api.<region>.amazonaws.com`). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
