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
/// Alias items (pk <c>ALIAS#&lt;identifier key&gt;</c>, sk <c>ALIAS</c>) map each Marketplace identifier we learned to the
/// subscriber's stable id (<see cref="SubscriberAliases"/>); they are written once and never changed.
/// </summary>
public sealed class DynamoDbSubscriptionStateStore(IAmazonDynamoDB dynamo, SubscriberTableOptions options) : ISubscriptionStateStore
{
    public const string SortKey = "LIFECYCLE";

    private const string PendingAttribute = "pendingEffects";

    /// <summary>The sort key of alias items: pk <c>ALIAS#&lt;identifier key&gt;</c> → the subscriber's stable id and identifiers.</summary>
    public const string AliasSortKey = "ALIAS";

    public static string PartitionKey(string subscriptionKey) => "SUBSCRIPTION#" + subscriptionKey;

    public static string AliasPartitionKey(string identifierKey) => "ALIAS#" + identifierKey;

    public async Task<SubscriberAlias?> GetAliasAsync(string identifierKey, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifierKey);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = options.SubscribersTable, Key = Key(AliasPartitionKey(identifierKey), AliasSortKey), ConsistentRead = true },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item
            ? new SubscriberAlias(RequireString(item, "stableId"), GetSubscription(item))
            : null;
    }

    public async Task<SubscriberAlias> RecordAliasAsync(string identifierKey, SubscriberAlias alias, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifierKey);
        ArgumentNullException.ThrowIfNull(alias);
        if (!Core.Subscribers.CustomerIdentity.IsStableId(alias.StableId))
        {
            throw new ArgumentException($"'{alias.StableId}' is not a stable subscriber id.", nameof(alias));
        }

        var item = Key(AliasPartitionKey(identifierKey), AliasSortKey);
        item["identifierKey"] = S(identifierKey);
        item["stableId"] = S(alias.StableId);
        PutSubscription(item, alias.Identifiers);
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest { TableName = options.SubscribersTable, Item = item, ConditionExpression = "attribute_not_exists(pk)" },
                cancellationToken).ConfigureAwait(false);
            return alias;
        }
        catch (ConditionalCheckFailedException)
        {
            // Recorded before (a repeat, or another subscriber's): the first alias stays.
            return await GetAliasAsync(identifierKey, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The alias of {identifierKey} exists but could not be read.");
        }
    }

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

        var subscription = GetSubscription(item);
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
        PutSubscription(item, state.Subscription);
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

    private static SubscriptionRef GetSubscription(Dictionary<string, AttributeValue> item) => new(
        GetString(item, "customerIdentifier"),
        GetString(item, "productCode"),
        GetString(item, "customerAwsAccountId"),
        GetString(item, "licenseArn"),
        GetString(item, "productId"),
        GetString(item, "agreementId"));

    private static void PutSubscription(Dictionary<string, AttributeValue> item, SubscriptionRef subscription)
    {
        Put(item, "customerIdentifier", subscription.CustomerIdentifier);
        Put(item, "productCode", subscription.ProductCode);
        Put(item, "customerAwsAccountId", subscription.CustomerAwsAccountId);
        Put(item, "licenseArn", subscription.LicenseArn);
        Put(item, "productId", subscription.ProductId);
        Put(item, "agreementId", subscription.AgreementId);
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
