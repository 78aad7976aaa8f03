using System.Xml.Linq;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Onboarding.Aws.DynamoDb;

namespace Onboarding.Api.Onboarding;

/// <summary>
/// The ASP.NET Core data-protection key ring (which the antiforgery tokens are encrypted with) in one item of the
/// onboarding table, so every Lambda instance accepts the forms any other instance rendered. Without it each instance
/// would make up its own keys and a form posted to a different instance would be refused.
/// </summary>
/// <remarks>
/// One attribute per key (<c>key-&lt;id&gt;</c>) in the item <c>pk = DATAPROTECTION</c>; the key ring rolls a key every
/// 90 days, so the item stays small. The interface is synchronous; it is called at start and when the ring refreshes.
/// The table is encrypted at rest by DynamoDB and only the API's role may read it.
/// </remarks>
public sealed class DynamoDbXmlRepository(IAmazonDynamoDB dynamo, SubscriberTableOptions tables) : IXmlRepository
{
    private const string ItemKey = "DATAPROTECTION";
    private const string AttributePrefix = "key-";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var response = dynamo.GetItemAsync(new GetItemRequest
        {
            TableName = tables.OnboardingTable,
            Key = new() { [SubscriberTables.PartitionKey] = new AttributeValue { S = ItemKey } },
            ConsistentRead = true,
        }).GetAwaiter().GetResult();
        return [.. (response.Item ?? []).Where(a => a.Key.StartsWith(AttributePrefix, StringComparison.Ordinal) && a.Value.S is not null)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => XElement.Parse(a.Value.S))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        // The key manager names keys "key-<guid>"; keep the name readable and attribute-safe.
        var id = new string([.. (friendlyName ?? Guid.NewGuid().ToString()).Where(c => char.IsAsciiLetterOrDigit(c) || c == '-')]);
        var name = id.StartsWith(AttributePrefix, StringComparison.Ordinal) ? id : AttributePrefix + id;
        dynamo.UpdateItemAsync(new UpdateItemRequest
        {
            TableName = tables.OnboardingTable,
            Key = new() { [SubscriberTables.PartitionKey] = new AttributeValue { S = ItemKey } },
            UpdateExpression = "SET #k = :xml",
            ExpressionAttributeNames = new() { ["#k"] = name },
            ExpressionAttributeValues = new() { [":xml"] = new AttributeValue { S = element.ToString(SaveOptions.DisableFormatting) } },
        }).GetAwaiter().GetResult();
    }
}
