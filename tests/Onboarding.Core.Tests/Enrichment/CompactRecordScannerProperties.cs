using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Enrichment;

namespace Onboarding.Core.Tests.Enrichment;

/// <summary>The fast path may only decline or agree with the full parser: same point, same body.</summary>
public sealed class CompactRecordScannerProperties
{
    private static readonly string[] Names =
        ["symbol", "open", "high", "low", "close", "price", "volume", "size", "timestamp", "%change", "indicator", "venue", "",
         "\\u0073ymbol", "clos\\u0065", "sym\"bol", "prïce", "n",
         // Longer than the fast path's byte loop (16): the rest is searched, and must be as strict.
         "a_field_name_longer_than_16", "a_field_name_lon\\u0067er", "a_field_name_lon\tger", "a_field_name_longér"];

    private static readonly string[] Values =
        ["\"AMZN\"", "\"MSFT\"", "\"  \"", "\"\"", "\"A\\u004dZN\"", "\"é\"", "\"a\tb\"", "\"x\\\"y\"",
         "\"2024-07-11 19:49:00\"", "\"2024-07-11T19:49:00.123Z\"", "\"2024-02-30 10:00:00\"", "\"2024-07-11 19:49:00+02:00\"",
         "\"2024-07-11 01:00:00+02:00\"", "\"2024-07-11 23:30:00-01:00\"", "\"2024-07-11 19:49\\u003a00\"", "\"2024-07-11 19:49:00\t\"", "\"2024-07-11 19:49:00é\"", "\"2024-07-11 19:49:00",
         "194.64", "0", "-0", "-0.0", "0.000", "-1", "1", "01", "1.", ".5", "-", "1e3", "1E-400", "2e999", "1.50e2", "12345678901234567890",
         "0.1", "100", "-194.6", "true", "false", "null", "nul", "{}", "[]", "{\"a\":1}", "[1,2]", "\"\\/\""];

    private static readonly string[] Separators = [",", ",", ",", ", ", " ,", ",\n"];

    [Property(MaxTest = 5000)]
    public Property FastPath_WhenItAccepts_AgreesWithTheFullParser()
    {
        // A provider's bar or trade with its fields in any order, then up to three changes: a field's value replaced,
        // a field added, a separator changed, something after the object. Most records stay valid, so the changes
        // that matter land next to otherwise complete records.
        var bar = new[]
        {
            ("symbol", "\"AMZN\""), ("open", "194.58"), ("high", "194.64"), ("low", "194.5"), ("close", "194.64"), ("volume", "255.0"),
            ("timestamp", "\"2024-07-11 19:49:00\""),
        };
        var trade = new[] { ("symbol", "\"MSFT\""), ("price", "410.2"), ("size", "100"), ("timestamp", "\"2024-07-11T19:49:00.123Z\"") };
        var change = Gen.Zip(Gen.Zip(Gen.Choose(0, 3), Gen.Choose(0, 20)), Gen.Zip(Gen.Elements(Names), Gen.Zip(Gen.Elements(Values), Gen.Elements(Separators))));
        var record = Gen.Zip(Gen.Zip(Gen.Elements(bar, trade).SelectMany(Gen.Shuffle), change.ListOf()), Gen.Elements("", "", "", "", " ", "x", "}"))
            .Select(input =>
            {
                var ((start, changes), after) = input;
                var fields = start.Select(f => (Name: f.Item1, Value: f.Item2, Separator: ",")).ToList();
                foreach (var ((kind, where), (name, (value, separator))) in changes.Take(3))
                {
                    var at = where % (fields.Count + 1);
                    switch (kind)
                    {
                        case 0 when at < fields.Count:
                            fields[at] = fields[at] with { Value = value };
                            break;
                        case 1:
                            fields.Insert(at, (name, value, ","));
                            break;
                        case 2 when at < fields.Count:
                            fields[at] = fields[at] with { Separator = separator };
                            break;
                        default:
                            fields.Insert(at, (fields.Count > 0 ? fields[0].Name : name, value, ","));
                            break;
                    }
                }

                var text = new StringBuilder("{");
                for (var i = 0; i < fields.Count; i++)
                {
                    text.Append(i == 0 ? "" : fields[i - 1].Separator).Append('"').Append(fields[i].Name).Append("\":").Append(fields[i].Value);
                }

                return text.Append('}').Append(after).ToString();
            });

        // One cache for every record, as a batch has: interned symbols and the remembered trading date must never
        // leak from one record into the next.
        var cache = new ScanCache();
        return Prop.ForAll(record.ToArbitrary(), json =>
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            if (!CompactRecordScanner.TryScan(bytes, cache, out var fast))
            {
                return;
            }

            var body = new GrowableBuffer();
            var error = PriceRecordParser.Parse(bytes, new ScanCache(), body, out var full);
            Assert.True(error is null, $"the fast path accepted {json} but the full parser says: {error}");
            Assert.Equal(full, fast);
            Assert.Equal(Encoding.UTF8.GetString(body.Slice(0, body.Length)), json[..^1]);
        });
    }

    [Property(MaxTest = 3000)]
    public bool FastPath_ReadsACloseAsTheSameDoubleAsTheRuntime(NonNegativeInt seed, byte digitCount, byte fractionDigits)
    {
        var count = 1 + digitCount % 18;
        var random = new Random(seed.Get);
        var digits = new string([.. Enumerable.Range(0, count).Select(i => (char)('0' + (i == 0 ? random.Next(1, 10) : random.Next(10))))]);
        var fraction = fractionDigits % count;
        var text = fraction == 0 ? digits : $"{digits[..(count - fraction)]}.{digits[(count - fraction)..]}";
        var json = $$"""{"symbol":"AMZN","close":{{text}},"timestamp":"2024-07-11 19:49:00"}""";

        return CompactRecordScanner.TryScan(Encoding.UTF8.GetBytes(json), new ScanCache(), out var point)
            && point.Close.Equals(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void RememberedTradingDate_FollowsTheTimestampText()
    {
        var cache = new ScanCache();
        string[] timestamps = ["2024-07-11 23:30:00-01:00", "2024-07-11 23:30:00", "2024-07-11 23:30:00-01:00", "2024-07-11 23:30:00", "2024-07-1x 23:30:00", "2024-07-11 23:30:00"];
        DateOnly?[] expected = [new(2024, 7, 12), new(2024, 7, 11), new(2024, 7, 12), new(2024, 7, 11), null, new(2024, 7, 11)];
        for (var i = 0; i < timestamps.Length; i++)
        {
            var json = $$"""{"symbol":"AMZN","close":10,"timestamp":"{{timestamps[i]}}"}""";
            var accepted = CompactRecordScanner.TryScan(Encoding.UTF8.GetBytes(json), cache, out var point);
            Assert.Equal(expected[i], accepted ? point.TradingDate : null);
        }
    }

    [Theory]
    [InlineData("""{"symbol":"AMZN","open":194.58,"high":194.64,"low":194.58,"close":194.64,"volume":255.0,"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"AMZN","price":194.6,"size":100,"timestamp":"2024-07-11T19:49:00.123Z"}""")]
    [InlineData("""{"venue":"XNAS","symbol":"AMZN","close":10,"flag":true,"note":null,"timestamp":"2024-07-11 19:49:00"}""")]
    public void ProviderRecords_TakeTheFastPath(string json)
    {
        Assert.True(CompactRecordScanner.TryScan(Encoding.UTF8.GetBytes(json), new ScanCache(), out var point));
        Assert.Equal("AMZN", point.Symbol);
    }

    [Theory]
    [InlineData("""{ "symbol":"AMZN","close":10,"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"A\u004dZN","close":10,"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"AMZN","close":1e1,"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"AMZN","close":10,"meta":{},"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"AMZN","close":10,"%change":1,"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"AMZN","close":-1,"timestamp":"2024-07-11 19:49:00"}""")]
    [InlineData("""{"symbol":"AMZN","close":10,"timestamp":"2024-07-11 19:49:00"} """)]
    public void UnusualOrInvalidRecords_AreLeftToTheFullParser(string json) =>
        Assert.False(CompactRecordScanner.TryScan(Encoding.UTF8.GetBytes(json), new ScanCache(), out _));
}
