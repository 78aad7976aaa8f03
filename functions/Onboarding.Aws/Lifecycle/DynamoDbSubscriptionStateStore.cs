using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Lifecycle;
using static Onboarding.Aws.DynamoDb.ItemMapping;

namespace Onboarding.Aws.Lifecycle;

/// <summary>
/// Subscription states in the subscribers table: pk <c>SUBSCRIPTION#&lt;subscription key&gt;</c>, sk <c>LIFECYCLE</c>, with a
/// <c>version</c> every write is conditional on, so two invocations handling the same subscription cannot both win, and
/// the effects still to carry out (<c>pendingEffects</c>) in the same item, so state and effects change together.
/// </summary>
public sealed class DynamoDbSubscriptionStateStore(IAmazonDynamoDB dynamo, SubscriberTableOptions options) : ISubscriptionStateStore
{
    public const string SortKey = "LIFECYCLE";

    private const string PendingAttribute = "pendingEffects";

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
        return new StoredSubscriptionState(state, GetLong(item, "version"), GetPending(item));
    }

    public async Task<bool> TrySaveAsync(SubscriptionState state, PendingEffects? pending, long expectedVersion, CancellationToken cancellationToken)
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
        if (pending is not null)
        {
            item[PendingAttribute] = ToItem(pending);
        }

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

    private static AttributeValue ToItem(PendingEffects pending)
    {
        var map = new Dictionary<string, AttributeValue>
        {
            ["occurredAt"] = Time(pending.OccurredAt),
            ["leaseUntil"] = Time(pending.LeaseUntil),
        };
        switch (pending.Decision)
        {
            case LifecycleDecision.Activate:
                map["decision"] = S("Activate");
                break;
            case LifecycleDecision.MarkFailed:
                map["decision"] = S("MarkFailed");
                break;
            case LifecycleDecision.SendFinalUsage:
                map["decision"] = S("SendFinalUsage");
                break;
            case LifecycleDecision.ReplanEntitlements:
                map["decision"] = S("ReplanEntitlements");
                break;
            case LifecycleDecision.Revoke revoke:
                map["decision"] = S("Revoke");
                map["sendFinalUsageFirst"] = Bool(revoke.SendFinalUsageFirst);
                map["finalStatus"] = S(revoke.FinalStatus.ToString());
                break;
            default:
                throw new ArgumentException($"Decision {pending.Decision} has no effects to keep pending.", nameof(pending));
        }

        return new AttributeValue { M = map };
    }

    private static PendingEffects? GetPending(Dictionary<string, AttributeValue> item)
    {
        if (!item.TryGetValue(PendingAttribute, out var value) || value.M is not { Count: > 0 } map)
        {
            return null;
        }

        LifecycleDecision decision = RequireString(map, "decision") switch
        {
            "Activate" => new LifecycleDecision.Activate(),
            "MarkFailed" => new LifecycleDecision.MarkFailed(),
            "SendFinalUsage" => new LifecycleDecision.SendFinalUsage(),
            "ReplanEntitlements" => new LifecycleDecision.ReplanEntitlements(),
            "Revoke" => new LifecycleDecision.Revoke(
                map.TryGetValue("sendFinalUsageFirst", out var first) && first.BOOL == true, GetEnum<SubscriptionStatus>(map, "finalStatus")),
            var other => throw new InvalidDataException($"Stored subscription {RequireString(item, "subscriptionKey")} has an unknown pending decision '{other}'."),
        };
        return new PendingEffects(decision, GetTime(map, "occurredAt"), GetTime(map, "leaseUntil"));
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
