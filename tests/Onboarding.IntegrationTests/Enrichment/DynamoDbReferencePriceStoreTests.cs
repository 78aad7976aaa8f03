using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Aws.ReferencePrices;
using Onboarding.Core.Enrichment;
using Onboarding.IntegrationTests.Fixtures;

namespace Onboarding.IntegrationTests.Enrichment;

[Collection(MotoCollection.Name)]
[Trait("Category", "Integration")]
public sealed class DynamoDbReferencePriceStoreTests(MotoFixture moto) : IAsyncLifetime
{
    private static readonly DateOnly July10 = new(2024, 7, 10);
    private static readonly DateOnly July11 = new(2024, 7, 11);
    private static readonly DateOnly July12 = new(2024, 7, 12);

    private readonly string table = $"reference-prices-{Guid.NewGuid():N}";
    private AmazonDynamoDBClient client = null!;
    private DynamoDbReferencePriceStore store = null!;

    public async Task InitializeAsync()
    {
        client = moto.NewDynamoDbClient();
        await client.CreateTableAsync(DynamoDbReferencePriceStore.CreateTableRequest(table));
        store = new DynamoDbReferencePriceStore(client, table);
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task SavedReferences_LoadBackWithTheirHistory_AndUnknownSymbolsAreAbsent()
    {
        var amzn = new ReferencePrice("AMZN", July12, 194.64, [new DatedClose(July11, 192.5), new DatedClose(July10, 0.1 + 0.2)]);
        var seed = ReferencePrice.Seed("MSFT", July10, 420);

        Assert.Equal(0, await store.SaveAsync([amzn, seed], CancellationToken.None));
        var loaded = await store.LoadAsync(["AMZN", "MSFT", "NOPE"], CancellationToken.None);

        Assert.Equal(2, loaded.Count);
        var back = Assert.Single(loaded, r => r.Symbol == "AMZN");
        Assert.Equal((amzn.Date, amzn.Close), (back.Date, back.Close));
        Assert.Equal(amzn.Earlier, back.Earlier);
        Assert.Empty(Assert.Single(loaded, r => r.Symbol == "MSFT").Earlier);
    }

    [Fact]
    public async Task Save_OfAnOlderDate_DoesNotMoveTheStoredReferenceBack()
    {
        await store.SaveAsync([ReferencePrice.Seed("AMZN", July12, 200)], CancellationToken.None);

        var stale = await store.SaveAsync([ReferencePrice.Seed("AMZN", July11, 100), ReferencePrice.Seed("MSFT", July11, 400)], CancellationToken.None);

        Assert.Equal(1, stale);
        var loaded = await store.LoadAsync(["AMZN", "MSFT"], CancellationToken.None);
        Assert.Equal((July12, 200.0), loaded.Where(r => r.Symbol == "AMZN").Select(r => (r.Date, r.Close)).Single());
        Assert.Equal((July11, 400.0), loaded.Where(r => r.Symbol == "MSFT").Select(r => (r.Date, r.Close)).Single());
    }

    [Fact]
    public async Task Save_OfTheSameOrALaterDate_Overwrites()
    {
        await store.SaveAsync([ReferencePrice.Seed("AMZN", July11, 100)], CancellationToken.None);

        Assert.Equal(0, await store.SaveAsync([ReferencePrice.Seed("AMZN", July11, 101)], CancellationToken.None));
        Assert.Equal(101, (await store.LoadAsync(["AMZN"], CancellationToken.None)).Single().Close);
        Assert.Equal(0, await store.SaveAsync([ReferencePrice.Seed("AMZN", July12, 102)], CancellationToken.None));
        Assert.Equal(July12, (await store.LoadAsync(["AMZN"], CancellationToken.None)).Single().Date);
    }

    [Fact]
    public async Task Load_OfMoreSymbolsThanOneBatchGetHolds_ReturnsThemAll()
    {
        var symbols = Enumerable.Range(0, 250).Select(i => $"S{i:000}").ToList();
        await store.SaveAsync(symbols.Select(s => ReferencePrice.Seed(s, July10, 1)).ToList(), CancellationToken.None);

        var loaded = await store.LoadAsync(symbols, CancellationToken.None);

        Assert.Equal(symbols, loaded.Select(r => r.Symbol).Order());
    }

    [Fact]
    public async Task Load_OfAnInvalidSeedItem_SaysWhichItemAndWhatIsWrong()
    {
        await client.PutItemAsync(new PutItemRequest
        {
            TableName = table,
            Item = new Dictionary<string, AttributeValue>
            {
                ["symbol"] = new() { S = "BAD" },
                ["date"] = new() { S = "11/07/2024" },
                ["close"] = new() { N = "10" },
            },
        });

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => store.LoadAsync(["BAD"], CancellationToken.None));

        Assert.Contains("'BAD'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'date' in item must be a string yyyy-MM-dd", error.Message, StringComparison.Ordinal);
    }
}
