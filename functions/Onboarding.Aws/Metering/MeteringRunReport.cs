namespace Onboarding.Aws.Metering;

/// <summary>What one metering run did; the function logs it and turns it into metrics.</summary>
public sealed class MeteringRunReport
{
    public int HoursPlanned { get; set; }

    /// <summary>Pending entries written this run (usage of newly completed hours, or final usage).</summary>
    public int EntriesCreated { get; set; }

    /// <summary>Missed hours older than Marketplace's window, recorded as Expired for finance.</summary>
    public int EntriesTooLate { get; set; }

    /// <summary>Missed hours beyond even the flagged range (an outage longer than the configured maximum).</summary>
    public (DateTimeOffset From, DateTimeOffset To)? UnrecordedGap { get; set; }

    /// <summary>Pending entries that left the window before Marketplace accepted them.</summary>
    public int EntriesExpired { get; set; }

    public int Calls { get; set; }

    public int FailedCalls { get; set; }

    public bool Throttled { get; set; }

    public int Reported { get; set; }

    public int CustomerNotSubscribed { get; set; }

    public int DuplicateRecord { get; set; }

    /// <summary>Entries still Pending after this run; the next run re-sends them unchanged.</summary>
    public int Retrying { get; set; }

    /// <summary>Subscribers with access but no entitlement plan to bill from (see <see cref="Core.Metering.SubscriptionsToMeter"/>).</summary>
    public int SubscribersWithoutPlan { get; set; }

    public List<string> Errors { get; } = [];
}
