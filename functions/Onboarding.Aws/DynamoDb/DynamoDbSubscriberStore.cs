using System.Globalization;
using System.Runtime.CompilerServices;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Core.Subscribers;
using static Onboarding.Aws.DynamoDb.ItemMapping;

namespace Onboarding.Aws.DynamoDb;

/// <summary>
/// Subscriber profiles (sk <c>PROFILE</c>) and entitlement snapshots (sk <c>ENTITLEMENTS</c>: entitlements, topics,
/// <c>planSince</c>, and <c>pastPlans</c> as a list of <c>{topics, from?, until}</c> maps) in the subscribers
/// table, one partition per customer (<c>CUSTOMER#&lt;stable id&gt;</c>). Each item carries a <c>version</c>; writes are
/// conditional on it, so a concurrent writer gets <see cref="ConcurrentUpdateException"/> instead of overwriting.
/// </summary>
public sealed class DynamoDbSubscriberStore(IAmazonDynamoDB dynamo, SubscriberTableOptions options) : ISubscriberStore
{
    private const string Version = "version";
    private const string PlanSince = "planSince";
    private const string PastPlans = "pastPlans";

    private string Table => options.SubscribersTable;

    public async Task<Versioned<Subscriber>?> GetAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var item = await GetItemAsync(customerId, SubscriberTables.ProfileSortKey, cancellationToken);
        return item is null ? null : new Versioned<Subscriber>(ToSubscriber(item), GetLong(item, Version));
    }

    public async Task<long> SaveAsync(Subscriber subscriber, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        var item = NewItem(subscriber.Customer, SubscriberTables.ProfileSortKey, expectedVersion + 1);
        item["company"] = S(subscriber.Company);
        item["contactName"] = S(subscriber.ContactName);
        item["email"] = S(subscriber.Email);
        if (subscriber.Phone is not null)
        {
            item["phone"] = S(subscriber.Phone);
        }

        item["status"] = S(subscriber.Status.ToString());
        item["createdAt"] = Time(subscriber.CreatedAt);
        item["updatedAt"] = Time(subscriber.UpdatedAt);
        await PutConditionallyAsync(item, expectedVersion, $"subscriber {subscriber.Customer.StableId}", cancellationToken);
        return expectedVersion + 1;
    }

    public async Task<Versioned<EntitlementSnapshot>?> GetEntitlementsAsync(string customerId, CancellationToken cancellationToken = default)
    {
        var item = await GetItemAsync(customerId, SubscriberTables.EntitlementsSortKey, cancellationToken);
        if (item is null)
        {
            return null;
        }

        var entitlements = item.TryGetValue("entitlements", out var list) && list.L is { } values
            ? values.Select(v => new Entitlement(
                v.M["dimension"].S,
                long.Parse(v.M["quantity"].N, CultureInfo.InvariantCulture),
                v.M.TryGetValue("expiresAt", out var expires) ? DateTimeOffset.Parse(expires.S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal) : null)).ToList()
            : [];
        var snapshot = new EntitlementSnapshot(GetCustomer(item), entitlements, GetStringList(item, "topics"), GetTime(item, "checkedAt"))
        {
            // An item written before plans had a history has neither: its plan is in force since the subscription started.
            PlanSince = item.ContainsKey(PlanSince) ? GetTime(item, PlanSince) : null,
            PastPlans = item.TryGetValue(PastPlans, out var past) && past.L is { } periods
                ? [.. periods.Select(p => new PlanPeriod(
                    GetStringList(p.M, "topics"),
                    p.M.ContainsKey("from") ? GetTime(p.M, "from") : null,
                    GetTime(p.M, "until")))]
                : [],
        };
        return new Versioned<EntitlementSnapshot>(snapshot, GetLong(item, Version));
    }

    public async Task<long> SaveEntitlementsAsync(EntitlementSnapshot snapshot, long expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var item = NewItem(snapshot.Customer, SubscriberTables.EntitlementsSortKey, expectedVersion + 1);
        item["entitlements"] = new AttributeValue
        {
            L = [.. snapshot.Entitlements.Select(e =>
            {
                var map = new Dictionary<string, AttributeValue> { ["dimension"] = S(e.Dimension), ["quantity"] = N(e.Quantity) };
                if (e.ExpiresAt is { } expires)
                {
                    map["expiresAt"] = Time(expires);
                }

                return new AttributeValue { M = map };
            })],
        };
        item["topics"] = StringList(snapshot.Topics);
        item["checkedAt"] = Time(snapshot.CheckedAt);
        if (snapshot.PlanSince is { } since)
        {
            item[PlanSince] = Time(since);
        }

        item[PastPlans] = new AttributeValue
        {
            L = [.. snapshot.PastPlans.Select(p =>
            {
                var map = new Dictionary<string, AttributeValue> { ["topics"] = StringList(p.Topics), ["until"] = Time(p.Until) };
                if (p.From is { } from)
                {
                    map["from"] = Time(from);
                }

                return new AttributeValue { M = map };
            })],
        };
        await PutConditionallyAsync(item, expectedVersion, $"entitlements of {snapshot.Customer.StableId}", cancellationToken);
        return expectedVersion + 1;
    }

    public async IAsyncEnumerable<Subscriber> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        Dictionary<string, AttributeValue>? start = null;
        do
        {
            var page = await dynamo.ScanAsync(
                new ScanRequest
                {
                    TableName = Table,
                    FilterExpression = "#sk = :profile",
                    ExpressionAttributeNames = new() { ["#sk"] = SubscriberTables.SortKey },
                    ExpressionAttributeValues = new() { [":profile"] = S(SubscriberTables.ProfileSortKey) },
                    ExclusiveStartKey = start,
                },
                cancellationToken);
            foreach (var item in page.Items ?? [])
            {
                yield return ToSubscriber(item);
            }

            start = page.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (start is not null);
    }

    private async Task<Dictionary<string, AttributeValue>?> GetItemAsync(string customerId, string sortKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = Table, Key = Key(SubscriberTables.CustomerKey(customerId), sortKey), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    private static Dictionary<string, AttributeValue> NewItem(CustomerIdentity customer, string sortKey, long version)
    {
        var item = Key(SubscriberTables.CustomerKey(customer.StableId), sortKey);
        PutCustomer(item, customer);
        item[Version] = N(version);
        return item;
    }

    private async Task PutConditionallyAsync(Dictionary<string, AttributeValue> item, long expectedVersion, string what, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var request = new PutItemRequest { TableName = Table, Item = item };
        if (expectedVersion == 0)
        {
            request.ConditionExpression = "attribute_not_exists(#pk)";
            request.ExpressionAttributeNames = new() { ["#pk"] = SubscriberTables.PartitionKey };
        }
        else
        {
            request.ConditionExpression = "#v = :expected";
            request.ExpressionAttributeNames = new() { ["#v"] = Version };
            request.ExpressionAttributeValues = new() { [":expected"] = N(expectedVersion) };
        }

        try
        {
            await dynamo.PutItemAsync(request, cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            throw new ConcurrentUpdateException(expectedVersion == 0
                ? $"The {what} exists already; read it and update that version."
                : $"The {what} changed since version {expectedVersion} was read; nothing was written.");
        }
    }

    private static Subscriber ToSubscriber(Dictionary<string, AttributeValue> item) => new(
        GetCustomer(item),
        RequireString(item, "company"),
        RequireString(item, "contactName"),
        RequireString(item, "email"),
        GetString(item, "phone"),
        GetEnum<SubscriberStatus>(item, "status"),
        GetTime(item, "createdAt"),
        GetTime(item, "updatedAt"));
}
