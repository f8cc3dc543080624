import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { type FunctionId, SCHEDULES } from '../../lib/api/functions.ts';

export interface SchedulesProps {
  functions: Partial<Record<FunctionId, lambda.IFunction>>;
}

/**
 * One EventBridge rule per SCHEDULES entry, at the rate it names (the local stack runs the same
 * functions on an interval). Retries are capped and events older than the period are dropped:
 * a missed run is superseded by the next one, which processes the same backlog.
 */
export class Schedules extends Construct {
  readonly rules: { functionId: FunctionId; rule: events.Rule }[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    for (const [fid, schedule] of Object.entries(SCHEDULES) as [FunctionId, { rateMinutes: number }][]) {
      const fn = props.functions[fid];
      if (!fn) throw new Error(`schedule for ${fid}: no such function`);
      const rule = new events.Rule(this, fid, {
        description: `dashnet ${fid} every ${schedule.rateMinutes} min`,
        schedule: events.Schedule.rate(Duration.minutes(schedule.rateMinutes)),
        targets: [
          new targets.LambdaFunction(fn, {
            retryAttempts: 2,
            maxEventAge: Duration.minutes(Math.max(1, Math.min(schedule.rateMinutes, 24 * 60))),
          }),
        ],
      });
      this.rules.push({ functionId: fid, rule });
    }
  }
}
