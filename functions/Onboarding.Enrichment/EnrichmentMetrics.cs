using System.Text.Json;

namespace Onboarding.Enrichment;

/// <summary>One CloudWatch Embedded Metric Format line per invocation.</summary>
public static class EnrichmentMetrics
{
    public const string Namespace = "Onboarding/Enrichment";

    public static void Write(TextWriter writer, EnrichmentResult result, double elapsedMs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            json.WriteStringValue("Function");
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var (name, unit) in new[] { ("Records", "Count"), ("Enriched", "Count"), ("DeadLettered", "Count"), ("StaleReferences", "Count"), ("BatchDuration", "Milliseconds") })
            {
                json.WriteStartObject();
                json.WriteString("Name", name);
                json.WriteString("Unit", unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteString("Function", "enrichment");
            json.WriteNumber("Records", result.Records);
            json.WriteNumber("Enriched", result.Enriched);
            json.WriteNumber("DeadLettered", result.DeadLettered);
            json.WriteNumber("StaleReferences", result.StaleReferences);
            json.WriteNumber("BatchDuration", elapsedMs);
            json.WriteEndObject();
        }

        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
