import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { ApiEdge, EDGE_RATE_LIMITS, ORIGIN_VERIFY_HEADER, STAFF_PATH_PREFIXES } from './ApiEdge.ts';

function edgeIn(region: string) {
  const stack = new Stack(new App(), 'Edge', { env: { account: '111111111111', region } });
  const api = new apigw.HttpApi(stack, 'Api', { createDefaultStage: false });
  const edge = new ApiEdge(stack, 'Edge', { api, originVerifySecret: 'test-secret' });
  return { stack, edge, template: Template.fromStack(stack) };
}

describe('ApiEdge: WAF rate rules in front of the HTTP API', () => {
  const { edge, template } = edgeIn('us-east-1');

  it('blocks an address over the per-route and the staff-route rates, with AWS managed rules after', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      DefaultAction: { Allow: {} },
      Rules: [
        Match.objectLike({
          Name: 'rate-any-route',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: { Limit: EDGE_RATE_LIMITS.anyRoutePer5Min, AggregateKeyType: 'IP' },
          },
        }),
        Match.objectLike({
          Name: 'rate-staff-routes',
          Action: { Block: {} },
          Statement: {
            RateBasedStatement: Match.objectLike({
              Limit: EDGE_RATE_LIMITS.staffRoutesPer5Min,
              AggregateKeyType: 'IP',
              ScopeDownStatement: {
                OrStatement: {
                  Statements: STAFF_PATH_PREFIXES.map((p) => ({
                    ByteMatchStatement: Match.objectLike({
                      SearchString: p,
                      PositionalConstraint: 'STARTS_WITH',
                    }),
                  })),
                },
              },
            }),
          },
        }),
        Match.objectLike({ Name: 'AWSManagedRulesAmazonIpReputationList' }),
        Match.objectLike({ Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
        Match.objectLike({
          Name: 'AWSManagedRulesCommonRuleSet',
          // Telemetry batches are up to 1 MiB: the 8 KB body rule only counts.
          Statement: {
            ManagedRuleGroupStatement: Match.objectLike({
              RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
            }),
          },
        }),
      ],
    });
  });

  it('puts the WebACL on a distribution that forwards everything to the API over TLS 1.2 and caches nothing', () => {
    const dist = template.findResources('AWS::CloudFront::Distribution');
    const config = Object.values(dist)[0]!.Properties.DistributionConfig;
    expect(config.WebACLId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/WebAcl/), 'Arn'] });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'https-only',
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
    });
    const origin = config.Origins[0];
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(origin.OriginCustomHeaders).toEqual([
      { HeaderName: ORIGIN_VERIFY_HEADER, HeaderValue: 'test-secret' },
    ]);
  });

  it('leaves no cdk-nag AwsSolutions finding on the edge, and uses every acknowledgement', () => {
    const pack = new AwsSolutionsChecks();
    const used = new Set<string>();
    const internals = pack as unknown as { isAcknowledged: (node: IConstruct, id: string) => boolean };
    const original = internals.isAcknowledged.bind(pack);
    internals.isAcknowledged = (node, id) => {
      const hit = original(node, id);
      if (hit) used.add(id);
      return hit;
    };
    const report = pack.validateScope(edge);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    const declared = new Set<string>();
    for (const c of edge.node.findAll())
      for (const m of c.node.metadata)
        if (m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          for (const k of Object.keys(m.data as object)) declared.add(k.replace(/^annotation::/i, ''));
    expect([...declared].filter((id) => !used.has(id))).toEqual([]);
  });

  it('refuses a region other than us-east-1, where CloudFront WebACLs must live', () => {
    expect(() => edgeIn('eu-west-1')).toThrow(/us-east-1/);
  });
});
