using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Onboarding.Core.Subscribers;

namespace Onboarding.Aws.DynamoDb;

/// <summary>Attribute conversions shared by the stores; hand-written so they stay trimming- and AOT-safe.</summary>
internal static class ItemMapping
{
    public static AttributeValue S(string value) => new() { S = value };

    public static AttributeValue N(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static AttributeValue Bool(bool value) => new() { BOOL = value };

    public static AttributeValue Time(DateTimeOffset value) => S(value.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));

    public static AttributeValue StringList(IEnumerable<string> values) => new() { L = [.. values.Select(S)] };

    public static string? GetString(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? value.S : null;

    public static string RequireString(Dictionary<string, AttributeValue> item, string name) =>
        GetString(item, name) ?? throw new InvalidDataException($"Stored item {Describe(item)} lacks attribute '{name}'.");

    public static long GetLong(Dictionary<string, AttributeValue> item, string name, long fallback = 0) =>
        item.TryGetValue(name, out var value) && value.N is { } n ? long.Parse(n, CultureInfo.InvariantCulture) : fallback;

    public static DateTimeOffset GetTime(Dictionary<string, AttributeValue> item, string name) =>
        DateTimeOffset.Parse(RequireString(item, name), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public static IReadOnlyList<string> GetStringList(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.L is { } list ? [.. list.Select(v => v.S)] : [];

    public static T GetEnum<T>(Dictionary<string, AttributeValue> item, string name)
        where T : struct, Enum =>
        Enum.TryParse<T>(RequireString(item, name), ignoreCase: false, out var parsed)
            ? parsed
            : throw new InvalidDataException($"Stored item {Describe(item)} has an unknown {name} '{GetString(item, name)}'.");

    /// <summary>The customer's identifiers, so a stored record can be traced back to Marketplace.</summary>
    public static void PutCustomer(Dictionary<string, AttributeValue> item, CustomerIdentity customer)
    {
        item["customerId"] = S(customer.StableId);
        item["identityModel"] = S(customer.Model.ToString());
        if (customer.Model == CustomerIdentityModel.CustomerIdentifier)
        {
            item["customerIdentifier"] = S(customer.CustomerIdentifier!);
            item["productCode"] = S(customer.ProductCode!);
        }
        else
        {
            item["customerAwsAccountId"] = S(customer.AwsAccountId!);
            item["licenseArn"] = S(customer.LicenseArn!);
        }
    }

    public static CustomerIdentity GetCustomer(Dictionary<string, AttributeValue> item)
    {
        var customer = GetEnum<CustomerIdentityModel>(item, "identityModel") == CustomerIdentityModel.CustomerIdentifier
            ? CustomerIdentity.FromCustomerIdentifier(RequireString(item, "customerIdentifier"), RequireString(item, "productCode"))
            : CustomerIdentity.FromAccountAndLicense(RequireString(item, "customerAwsAccountId"), RequireString(item, "licenseArn"));
        if (customer.StableId != RequireString(item, "customerId"))
        {
            throw new InvalidDataException($"Stored item {Describe(item)} names customer {GetString(item, "customerId")}, but its identifiers belong to {customer.StableId}.");
        }

        return customer;
    }

    public static Dictionary<string, AttributeValue> Key(string pk) => new() { [SubscriberTables.PartitionKey] = S(pk) };

    public static Dictionary<string, AttributeValue> Key(string pk, string sk) => new()
    {
        [SubscriberTables.PartitionKey] = S(pk),
        [SubscriberTables.SortKey] = S(sk),
    };

    private static string Describe(Dictionary<string, AttributeValue> item) =>
        string.Join('/', new[] { GetString(item, SubscriberTables.PartitionKey), GetString(item, SubscriberTables.SortKey) }.Where(k => k is not null));
}
