using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Onboarding.Core.Enrichment;
using static Onboarding.Core.Tests.Enrichment.EnrichmentTestKit;

namespace Onboarding.Core.Tests.Enrichment;

public sealed class EnrichmentProperties
{
    private static readonly HashSet<string> Reserved = ["symbol", "close", "price", "timestamp", "open", "high", "low", "%change", "indicator"];

    [Property(MaxTest = 500)]
    public bool Indicator_AgreesWithTheEmittedChange_ForAnyThreshold(PositiveInt closeCents, PositiveInt previousCents, PositiveInt thresholdHundredths)
    {
        var threshold = thresholdHundredths.Get / 100.0;
        var options = new EnrichmentOptions { DefaultThresholdPercent = threshold };
        var record = Assert.Single(Enrich(options, [ReferencePrice.Seed("AMZN", new DateOnly(2024, 7, 10), previousCents.Get / 100.0)],
            Bar("AMZN", closeCents.Get / 100.0, "2024-07-11 14:00:00")).Output);

        var change = record.Change()!.Value;
        var expected = change >= threshold ? "Bullish" : change <= -threshold ? "Bearish" : "Neutral";
        return record.Indicator() == expected;
    }

    /// <summary>open/high/low are checked without parsing when they can be: the verdict must be the parser's.</summary>
    [Property(MaxTest = 1000)]
    public bool PriceFieldCheck_WithoutParsing_AgreesWithTheParsedValue(double value, bool exponentForm)
    {
        var text = value.ToString(exponentForm ? "E6" : "R", CultureInfo.InvariantCulture);
        if (!double.IsFinite(value))
        {
            return true;
        }

        var record = Assert.Single(Enrich($$"""{"symbol":"AMZN","high":{{text}},"close":10,"timestamp":"2024-07-11 19:49:00"}"""));
        var parsed = double.Parse(text, CultureInfo.InvariantCulture);
        return record.IsDeadLetter == !(parsed > 0)
            && (!record.IsDeadLetter || record.DeadLetterReason!.StartsWith("field 'high' must be greater than zero", StringComparison.Ordinal));
    }

    [Property(MaxTest = 300)]
    public Property InputFields_AllSurviveInOrderWithUnchangedValues()
    {
        var name = ArbMap.Default.GeneratorFor<NonEmptyString>().Select(s => s.Get).Where(s => !Reserved.Contains(s));
        var value = Gen.OneOf(
            ArbMap.Default.GeneratorFor<int>().Select(i => (object)i),
            ArbMap.Default.GeneratorFor<NormalFloat>().Select(f => (object)f.Get),
            ArbMap.Default.GeneratorFor<string>().Where(s => s is not null).Select(s => (object)s),
            ArbMap.Default.GeneratorFor<bool>().Select(b => (object)b),
            Gen.Constant((object)null!));
        var fields = Gen.Zip(name, value).ListOf().Select(list => list.DistinctBy(f => f.Item1).ToList());
        var position = ArbMap.Default.GeneratorFor<NonNegativeInt>().Select(n => n.Get);

        return Prop.ForAll(Gen.Zip(fields, position).ToArbitrary(), input =>
        {
            var (extra, at) = input;
            var all = extra.Select(f => (Name: f.Item1, Value: (object?)f.Item2)).ToList();
            all.Insert(Math.Min(at, all.Count), ("symbol", (object?)"AMZN"));
            all.Insert(Math.Min(at / 2, all.Count), ("close", (object?)194.64));
            all.Add(("timestamp", (object?)"2024-07-11 19:49:00"));
            var raw = Write(all);

            var record = Assert.Single(Enrich(Encoding.UTF8.GetString(raw)));
            Assert.False(record.IsDeadLetter, record.DeadLetterReason);

            using var inputDoc = JsonDocument.Parse(raw);
            using var outputDoc = JsonDocument.Parse(record.Value);
            var expected = inputDoc.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText())).ToList();
            var actual = outputDoc.RootElement.EnumerateObject().Select(p => (p.Name, p.Value.GetRawText())).ToList();
            Assert.Equal(expected, actual.Take(actual.Count - 2));
            Assert.Equal(["%change", "indicator"], actual.Skip(actual.Count - 2).Select(p => p.Name));
        });
    }

    private static byte[] Write(List<(string Name, object? Value)> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (fieldName, fieldValue) in fields)
            {
                writer.WritePropertyName(fieldName);
                switch (fieldValue)
                {
                    case null: writer.WriteNullValue(); break;
                    case int i: writer.WriteNumberValue(i); break;
                    case double d: writer.WriteRawValue(d.ToString("R", CultureInfo.InvariantCulture)); break;
                    case bool b: writer.WriteBooleanValue(b); break;
                    case string s: writer.WriteStringValue(s); break;
                    default: throw new InvalidOperationException();
                }
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
