namespace Onboarding.Core.Metering;

/// <summary>Marketplace's limits on usage timestamps, and our safety margin before them.</summary>
/// <param name="MaxAge">Marketplace refuses records whose timestamp is older than this (6 hours).</param>
/// <param name="SafetyMargin">Stop sending an hour this long before it leaves the window, so a slow run is not refused.</param>
/// <param name="MaxFlaggedHours">How many missed hours beyond the window a run records for finance; a longer outage is reported as a gap.</param>
public sealed record MeteringWindow(TimeSpan MaxAge, TimeSpan SafetyMargin, int MaxFlaggedHours)
{
    public static MeteringWindow Marketplace { get; } = new(TimeSpan.FromHours(6), TimeSpan.FromMinutes(10), 24 * 7);

    /// <summary>Whether a record stamped with <paramref name="hour"/> may still be sent at <paramref name="now"/>.</summary>
    public bool AcceptsHour(DateTimeOffset hour, DateTimeOffset now) => now - hour <= MaxAge - SafetyMargin;
}

/// <summary>The hours one run must compute.</summary>
/// <param name="Billable">Completed hours still inside Marketplace's window, oldest first.</param>
/// <param name="TooLate">Missed hours older than the window: recorded for finance, never sent.</param>
/// <param name="Gap">Missed hours beyond <see cref="MeteringWindow.MaxFlaggedHours"/> that are not even recorded (half-open range).</param>
public sealed record MeteringPlan(
    IReadOnlyList<DateTimeOffset> Billable,
    IReadOnlyList<DateTimeOffset> TooLate,
    (DateTimeOffset From, DateTimeOffset To)? Gap)
{
    /// <summary>The watermark to store once every hour of the plan is in the ledger.</summary>
    public DateTimeOffset? NewWatermark => Billable.Count > 0 ? Billable[^1] : TooLate.Count > 0 ? TooLate[^1] : null;
}

public static class MeteringHours
{
    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>The start of the UTC hour containing <paramref name="time"/>: the Timestamp of that hour's usage records.</summary>
    public static DateTimeOffset HourStart(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        return new DateTimeOffset(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, TimeSpan.Zero);
    }

    public static DateTimeOffset LastCompletedHour(DateTimeOffset now) => HourStart(now) - Hour;

    /// <summary>
    /// Which hours a run at <paramref name="now"/> must compute, given the last hour already in the ledger.
    /// Without a watermark (first run) it starts at the oldest hour Marketplace still accepts.
    /// </summary>
    public static MeteringPlan Plan(DateTimeOffset now, DateTimeOffset? watermark, MeteringWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var last = LastCompletedHour(now);
        var earliestBillable = EarliestBillableHour(now, window);
        var from = watermark is { } w ? HourStart(w) + Hour : earliestBillable;

        var billable = new List<DateTimeOffset>();
        var tooLate = new List<DateTimeOffset>();
        (DateTimeOffset, DateTimeOffset)? gap = null;

        var lateFrom = from;
        var lateTo = earliestBillable < last + Hour ? earliestBillable : last + Hour; // exclusive
        if (lateFrom < lateTo)
        {
            var lateHours = (int)((lateTo - lateFrom).Ticks / Hour.Ticks);
            if (lateHours > window.MaxFlaggedHours)
            {
                var recordedFrom = lateTo - (Hour * window.MaxFlaggedHours);
                gap = (lateFrom, recordedFrom);
                lateFrom = recordedFrom;
            }

            for (var hour = lateFrom; hour < lateTo; hour += Hour)
            {
                tooLate.Add(hour);
            }
        }

        for (var hour = from > earliestBillable ? from : earliestBillable; hour <= last; hour += Hour)
        {
            billable.Add(hour);
        }

        return new MeteringPlan(billable, tooLate, gap);
    }

    /// <summary>The oldest hour start that Marketplace still accepts at <paramref name="now"/>.</summary>
    public static DateTimeOffset EarliestBillableHour(DateTimeOffset now, MeteringWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var oldestAllowed = now - (window.MaxAge - window.SafetyMargin);
        var start = HourStart(oldestAllowed);
        return start < oldestAllowed ? start + Hour : start;
    }
}
