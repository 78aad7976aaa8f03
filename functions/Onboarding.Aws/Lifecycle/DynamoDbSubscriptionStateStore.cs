using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Lifecycle;
using static Onboarding.Aws.DynamoDb.ItemMapping;

namespace Onboarding.Aws.Lifecycle;

/// <summary>
/// Subscription states in the subscribers table: pk <c>SUBSCRIPTION#&lt;subscription key&gt;</c>, sk <c>LIFECYCLE</c>, with a
/// <c>version</c> every write is conditional on, so two invocations handling the same subscription cannot both win.
/// </summary>
public sealed class DynamoDbSubscriptionStateStore(IAmazonDynamoDB dynamo, SubscriberTableOptions options) : ISubscriptionStateStore
{
    public const string SortKey = "LIFECYCLE";

    public static string PartitionKey(string subscriptionKey) => "SUBSCRIPTION#" + subscriptionKey;

    public async Task<StoredSubscriptionState?> GetAsync(string subscriptionKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscriptionKey);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = options.SubscribersTable, Key = Key(PartitionKey(subscriptionKey), SortKey), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        if (response.Item is not { Count: > 0 } item)
        {
            return null;
        }

        var subscription = new SubscriptionRef(
            GetString(item, "customerIdentifier"),
            GetString(item, "productCode"),
            GetString(item, "customerAwsAccountId"),
            GetString(item, "licenseArn"),
            GetString(item, "productId"),
            GetString(item, "agreementId"));
        var state = new SubscriptionState(
            RequireString(item, "subscriptionKey"),
            subscription,
            GetEnum<SubscriptionStatus>(item, "status"),
            GetStamp(item, "statusStamp"),
            GetStamp(item, "entitlementsStamp"));
        return new StoredSubscriptionState(state, GetLong(item, "version"));
    }

    public async Task<bool> TrySaveAsync(SubscriptionState state, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        var item = Key(PartitionKey(state.Key), SortKey);
        item["subscriptionKey"] = S(state.Key);
        item["status"] = S(state.Status.ToString());
        item["version"] = N(expectedVersion + 1);
        Put(item, "customerIdentifier", state.Subscription.CustomerIdentifier);
        Put(item, "productCode", state.Subscription.ProductCode);
        Put(item, "customerAwsAccountId", state.Subscription.CustomerAwsAccountId);
        Put(item, "licenseArn", state.Subscription.LicenseArn);
        Put(item, "productId", state.Subscription.ProductId);
        Put(item, "agreementId", state.Subscription.AgreementId);
        PutStamp(item, "statusStamp", state.StatusStamp);
        PutStamp(item, "entitlementsStamp", state.EntitlementsStamp);
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = options.SubscribersTable,
                    Item = item,
                    ConditionExpression = expectedVersion == 0 ? "attribute_not_exists(pk)" : "#v = :expected",
                    ExpressionAttributeNames = expectedVersion == 0 ? null : new Dictionary<string, string> { ["#v"] = "version" },
                    ExpressionAttributeValues = expectedVersion == 0 ? null : new Dictionary<string, AttributeValue> { [":expected"] = N(expectedVersion) },
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private static void Put(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            item[name] = S(value);
        }
    }

    private static void PutStamp(Dictionary<string, AttributeValue> item, string name, EventStamp? stamp)
    {
        if (stamp is { } value)
        {
            item[name] = new AttributeValue
            {
                M = new Dictionary<string, AttributeValue>
                {
                    ["at"] = Time(value.At),
                    ["rank"] = N(value.Rank),
                    ["eventId"] = S(value.EventId),
                },
            };
        }
    }

    private static EventStamp? GetStamp(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) && value.M is { Count: > 0 } map
            ? new EventStamp(
                DateTimeOffset.Parse(map["at"].S, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                int.Parse(map["rank"].N, CultureInfo.InvariantCulture),
                map["eventId"].S)
            : null;
}
