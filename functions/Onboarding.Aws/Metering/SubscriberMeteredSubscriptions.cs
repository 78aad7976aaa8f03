using Onboarding.Core.Lifecycle;
using Onboarding.Core.Metering;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;

namespace Onboarding.Aws.Metering;

/// <summary>
/// The subscriptions to meter, from the subscriber records: every subscriber that has (or had, since the given time)
/// access, with the feeds of its last entitlement plan (or, without one, of its onboarding record when that store is given).
/// </summary>
/// <param name="productCode">PRODUCT_CODE: the product of license-model customers, whose identity names none.</param>
public sealed class SubscriberMeteredSubscriptions(ISubscriberStore subscribers, IOnboardingStore? onboarding, string productCode) : IMeteredSubscriptions
{
    public async Task<IReadOnlyList<MeteredSubscription>> ListAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        var result = new List<MeteredSubscription>();
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
            var feeds = plan?.Value.Topics is { Count: > 0 } planned
                ? planned
                : onboarding is null ? []
                : (await onboarding.GetAsync(customerId, cancellationToken).ConfigureAwait(false))?.Topics ?? [];

            if (feeds.Count == 0)
            {
                continue;
            }

            var product = subscriber.Customer.ProductCode ?? productCode;
            result.Add(new MeteredSubscription(SubscriptionIdentities.BillingRef(subscriber.Customer, product), product, feeds, subscriber.CreatedAt, until));
        }

        return result;
    }
}
