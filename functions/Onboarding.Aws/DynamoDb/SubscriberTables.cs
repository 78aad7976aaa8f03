using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Onboarding.Aws.DynamoDb;

/// <summary>
/// The key schema of the subscriber and onboarding tables, as template.yaml declares them, for tests and the local
/// stack (production tables come from the template).
/// </summary>
public static class SubscriberTables
{
    public const string PartitionKey = "pk";
    public const string SortKey = "sk";
    public const string TimeToLive = "ttl";
    public const string ProfileSortKey = "PROFILE";
    public const string EntitlementsSortKey = "ENTITLEMENTS";

    public static string CustomerKey(string customerId) => "CUSTOMER#" + customerId;

    public static CreateTableRequest SubscribersTable(string name) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = [new AttributeDefinition(PartitionKey, ScalarAttributeType.S), new AttributeDefinition(SortKey, ScalarAttributeType.S)],
        KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH), new KeySchemaElement(SortKey, KeyType.RANGE)],
    };

    public static CreateTableRequest OnboardingTable(string name) => new()
    {
        TableName = name,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = [new AttributeDefinition(PartitionKey, ScalarAttributeType.S)],
        KeySchema = [new KeySchemaElement(PartitionKey, KeyType.HASH)],
    };

    /// <summary>Creates both tables (skipping any that exists) and waits until they are active.</summary>
    public static async Task CreateAsync(IAmazonDynamoDB dynamo, SubscriberTableOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dynamo);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        await CreateOneAsync(dynamo, SubscribersTable(options.SubscribersTable), cancellationToken);
        await CreateOneAsync(dynamo, OnboardingTable(options.OnboardingTable), cancellationToken);
        await dynamo.UpdateTimeToLiveAsync(
            new UpdateTimeToLiveRequest
            {
                TableName = options.OnboardingTable,
                TimeToLiveSpecification = new TimeToLiveSpecification { AttributeName = TimeToLive, Enabled = true },
            },
            cancellationToken);
    }

    private static async Task CreateOneAsync(IAmazonDynamoDB dynamo, CreateTableRequest request, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.CreateTableAsync(request, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // exists already
        }

        // Bounded by attempts: moto and DynamoDB Local are active at once, DynamoDB within seconds.
        for (var attempt = 0; attempt < 120; attempt++)
        {
            var table = await dynamo.DescribeTableAsync(request.TableName, cancellationToken);
            if (table.Table.TableStatus == TableStatus.ACTIVE)
            {
                return;
            }

            await Task.Delay(500, cancellationToken);
        }

        throw new InvalidOperationException($"DynamoDB table {request.TableName} did not become active.");
    }
}
