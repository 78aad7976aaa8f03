using System.Text.Json;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Events;

public sealed class EventModelTests
{
    private static readonly LambdaEventsJsonContext Json = LambdaEventsJsonContext.Default;

    [Theory]
    [InlineData("apigw-get-query.json", "GET", "$default")]
    [InlineData("apigw-post-landing-form.json", "POST", "prod")]
    [InlineData("apigw-stage-cookies.json", "GET", "prod")]
    [InlineData("apigw-get-binary.json", "GET", "$default")]
    [InlineData("apigw-post-register.json", "POST", "$default")]
    public void ApiGatewaySampleEvents_ReadAsPayload20(string file, string method, string stage)
    {
        var request = JsonSerializer.Deserialize(SampleEvents.Read(file), Json.APIGatewayHttpApiV2ProxyRequest)!;

        Assert.Equal("2.0", request.Version);
        Assert.Equal(method, request.RequestContext?.Http?.Method);
        Assert.Equal(stage, request.RequestContext?.Stage);
        Assert.StartsWith("/", request.RawPath, StringComparison.Ordinal);
        Assert.NotEmpty(request.Headers!);
    }

    [Fact]
    public void ApiGatewayResponse_WritesOnlyTheFieldsThatAreSet()
    {
        var response = new APIGatewayHttpApiV2ProxyResponse { StatusCode = 204 };

        Assert.Equal("""{"statusCode":204,"isBase64Encoded":false}""", JsonSerializer.Serialize(response, Json.APIGatewayHttpApiV2ProxyResponse));
    }

    [Fact]
    public void SqsEvent_CarryingAnSnsNotification_ReadsBothEnvelopes()
    {
        var snsBody = JsonSerializer.Serialize(new SNSMessage
        {
            Type = "Notification",
            MessageId = "sns-1",
            TopicArn = "arn:aws:sns:us-east-1:287250355862:aws-mp-subscription-notification-abc",
            Message = """{"action":"unsubscribe-pending","customer-identifier":"cust-1","product-code":"prod-1"}""",
            Timestamp = new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero),
        }, Json.SNSMessage);
        var sqsJson = $$$"""
            {"Records":[{
              "messageId":"059f36b4-87a3-44ab-83d2-661975830a7d",
              "receiptHandle":"AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
              "body":{{{JsonSerializer.Serialize(snsBody)}}},
              "attributes":{"ApproximateReceiveCount":"1","SentTimestamp":"1545082649183"},
              "messageAttributes":{"kind":{"stringValue":"lifecycle","dataType":"String"},"blob":{"binaryValue":"AQID","dataType":"Binary"}},
              "md5OfBody":"e4e68fb7bd0e697a0ae8f1bb342846b3",
              "eventSource":"aws:sqs",
              "eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:marketplace-lifecycle",
              "awsRegion":"us-east-1"}]}
            """;

        var sqs = JsonSerializer.Deserialize(sqsJson, Json.SQSEvent)!;
        var message = Assert.Single(sqs.Records);
        var sns = JsonSerializer.Deserialize(message.Body, Json.SNSMessage)!;

        Assert.Equal("059f36b4-87a3-44ab-83d2-661975830a7d", message.MessageId);
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:marketplace-lifecycle", message.EventSourceArn);
        Assert.Equal("lifecycle", message.MessageAttributes!["kind"].StringValue);
        Assert.Equal(new byte[] { 1, 2, 3 }, message.MessageAttributes["blob"].BinaryValue);
        Assert.Equal("Notification", sns.Type);
        Assert.Contains("unsubscribe-pending", sns.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SqsBatchResponse_ListsFailedMessagesAsItemIdentifiers()
    {
        var response = new SQSBatchResponse
        {
            BatchItemFailures = [new() { ItemIdentifier = "m-2" }, new() { ItemIdentifier = "m-5" }],
        };

        Assert.Equal(
            """{"batchItemFailures":[{"itemIdentifier":"m-2"},{"itemIdentifier":"m-5"}]}""",
            JsonSerializer.Serialize(response, Json.SQSBatchResponse));
    }

    [Fact]
    public void EventBridgeEvent_KeepsDetailAsJsonForTheCallerToRead()
    {
        const string json = """
            {"version":"0","id":"6f1f4a4e-1111-2222-3333-444455556666",
             "detail-type":"Purchase Agreement Created - Manufacturer","source":"aws.agreement-marketplace",
             "account":"123456789012","time":"2026-06-01T10:00:00Z","region":"us-east-1",
             "resources":["arn:aws:aws-marketplace:us-east-1:123456789012:AWSMarketplace/Agreement/agmt-1"],
             "detail":{"agreement":{"id":"agmt-1","status":"ACTIVE"},"licenseArn":"arn:aws:license-manager::123456789012:license:l-1"}}
            """;

        var evt = JsonSerializer.Deserialize(json, Json.EventBridgeEvent)!;

        Assert.Equal("Purchase Agreement Created - Manufacturer", evt.DetailType);
        Assert.Equal("aws.agreement-marketplace", evt.Source);
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 10, 0, 0, TimeSpan.Zero), evt.Time);
        Assert.Equal("agmt-1", evt.Detail.GetProperty("agreement").GetProperty("id").GetString());
        Assert.Equal("arn:aws:license-manager::123456789012:license:l-1", evt.Detail.GetProperty("licenseArn").GetString());
    }

    [Fact]
    public void ScheduledEvent_ReadsRuleAndTime()
    {
        const string json = """
            {"version":"0","id":"53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa","detail-type":"Scheduled Event",
             "source":"aws.events","account":"123456789012","time":"2026-11-23T13:00:00Z","region":"us-east-1",
             "resources":["arn:aws:events:us-east-1:123456789012:rule/hourly-metering"],"detail":{}}
            """;

        var evt = JsonSerializer.Deserialize(json, Json.ScheduledEvent)!;

        Assert.Equal(ScheduledEvent.ScheduledDetailType, evt.DetailType);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 13, 0, 0, TimeSpan.Zero), evt.Time);
        Assert.Equal(["arn:aws:events:us-east-1:123456789012:rule/hourly-metering"], evt.Resources);
        Assert.Equal(JsonValueKind.Object, evt.Detail.ValueKind);
    }
}
