/**
 * dashnet's own CloudWatch metrics, declared once: the functions emit them as EMF (Powertools
 * Metrics, `functions/runtime/observability.ts`), the CDK dashboard and alarms read them.
 */

/** The CloudWatch namespace of dashnet's EMF metrics. */
export const METRICS_NAMESPACE = 'Dashnet';

/** Powertools Metrics adds this dimension to every metric; a reader must name it to match. */
export const METRICS_SERVICE = 'dashnet';

/**
 * The metric names. Counts are events unless the name says otherwise.
 *
 * @example metrics.addMetric(METRIC.accepted, MetricUnit.Count, accepted)
 */
export const METRIC = {
  /** Events accepted at ingest (a batch's valid, first-seen events). */
  accepted: 'EventsAccepted',
  /** Events acknowledged as seen before (retried batches, repeated ids). */
  duplicates: 'EventsDuplicate',
  /** Events refused by validation. */
  rejected: 'EventsRejected',
  /** Events the aggregator applied. */
  processed: 'EventsProcessed',
  hazardsRaised: 'HazardsRaised',
  hazardsCleared: 'HazardsCleared',
  /** Age of the oldest record of an aggregator batch when it was applied, ms. */
  iteratorAgeMs: 'IteratorAgeMs',
  /** Batches a stream consumer handed back for retry (partial batch failures). */
  batchItemFailures: 'BatchItemFailures',
  /** Stream records that can never be applied, sent to the failure destination. */
  poisonRecords: 'PoisonRecords',
  /** Raw insight contributions the insights consumer wrote. */
  insightsContributions: 'InsightsContributions',
} as const;

/** A metric name of {@link METRIC}. */
export type MetricName = (typeof METRIC)[keyof typeof METRIC];
