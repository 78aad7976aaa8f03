using System.Globalization;

namespace Onboarding.Core.Enrichment;

/// <summary>
/// How records are enriched and where they go. Templates take <c>{topic}</c> (the raw topic) and
/// <c>{symbol}</c>; thresholds are percentages, per raw topic (feed) with a default.
/// </summary>
public sealed record EnrichmentOptions
{
    public const string DefaultEnrichedTopicTemplate = "{topic}.enriched";
    public const string DefaultDeadLetterTopicTemplate = "{topic}.dlq";

    public string EnrichedTopicTemplate { get; init; } = DefaultEnrichedTopicTemplate;

    public string DeadLetterTopicTemplate { get; init; } = DefaultDeadLetterTopicTemplate;

    public double DefaultThresholdPercent { get; init; } = EnrichmentRule.DefaultThresholdPercent;

    public IReadOnlyDictionary<string, double> ThresholdPercentByTopic { get; init; } = new Dictionary<string, double>();

    public double ThresholdFor(string topic) =>
        ThresholdPercentByTopic.TryGetValue(topic, out var threshold) ? threshold : DefaultThresholdPercent;

    /// <summary>Checks the options and says exactly what is wrong.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!EnrichedTopicTemplate.Contains("{topic}", StringComparison.Ordinal) && !EnrichedTopicTemplate.Contains("{symbol}", StringComparison.Ordinal))
        {
            errors.Add($"enriched topic template '{EnrichedTopicTemplate}' must contain {{topic}} or {{symbol}}");
        }

        if (!DeadLetterTopicTemplate.Contains("{topic}", StringComparison.Ordinal) || DeadLetterTopicTemplate.Contains("{symbol}", StringComparison.Ordinal))
        {
            errors.Add($"dead-letter topic template '{DeadLetterTopicTemplate}' must contain {{topic}} and not {{symbol}} (unparseable records have no symbol)");
        }

        if (!EnrichmentRule.IsValidThreshold(DefaultThresholdPercent))
        {
            errors.Add($"threshold {DefaultThresholdPercent.ToString(CultureInfo.InvariantCulture)} must be a finite number above 0");
        }

        errors.AddRange(ThresholdPercentByTopic
            .Where(t => !EnrichmentRule.IsValidThreshold(t.Value))
            .Select(t => $"threshold {t.Value.ToString(CultureInfo.InvariantCulture)} for topic '{t.Key}' must be a finite number above 0"));
        return errors;
    }

    /// <summary>Parses <c>topic=percent</c> pairs separated by commas or semicolons, e.g. <c>bars=5,trades=2.5</c>.</summary>
    public static IReadOnlyDictionary<string, double> ParseThresholds(string? text)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text))
        {
            return result;
        }

        foreach (var pair in text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold))
            {
                throw new FormatException($"'{pair}' is not 'topic=percent' (for example 'bars=5,trades=2.5').");
            }

            result[parts[0]] = threshold;
        }

        return result;
    }
}

/// <summary>Maps a raw topic (and symbol) to its enriched and dead-letter topics, caching every name it builds.</summary>
public sealed class TopicRouter(EnrichmentOptions options)
{
    private readonly Dictionary<(string Topic, string Symbol), string?> enriched = [];
    private readonly Dictionary<string, string> deadLetter = new(StringComparer.Ordinal);
    private readonly bool perSymbol = options.EnrichedTopicTemplate.Contains("{symbol}", StringComparison.Ordinal);
    private string? lastTopic;
    private string? lastName;

    /// <summary>The enriched topic, or null when the symbol cannot form a valid Kafka topic name.</summary>
    public string? EnrichedTopic(string topic, string symbol)
    {
        if (!perSymbol)
        {
            // Consecutive records share their topic: skip the dictionary.
            if (!string.Equals(topic, lastTopic, StringComparison.Ordinal))
            {
                lastName = Lookup(topic, symbol);
                lastTopic = topic;
            }

            return lastName;
        }

        return Lookup(topic, symbol);
    }

    private string? Lookup(string topic, string symbol)
    {
        var key = (topic, perSymbol ? symbol : string.Empty);
        if (!enriched.TryGetValue(key, out var name))
        {
            var candidate = options.EnrichedTopicTemplate.Replace("{topic}", topic, StringComparison.Ordinal)
                .Replace("{symbol}", symbol, StringComparison.Ordinal);
            name = IsValidTopicName(candidate) ? candidate : null;
            if (enriched.Count > 100_000)
            {
                enriched.Clear();
            }

            enriched[key] = name;
        }

        return name;
    }

    public string DeadLetterTopic(string topic)
    {
        if (!deadLetter.TryGetValue(topic, out var name))
        {
            name = options.DeadLetterTopicTemplate.Replace("{topic}", topic, StringComparison.Ordinal);
            deadLetter[topic] = name;
        }

        return name;
    }

    /// <summary>Kafka's rule: 1 to 249 characters of ASCII letters, digits, '.', '_' and '-', and not '.' or '..'.</summary>
    public static bool IsValidTopicName(string name) =>
        name.Length is > 0 and <= 249 && name is not ("." or "..")
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
