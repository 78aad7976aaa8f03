using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Foundation;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class MotoRoundTripTests(MotoFixture moto) : IAsyncLifetime
{
    private readonly AmazonDynamoDBClient dynamo = moto.NewDynamoDbClient();

    public Task InitializeAsync() => moto.ResetAsync();

    public Task DisposeAsync()
    {
        dynamo.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task DynamoDb_ItemWrittenToMoto_ReadsBackUnchanged()
    {
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = "roundtrip",
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
        });

        await dynamo.PutItemAsync("roundtrip", new Dictionary<string, AttributeValue>
        {
            ["pk"] = new() { S = "customer#1" },
            ["company"] = new() { S = "Acme, O=Admin" },
            ["feeds"] = new() { N = "3" },
        });

        var read = await dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = "roundtrip",
            Key = new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "customer#1" } },
            ConsistentRead = true,
        });

        Assert.True(read.IsItemSet);
        Assert.Equal("Acme, O=Admin", read.Item["company"].S);
        Assert.Equal("3", read.Item["feeds"].N);
    }

    [Fact]
    public async Task Reset_ForgetsTablesOfEarlierTests()
    {
        await dynamo.CreateTableAsync(new CreateTableRequest
        {
            TableName = "to-forget",
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("pk", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("pk", KeyType.HASH)],
        });

        await moto.ResetAsync();

        var tables = await dynamo.ListTablesAsync(new ListTablesRequest());
        Assert.DoesNotContain("to-forget", tables.TableNames ?? []);
    }
}
