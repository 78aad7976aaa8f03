using System.Globalization;
using Onboarding.Core.Metering;

namespace Onboarding.Api.Finance;

/// <summary>The finance view's query string (<c>customer, dimension, product, status, from, to, period</c>), validated.</summary>
public sealed record BillingQuery(BillingFilter Filter, BillingPeriod Period, DateOnly From, DateOnly To)
{
    /// <summary>Without dates the view shows the last 31 days.</summary>
    public const int DefaultDays = 31;

    /// <summary>One query reads one ledger partition per day; a year is the most one page asks for.</summary>
    public const int MaxDays = 366;

    public (DateTimeOffset From, DateTimeOffset To) HourRange => Filter.HourRange(From, To);

    /// <summary>Parses the query; on bad input returns the error to show and no query.</summary>
    public static (BillingQuery? Query, string? Error) Parse(IQueryCollection query, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(query);
        string? Text(string name) => query[name] is [{ } value] && value.Trim() is { Length: > 0 } trimmed ? trimmed : null;

        var errors = new List<string>();
        DateOnly? Date(string name)
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                return date;
            }

            errors.Add($"'{name}' must be a date as yyyy-MM-dd, not '{text}'.");
            return null;
        }

        LedgerStatus? status = null;
        if (Text("status") is { } statusText)
        {
            if (Enum.TryParse<LedgerStatus>(statusText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(statusText, out _))
            {
                status = parsed;
            }
            else
            {
                errors.Add($"'status' must be one of {string.Join(", ", Enum.GetNames<LedgerStatus>())}, not '{statusText}'.");
            }
        }

        var period = BillingPeriod.Day;
        if (Text("period") is { } periodText)
        {
            if (Enum.TryParse<BillingPeriod>(periodText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(periodText, out _))
            {
                period = parsed;
            }
            else
            {
                errors.Add($"'period' must be hour, day or month, not '{periodText}'.");
            }
        }

        var from = Date("from");
        var to = Date("to");
        if (errors.Count > 0)
        {
            return (null, string.Join(" ", errors));
        }

        var end = to ?? (from is { } f && f.AddDays(DefaultDays - 1) < today ? f.AddDays(DefaultDays - 1) : today);
        var start = from ?? end.AddDays(-(DefaultDays - 1));
        if (end < start)
        {
            return (null, $"'to' ({end:yyyy-MM-dd}) is before 'from' ({start:yyyy-MM-dd}).");
        }

        if (end.DayNumber - start.DayNumber + 1 > MaxDays)
        {
            return (null, $"The period from {start:yyyy-MM-dd} to {end:yyyy-MM-dd} is longer than {MaxDays} days; choose a shorter one.");
        }

        var filter = new BillingFilter(Text("customer"), Text("dimension"), status, start, end, Text("product"));
        return (new BillingQuery(filter, period, start, end), null);
    }
}
