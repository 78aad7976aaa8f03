using System.Text.Json;
using System.Text.Json.Serialization;

namespace Marketplace.Simulator.Catalogue;

/// <summary>Products, test customers and registration tokens, loaded from <c>catalogue.json</c>.</summary>
public sealed record MarketplaceCatalogue
{
    public List<Product> Products { get; set; } = [];

    public List<Customer> Customers { get; set; } = [];

    public List<CatalogueToken> Tokens { get; set; } = [];

    public Product? FindProduct(string? productCode) => Products.FirstOrDefault(p => p.ProductCode == productCode);

    public static MarketplaceCatalogue Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Marketplace simulator catalogue '{path}' does not exist; set Simulator:CataloguePath.");
        }

        MarketplaceCatalogue catalogue;
        try
        {
            using var stream = File.OpenRead(path);
            catalogue = JsonSerializer.Deserialize(stream, CatalogueJsonContext.Default.MarketplaceCatalogue)
                ?? throw new InvalidOperationException($"Catalogue '{path}' is empty.");
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Catalogue '{path}' is not valid: {ex.Message}", ex);
        }

        var problems = catalogue.Validate();
        return problems.Count == 0
            ? catalogue
            : throw new InvalidOperationException($"Catalogue '{path}' is inconsistent: {string.Join("; ", problems)}");
    }

    public List<string> Validate()
    {
        var problems = new List<string>();
        Duplicates(Products.Select(p => p.ProductCode), "product code", problems);
        Duplicates(Customers.Select(c => c.CustomerIdentifier), "customer identifier", problems);
        Duplicates(Customers.Select(c => c.AwsAccountId), "AWS account id", problems);
        Duplicates(Tokens.Select(t => t.Token), "token", problems);
        foreach (var product in Products)
        {
            if (product.PricingModel is not (PricingModel.Subscription or PricingModel.Contract))
            {
                problems.Add($"product {product.ProductCode} has pricing model '{product.PricingModel}', expected Subscription or Contract");
            }
        }

        foreach (var customer in Customers)
        {
            foreach (var subscription in customer.Subscriptions)
            {
                var product = FindProduct(subscription.ProductCode);
                if (product is null)
                {
                    problems.Add($"customer {customer.CustomerIdentifier} subscribes to unknown product {subscription.ProductCode}");
                    continue;
                }

                foreach (var entitlement in subscription.Entitlements)
                {
                    if (!product.Dimensions.Any(d => d.Name == entitlement.Dimension))
                    {
                        problems.Add($"customer {customer.CustomerIdentifier} has an entitlement to unknown dimension {entitlement.Dimension} of {product.ProductCode}");
                    }
                }
            }
        }

        foreach (var token in Tokens)
        {
            if (token.Status != TokenStatus.Invalid &&
                (FindProduct(token.ProductCode) is null || !Customers.Any(c => c.CustomerIdentifier == token.CustomerIdentifier)))
            {
                problems.Add($"token {token.Token} names an unknown customer or product");
            }
        }

        return problems;
    }

    private static void Duplicates(IEnumerable<string> values, string what, List<string> problems)
    {
        foreach (var group in values.GroupBy(v => v, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"{what} '{group.Key}' appears {group.Count()} times");
        }
    }
}

public static class PricingModel
{
    /// <summary>SaaS subscription: pay as you go, metered with BatchMeterUsage.</summary>
    public const string Subscription = "Subscription";

    /// <summary>SaaS contract: entitlements read with GetEntitlements, overage metered.</summary>
    public const string Contract = "Contract";
}

public sealed record Product
{
    public required string ProductCode { get; init; }

    public required string Title { get; init; }

    public required string PricingModel { get; init; }

    public List<Dimension> Dimensions { get; set; } = [];
}

public sealed record Dimension
{
    public required string Name { get; init; }

    public string Description { get; set; } = "";

    public string Unit { get; set; } = "Units";
}

/// <summary>A buyer. Both identifier models: the legacy CustomerIdentifier and the AWS account id plus license ARN.</summary>
public sealed record Customer
{
    public required string CustomerIdentifier { get; init; }

    public required string AwsAccountId { get; init; }

    public required string Name { get; init; }

    public List<Subscription> Subscriptions { get; set; } = [];
}

public sealed record Subscription
{
    public required string ProductCode { get; init; }

    public required string LicenseArn { get; init; }

    /// <summary>Subscribed, Unsubscribed or Pending; only Subscribed customers may be metered or listed as entitled.</summary>
    public string State { get; set; } = SubscriptionState.Subscribed;

    public List<CatalogueEntitlement> Entitlements { get; set; } = [];
}

public static class SubscriptionState
{
    public const string Subscribed = "Subscribed";
    public const string Unsubscribed = "Unsubscribed";
    public const string Pending = "Pending";
}

public sealed record CatalogueEntitlement
{
    public required string Dimension { get; init; }

    public int? IntegerValue { get; init; }

    public double? DoubleValue { get; init; }

    public bool? BooleanValue { get; init; }

    public string? StringValue { get; init; }

    public DateTimeOffset? ExpirationDate { get; init; }
}

/// <summary>A fixed registration token for tests: Valid, Expired (ExpiredTokenException) or Invalid (InvalidTokenException).</summary>
public sealed record CatalogueToken
{
    public required string Token { get; init; }

    public string CustomerIdentifier { get; set; } = "";

    public string ProductCode { get; set; } = "";

    public string Status { get; set; } = TokenStatus.Valid;
}

public static class TokenStatus
{
    public const string Valid = "Valid";
    public const string Expired = "Expired";
    public const string Invalid = "Invalid";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    WriteIndented = true)]
[JsonSerializable(typeof(MarketplaceCatalogue))]
internal sealed partial class CatalogueJsonContext : JsonSerializerContext;
