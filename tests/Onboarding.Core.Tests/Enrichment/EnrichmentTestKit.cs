using System.Text;
using System.Text.Json;
using Onboarding.Core.Enrichment;

namespace Onboarding.Core.Tests.Enrichment;

/// <summary>Runs raw values through an <see cref="EnrichmentBatch"/> the way the handler does, without I/O.</summary>
internal static class EnrichmentTestKit
{
    public const string Topic = "bars-1m";

    public static string Bar(string symbol, double close, string timestamp) =>
        $$"""{"symbol":"{{symbol}}","open":{{close}},"high":{{close}},"low":{{close}},"close":{{close}},"volume":10.0,"timestamp":"{{timestamp}}"}""";

    public static List<OutgoingRecord> Enrich(params string[] values) => Enrich(new EnrichmentOptions(), [], values).Output;

    public static (List<OutgoingRecord> Output, IReadOnlyList<ReferencePrice> Changed) Enrich(
        EnrichmentOptions options, IEnumerable<ReferencePrice> references, params string[] values)
    {
        var batch = new EnrichmentBatch(options);
        for (var i = 0; i < values.Length; i++)
        {
            batch.Add(new SourcePosition(Topic, 0, i), null, Encoding.UTF8.GetBytes(values[i]), null);
        }

        var output = new List<OutgoingRecord>();
        batch.Complete(references, output);
        return (output, batch.ChangedReferences());
    }

    public static OutgoingRecord Single(string value) => Assert.Single(Enrich(value));

    public static string Text(this OutgoingRecord record) => Encoding.UTF8.GetString(record.Value);

    public static double? Change(this OutgoingRecord record)
    {
        using var document = JsonDocument.Parse(record.Value);
        var change = document.RootElement.GetProperty("%change");
        return change.ValueKind == JsonValueKind.Null ? null : change.GetDouble();
    }

    public static string Indicator(this OutgoingRecord record)
    {
        using var document = JsonDocument.Parse(record.Value);
        return document.RootElement.GetProperty("indicator").GetString()!;
    }

    public static string? Header(this OutgoingRecord record, string name) =>
        record.Headers?.Where(h => h.Name == name).Select(h => Encoding.UTF8.GetString(h.Value)).LastOrDefault();
}
