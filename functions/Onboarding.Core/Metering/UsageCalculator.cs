namespace Onboarding.Core.Metering;

/// <summary>
/// Usage for one hour: one unit per feed of any plan in force during the hour the subscription was live, summed per
/// dimension.
/// </summary>
public static class UsageCalculator
{
    public static IEnumerable<UsageLine> ForHour(
        IEnumerable<MeteredSubscription> subscriptions, DateTimeOffset hour, DimensionMap dimensions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        ArgumentNullException.ThrowIfNull(dimensions);
        if (hour != MeteringHours.HourStart(hour))
        {
            throw new ArgumentException($"{hour:O} is not the start of a UTC hour.", nameof(hour));
        }

        foreach (var subscription in subscriptions)
        {
            var feeds = subscription.FeedsDuring(hour);
            if (feeds.Count == 0)
            {
                continue;
            }

            var customerKey = subscription.CustomerKey;
            var perDimension = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var feed in feeds)
            {
                var dimension = dimensions.DimensionOf(subscription.ProductCode, feed);
                perDimension[dimension] = perDimension.GetValueOrDefault(dimension) + 1;
            }

            foreach (var (dimension, quantity) in perDimension)
            {
                yield return new UsageLine(
                    new UsageKey(customerKey, subscription.ProductCode, dimension, hour), subscription.Customer, quantity);
            }
        }
    }
}
