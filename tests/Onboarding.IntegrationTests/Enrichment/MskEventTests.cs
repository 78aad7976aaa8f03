using System.Text;
using System.Text.Json;
using Onboarding.Lambda.Events;

namespace Onboarding.IntegrationTests.Enrichment;

public sealed class MskEventTests
{
    [Fact]
    public void SampleBarsEvent_Deserializes_WithRecordsGroupedByTopicPartition()
    {
        var mskEvent = SampleEvents.Load("msk-bars.json");

        Assert.Equal(MskEvent.Source, mskEvent.EventSource);
        Assert.StartsWith("arn:aws:kafka:us-east-1:123456789012:cluster/market-data/", mskEvent.EventSourceArn, StringComparison.Ordinal);
        Assert.Contains("b-1.marketdata", mskEvent.BootstrapServers, StringComparison.Ordinal);
        Assert.Equal(["bars-1m-0", "bars-1m-1"], mskEvent.Records.Keys);
        var first = mskEvent.Records["bars-1m-0"][0];
        Assert.Equal(("bars-1m", 0, 1500L, 1720727340000L, "CREATE_TIME"), (first.Topic, first.Partition, first.Offset, first.Timestamp, first.TimestampType));
        Assert.Equal("AMZN", Encoding.UTF8.GetString(Convert.FromBase64String(first.Key!)));
        Assert.StartsWith("{\"symbol\":\"AMZN\"", Encoding.UTF8.GetString(Convert.FromBase64String(first.Value!)), StringComparison.Ordinal);
        Assert.Equal("provider"u8.ToArray(), MskRecord.HeaderBytes(Assert.Single(first.Headers!)["source"]));
    }

    [Fact]
    public void HeaderValues_AreNumberArraysWithJavasSignedBytes()
    {
        var record = SampleEvents.Load("msk-bars.json").Records["bars-1m-1"][0];

        var values = Assert.Single(record.Headers!)["signed"];

        Assert.Equal([-1, 0, 127, -128], values);
        Assert.Equal(new byte[] { 0xFF, 0x00, 0x7F, 0x80 }, MskRecord.HeaderBytes(values));
        Assert.Equal(values, MskRecord.HeaderValues(MskRecord.HeaderBytes(values)));
    }

    [Fact]
    public void SampleTradesEvent_Deserializes_IncludingARecordWithoutKey()
    {
        var records = SampleEvents.Load("msk-trades.json").Records["trades-0"];

        Assert.Equal([7L, 8L], records.Select(r => r.Offset));
        Assert.Equal("LOG_APPEND_TIME", records[0].TimestampType);
        Assert.Null(records[1].Key);
    }

    [Fact]
    public void Event_SerializedAndReadBack_IsUnchanged()
    {
        var original = File.ReadAllBytes(SampleEvents.Path("msk-bars.json"));
        var mskEvent = JsonSerializer.Deserialize(original, MskEventJsonContext.Default.MskEvent)!;

        var written = JsonSerializer.SerializeToUtf8Bytes(mskEvent, MskEventJsonContext.Default.MskEvent);

        using var expected = JsonDocument.Parse(original);
        using var actual = JsonDocument.Parse(written);
        Assert.True(JsonElement.DeepEquals(expected.RootElement, actual.RootElement));
    }

    [Fact]
    public void HeaderByte_OutsideTheByteRange_IsAFormatError()
    {
        Assert.Throws<FormatException>(() => MskRecord.HeaderBytes([256]));
    }
}
