namespace Onboarding.Core.Subscribers;

/// <summary>
/// How an entitlement snapshot's plan history moves on when a writer re-checks the entitlement: an unchanged plan (the
/// same topics as a set) keeps its start, a changed one closes the old plan at <c>now</c> and starts the new one.
/// </summary>
public static class PlanHistory
{
    /// <summary>
    /// How long an ended plan is kept. Hours are metered late: the hourly run sends hours up to 6 hours old
    /// (Marketplace's window) and records missed hours up to 7 days further back for finance
    /// (<c>MeteringWindow.MaxFlaggedHours</c>); final usage sends the hours still inside the 6-hour window. 8 days
    /// covers the oldest hour any run still computes, with margin.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(8);

    /// <summary>
    /// At most this many ended plans are kept (the newest), so an entitlement that flaps cannot grow the item towards
    /// DynamoDB's 400 KB: 64 periods of a few dozen topic names stay well under 100 KB. Real plans change a few times a
    /// year; 64 still keeps a change every 6 minutes across Marketplace's 6-hour window.
    /// </summary>
    public const int MaxPastPlans = 64;

    /// <summary>
    /// The snapshot to write after checking the entitlement at <paramref name="now"/>, given the stored one (null: none yet,
    /// the plan starts now).
    /// </summary>
    public static EntitlementSnapshot Next(
        EntitlementSnapshot? stored,
        CustomerIdentity customer,
        IReadOnlyList<Entitlement> entitlements,
        IReadOnlyList<string> topics,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(customer);
        ArgumentNullException.ThrowIfNull(entitlements);
        ArgumentNullException.ThrowIfNull(topics);
        var next = new EntitlementSnapshot(customer, entitlements, topics, now);
        if (stored is null)
        {
            return next with { PlanSince = now, PastPlans = [] };
        }

        var past = stored.PastPlans.ToList();
        var since = stored.PlanSince;
        if (!new HashSet<string>(stored.Topics, StringComparer.Ordinal).SetEquals(topics))
        {
            // Writers are serialized by the version check, so a clock behind the stored start is skew, not an earlier
            // change: the change happens at the stored start and the old plan, in force for no time, is not kept.
            var changedAt = since is { } s && s > now ? s : now;
            if (stored.Topics.Count > 0 && (since is not { } from || from < changedAt))
            {
                past.Add(new PlanPeriod([.. stored.Topics], since, changedAt));
            }

            since = changedAt;
        }

        var horizon = now - Retention;
        past.RemoveAll(p => p.Until <= horizon);
        if (past.Count > MaxPastPlans)
        {
            past.RemoveRange(0, past.Count - MaxPastPlans);
        }

        return next with { PlanSince = since, PastPlans = past };
    }
}
