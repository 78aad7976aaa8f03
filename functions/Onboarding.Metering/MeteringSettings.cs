using System.Globalization;
using System.Text.Json;
using Onboarding.Core.Metering;

namespace Onboarding.Metering;

/// <summary>The Metering function's configuration, from the environment variables the SAM template sets.</summary>
public sealed record MeteringSettings(string LedgerTable, DimensionMap Dimensions, MeteringWindow Window)
{
    public const string LedgerTableVariable = "METERING_LEDGER_TABLE";
    public const string DimensionsVariable = "METERING_DIMENSIONS";
    public const string SafetyMarginVariable = "METERING_SAFETY_MARGIN_MINUTES";
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

        return new MeteringSettings(table, ParseDimensions(variable(DimensionsVariable)), window);
    }

    /// <summary>
    /// <c>{"default":"feed_hours","products":{"&lt;product code&gt;":{"default":"feed_hours","feeds":{"trades":"trade_feed_hours"}}}}</c>;
    /// every part optional. Parsed with JsonDocument to stay AOT-safe.
    /// </summary>
    public static DimensionMap ParseDimensions(string? json)
    {
        var map = new DimensionMap();
        if (string.IsNullOrWhiteSpace(json))
        {
            return map;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"{DimensionsVariable} must be a JSON object.");
            }

            if (root.TryGetProperty("default", out var fallback))
            {
                map.DefaultDimension = RequireName(fallback, "default");
            }

            if (root.TryGetProperty("products", out var products))
            {
                foreach (var product in RequireObject(products, "products").EnumerateObject())
                {
                    var dimensions = new ProductDimensions();
                    var body = RequireObject(product.Value, $"products.{product.Name}");
                    if (body.TryGetProperty("default", out var productDefault))
                    {
                        dimensions.DefaultDimension = RequireName(productDefault, $"products.{product.Name}.default");
                    }

                    if (body.TryGetProperty("feeds", out var feeds))
                    {
                        foreach (var feed in RequireObject(feeds, $"products.{product.Name}.feeds").EnumerateObject())
                        {
                            dimensions.Feeds[feed.Name] = RequireName(feed.Value, $"products.{product.Name}.feeds.{feed.Name}");
                        }
                    }

                    map.Products[product.Name] = dimensions;
                }
            }

            return map;
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{DimensionsVariable} is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonElement RequireObject(JsonElement element, string path) => element.ValueKind == JsonValueKind.Object
        ? element
        : throw new InvalidOperationException($"{DimensionsVariable}: '{path}' must be an object.");

    private static string RequireName(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } name
            ? name
            : throw new InvalidOperationException($"{DimensionsVariable}: '{path}' must be a non-empty dimension name.");

    private static int ParseInt(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new InvalidOperationException($"{name} must be a whole number from {min} to {max}, not '{value}'.");
}
