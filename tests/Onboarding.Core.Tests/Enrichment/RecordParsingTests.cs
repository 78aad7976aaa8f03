using System.Text;
using Onboarding.Core.Enrichment;
using static Onboarding.Core.Tests.Enrichment.EnrichmentTestKit;

namespace Onboarding.Core.Tests.Enrichment;

public sealed class RecordParsingTests
{
    [Fact]
    public void Bar_FromTheProvider_KeepsEveryFieldByteForByteAndAppendsChangeAndIndicator()
    {
        const string raw = """{"symbol":"AMZN","open":194.58,"high":194.64,"low":194.58,"close":194.64,"volume":255.0,"timestamp":"2024-07-11 19:49:00"}""";

        var record = Single(raw);

        Assert.Equal(raw[..^1] + ""","%change":null,"indicator":"Neutral"}""", record.Text());
        Assert.Equal("bars-1m.enriched", record.Topic);
    }

    [Fact]
    public void Bar_WithWhitespaceUnknownAndNestedFields_KeepsThemInOrderWithTheirOriginalText()
    {
        const string raw = """ { "venue" : "XNAS", "symbol":"AMZN", "close":1.50e2, "meta":{"a":[1,2,{"b":null}]}, "timestamp":"2024-07-11T19:49:00Z", "n":-0.0 } """;

        var record = Single(raw);

        Assert.Equal("""{"venue" : "XNAS","symbol":"AMZN","close":1.50e2,"meta":{"a":[1,2,{"b":null}]},"timestamp":"2024-07-11T19:49:00Z","n":-0.0,"%change":null,"indicator":"Neutral"}""", record.Text());
    }

    [Fact]
    public void Trade_PriceActsAsClose()
    {
        var output = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), 200)],
            """{"symbol":"AMZN","price":190,"size":100,"timestamp":"2024-07-11T19:49:00.123Z"}""").Output;

        var record = Assert.Single(output);
        Assert.Equal(-5.0, record.Change());
        Assert.Equal("Bearish", record.Indicator());
        Assert.StartsWith("""{"symbol":"AMZN","price":190,"size":100,""", record.Text(), StringComparison.Ordinal);
    }

    [Fact]
    public void Record_ThatAlreadyHasChangeAndIndicator_GetsOursInsteadOfDuplicates()
    {
        var record = Single("""{"symbol":"AMZN","%change":12,"close":10,"indicator":"Bullish","timestamp":"2024-07-11 19:49:00"}""");

        Assert.Equal("""{"symbol":"AMZN","close":10,"timestamp":"2024-07-11 19:49:00","%change":null,"indicator":"Neutral"}""", record.Text());
    }

    [Fact]
    public void PropertyNames_WithEscapes_AreRecognisedAndKeptEscaped()
    {
        var record = Single("""{"\u0073ymbol":"A\u004dZN","close":10,"timestamp":"2024-07-11 19:49:00"}""");

        Assert.False(record.IsDeadLetter);
        Assert.StartsWith("""{"\u0073ymbol":"A\u004dZN",""", record.Text(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "record is not valid JSON")]
    [InlineData("", "record has no value")]
    [InlineData("[1,2]", "record is not a JSON object")]
    [InlineData("\"AMZN\"", "record is not a JSON object")]
    [InlineData("""{"symbol":"AMZN","close":10,"timestamp":"2024-07-11 19:49:00"} {}""", "record is not valid JSON")]
    [InlineData("""{"symbol":"AMZN","close":10""", "record is not valid JSON")]
    [InlineData("""{"close":10,"timestamp":"2024-07-11 19:49:00"}""", "missing field 'symbol'")]
    [InlineData("""{"symbol":"AMZN","timestamp":"2024-07-11 19:49:00"}""", "missing field 'close' (bar) or 'price' (trade)")]
    [InlineData("""{"symbol":"AMZN","close":10}""", "missing field 'timestamp'")]
    [InlineData("""{"symbol":"","close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'symbol' is empty")]
    [InlineData("""{"symbol":7,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'symbol' must be a string")]
    [InlineData("""{"symbol":"AMZN","close":"10","timestamp":"2024-07-11 19:49:00"}""", "field 'close' must be a number")]
    [InlineData("""{"symbol":"AMZN","close":-194.6,"timestamp":"2024-07-11 19:49:00"}""", "field 'close' must be greater than zero (was -194.6)")]
    [InlineData("""{"symbol":"AMZN","close":0,"timestamp":"2024-07-11 19:49:00"}""", "field 'close' must be greater than zero (was 0)")]
    [InlineData("""{"symbol":"AMZN","price":-1,"size":5,"timestamp":"2024-07-11T19:49:00Z"}""", "field 'price' must be greater than zero (was -1)")]
    [InlineData("""{"symbol":"AMZN","open":-1,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'open' must be greater than zero (was -1)")]
    [InlineData("""{"symbol":"AMZN","open":0,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'open' must be greater than zero (was 0)")]
    [InlineData("""{"symbol":"AMZN","high":-0.0,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'high' must be greater than zero (was -0)")]
    [InlineData("""{"symbol":"AMZN","low":0.000e7,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'low' must be greater than zero (was 0)")]
    [InlineData("""{"symbol":"AMZN","low":1e-400,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'low' must be greater than zero (was 0)")]
    [InlineData("""{"symbol":"AMZN","high":2E+999,"close":10,"timestamp":"2024-07-11 19:49:00"}""", "field 'high' is not a finite number")]
    [InlineData("""{"symbol":"AMZN","close":1e400,"timestamp":"2024-07-11 19:49:00"}""", "field 'close' is not a finite number")]
    [InlineData("""{"symbol":"AMZN","close":10,"volume":-1e999,"timestamp":"2024-07-11 19:49:00"}""", "record holds a number that is not finite")]
    [InlineData("""{"symbol":"AMZN","close":10,"x":[1e999],"timestamp":"2024-07-11 19:49:00"}""", "record holds a number that is not finite")]
    [InlineData("""{"symbol":"AMZN","close":10,"timestamp":"11/07/2024 19:49"}""", "field 'timestamp' is not 'yyyy-MM-dd HH:mm:ss' or ISO 8601")]
    [InlineData("""{"symbol":"AMZN","close":10,"timestamp":"2024-02-30 19:49:00"}""", "field 'timestamp' is not 'yyyy-MM-dd HH:mm:ss' or ISO 8601")]
    [InlineData("""{"symbol":"AMZN","close":10,"timestamp":1720727340}""", "field 'timestamp' must be a string")]
    [InlineData("""{"symbol":"AMZN","symbol":"MSFT","close":10,"timestamp":"2024-07-11 19:49:00"}""", "duplicate field 'symbol'")]
    public void MalformedRecord_GoesToTheDeadLetterTopicWithAClearReason(string raw, string reason)
    {
        var record = Single(raw);

        Assert.True(record.IsDeadLetter);
        Assert.Equal(reason, record.DeadLetterReason);
        Assert.Equal("bars-1m.dlq", record.Topic);
        Assert.Equal(Encoding.UTF8.GetBytes(raw), record.Value);
        Assert.Equal(reason, record.Header(EnrichmentBatch.ReasonHeader));
        Assert.Equal(Topic, record.Header(EnrichmentBatch.SourceTopicHeader));
        Assert.Equal("0", record.Header(EnrichmentBatch.SourcePartitionHeader));
        Assert.Equal("0", record.Header(EnrichmentBatch.SourceOffsetHeader));
    }

    [Fact]
    public void MalformedRecord_InTheMiddleOfABatch_DoesNotStopOrReorderTheOthers()
    {
        var output = Enrich(
            Bar("AMZN", 100, "2024-07-11 19:49:00"),
            "{oops",
            Bar("AMZN", 110, "2024-07-12 19:49:00"));

        Assert.Equal(["bars-1m.enriched", "bars-1m.dlq", "bars-1m.enriched"], output.Select(r => r.Topic));
        Assert.Equal([0L, 1L, 2L], output.Select(r => r.Source.Offset));
        Assert.Equal(10.0, output[2].Change()!.Value, precision: 10);
        Assert.Equal("1", output[1].Header(EnrichmentBatch.SourceOffsetHeader));
    }

    [Fact]
    public void MalformedRecord_DoesNotMoveTheReference()
    {
        var (output, changed) = Enrich(new EnrichmentOptions(), [ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), 100)],
            """{"symbol":"AMZN","close":-5,"timestamp":"2024-07-12 19:49:00"}""");

        Assert.True(Assert.Single(output).IsDeadLetter);
        Assert.Empty(changed);
    }

    [Fact]
    public void RejectedBeforeParsing_KeepsTheRawBytesAndReason()
    {
        var batch = new EnrichmentBatch(new EnrichmentOptions());
        batch.AddRejected(new SourcePosition("bars", 3, 99), "K"u8.ToArray(), "@@@"u8.ToArray(), null, "record value is not base64");
        var output = new List<OutgoingRecord>();

        batch.Complete([], output);

        var record = Assert.Single(output);
        Assert.Equal("bars.dlq", record.Topic);
        Assert.Equal("@@@"u8.ToArray(), record.Value);
        Assert.Equal("K"u8.ToArray(), record.Key);
        Assert.Equal("3", record.Header(EnrichmentBatch.SourcePartitionHeader));
        Assert.Equal("99", record.Header(EnrichmentBatch.SourceOffsetHeader));
    }
}
