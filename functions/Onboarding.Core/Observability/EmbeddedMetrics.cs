using System.Text.Json;

namespace Onboarding.Core.Observability;

/// <summary>A CloudWatch metric unit as EMF names it.</summary>
public enum MetricUnit
{
    Count,
    Milliseconds,
    Seconds,
    Bytes,
    None,
}

/// <summary>One metric value for an <see cref="EmbeddedMetrics"/> line.</summary>
public readonly record struct Metric(string Name, double Value, MetricUnit Unit = MetricUnit.Count);

/// <summary>
/// Writes CloudWatch Embedded Metric Format lines: one JSON object per line on stdout, which Lambda ships to
/// CloudWatch Logs and CloudWatch turns into metrics without an API call.
/// </summary>
public sealed class EmbeddedMetrics(TextWriter output, string metricNamespace, TimeProvider time)
{
    public const string DefaultNamespace = "MarketplaceFeed";

    private readonly Lock gate = new();

    public static EmbeddedMetrics ToStdout(string service) =>
        new(Console.Out, DefaultNamespace, TimeProvider.System) { Service = service };

    /// <summary>Added as the <c>Service</c> dimension of every metric.</summary>
    public string Service { get; init; } = "onboarding";

    /// <summary>Writes one EMF line. Extra dimensions (e.g. Dimension=feed_hours) split the metric further.</summary>
    public void Emit(IReadOnlyList<Metric> metrics, IReadOnlyDictionary<string, string>? dimensions = null) =>
        Write(metrics, dimensions, dimensionless: false);

    /// <summary>
    /// Writes one EMF line whose metrics have no dimensions at all (<c>"Dimensions":[[]]</c>): what an alarm on the bare
    /// metric name, without dimensions, watches. The <c>Service</c> value is still in the line for log searches.
    /// </summary>
    public void EmitWithoutDimensions(IReadOnlyList<Metric> metrics) => Write(metrics, null, dimensionless: true);

    private void Write(IReadOnlyList<Metric> metrics, IReadOnlyDictionary<string, string>? dimensions, bool dimensionless)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0)
        {
            return;
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", time.GetUtcNow().ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", metricNamespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            if (!dimensionless)
            {
                json.WriteStringValue("Service");
                foreach (var name in dimensions?.Keys ?? Enumerable.Empty<string>())
                {
                    json.WriteStringValue(name);
                }
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                json.WriteString("Unit", metric.Unit.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();

            json.WriteString("Service", Service);
            foreach (var (name, value) in dimensions ?? new Dictionary<string, string>())
            {
                json.WriteString(name, value);
            }

            foreach (var metric in metrics)
            {
                json.WriteNumber(metric.Name, metric.Value);
            }

            json.WriteEndObject();
        }

        var line = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        lock (gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    public void Emit(string name, double value, MetricUnit unit = MetricUnit.Count) => Emit([new Metric(name, value, unit)]);
}
