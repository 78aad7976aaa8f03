using System.Text.Json;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

public sealed class LifecycleMessageParserTests
{
    private const string LicenseArn = "arn:aws:license-manager::111122223333:license:l-7f3c2a9e41b84d5f9a0e6c1b2d3e4f50";

    [Theory]
    [InlineData("sqs-sns-subscribe-success.json", LifecycleEventKind.SubscribeSuccess, "2026-11-20T09:15:02.117Z")]
    [InlineData("sqs-sns-subscribe-fail.json", LifecycleEventKind.SubscribeFail, "2026-11-20T09:05:11.482Z")]
    [InlineData("sqs-sns-unsubscribe-pending.json", LifecycleEventKind.UnsubscribePending, "2026-11-23T14:20:07.330Z")]
    [InlineData("sqs-sns-unsubscribe-success.json", LifecycleEventKind.UnsubscribeSuccess, "2026-11-23T15:21:55.019Z")]
    [InlineData("sqs-sns-entitlement-updated.json", LifecycleEventKind.EntitlementUpdated, "2026-11-21T10:00:41.905Z")]
    public void SnsSample_ParsesToKindWithBothIdentifierModelsAndTheSnsTimestamp(string file, LifecycleEventKind kind, string timestamp)
    {
        var notification = SampleEvents.Event(file);

        Assert.Equal(kind, notification.Kind);
        Assert.Equal(LifecycleEventSource.Sns, notification.Source);
        Assert.Equal(DateTimeOffset.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), notification.OccurredAt);
        Assert.Equal("QVpZWm5aTVlhWWg", notification.Subscription.CustomerIdentifier);
        Assert.Equal("4ov3gzs0d3vtd8nsijmh3h4bf", notification.Subscription.ProductCode);
        Assert.Equal("444455556666", notification.Subscription.CustomerAwsAccountId);
        Assert.Equal(LicenseArn, notification.Subscription.LicenseArn);
        Assert.Equal($"license:{LicenseArn}", notification.Subscription.Key);
    }

    [Theory]
    [InlineData("eventbridge-agreement-created.json", LifecycleEventKind.SubscribeSuccess)]
    [InlineData("eventbridge-agreement-amended.json", LifecycleEventKind.AgreementAmended)]
    [InlineData("eventbridge-agreement-ended.json", LifecycleEventKind.AgreementEnded)]
    [InlineData("eventbridge-license-updated.json", LifecycleEventKind.LicenseUpdated)]
    [InlineData("eventbridge-license-deprovisioned.json", LifecycleEventKind.LicenseDeprovisioned)]
    public void EventBridgeSample_ParsesToKindWithAccountLicenseAndAgreement(string file, LifecycleEventKind kind)
    {
        var notification = SampleEvents.Event(file);

        Assert.Equal(kind, notification.Kind);
        Assert.Equal(LifecycleEventSource.EventBridge, notification.Source);
        Assert.Equal("444455556666", notification.Subscription.CustomerAwsAccountId);
        Assert.Equal(LicenseArn, notification.Subscription.LicenseArn);
        Assert.Equal("agmt-4t7rkvfsrh8yf3oqzgv3w0d5m", notification.Subscription.AgreementId);
        Assert.Equal("prod-x2fqtq3mxdl4o", notification.Subscription.ProductId);
        Assert.Equal($"license:{LicenseArn}", notification.Subscription.Key);
    }

    [Fact]
    public void SnsAndEventBridgeSamples_AboutTheSameAgreement_ShareOneSubscriptionKey()
    {
        var keys = SampleEvents.Sns.Concat(SampleEvents.EventBridge).Select(f => SampleEvents.Event(f).Subscription.Key).Distinct();

        Assert.Single(keys);
    }

    [Fact]
    public void RawDelivery_UsesSqsMessageIdAndSentTimestamp()
    {
        var sent = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

        var result = LifecycleMessageParser.ParseSqsBody(
            """{"action":"subscribe-success","customer-identifier":"C1","product-code":"P1"}""", "sqs-1", sent);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal("sqs-1", result.Event!.EventId);
        Assert.Equal(sent, result.Event.OccurredAt);
        Assert.Equal("customer:P1:C1", result.Event.Subscription.Key);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"Type":"SubscriptionConfirmation","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{}"}""", "not a Notification")]
    [InlineData("""{"Type":"Notification","Timestamp":"2026-11-23T10:00:00Z","Message":"{}"}""", "no MessageId")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Message":"{}"}""", "no valid ISO 8601 Timestamp")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z"}""", "has no Message")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"subscribe-success"}""", "Message of SNS envelope m is not valid JSON")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{\"action\":\"subscribe-maybe\",\"customer-identifier\":\"C\",\"product-code\":\"P\"}"}""", "Unknown Marketplace action 'subscribe-maybe'")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{\"customer-identifier\":\"C\",\"product-code\":\"P\"}"}""", "Unknown Marketplace action '(missing)'")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{\"action\":\"subscribe-success\",\"customer-identifier\":\"C\"}"}""", "has no product-code")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{\"action\":\"subscribe-success\",\"product-code\":\"P\"}"}""", "neither customer-identifier nor license-arn")]
    [InlineData("""{"Type":"Notification","MessageId":"m","Timestamp":"2026-11-23T10:00:00Z","Message":"{\"action\":\"subscribe-success\",\"product-code\":\"P\",\"license-arn\":\"arn:l\"}"}""", "no customer-aws-account-id")]
    public void MalformedSqsBody_IsRefusedWithTheReason(string body, string reason)
    {
        var result = LifecycleMessageParser.ParseSqsBody(body, "sqs-1", DateTimeOffset.UnixEpoch);

        Assert.False(result.Succeeded);
        Assert.Null(result.Event);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RawDeliveryWithoutSentTimestamp_IsRefusedBecauseItCannotBeOrdered()
    {
        var result = LifecycleMessageParser.ParseSqsBody(
            """{"action":"subscribe-success","customer-identifier":"C1","product-code":"P1"}""", "sqs-1", null);

        Assert.False(result.Succeeded);
        Assert.Contains("SentTimestamp", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("source", "aws.marketplace", "is not aws.agreement-marketplace")]
    [InlineData("detail-type", "Purchase Agreement Created - Proposer", "Unknown EventBridge detail-type 'Purchase Agreement Created - Proposer'")]
    [InlineData("time", "yesterday", "no valid ISO 8601 time")]
    [InlineData("id", "", "has no id")]
    public void EventBridgeEventWithBadEnvelope_IsRefusedWithTheReason(string field, string value, string reason)
    {
        var result = LifecycleMessageParser.ParseEventBridge(Mutate("eventbridge-agreement-created.json", field, value));

        Assert.False(result.Succeeded);
        Assert.Contains(reason, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EventBridgeEventWithoutLicenseOrAgreement_IsRefused()
    {
        var json = """
            {"version":"0","id":"e1","detail-type":"License Updated - Manufacturer","source":"aws.agreement-marketplace",
             "time":"2026-11-23T10:00:00Z","detail":{"acceptor":{"accountId":"444455556666"}}}
            """;

        var result = LifecycleMessageParser.ParseEventBridge(json);

        Assert.False(result.Succeeded);
        Assert.Contains("no license ARN and no agreement id", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EventBridgeEventWithoutAcceptor_IsRefused()
    {
        var json = """
            {"version":"0","id":"e1","detail-type":"License Updated - Manufacturer","source":"aws.agreement-marketplace",
             "time":"2026-11-23T10:00:00Z","detail":{"licenseArn":"arn:aws:license-manager::1:license:l-1"}}
            """;

        var result = LifecycleMessageParser.ParseEventBridge(json);

        Assert.False(result.Succeeded);
        Assert.Contains("no acceptor account id", result.Error, StringComparison.Ordinal);
    }

    private static string Mutate(string file, string field, string value)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(SampleEvents.Read(file))!;
        node[field] = value;
        return node.ToJsonString(new JsonSerializerOptions());
    }
}
