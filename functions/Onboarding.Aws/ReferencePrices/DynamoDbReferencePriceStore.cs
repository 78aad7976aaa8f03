using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Core.Enrichment;

namespace Onboarding.Aws.ReferencePrices;

/// <summary>
/// Reference closes in one DynamoDB table, an item per symbol:
/// <c>symbol</c> (S, partition key), <c>date</c> (S, yyyy-MM-dd, the latest trading date), <c>close</c> (N, its last close),
/// <c>earlier</c> (L of M {date, close}, newest first, optional). A seed for the first day is just symbol, date and close.
/// </summary>
public sealed class DynamoDbReferencePriceStore(IAmazonDynamoDB client, string tableName) : IReferencePriceStore
{
    public const string SymbolAttribute = "symbol";
    public const string DateAttribute = "date";
    public const string CloseAttribute = "close";
    public const string EarlierAttribute = "earlier";

    private const int MaxKeysPerBatchGet = 100;
    private const int MaxConcurrentWrites = 16;
    private const string DateFormat = "yyyy-MM-dd";

    public async Task<IReadOnlyList<ReferencePrice>> LoadAsync(IReadOnlyCollection<string> symbols, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        if (symbols.Count == 0)
        {
            return [];
        }

        // One BatchGetItem per batch; more than 100 symbols need one request per 100, sent together.
        var chunks = await Task.WhenAll(symbols.Chunk(MaxKeysPerBatchGet).Select(chunk => LoadChunkAsync(chunk, cancellationToken))).ConfigureAwait(false);
        return chunks.SelectMany(c => c).ToList();
    }

    public async Task<int> SaveAsync(IReadOnlyList<ReferencePrice> references, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(references);
        var stale = 0;
        await Parallel.ForEachAsync(
            references,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentWrites, CancellationToken = cancellationToken },
            async (reference, token) =>
            {
                try
                {
                    await client.PutItemAsync(ToPutRequest(reference), token).ConfigureAwait(false);
                }
                catch (ConditionalCheckFailedException)
                {
                    // A newer trading date is stored already (a concurrent or later writer); it stays.
                    Interlocked.Increment(ref stale);
                }
            }).ConfigureAwait(false);
        return stale;
    }

    /// <summary>The table as the SAM template declares it, for the local stack and tests.</summary>
    public static CreateTableRequest CreateTableRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions = [new AttributeDefinition(SymbolAttribute, ScalarAttributeType.S)],
        KeySchema = [new KeySchemaElement(SymbolAttribute, KeyType.HASH)],
    };

    private PutItemRequest ToPutRequest(ReferencePrice reference)
    {
        var date = FormatDate(reference.Date);
        var item = new Dictionary<string, AttributeValue>
        {
            [SymbolAttribute] = new() { S = reference.Symbol },
            [DateAttribute] = new() { S = date },
            [CloseAttribute] = new() { N = FormatNumber(reference.Close) },
        };
        if (reference.Earlier.Count > 0)
        {
            item[EarlierAttribute] = new AttributeValue
            {
                L = reference.Earlier.Select(e => new AttributeValue
                {
                    M = new Dictionary<string, AttributeValue>
                    {
                        [DateAttribute] = new() { S = FormatDate(e.Date) },
                        [CloseAttribute] = new() { N = FormatNumber(e.Close) },
                    },
                }).ToList(),
            };
        }

        return new PutItemRequest
        {
            TableName = tableName,
            Item = item,
            // yyyy-MM-dd strings order like the dates they name.
            ConditionExpression = "attribute_not_exists(#symbol) OR #date <= :date",
            ExpressionAttributeNames = new Dictionary<string, string> { ["#symbol"] = SymbolAttribute, ["#date"] = DateAttribute },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":date"] = new() { S = date } },
        };
    }

    private async Task<List<ReferencePrice>> LoadChunkAsync(string[] symbols, CancellationToken cancellationToken)
    {
        var result = new List<ReferencePrice>(symbols.Length);
        var request = new BatchGetItemRequest
        {
            RequestItems = new Dictionary<string, KeysAndAttributes>
            {
                [tableName] = new()
                {
                    ConsistentRead = true,
                    Keys = symbols.Select(s => new Dictionary<string, AttributeValue> { [SymbolAttribute] = new() { S = s } }).ToList(),
                },
            },
        };
        for (var attempt = 0; ; attempt++)
        {
            var response = await client.BatchGetItemAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.Responses is not null && response.Responses.TryGetValue(tableName, out var items) && items is not null)
            {
                result.AddRange(items.Select(FromItem));
            }

            if (response.UnprocessedKeys is not { Count: > 0 } unprocessed)
            {
                return result;
            }

            if (attempt >= 8)
            {
                throw new InvalidOperationException($"DynamoDB left keys of table '{tableName}' unprocessed after {attempt + 1} BatchGetItem attempts.");
            }

            // Throttled: retry only what is left, backing off a little more each time.
            request = new BatchGetItemRequest { RequestItems = unprocessed };
            await Task.Delay(TimeSpan.FromMilliseconds(50 << attempt), cancellationToken).ConfigureAwait(false);
        }
    }

    private ReferencePrice FromItem(Dictionary<string, AttributeValue> item)
    {
        var symbol = item.TryGetValue(SymbolAttribute, out var s) && s.S is { Length: > 0 } text ? text : "(no symbol)";
        var date = ReadDate(item, symbol, "item");
        var close = ReadClose(item, symbol, "item");
        var earlier = new List<DatedClose>();
        if (item.TryGetValue(EarlierAttribute, out var list) && list.L is { } entries)
        {
            foreach (var entry in entries)
            {
                var map = entry.M ?? throw Invalid(symbol, $"'{EarlierAttribute}' must be a list of maps with date and close");
                earlier.Add(new DatedClose(ReadDate(map, symbol, EarlierAttribute), ReadClose(map, symbol, EarlierAttribute)));
            }
        }

        return new ReferencePrice(symbol, date, close, earlier);
    }

    private DateOnly ReadDate(Dictionary<string, AttributeValue> map, string symbol, string where) =>
        map.TryGetValue(DateAttribute, out var value) && value.S is { } text
        && DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid(symbol, $"'{DateAttribute}' in {where} must be a string yyyy-MM-dd");

    private double ReadClose(Dictionary<string, AttributeValue> map, string symbol, string where) =>
        map.TryGetValue(CloseAttribute, out var value) && value.N is { } text
        && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var close) && double.IsFinite(close) && close > 0
            ? close
            : throw Invalid(symbol, $"'{CloseAttribute}' in {where} must be a number above 0");

    private InvalidDataException Invalid(string symbol, string what) =>
        new($"Reference price item for '{symbol}' in table '{tableName}' is invalid: {what}. Fix or delete the item.");

    private static string FormatDate(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
