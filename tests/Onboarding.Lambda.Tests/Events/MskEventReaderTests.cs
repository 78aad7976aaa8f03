using System.Text;
using System.Text.Json;
using Onboarding.Lambda.Events;
using Onboarding.Lambda.Tests.Support;

namespace Onboarding.Lambda.Tests.Events;

public sealed class MskEventReaderTests
{
    private sealed record Read(string Topic, int Partition, long Offset, long Timestamp, string? Key, string? Value, string Headers);

    [Theory]
    [InlineData("msk-bars.json")]
    [InlineData("msk-trades.json")]
    public void SampleEvents_ReadRecordByRecord_MatchTheDeserializedEvent(string file)
    {
        var payload = Encoding.UTF8.GetBytes(SampleEvents.Read(file));
        var expected = JsonSerializer.Deserialize(payload, MskEventJsonContext.Default.MskEvent)!
            .Records.Values.SelectMany(r => r)
            .Select(r => new Read(r.Topic, r.Partition, r.Offset, r.Timestamp, r.Key, r.Value,
                string.Join(";", (r.Headers ?? []).SelectMany(h => h).Select(h => h.Key + "=" + Convert.ToHexString(MskRecord.HeaderBytes(h.Value))))))
            .ToList();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, ReadAll(payload));
    }

    [Fact]
    public void EscapedBase64_AsSystemTextJsonWritesPlusSigns_IsResolved()
    {
        // 0xFB 0xEF 0xFF encodes as "++//": the default encoder writes '+' as \u002B.
        var value = Convert.ToBase64String([0xFB, 0xEF, 0xFF, 0x01]);
        var mskEvent = new MskEvent { Records = { ["t-0"] = [new MskRecord { Topic = "t", Partition = 0, Offset = 3, Key = value, Value = value }] } };
        var payload = JsonSerializer.SerializeToUtf8Bytes(mskEvent, MskEventJsonContext.Default.MskEvent);
        Assert.Contains("\\u002B", Encoding.UTF8.GetString(payload), StringComparison.Ordinal);

        var read = Assert.Single(ReadAll(payload));

        Assert.Equal(value, read.Value);
        Assert.Equal(value, read.Key);
    }

    [Fact]
    public void FieldsOutsideTheShape_AreSkipped_AndATombstoneHasNoValue()
    {
        var payload = """
            {"records":{"t-1":[{"extra":{"nested":[1,2]},"offset":9,"value":null,"partition":1,"topic":"t","headers":null}],"t-2":[]},
             "eventSource":"aws:kafka","later":[{"x":1}]}
            """u8.ToArray();

        var read = Assert.Single(ReadAll(payload));

        Assert.Equal(new Read("t", 1, 9, 0, null, null, ""), read);
    }

    [Fact]
    public void EscapedPropertyNames_AreRecognised()
    {
        var payload = """{"records":{"t-0":[{"\u0074opic":"t","partition":0,"\u006Fffset":4,"valu\u0065":"QQ=="}]}}"""u8.ToArray();

        var read = Assert.Single(ReadAll(payload));

        Assert.Equal(new Read("t", 0, 4, 0, null, "QQ==", ""), read);
    }

    [Theory]
    [InlineData("""{"eventSource":"aws:kafka"}""")]
    [InlineData("""{"records":{}}""")]
    [InlineData("""{"records":null}""")]
    public void AnEventWithoutRecords_ReadsNothing(string json) =>
        Assert.Empty(ReadAll(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"records":[]}""", "'records' must be an object")]
    [InlineData("""{"records":{"t-0":{}}}""", "must be an array of records")]
    [InlineData("""{"records":{"t-0":[1]}}""", "each record must be an object")]
    [InlineData("""{"records":{"t-0":[{"topic":"t","partition":0}]}}""", "lacks 'topic', 'partition' or 'offset'")]
    [InlineData("""{"records":{"t-0":[{"topic":"t","partition":-1,"offset":0}]}}""", "'partition' must be a non-negative integer")]
    [InlineData("""{"records":{"t-0":[{"topic":"t","partition":0,"offset":"7"}]}}""", "'offset' must be a non-negative integer")]
    [InlineData("""{"records":{"t-0":[{"topic":"","partition":0,"offset":1}]}}""", "'topic' is empty")]
    [InlineData("""{"records":{"t-0":[{"topic":"t","partition":0,"offset":1,"value":5}]}}""", "'value' must be a base64 string")]
    [InlineData("""{"records":{"t-0":[{"topic":"t","partition":0,"offset":1,"headers":[{"h":[300]}]}]}}""", "not a byte (-128..255)")]
    [InlineData("""{"records":{"t-0":[{"topic":"t","partition":0,"offset":1}""", "not valid JSON")]
    [InlineData("""{"records":{}} {}""", "not valid JSON")]
    [InlineData("""{"records":{"t-0":[{"topic":"t",,}]}}""", "not valid JSON")]
    public void AMalformedPayload_IsRejectedSayingWhatIsWrong(string json, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ReadAll(Encoding.UTF8.GetBytes(json)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CompactPayloads_TakeTheFastPath_AndReadTheSameRecords()
    {
        var mskEvent = new MskEvent
        {
            EventSource = MskEvent.Source,
            EventSourceArn = "arn:aws:kafka:us-east-1:123456789012:cluster/x/y",
            Records =
            {
                ["bars-0"] = [new MskRecord { Topic = "bars", Partition = 0, Offset = 7, Timestamp = 1720727340000, TimestampType = "CREATE_TIME", Key = "QU1aTg==", Value = "eyJhIjoxfQ==" }],
                ["trades-3"] = [new MskRecord { Topic = "trades", Partition = 3, Offset = 0, Timestamp = 5, Value = "eA==" }, new MskRecord { Topic = "trades", Partition = 3, Offset = 1 }],
            },
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(mskEvent, MskEventJsonContext.Default.MskEvent);

        Assert.True(new CompactMskEvent().TryIndex(payload));
        Assert.Equal(ReadAll(payload), ReadAll(payload, new CompactMskEvent()));
    }

    /// <summary>
    /// Payloads around the mapping's shape, valid and not: the fast path either declines or reads exactly the records
    /// the full pass reads (and a payload the full pass rejects is never accepted).
    /// </summary>
    [Fact]
    public void FastPath_OnVariedPayloads_DeclinesOrAgreesWithTheFullPass()
    {
        string[] values = ["\"t\"", "\"\"", "0", "7", "-1", "01", "1.5", "1e2", "null", "true", "\"QQ==\"", "\"Q\\u0051==\"", "[]", "[{\"h\":[1]}]", "{}", "\"é\"",
            // Longer than the fast path's byte loop (16): the rest is searched, and must be as strict.
            "\"eyJhIjoxLCJiIjoyfQ==\"", "\"eyJhIjoxLCJiIjoy\\u0066Q==\"", "\"eyJhIjoxLCJiIjoyfQ\t=\"", "\"eyJhIjoxLCJiIjoyfQ=é\"", "\"eyJhIjoxLCJiIjoyfQ=="];
        string[] names = ["topic", "partition", "offset", "timestamp", "timestampType", "key", "value", "headers", "extra"];
        var random = new Random(20261123);
        var accepted = 0;
        for (var i = 0; i < 20_000; i++)
        {
            // The mapping's own field order (the canonical fast path), changed in up to two places.
            var fields = new List<string> { "\"topic\":\"bars\"", "\"partition\":0", "\"offset\":12", "\"timestamp\":1720727340000", "\"timestampType\":\"CREATE_TIME\"", "\"key\":\"QU1aTg==\"", "\"value\":\"eyJhIjoxfQ==\"" };
            if (random.Next(4) == 0)
            {
                fields.Add("\"headers\":[]");
            }

            for (var change = random.Next(3); change > 0; change--)
            {
                var field = $"\"{names[random.Next(names.Length)]}\":{values[random.Next(values.Length)]}";
                if (random.Next(2) == 0 && fields.Count > 0)
                {
                    fields[random.Next(fields.Count)] = field;
                }
                else
                {
                    fields.Insert(random.Next(fields.Count + 1), field);
                }
            }

            var separator = random.Next(10) == 0 ? ", " : ",";
            var envelope = random.Next(10) switch
            {
                0 => "{\"records\":{\"bars-0\":[" + "{" + string.Join(separator, fields) + "}" + "]},\"records\":{\"x-1\":[{\"topic\":\"x\",\"partition\":1,\"offset\":1}]}}",
                1 => "{\"eventSource\":\"aws:kafka\",\"records\":{\"bars-0\":[]}}",
                2 => "{\"records\":{\"bars-0\":[" + "{" + string.Join(separator, fields) + "}" + "]}} ",
                3 => "{\"records\":{\"bars-0\":[" + "{" + string.Join(separator, fields) + "}" + "]}}x",
                _ => "{\"eventSource\":\"aws:kafka\",\"records\":{\"bars-0\":[" + "{" + string.Join(separator, fields) + "}," + "{" + string.Join(",", fields) + "}" + "]}}",
            };
            var payload = Encoding.UTF8.GetBytes(envelope);
            if (!new CompactMskEvent().TryIndex(payload))
            {
                continue;
            }

            accepted++;
            Assert.Equal(ReadAll(payload), ReadAll(payload, new CompactMskEvent()));
        }

        Assert.InRange(accepted, 1_000, 19_000);
    }

    private static List<Read> ReadAll(byte[] payload, CompactMskEvent? compact = null)
    {
        var result = new List<Read>();
        var reader = new MskEventReader(payload, compact);
        while (reader.Read(out var record))
        {
            result.Add(new Read(
                record.Topic,
                record.Partition,
                record.Offset,
                record.Timestamp,
                record.HasKey ? Encoding.ASCII.GetString(record.Key) : null,
                record.HasValue ? Encoding.ASCII.GetString(record.Value) : null,
                string.Join(";", (record.Headers ?? []).Select(h => h.Key + "=" + Convert.ToHexString(h.Value)))));
        }

        return result;
    }
}
