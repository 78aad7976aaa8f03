using System.Text.Json;
using Onboarding.Core.Observability;

namespace Onboarding.Core.Tests.Observability;

public sealed class EmbeddedMetricsTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Emit_WritesOneEmfLineThatDeclaresEveryMetricAndDimension()
    {
        var output = new StringWriter();
        var metrics = new EmbeddedMetrics(output, "MarketplaceFeed", new FixedTime(DateTimeOffset.FromUnixTimeMilliseconds(1_720_727_340_000)))
        {
            Service = "metering",
        };

        metrics.Emit(
            [new Metric("MeteringFailedRecords", 2), new Metric("MeteringDurationMs", 12.5, MetricUnit.Milliseconds)],
            new Dictionary<string, string> { ["Dimension"] = "feed_hours" });

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var aws = root.GetProperty("_aws");
        Assert.Equal(1_720_727_340_000, aws.GetProperty("Timestamp").GetInt64());
        var directive = aws.GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("MarketplaceFeed", directive.GetProperty("Namespace").GetString());
        Assert.Equal(["Service", "Dimension"], directive.GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Equal(["Count", "Milliseconds"], directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Unit").GetString()));
        Assert.Equal("metering", root.GetProperty("Service").GetString());
        Assert.Equal("feed_hours", root.GetProperty("Dimension").GetString());
        Assert.Equal(2, root.GetProperty("MeteringFailedRecords").GetDouble());
        Assert.Equal(12.5, root.GetProperty("MeteringDurationMs").GetDouble());
    }

    [Fact]
    public void Emit_WithNoMetrics_WritesNothing()
    {
        var output = new StringWriter();

        new EmbeddedMetrics(output, "MarketplaceFeed", TimeProvider.System).Emit([]);

        Assert.Equal("", output.ToString());
    }

    [Fact]
    public void EmitWithoutDimensions_DeclaresOneEmptyDimensionSet_SoAnAlarmOnTheBareMetricNameSeesIt()
    {
        var output = new StringWriter();
        var metrics = new EmbeddedMetrics(output, "MarketplaceFeed", TimeProvider.System) { Service = "metering" };

        metrics.EmitWithoutDimensions([new Metric("MeteringFailedRecords", 3)]);

        using var document = JsonDocument.Parse(Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        var directive = document.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        var sets = directive.GetProperty("Dimensions");
        Assert.Equal(1, sets.GetArrayLength());
        Assert.Equal(0, sets[0].GetArrayLength());
        Assert.Equal("MeteringFailedRecords", Assert.Single(directive.GetProperty("Metrics").EnumerateArray()).GetProperty("Name").GetString());
        Assert.Equal(3, document.RootElement.GetProperty("MeteringFailedRecords").GetDouble());
    }
}
