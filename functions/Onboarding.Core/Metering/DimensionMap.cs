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
}
