using System.Globalization;
using System.Text.Json.Nodes;

namespace Marketplace.Simulator.Metering;

/// <summary>
/// One message on Marketplace's subscription SNS topic, as an SQS queue subscribed to it receives it: the SNS
/// envelope with the notification JSON as a string in <c>Message</c>. The local stack forwards these to the
/// lifecycle function as SQS events.
/// </summary>
public sealed record SubscriptionNotification(long Sequence, string MessageId, string Action, string Body)
{
    public static SubscriptionNotification Create(
        long sequence, string action, string customerIdentifier, string awsAccountId, string productCode, string? licenseArn, DateTimeOffset at)
    {
        var message = new JsonObject
        {
            ["action"] = action,
            ["customer-identifier"] = customerIdentifier,
            ["customer-aws-account-id"] = awsAccountId,
            ["product-code"] = productCode,
        };
        if (licenseArn is not null)
        {
            message["license-arn"] = licenseArn;
        }

        var messageId = Guid.NewGuid().ToString();
        var envelope = new JsonObject
        {
            ["Type"] = "Notification",
            ["MessageId"] = messageId,
            ["TopicArn"] = $"arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-{productCode}",
            ["Message"] = message.ToJsonString(),
            ["Timestamp"] = at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
        return new SubscriptionNotification(sequence, messageId, action, envelope.ToJsonString());
    }
}
