import { EventBus } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface LifecycleEventBusProps {
  /** Environment name; the bus is named `coindirect-payouts-<env>` so producers can find it. */
  readonly environmentName: string;
}

/**
 * The EventBridge bus the payout lifecycle publishes to (source `coindirect.payouts`; detail-types
 * PayoutSubmitted, PayoutRejected, PayoutConflict, PayoutCompleted, PayoutCancelled). Producers subscribe
 * with a rule on it instead of polling. It has no resource policy: only this account's principals with
 * IAM permission can put events or add rules.
 */
export class LifecycleEventBus extends Construct {
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: LifecycleEventBusProps) {
    super(scope, id);

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: `coindirect-payouts-${props.environmentName}`,
      description: `Coindirect payout lifecycle events (${props.environmentName})`,
    });
  }
}
