import { Fn, Stack, Token, Validations } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/**
 * Per-address request limits of the edge's WAF, per 5 minutes (WAF's rate window).
 *
 * - any route: a camera sends 5–10 requests in 5 minutes and a driver's app polling hazards
 *   every 15 s 20; carriers put hundreds of phones and cameras behind one address (CGNAT), so
 *   3,000 blocks a flood from one address but not a carrier's customers.
 * - operator and legal routes (`/v1/devices`, `/v1/ops`, `/v1/legal`, `/v1/insurers`): people
 *   and scripts, and the routes whose credentials are worth guessing: 300.
 */
export const EDGE_RATE_LIMITS = { anyRoutePer5Min: 3000, staffRoutesPer5Min: 300 } as const;

/** Path prefixes of the operator and legal routes (the staff limit applies to them). */
export const STAFF_PATH_PREFIXES = ['/v1/devices', '/v1/ops', '/v1/legal', '/v1/insurers'] as const;

/** The header CloudFront adds to every request it forwards, so the origin can tell it came through the edge. */
export const ORIGIN_VERIFY_HEADER = 'x-dashnet-origin-verify';

export interface ApiEdgeProps {
  /** The contract's HTTP API (payload 2.0), the distribution's only origin. */
  api: Pick<apigw.IHttpApi, 'apiEndpoint'>;
  /**
   * Value of {@link ORIGIN_VERIFY_HEADER}; handlers that check it refuse calls that bypassed
   * the edge (and its WAF) by going to the execute-api endpoint directly.
   */
  originVerifySecret: string;
  rateLimits?: Partial<typeof EDGE_RATE_LIMITS>;
}

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

const managed = (
  name: string,
  priority: number,
  excludedRules: string[] = [],
): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: {
    managedRuleGroupStatement: {
      vendorName: 'AWS',
      name,
      ...(excludedRules.length
        ? { ruleActionOverrides: excludedRules.map((r) => ({ name: r, actionToUse: { count: {} } })) }
        : {}),
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * AWS WAF in front of the HTTP API. WAF cannot be associated with API Gateway **HTTP** APIs
 * (only REST APIs, CloudFront, ALB, …), so the rules sit on a CloudFront distribution whose
 * origin is the API: per-address rate rules (all routes; a tighter one on staff routes), AWS's
 * IP reputation list, known bad inputs and the common rule set — with its 8 KB body-size rule
 * counted, not blocking, since telemetry batches are up to 1 MiB (the handlers enforce that).
 * Nothing is cached (`CachingDisabled`): every request reaches the handlers with all its
 * headers, Authorization included.
 *
 * A WebACL for CloudFront must live in us-east-1: this construct refuses another region.
 * Wiring it (lead): create it in the stack, publish `distribution.distributionDomainName` as
 * the API URL, and have the handlers refuse requests without the origin-verify header, or the
 * execute-api URL stays an unfiltered side door; behind the edge, the per-source lockout
 * (functions/http/auth.ts) must key on the viewer address CloudFront forwards, not on the
 * edge's own address.
 */
export class ApiEdge extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly distribution: cloudfront.Distribution;

  constructor(scope: Construct, id: string, props: ApiEdgeProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (!Token.isUnresolved(region) && region !== 'us-east-1') {
      throw new Error(`ApiEdge: a CloudFront WebACL must be created in us-east-1, not ${region}`);
    }
    const limits = { ...EDGE_RATE_LIMITS, ...props.rateLimits };
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('dashnet-edge'),
      rules: [
        {
          name: 'rate-any-route',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: { limit: limits.anyRoutePer5Min, aggregateKeyType: 'IP' },
          },
          visibilityConfig: visibility('rate-any-route'),
        },
        {
          name: 'rate-staff-routes',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: limits.staffRoutesPer5Min,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                orStatement: {
                  statements: STAFF_PATH_PREFIXES.map((prefix) => ({
                    byteMatchStatement: {
                      fieldToMatch: { uriPath: {} },
                      positionalConstraint: 'STARTS_WITH',
                      searchString: prefix,
                      textTransformations: [{ priority: 0, type: 'NONE' }],
                    },
                  })),
                },
              },
            },
          },
          visibilityConfig: visibility('rate-staff-routes'),
        },
        managed('AWSManagedRulesAmazonIpReputationList', 2),
        managed('AWSManagedRulesKnownBadInputsRuleSet', 3),
        managed('AWSManagedRulesCommonRuleSet', 4, ['SizeRestrictions_BODY']),
      ],
    });

    // `https://<id>.execute-api.<region>.amazonaws.com` → the host name.
    const apiHost = Fn.select(2, Fn.split('/', props.api.apiEndpoint));
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'dashnet API behind AWS WAF',
      webAclId: this.webAcl.attrArn,
      defaultBehavior: {
        origin: new origins.HttpOrigin(apiHost, {
          protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
          originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
          customHeaders: { [ORIGIN_VERIFY_HEADER]: props.originVerifySecret },
        }),
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
    const validations = Validations.of(this.distribution);
    validations.acknowledge({
      id: 'AwsSolutions-CFR1',
      reason: 'Cameras and drivers travel across borders; the fleet is not restricted by country.',
    });
    validations.acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        "No per-request access logs: a viewer's address over time is a camera's location trace (the API's own " +
        'access logs leave addresses out for the same reason); WAF keeps sampled requests and metrics per rule.',
    });
    validations.acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'No custom domain in this stack: the default *.cloudfront.net certificate is used, whose policy AWS fixes. ' +
        'With a custom domain, minimumProtocolVersion TLS_V1_2_2021 (set here) applies.',
    });
  }
}
