using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Metering;

/// <summary>
/// The plans of one subscription over time: the current plan (in force from <paramref name="CurrentSince"/>, null: since
/// the subscription started, onwards) and the earlier ones still kept. An hour is billed for every plan in force at any
/// moment of it, as a started hour of the subscription counts as a whole one.
/// </summary>
public sealed record PlanTimeline(IReadOnlyList<string> Current, DateTimeOffset? CurrentSince, IReadOnlyList<PlanPeriod> Past)
{
    /// <summary>One plan for the whole subscription.</summary>
    public static PlanTimeline Constant(IReadOnlyList<string> feeds) => new(feeds, null, []);

    public static PlanTimeline Of(EntitlementSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return new(snapshot.Topics, snapshot.PlanSince, snapshot.PastPlans);
    }

    /// <summary>The distinct feeds of every plan in force at some moment of the hour starting at <paramref name="hour"/>.</summary>
    public IReadOnlyList<string> FeedsDuring(DateTimeOffset hour)
    {
        var end = hour + MeteringHours.Hour;
        var feeds = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var period in Past)
        {
            if (Overlaps(period.From, period.Until, hour, end))
            {
                AddNew(period.Topics);
            }
        }

        if (Overlaps(CurrentSince, null, hour, end))
        {
            AddNew(Current);
        }

        return feeds;

        void AddNew(IReadOnlyList<string> topics)
        {
            foreach (var topic in topics)
            {
                if (seen.Add(topic))
                {
                    feeds.Add(topic);
                }
            }
        }
    }

    /// <summary>Whether some plan with feeds is in force at or after <paramref name="since"/>: else there is nothing left to bill.</summary>
    public bool HasFeedsFrom(DateTimeOffset since) =>
        Current.Count > 0 || Past.Any(p => p.Topics.Count > 0 && p.Until > since);

    private static bool Overlaps(DateTimeOffset? from, DateTimeOffset? until, DateTimeOffset start, DateTimeOffset end) =>
        (from is not { } f || f < end) && (until is not { } u || u > start) && (from is not { } a || until is not { } b || a < b);
}
