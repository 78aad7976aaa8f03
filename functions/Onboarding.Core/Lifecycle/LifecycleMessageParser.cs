using System.Globalization;
using System.Text.Json;

namespace Onboarding.Core.Lifecycle;

/// <summary>Either a parsed notification or the reason it was refused (the message then goes to the dead-letter queue).</summary>
public sealed record LifecycleParseResult(LifecycleEvent? Event, string? Error)
{
    public bool Succeeded => Event is not null;

    public static LifecycleParseResult Ok(LifecycleEvent notification) => new(notification, null);

    public static LifecycleParseResult Fail(string error) => new(null, error);
}

/// <summary>
/// Turns Marketplace notifications into <see cref="LifecycleEvent"/>s: SNS messages delivered through SQS
/// (with the SNS envelope, or raw delivery) and EventBridge events from <c>aws.agreement-marketplace</c>.
/// Uses <see cref="JsonDocument"/> so that it stays trimming- and AOT-safe.
/// </summary>
public static class LifecycleMessageParser
{
    public const string AgreementEventSource = "aws.agreement-marketplace";

    private static readonly Dictionary<string, LifecycleEventKind> SnsActions = new(StringComparer.Ordinal)
    {
        ["subscribe-success"] = LifecycleEventKind.SubscribeSuccess,
        ["subscribe-fail"] = LifecycleEventKind.SubscribeFail,
        ["unsubscribe-pending"] = LifecycleEventKind.UnsubscribePending,
        ["unsubscribe-success"] = LifecycleEventKind.UnsubscribeSuccess,
        ["entitlement-updated"] = LifecycleEventKind.EntitlementUpdated,
    };

    private static readonly Dictionary<string, LifecycleEventKind> DetailTypes = new(StringComparer.Ordinal)
    {
        ["Purchase Agreement Created - Manufacturer"] = LifecycleEventKind.SubscribeSuccess,
        ["Purchase Agreement Amended - Manufacturer"] = LifecycleEventKind.AgreementAmended,
        ["Purchase Agreement Ended - Manufacturer"] = LifecycleEventKind.AgreementEnded,
        ["License Updated - Manufacturer"] = LifecycleEventKind.LicenseUpdated,
        ["License Deprovisioned - Manufacturer"] = LifecycleEventKind.LicenseDeprovisioned,
    };

    /// <summary>Parses the body of an SQS message subscribed to a Marketplace SNS topic.</summary>
    /// <param name="sqsMessageId">Used as the event id when the subscription uses raw message delivery.</param>
    /// <param name="sqsSentTimestamp">Used as the event time with raw message delivery (SQS attribute <c>SentTimestamp</c>).</param>
    public static LifecycleParseResult ParseSqsBody(string? body, string sqsMessageId, DateTimeOffset? sqsSentTimestamp)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return LifecycleParseResult.Fail("The SQS message body is empty.");
        }

        try
        {
            using var outer = JsonDocument.Parse(body);
            if (outer.RootElement.ValueKind != JsonValueKind.Object)
            {
                return LifecycleParseResult.Fail("The SQS message body is not a JSON object.");
            }

            var root = outer.RootElement;
            if (root.TryGetProperty("Type", out _) || root.TryGetProperty("TopicArn", out _))
            {
                return ParseSnsEnvelope(root);
            }

            // Raw message delivery: the body is the Marketplace message itself.
            if (sqsSentTimestamp is null)
            {
                return LifecycleParseResult.Fail("A raw SNS message needs the SQS SentTimestamp attribute to be ordered.");
            }

            return ParseMarketplaceMessage(root, sqsMessageId, sqsSentTimestamp.Value);
        }
        catch (JsonException e)
        {
            return LifecycleParseResult.Fail($"The SQS message body is not valid JSON: {e.Message}");
        }
    }

    /// <summary>Parses one EventBridge event (the whole event, with <c>detail</c>).</summary>
    public static LifecycleParseResult ParseEventBridge(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return LifecycleParseResult.Fail("The EventBridge event is empty.");
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            return ParseEventBridge(document.RootElement);
        }
        catch (JsonException e)
        {
            return LifecycleParseResult.Fail($"The EventBridge event is not valid JSON: {e.Message}");
        }
    }

    public static LifecycleParseResult ParseEventBridge(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return LifecycleParseResult.Fail("The EventBridge event is not a JSON object.");
        }

        var source = GetString(root, "source");
        if (!string.Equals(source, AgreementEventSource, StringComparison.Ordinal))
        {
            return LifecycleParseResult.Fail($"EventBridge source '{source ?? "(missing)"}' is not {AgreementEventSource}.");
        }

        var detailType = GetString(root, "detail-type");
        if (detailType is null || !DetailTypes.TryGetValue(detailType, out var kind))
        {
            return LifecycleParseResult.Fail($"Unknown EventBridge detail-type '{detailType ?? "(missing)"}'.");
        }

        var id = GetString(root, "id");
        if (string.IsNullOrEmpty(id))
        {
            return LifecycleParseResult.Fail("The EventBridge event has no id.");
        }

        if (!TryParseTime(GetString(root, "time"), out var time))
        {
            return LifecycleParseResult.Fail($"The EventBridge event {id} has no valid ISO 8601 time.");
        }

        if (!root.TryGetProperty("detail", out var detail) || detail.ValueKind != JsonValueKind.Object)
        {
            return LifecycleParseResult.Fail($"The EventBridge event {id} has no detail object.");
        }

        var subscription = new SubscriptionRef(
            CustomerIdentifier: null,
            ProductCode: GetPath(detail, "product", "code") ?? GetPath(detail, "product", "productCode"),
            CustomerAwsAccountId: GetPath(detail, "acceptor", "accountId") ?? GetPath(detail, "customer", "awsAccountId")
                ?? GetString(detail, "customerAWSAccountId"),
            LicenseArn: GetString(detail, "licenseArn") ?? GetPath(detail, "license", "arn") ?? FirstString(detail, "licenseArns"),
            ProductId: GetPath(detail, "product", "id"),
            AgreementId: GetPath(detail, "agreement", "id") ?? GetString(detail, "agreementId"));

        if (!subscription.IsIdentifiable)
        {
            return LifecycleParseResult.Fail($"The EventBridge event {id} ({detailType}) names no license ARN and no agreement id.");
        }

        if (string.IsNullOrEmpty(subscription.CustomerAwsAccountId))
        {
            return LifecycleParseResult.Fail($"The EventBridge event {id} ({detailType}) names no acceptor account id.");
        }

        return LifecycleParseResult.Ok(new LifecycleEvent(
            kind, subscription, time, id, LifecycleEventSource.EventBridge, GetPath(detail, "offer", "id")));
    }

    private static LifecycleParseResult ParseSnsEnvelope(JsonElement envelope)
    {
        var type = GetString(envelope, "Type");
        if (type is not null && !string.Equals(type, "Notification", StringComparison.Ordinal))
        {
            return LifecycleParseResult.Fail($"SNS message type '{type}' is not a Notification.");
        }

        var messageId = GetString(envelope, "MessageId");
        if (string.IsNullOrEmpty(messageId))
        {
            return LifecycleParseResult.Fail("The SNS envelope has no MessageId.");
        }

        if (!TryParseTime(GetString(envelope, "Timestamp"), out var timestamp))
        {
            return LifecycleParseResult.Fail($"The SNS envelope {messageId} has no valid ISO 8601 Timestamp.");
        }

        var message = GetString(envelope, "Message");
        if (string.IsNullOrWhiteSpace(message))
        {
            return LifecycleParseResult.Fail($"The SNS envelope {messageId} has no Message.");
        }

        try
        {
            using var inner = JsonDocument.Parse(message);
            if (inner.RootElement.ValueKind != JsonValueKind.Object)
            {
                return LifecycleParseResult.Fail($"The Message of SNS envelope {messageId} is not a JSON object.");
            }

            return ParseMarketplaceMessage(inner.RootElement, messageId, timestamp);
        }
        catch (JsonException e)
        {
            return LifecycleParseResult.Fail($"The Message of SNS envelope {messageId} is not valid JSON: {e.Message}");
        }
    }

    private static LifecycleParseResult ParseMarketplaceMessage(JsonElement message, string eventId, DateTimeOffset occurredAt)
    {
        var action = GetString(message, "action");
        if (action is null || !SnsActions.TryGetValue(action, out var kind))
        {
            return LifecycleParseResult.Fail($"Unknown Marketplace action '{action ?? "(missing)"}' in message {eventId}.");
        }

        var productCode = GetString(message, "product-code");
        if (string.IsNullOrEmpty(productCode))
        {
            return LifecycleParseResult.Fail($"Marketplace message {eventId} ({action}) has no product-code.");
        }

        var subscription = new SubscriptionRef(
            CustomerIdentifier: GetString(message, "customer-identifier"),
            ProductCode: productCode,
            CustomerAwsAccountId: GetString(message, "customer-aws-account-id"),
            LicenseArn: GetString(message, "license-arn") ?? GetString(message, "licenseArn"));

        if (string.IsNullOrEmpty(subscription.CustomerIdentifier) && string.IsNullOrEmpty(subscription.LicenseArn))
        {
            return LifecycleParseResult.Fail($"Marketplace message {eventId} ({action}) has neither customer-identifier nor license-arn.");
        }

        if (!string.IsNullOrEmpty(subscription.LicenseArn) && string.IsNullOrEmpty(subscription.CustomerAwsAccountId))
        {
            return LifecycleParseResult.Fail($"Marketplace message {eventId} ({action}) has a license-arn but no customer-aws-account-id.");
        }

        return LifecycleParseResult.Ok(new LifecycleEvent(
            kind, subscription, occurredAt, eventId, LifecycleEventSource.Sns, GetString(message, "offer-identifier")));
    }

    private static bool TryParseTime(string? value, out DateTimeOffset time) =>
        DateTimeOffset.TryParse(
            value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time)
        && value!.Contains('T', StringComparison.Ordinal);

    private static string? GetString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string? GetPath(JsonElement element, string parent, string name) =>
        element.TryGetProperty(parent, out var child) && child.ValueKind == JsonValueKind.Object ? GetString(child, name) : null;

    private static string? FirstString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var array) && array.ValueKind == JsonValueKind.Array && array.GetArrayLength() > 0
            && array[0].ValueKind == JsonValueKind.String
            ? array[0].GetString()
            : null;
}
