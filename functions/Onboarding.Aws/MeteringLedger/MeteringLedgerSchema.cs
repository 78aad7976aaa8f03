using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Onboarding.Aws.MeteringLedger;

/// <summary>
/// Key schema of the ledger table (the SAM template declares the same):
/// <list type="bullet">
/// <item><c>pk</c> = <c>CUST#{customerKey}</c>, <c>sk</c> = <c>HOUR#{yyyy-MM-ddTHH}Z#{productCode}#{dimension}</c>: one item per customer,
/// product, dimension and hour; a customer's range of hours is one Query.</item>
/// <item>GSI <c>byDay</c>: <c>day</c> = <c>yyyy-MM-dd</c>, <c>daySk</c> = <c>{yyyy-MM-ddTHH}Z#{customerKey}#{productCode}#{dimension}</c>:
/// every customer's entries of a day (a month is one Query per day) for the finance view.</item>
/// <item>GSI <c>pending</c> (sparse): <c>pendingPk</c> = <c>PENDING</c> and <c>pendingSk</c> = <c>{hour}#…</c> exist only while the
/// entry is Pending, so the retry scan reads just the entries still owed to Marketplace.</item>
/// <item>The job watermark: <c>pk</c> = <c>JOB#metering</c>, <c>sk</c> = <c>WATERMARK</c>, <c>hour</c> = last hour fully in the ledger.</item>
/// </list>
/// </summary>
public static class MeteringLedgerSchema
{
    public const string ByDayIndex = "byDay";
    public const string PendingIndex = "pending";

    public static CreateTableRequest CreateTableRequest(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition("pk", ScalarAttributeType.S),
            new AttributeDefinition("sk", ScalarAttributeType.S),
            new AttributeDefinition("day", ScalarAttributeType.S),
            new AttributeDefinition("daySk", ScalarAttributeType.S),
            new AttributeDefinition("pendingPk", ScalarAttributeType.S),
            new AttributeDefinition("pendingSk", ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement("pk", KeyType.HASH), new KeySchemaElement("sk", KeyType.RANGE)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = ByDayIndex,
                KeySchema = [new KeySchemaElement("day", KeyType.HASH), new KeySchemaElement("daySk", KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
            new GlobalSecondaryIndex
            {
                IndexName = PendingIndex,
                KeySchema = [new KeySchemaElement("pendingPk", KeyType.HASH), new KeySchemaElement("pendingSk", KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
    };
}
