using System.Text.Json;
using Onboarding.Core.Lifecycle;

namespace Onboarding.Core.Tests.Lifecycle;

/// <summary>Loads the sample events of <c>events/</c> the way the Lifecycle function receives them.</summary>
internal static class SampleEvents
{
    public static readonly string[] Sns =
    [
        "sqs-sns-subscribe-fail.json",
        "sqs-sns-subscribe-success.json",
        "sqs-sns-entitlement-updated.json",
        "sqs-sns-unsubscribe-pending.json",
        "sqs-sns-unsubscribe-success.json",
    ];

    public static readonly string[] EventBridge =
    [
        "eventbridge-agreement-created.json",
        "eventbridge-agreement-amended.json",
        "eventbridge-license-updated.json",
        "eventbridge-agreement-ended.json",
        "eventbridge-license-deprovisioned.json",
    ];

    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "events", name));

    /// <summary>Parses every record of an SQS sample event (one SNS notification per record).</summary>
    public static IReadOnlyList<LifecycleParseResult> ParseSqs(string name)
    {
        using var document = JsonDocument.Parse(Read(name));
        var results = new List<LifecycleParseResult>();
        foreach (var record in document.RootElement.GetProperty("Records").EnumerateArray())
        {
            var sent = long.Parse(record.GetProperty("attributes").GetProperty("SentTimestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            results.Add(LifecycleMessageParser.ParseSqsBody(
                record.GetProperty("body").GetString(),
                record.GetProperty("messageId").GetString()!,
                DateTimeOffset.FromUnixTimeMilliseconds(sent)));
        }

        return results;
    }

    public static LifecycleEvent Event(string name)
    {
        var result = name.StartsWith("sqs-", StringComparison.Ordinal)
            ? Assert.Single(ParseSqs(name))
            : LifecycleMessageParser.ParseEventBridge(Read(name));
        Assert.True(result.Succeeded, result.Error);
        return result.Event!;
    }
}
