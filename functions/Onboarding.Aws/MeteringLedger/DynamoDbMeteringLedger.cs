using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Onboarding.Core.Metering;

namespace Onboarding.Aws.MeteringLedger;

/// <summary>The metering ledger in DynamoDB; see <see cref="MeteringLedgerSchema"/> for the keys.</summary>
public sealed class DynamoDbMeteringLedger(IAmazonDynamoDB dynamo, MeteringLedgerOptions options) : IMeteringLedger
{
    private const string Pending = "PENDING";
    private const string WatermarkPk = "JOB#metering";
    private const string WatermarkSk = "WATERMARK";

    private readonly string table = string.IsNullOrWhiteSpace(options?.TableName)
        ? throw new ArgumentException("The metering ledger needs a table name.", nameof(options))
        : options.TableName;

    public async Task<bool> TryCreateAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            await dynamo.PutItemAsync(
                new PutItemRequest
                {
                    TableName = table,
                    Item = ToItem(entry),
                    ConditionExpression = "attribute_not_exists(pk)",
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    public async Task<bool> TrySettleAsync(LedgerUpdate update, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Status == LedgerStatus.Pending)
        {
            throw new ArgumentException("Settling moves an entry out of Pending.", nameof(update));
        }

        var values = new Dictionary<string, AttributeValue>
        {
            [":status"] = S(update.Status.ToString()),
            [":pending"] = S(nameof(LedgerStatus.Pending)),
            [":now"] = S(Iso(now)),
        };
        var set = "#status = :status, updatedAt = :now";
        if (update.MeteringRecordId is { Length: > 0 } recordId)
        {
            values[":recordId"] = S(recordId);
            set += ", meteringRecordId = :recordId";
        }

        if (update.Detail is { Length: > 0 } detail)
        {
            values[":detail"] = S(detail);
            set += ", detail = :detail";
        }

        return await TryUpdateAsync(update.Key, $"SET {set} REMOVE pendingPk, pendingSk", values, cancellationToken).ConfigureAwait(false);
    }

    public Task<bool> TryRecordAttemptAsync(UsageKey key, string reason, DateTimeOffset now, CancellationToken cancellationToken) =>
        TryUpdateAsync(
            key,
            "SET attempts = if_not_exists(attempts, :zero) + :one, lastError = :reason, updatedAt = :now",
            new Dictionary<string, AttributeValue>
            {
                [":pending"] = S(nameof(LedgerStatus.Pending)),
                [":zero"] = N(0),
                [":one"] = N(1),
                [":reason"] = S(reason),
                [":now"] = S(Iso(now)),
            },
            cancellationToken);

    public async Task<LedgerEntry?> GetAsync(UsageKey key, CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest { TableName = table, Key = KeyOf(key), ConsistentRead = true }, cancellationToken).ConfigureAwait(false);
        return response.Item is { Count: > 0 } item ? FromItem(item) : null;
    }

    public Task<IReadOnlyList<LedgerEntry>> ListPendingAsync(CancellationToken cancellationToken) =>
        QueryAllAsync(
            new QueryRequest
            {
                TableName = table,
                IndexName = MeteringLedgerSchema.PendingIndex,
                KeyConditionExpression = "pendingPk = :pending",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":pending"] = S(Pending) },
            },
            cancellationToken);

    public async Task<DateTimeOffset?> GetWatermarkAsync(CancellationToken cancellationToken)
    {
        var response = await dynamo.GetItemAsync(
            new GetItemRequest
            {
                TableName = table,
                Key = new Dictionary<string, AttributeValue> { ["pk"] = S(WatermarkPk), ["sk"] = S(WatermarkSk) },
                ConsistentRead = true,
            },
            cancellationToken).ConfigureAwait(false);
        return response.Item is { } item && item.TryGetValue("hour", out var hour) ? ParseIso(hour.S) : null;
    }

    public async Task AdvanceWatermarkAsync(DateTimeOffset hour, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = table,
                    Key = new Dictionary<string, AttributeValue> { ["pk"] = S(WatermarkPk), ["sk"] = S(WatermarkSk) },
                    UpdateExpression = "SET #hour = :hour",
                    ConditionExpression = "attribute_not_exists(#hour) OR #hour < :hour",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#hour"] = "hour" },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":hour"] = S(Iso(hour)) },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (ConditionalCheckFailedException)
        {
            // Another run already moved it at least as far.
        }
    }

    public Task<IReadOnlyList<LedgerEntry>> ListByCustomerAsync(
        string customerKey, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerKey);
        // Bounds without the "Z#…" suffix: every item of hour `to` sorts after "HOUR#{to}", so BETWEEN excludes it.
        return QueryAllAsync(
            new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "pk = :pk AND sk BETWEEN :from AND :to",
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":pk"] = S($"CUST#{customerKey}"),
                    [":from"] = S($"HOUR#{HourText(CeilHour(from))}"),
                    [":to"] = S($"HOUR#{HourText(CeilHour(to))}"),
                },
                ConsistentRead = true,
            },
            cancellationToken);
    }

    public async Task<IReadOnlyList<LedgerEntry>> ListByPeriodAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var first = CeilHour(from);
        var end = CeilHour(to);
        var entries = new List<LedgerEntry>();
        for (var day = first.UtcDateTime.Date; day < end.UtcDateTime; day = day.AddDays(1))
        {
            entries.AddRange(await QueryAllAsync(
                new QueryRequest
                {
                    TableName = table,
                    IndexName = MeteringLedgerSchema.ByDayIndex,
                    KeyConditionExpression = "#day = :day AND daySk BETWEEN :from AND :to",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#day"] = "day" },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                    {
                        [":day"] = S(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
                        [":from"] = S(HourText(first)),
                        [":to"] = S(HourText(end)),
                    },
                },
                cancellationToken).ConfigureAwait(false));
        }

        return entries;
    }

    private async Task<bool> TryUpdateAsync(
        UsageKey key, string updateExpression, Dictionary<string, AttributeValue> values, CancellationToken cancellationToken)
    {
        try
        {
            await dynamo.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = table,
                    Key = KeyOf(key),
                    UpdateExpression = updateExpression,
                    ConditionExpression = "#status = :pending",
                    ExpressionAttributeNames = new Dictionary<string, string> { ["#status"] = "status" },
                    ExpressionAttributeValues = values,
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    private async Task<IReadOnlyList<LedgerEntry>> QueryAllAsync(QueryRequest request, CancellationToken cancellationToken)
    {
        var entries = new List<LedgerEntry>();
        do
        {
            var response = await dynamo.QueryAsync(request, cancellationToken).ConfigureAwait(false);
            foreach (var item in response.Items ?? [])
            {
                entries.Add(FromItem(item));
            }

            request.ExclusiveStartKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (request.ExclusiveStartKey is not null);

        return entries;
    }

    private static Dictionary<string, AttributeValue> KeyOf(UsageKey key) => new()
    {
        ["pk"] = S($"CUST#{key.CustomerKey}"),
        ["sk"] = S($"HOUR#{HourText(key.Hour)}#{key.ProductCode}#{key.Dimension}"),
    };

    private static Dictionary<string, AttributeValue> ToItem(LedgerEntry entry)
    {
        var key = entry.Key;
        var hour = HourText(key.Hour);
        var item = KeyOf(key);
        item["day"] = S(key.Hour.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        item["daySk"] = S($"{hour}#{key.CustomerKey}#{key.ProductCode}#{key.Dimension}");
        item["customerKey"] = S(key.CustomerKey);
        item["productCode"] = S(key.ProductCode);
        item["dimension"] = S(key.Dimension);
        item["hour"] = S(Iso(key.Hour));
        item["quantity"] = N(entry.Quantity);
        item["status"] = S(entry.Status.ToString());
        item["createdAt"] = S(Iso(entry.CreatedAt));
        item["updatedAt"] = S(Iso(entry.UpdatedAt));
        item["attempts"] = N(entry.Attempts);
        AddIfPresent(item, "customerIdentifier", entry.CustomerIdentifier);
        AddIfPresent(item, "customerAwsAccountId", entry.CustomerAwsAccountId);
        AddIfPresent(item, "licenseArn", entry.LicenseArn);
        AddIfPresent(item, "meteringRecordId", entry.MeteringRecordId);
        AddIfPresent(item, "detail", entry.Detail);
        if (entry.Status == LedgerStatus.Pending)
        {
            item["pendingPk"] = S(Pending);
            item["pendingSk"] = S($"{hour}#{key.CustomerKey}#{key.ProductCode}#{key.Dimension}");
        }

        return item;
    }

    private static LedgerEntry FromItem(Dictionary<string, AttributeValue> item)
    {
        string? Get(string name) => item.TryGetValue(name, out var value) ? value.S : null;
        string Required(string name) => Get(name) ?? throw new InvalidDataException($"Ledger item {Get("pk")}/{Get("sk")} lacks '{name}'.");
        int Number(string name) => item.TryGetValue(name, out var value) && value.N is { } n ? int.Parse(n, CultureInfo.InvariantCulture) : 0;

        var key = new UsageKey(Required("customerKey"), Required("productCode"), Required("dimension"), ParseIso(Required("hour")));
        return new LedgerEntry(
            key,
            Number("quantity"),
            Enum.Parse<LedgerStatus>(Required("status")),
            Get("customerIdentifier"),
            Get("customerAwsAccountId"),
            Get("licenseArn"),
            ParseIso(Required("createdAt")),
            ParseIso(Required("updatedAt")),
            Number("attempts"),
            Get("meteringRecordId"),
            Get("detail") ?? Get("lastError"));
    }

    private static void AddIfPresent(Dictionary<string, AttributeValue> item, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            item[name] = S(value);
        }
    }

    private static DateTimeOffset CeilHour(DateTimeOffset time)
    {
        var start = MeteringHours.HourStart(time);
        return start < time ? start + MeteringHours.Hour : start;
    }

    private static string HourText(DateTimeOffset hour) => hour.UtcDateTime.ToString("yyyy-MM-dd'T'HH", CultureInfo.InvariantCulture) + "Z";

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseIso(string? text) => DateTimeOffset.Parse(
        text ?? throw new InvalidDataException("Missing timestamp in the ledger."),
        CultureInfo.InvariantCulture,
        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    private static AttributeValue S(string value) => new() { S = value };

    private static AttributeValue N(int value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
