using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Subscribers;

namespace Onboarding.Aws.Metering;

/// <summary>
/// The subscriptions to meter, from the subscribers table alone: every subscriber that has (or had, since the given
/// time) access, billed each hour for the feeds of the entitlement plans in force during it. The plan is the record of
/// what the customer may read: onboarding writes it before the subscriber record exists, and every lifecycle re-plan
/// and revocation rewrites it together with the ACLs. The onboarding record's topics are not a fallback: they are the
/// first plan only and go stale on a re-plan, so a customer whose entitlement was cut to nothing would be billed for
/// feeds it can no longer read.
/// </summary>
/// <param name="productCode">PRODUCT_CODE: the product of license-model customers, whose identity names none.</param>
public sealed class SubscriberMeteredSubscriptions(ISubscriberStore subscribers, string productCode) : IMeteredSubscriptions
{
    public async Task<SubscriptionsToMeter> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var result = new List<MeteredSubscription>();
        var withoutPlan = new List<string>();
        await foreach (var subscriber in subscribers.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            DateTimeOffset? until = subscriber.Status switch
            {
                SubscriberStatus.Active or SubscriberStatus.UnsubscribePending => null,
                SubscriberStatus.Unsubscribed or SubscriberStatus.Suspended => subscriber.UpdatedAt,
                _ => since, // still registering: no access, nothing to bill
            };
            if (until is { } ended && ended <= since)
            {
                continue;
            }

            var customerId = subscriber.Customer.StableId;
            var plan = await subscribers.GetEntitlementsAsync(customerId, cancellationToken).ConfigureAwait(false);
            if (plan is null)
            {
                withoutPlan.Add(customerId);
                continue;
            }

            // An empty plan is an entitlement that ended or no longer covers any feed: no access from then on. The hours
            // before it are still billed for the plans in force during them, unless those ended before `since`.
            var timeline = PlanTimeline.Of(plan.Value);
            if (!timeline.HasFeedsFrom(since))
            {
                continue;
            }

            var product = subscriber.Customer.ProductCode ?? productCode;
            result.Add(new MeteredSubscription(
                SubscriptionIdentities.BillingRef(subscriber.Customer, product), product, timeline, subscriber.CreatedAt, until));
        }

        return new SubscriptionsToMeter(result, withoutPlan);
    }
}
