using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Core.Onboarding;
using Onboarding.Core.Subscribers;
using static Onboarding.Aws.DynamoDb.ItemMapping;

namespace Onboarding.Aws.DynamoDb;

/// <summary>
/// Onboarding state in the onboarding table, one item per customer (pk <c>CUSTOMER#&lt;stable id&gt;</c>), with a
/// <c>version</c> for optimistic concurrency and a claim (<c>leaseOwner</c>, <c>leaseUntil</c> in epoch milliseconds)
/// taken by a conditional update, so one worker at a time acts for a customer. While nothing has been issued yet the
/// item carries <c>ttl</c> (epoch seconds, <see cref="AbandonedAfter"/> after the last change) so abandoned
/// registrations expire; from the first certificate on it is kept.
/// </summary>
public sealed class DynamoDbOnboardingStore(IAmazonDynamoDB dynamo, SubscriberTableOptions options) : IOnboardingStore
{
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromDays(7);

    private const string Version = "version";
    private const string LeaseOwner = "leaseOwner";
    private const string LeaseUntil = "leaseUntil";

    private string Table => options.OnboardingTable;

    public async Task<OnboardingState?> GetAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = Table, Key = Key(SubscriberTables.CustomerKey(customerId)), ConsistentRead = true },
            cancellationToken);
        return response.Item is { Count: > 0 } item ? ToState(item) : null;
    }

    public async Task<(OnboardingState State, bool Created)> StartAsync(OnboardingState initial, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initial);
        var stored = initial with { Version = 1 };
        var item = ToItem(stored);
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = Table,
                    Item = item,
                    ConditionExpression = "attribute_not_exists(#pk)",
                    ExpressionAttributeNames = new() { ["#pk"] = SubscriberTables.PartitionKey },
                },
                cancellationToken);
            return (stored, true);
        }
        catch (ConditionalCheckFailedException)
        {
            var existing = await GetAsync(initial.CustomerId, cancellationToken)
                ?? throw new ConcurrentUpdateException($"The onboarding state of {initial.CustomerId} was created and removed concurrently.");
            return (existing, false);
        }
    }

    public async Task<OnboardingClaim?> TryClaimAsync(string customerId, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var until = now + lease;
        try
        {
            var response = await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = Table,
                    Key = Key(SubscriberTables.CustomerKey(customerId)),
                    UpdateExpression = "SET #owner = :owner, #until = :until",
                    ConditionExpression = "attribute_exists(#pk) AND (attribute_not_exists(#owner) OR #until <= :now OR #owner = :owner)",
                    ExpressionAttributeNames = new() { ["#pk"] = SubscriberTables.PartitionKey, ["#owner"] = LeaseOwner, ["#until"] = LeaseUntil },
                    ExpressionAttributeValues = new()
                    {
                        [":owner"] = S(owner),
                        [":until"] = N(until.ToUnixTimeMilliseconds()),
                        [":now"] = N(now.ToUnixTimeMilliseconds()),
                    },
                    ReturnValues = ReturnValue.ALL_NEW,
                },
                cancellationToken);
            return new OnboardingClaim(ToState(response.Attributes), owner, until);
        }
        catch (ConditionalCheckFailedException)
        {
            return null;
        }
    }

    public async Task<OnboardingState> SaveAsync(OnboardingState state, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var saved = state with { Version = state.Version + 1 };
        var item = ToItem(saved);
        item.Remove(SubscriberTables.PartitionKey);

        var names = new Dictionary<string, string> { ["#v"] = Version, ["#owner"] = LeaseOwner };
        var values = new Dictionary<string, AttributeValue> { [":expected"] = N(state.Version), [":owner"] = S(owner) };
        var sets = new List<string>();
        var index = 0;
        foreach (var (name, value) in item)
        {
            names["#a" + index] = name;
            values[":a" + index] = value;
            sets.Add($"#a{index} = :a{index}");
            index++;
        }

        // Attributes the new state no longer has (e.g. a cleared failure) must go too.
        var removes = OptionalAttributes.Where(name => !item.ContainsKey(name)).Select(name =>
        {
            names["#r" + index] = name;
            return "#r" + index++;
        }).ToList();

        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = Table,
                    Key = Key(SubscriberTables.CustomerKey(state.CustomerId)),
                    UpdateExpression = "SET " + string.Join(", ", sets) + (removes.Count > 0 ? " REMOVE " + string.Join(", ", removes) : string.Empty),
                    ConditionExpression = "#v = :expected AND #owner = :owner",
                    ExpressionAttributeNames = names,
                    ExpressionAttributeValues = values,
                },
                cancellationToken);
            return saved;
        }
        catch (ConditionalCheckFailedException)
        {
            throw new ConcurrentUpdateException(
                $"The onboarding state of {state.CustomerId} is no longer version {state.Version} held by this worker; nothing was written.");
        }
    }

    public async Task ReleaseAsync(string customerId, string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = Table,
                    Key = Key(SubscriberTables.CustomerKey(customerId)),
                    UpdateExpression = "REMOVE #owner, #until",
                    ConditionExpression = "#owner = :owner",
                    ExpressionAttributeNames = new() { ["#owner"] = LeaseOwner, ["#until"] = LeaseUntil },
                    ExpressionAttributeValues = new() { [":owner"] = S(owner) },
                },
                cancellationToken);
        }
        catch (ConditionalCheckFailedException)
        {
            // Not ours (any more): nothing to give up.
        }
    }

    private static readonly string[] OptionalAttributes =
        ["keyChoice", "csrPem", "certificateArn", "secretArn", "kafkaPrincipal", "failure", SubscriberTables.TimeToLive];

    private static Dictionary<string, AttributeValue> ToItem(OnboardingState state)
    {
        var item = Key(SubscriberTables.CustomerKey(state.CustomerId));
        PutCustomer(item, state.Customer);
        item[Version] = N(state.Version);
        item["step"] = S(state.Step.ToString());
        item["certificateGeneration"] = N(state.CertificateGeneration);
        item["topics"] = StringList(state.Topics);
        item["startedAt"] = Time(state.StartedAt);
        item["updatedAt"] = Time(state.UpdatedAt);
        if (state.KeyChoice is { } choice)
        {
            item["keyChoice"] = S(choice.ToString());
        }

        if (state.CsrPem is not null)
        {
            item["csrPem"] = S(state.CsrPem);
        }

        if (state.CertificateArn is not null)
        {
            item["certificateArn"] = S(state.CertificateArn);
        }
        else
        {
            item[SubscriberTables.TimeToLive] = N((state.UpdatedAt + AbandonedAfter).ToUnixTimeSeconds());
        }

        if (state.SecretArn is not null)
        {
            item["secretArn"] = S(state.SecretArn);
        }

        if (state.KafkaPrincipal is not null)
        {
            item["kafkaPrincipal"] = S(state.KafkaPrincipal);
        }

        if (state.Failure is { } failure)
        {
            item["failure"] = new AttributeValue
            {
                M = new()
                {
                    ["during"] = S(failure.During.ToString()),
                    ["reason"] = S(failure.Reason),
                    ["retryable"] = Bool(failure.Retryable),
                    ["at"] = Time(failure.At),
                },
            };
        }

        return item;
    }

    private static OnboardingState ToState(Dictionary<string, AttributeValue> item)
    {
        OnboardingFailure? failure = null;
        if (item.TryGetValue("failure", out var f) && f.M is { } m)
        {
            failure = new OnboardingFailure(
                GetEnum<OnboardingAction>(m, "during"),
                RequireString(m, "reason"),
                m.TryGetValue("retryable", out var retryable) && retryable.BOOL == true,
                GetTime(m, "at"));
        }

        return new OnboardingState
        {
            Customer = GetCustomer(item),
            Step = GetEnum<OnboardingStep>(item, "step"),
            Version = GetLong(item, Version),
            CertificateGeneration = (int)GetLong(item, "certificateGeneration", 1),
            Topics = GetStringList(item, "topics"),
            KeyChoice = GetString(item, "keyChoice") is { } choice ? Enum.Parse<KeyChoice>(choice) : null,
            CsrPem = GetString(item, "csrPem"),
            CertificateArn = GetString(item, "certificateArn"),
            SecretArn = GetString(item, "secretArn"),
            KafkaPrincipal = GetString(item, "kafkaPrincipal"),
            Failure = failure,
            StartedAt = GetTime(item, "startedAt"),
            UpdatedAt = GetTime(item, "updatedAt"),
        };
    }
}
