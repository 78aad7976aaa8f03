using System.Text.Json;

namespace Onboarding.Core.Metering;

/// <summary>Maps a product's feeds to Marketplace dimensions (configuration section <c>Metering:Products</c>).</summary>
public sealed class ProductDimensions
{
    /// <summary>Dimension for feeds not listed in <see cref="Feeds"/>; falls back to the global default.</summary>
    public string? DefaultDimension { get; set; }

    /// <summary>Feed (topic) name to dimension, for products that price feeds differently.</summary>
    public Dictionary<string, string> Feeds { get; set; } = new(StringComparer.Ordinal);
}

public sealed class DimensionMap
{
    public const string FeedHours = "feed_hours";

    public string DefaultDimension { get; set; } = FeedHours;

    /// <summary>Product code to its dimension mapping.</summary>
    public Dictionary<string, ProductDimensions> Products { get; set; } = new(StringComparer.Ordinal);

    public string DimensionOf(string productCode, string feed)
    {
        if (Products.TryGetValue(productCode, out var product))
        {
            if (product.Feeds.TryGetValue(feed, out var dimension) && !string.IsNullOrWhiteSpace(dimension))
            {
                return dimension;
            }

            if (!string.IsNullOrWhiteSpace(product.DefaultDimension))
            {
                return product.DefaultDimension;
            }
        }

        return DefaultDimension;
    }

    /// <summary>
    /// <c>{"default":"feed_hours","products":{"&lt;product code&gt;":{"default":"feed_hours","feeds":{"trades":"trade_feed_hours"}}}}</c>;
    /// every part optional. Parsed with JsonDocument to stay AOT-safe.
    /// </summary>
    public static DimensionMap Parse(string? json, string source = "METERING_DIMENSIONS")
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
                throw new InvalidOperationException($"{source} must be a JSON object.");
            }

            if (root.TryGetProperty("default", out var fallback))
            {
                map.DefaultDimension = RequireName(fallback, "default", source);
            }

            if (root.TryGetProperty("products", out var products))
            {
                foreach (var product in RequireObject(products, "products", source).EnumerateObject())
                {
                    var dimensions = new ProductDimensions();
                    var body = RequireObject(product.Value, $"products.{product.Name}", source);
                    if (body.TryGetProperty("default", out var productDefault))
                    {
                        dimensions.DefaultDimension = RequireName(productDefault, $"products.{product.Name}.default", source);
                    }

                    if (body.TryGetProperty("feeds", out var feeds))
                    {
                        foreach (var feed in RequireObject(feeds, $"products.{product.Name}.feeds", source).EnumerateObject())
                        {
                            dimensions.Feeds[feed.Name] = RequireName(feed.Value, $"products.{product.Name}.feeds.{feed.Name}", source);
                        }
                    }

                    map.Products[product.Name] = dimensions;
                }
            }

            return map;
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"{source} is not valid JSON: {e.Message}", e);
        }
    }

    private static JsonElement RequireObject(JsonElement element, string path, string source) => element.ValueKind == JsonValueKind.Object
        ? element
        : throw new InvalidOperationException($"{source}: '{path}' must be an object.");

    private static string RequireName(JsonElement element, string path, string source) =>
        element.ValueKind == JsonValueKind.String && element.GetString() is { Length: > 0 } name
            ? name
            : throw new InvalidOperationException($"{source}: '{path}' must be a non-empty dimension name.");
}
