using System.Globalization;
using Onboarding.Core.Metering;

namespace Onboarding.Metering;

/// <summary>The Metering function's configuration, from the environment variables the SAM template sets.</summary>
/// <remarks>
/// The feeds to bill come from the subscribers table alone (each subscriber's entitlement plan), so the function needs
/// no onboarding table: see <see cref="Onboarding.Aws.Metering.SubscriberMeteredSubscriptions"/>.
/// </remarks>
public sealed record MeteringSettings(
    string LedgerTable, DimensionMap Dimensions, MeteringWindow Window, string SubscribersTable, string ProductCode)
{
    public const string SubscribersTableVariable = "SUBSCRIBERS_TABLE";
    public const string ProductCodeVariable = "PRODUCT_CODE";

    public const string LedgerTableVariable = "METERING_LEDGER_TABLE";

    /// <summary>Feed to Marketplace dimension map (template parameter MeteringDimensions); the lifecycle function's final usage reads the same variable.</summary>
    public const string DimensionsVariable = "METERING_DIMENSIONS";

    /// <summary>
    /// Code-level tuning, deliberately not template parameters: the margin must cover a whole run (the function's
    /// Timeout, a template test holds them together) and the lifecycle function's final usage uses the built-in window.
    /// </summary>
    public const string SafetyMarginVariable = "METERING_SAFETY_MARGIN_MINUTES";

    /// <inheritdoc cref="SafetyMarginVariable"/>
    public const string MaxFlaggedHoursVariable = "METERING_MAX_FLAGGED_HOURS";

    public static MeteringSettings FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var table = variable(LedgerTableVariable);
        if (string.IsNullOrWhiteSpace(table))
        {
            throw new InvalidOperationException($"{LedgerTableVariable} must name the metering ledger table.");
        }

        var window = MeteringWindow.Marketplace;
        if (variable(SafetyMarginVariable) is { Length: > 0 } margin)
        {
            window = window with { SafetyMargin = TimeSpan.FromMinutes(ParseInt(SafetyMarginVariable, margin, 0, 120)) };
        }

        if (variable(MaxFlaggedHoursVariable) is { Length: > 0 } flagged)
        {
            window = window with { MaxFlaggedHours = ParseInt(MaxFlaggedHoursVariable, flagged, 0, 24 * 90) };
        }

        var subscribers = variable(SubscribersTableVariable);
        if (string.IsNullOrWhiteSpace(subscribers))
        {
            throw new InvalidOperationException($"{SubscribersTableVariable} must name the subscribers table.");
        }

        var product = variable(ProductCodeVariable);
        if (string.IsNullOrWhiteSpace(product))
        {
            throw new InvalidOperationException($"{ProductCodeVariable} must be the Marketplace product code.");
        }

        return new MeteringSettings(table, ParseDimensions(variable(DimensionsVariable)), window, subscribers, product);
    }

    /// <summary>See <see cref="DimensionMap.Parse"/>; errors name <see cref="DimensionsVariable"/>.</summary>
    public static DimensionMap ParseDimensions(string? json) => DimensionMap.Parse(json, DimensionsVariable);

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}
