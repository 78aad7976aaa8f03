using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.DynamoDb;
using Onboarding.Core.Lifecycle;
using static Onboarding.Aws.DynamoDb.ItemMapping;

namespace Onboarding.Aws.Onboarding;

/// <summary>
/// <see cref="ILandingStore"/> in the onboarding table, beside the onboarding state items (pk <c>CUSTOMER#…</c>):
/// <c>TOKEN#&lt;sha256&gt;</c> and <c>SESSION#&lt;sha256&gt;</c> items expire through the table's <c>ttl</c>;
/// <c>KEYHANDOUT#&lt;customer&gt;</c> stays. Uses are conditional puts, so of concurrent requests exactly one wins.
/// </summary>
public sealed class DynamoDbLandingStore(IAmazonDynamoDB dynamo, SubscriberTableOptions options) : ILandingStore
{
    /// <summary>The identifiers ResolveCustomer returned, as a map in the session item.</summary>
    private const string ResolvedAttribute = "resolved";

    private string Table => options.OnboardingTable;

    public async Task<bool> TryUseTokenAsync(string tokenHash, DateTimeOffset forgetAfter, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        var item = Key("TOKEN#" + tokenHash);
        item[SubscriberTables.TimeToLive] = N(forgetAfter.ToUnixTimeSeconds());
        return await PutIfAbsentAsync(item, cancellationToken);
    }

    public async Task ForgetTokenAsync(string tokenHash, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenHash);
        await dynamo.DeleteItemAsync(new DeleteItemRequest { TableName = Table, Key = Key("TOKEN#" + tokenHash) }, cancellationToken);
    }

    public async Task CreateSessionAsync(string sessionHash, LandingSession session, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionHash);
        ArgumentNullException.ThrowIfNull(session);
        var item = Key("SESSION#" + sessionHash);
        PutCustomer(item, session.Customer);
        var resolved = new Dictionary<string, AttributeValue>();
        PutIfPresent(resolved, "customerIdentifier", session.Resolved.CustomerIdentifier);
        PutIfPresent(resolved, "productCode", session.Resolved.ProductCode);
        PutIfPresent(resolved, "customerAwsAccountId", session.Resolved.CustomerAwsAccountId);
        PutIfPresent(resolved, "licenseArn", session.Resolved.LicenseArn);
        item[ResolvedAttribute] = new AttributeValue { M = resolved };
        item["expiresAt"] = N(expiresAt.ToUnixTimeSeconds());
        item[SubscriberTables.TimeToLive] = N(expiresAt.ToUnixTimeSeconds());
        if (!await PutIfAbsentAsync(item, cancellationToken))
        {
            throw new InvalidOperationException("A session with this id exists already; session ids must be random.");
        }
    }

    public async Task<LandingSession?> GetSessionAsync(string sessionHash, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionHash);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = Table, Key = Key("SESSION#" + sessionHash), ConsistentRead = true }, cancellationToken);
        // TTL deletion is lazy (up to days), so expiry is checked here.
        if (response.Item is not { Count: > 0 } item || GetLong(item, "expiresAt") <= now.ToUnixTimeSeconds())
        {
            return null;
        }

        var customer = GetCustomer(item);
        return item.TryGetValue(ResolvedAttribute, out var value) && value.M is { Count: > 0 } resolved
            ? new LandingSession(customer, new SubscriptionRef(
                GetString(resolved, "customerIdentifier"), GetString(resolved, "productCode"), GetString(resolved, "customerAwsAccountId"), GetString(resolved, "licenseArn")))
            : LandingSession.Of(customer);
    }

    public async Task<bool> TryMarkKeyHandedOutAsync(string customerId, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var item = Key("KEYHANDOUT#" + customerId);
        item["handedOutAt"] = Time(now);
        return await PutIfAbsentAsync(item, cancellationToken);
    }

    public async Task<bool> IsKeyHandedOutAsync(string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = Table, Key = Key("KEYHANDOUT#" + customerId), ConsistentRead = true }, cancellationToken);
        return response.Item is { Count: > 0 };
    }

    private static void PutIfPresent(Dictionary<string, AttributeValue> map, string name, string? value)
    {
        if (value is { Length: > 0 })
        {
            map[name] = S(value);
        }
    }

    private async Task<bool> PutIfAbsentAsync(Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
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
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }
}
