using System.Text.Json;
using Onboarding.Core.Subscribers;

namespace Onboarding.Core.Feeds;

/// <summary>Which feed topics each Marketplace dimension (tier) gives access to. Bound from configuration.</summary>
public sealed class FeedCatalogOptions
{
    public const string SectionName = "Feeds";

    /// <summary>
    /// The whole map in one environment variable (set by template.yaml from the FeedTopicsByDimension parameter):
    /// a JSON object <c>{"basic":["quotes.us"],"pro":["quotes.us","trades.us"]}</c>, or the compact form
    /// <c>basic=quotes.us;pro=quotes.us,trades.us</c>.
    /// </summary>
    public const string EnvironmentVariable = "FEED_TOPICS_BY_DIMENSION";

    /// <summary>Dimension → topics, e.g. <c>Feeds:Dimensions:pro:0 = quotes.us</c>.</summary>
    public Dictionary<string, string[]> Dimensions { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>The topics a customer's entitlements give access to.</summary>
/// <param name="Topics">Distinct topics in ordinal order; empty when nothing is active.</param>
/// <param name="UnknownDimensions">Active dimensions the catalogue does not know (a listing/config mismatch worth an alarm).</param>
public sealed record FeedSelection(IReadOnlyList<string> Topics, IReadOnlyList<string> UnknownDimensions)
{
    public bool GrantsAccess => Topics.Count > 0;
}

/// <summary>Maps entitlement dimensions to sets of Kafka topics. Pure; validated when built.</summary>
public sealed class FeedCatalog
{
    private const int MaxTopicLength = 249;
    private readonly Dictionary<string, string[]> dimensions;

    public FeedCatalog(IReadOnlyDictionary<string, string[]> dimensions)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        if (dimensions.Count == 0)
        {
            throw new ArgumentException("The feed catalogue is empty: configure at least one dimension with its topics.", nameof(dimensions));
        }

        this.dimensions = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (dimension, topics) in dimensions)
        {
            if (string.IsNullOrWhiteSpace(dimension) || dimension.Trim() != dimension)
            {
                throw new ArgumentException($"Feed dimension '{dimension}' is empty or has surrounding spaces.", nameof(dimensions));
            }

            if (topics is null || topics.Length == 0)
            {
                throw new ArgumentException($"Feed dimension '{dimension}' has no topics.", nameof(dimensions));
            }

            foreach (var topic in topics)
            {
                if (!IsValidTopic(topic))
                {
                    throw new ArgumentException($"Feed dimension '{dimension}' names an invalid Kafka topic '{topic}' (1-249 of a-z A-Z 0-9 . _ -, no wildcards).", nameof(dimensions));
                }
            }

            this.dimensions[dimension] = topics.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }
    }

    public IReadOnlyCollection<string> Dimensions => dimensions.Keys;

    /// <summary>Every topic of every dimension: what a SaaS subscription (not tiered by contract) gives access to.</summary>
    public IReadOnlyList<string> AllTopics => [.. dimensions.Values.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    public static FeedCatalog FromOptions(FeedCatalogOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new FeedCatalog(options.Dimensions);
    }

    /// <summary>
    /// Parses the <see cref="FeedCatalogOptions.EnvironmentVariable"/> value: a JSON object of dimension → topic array,
    /// or <c>dim=topic,topic;dim2=topic</c>.
    /// </summary>
    public static FeedCatalog Parse(string specification)
    {
        if (string.IsNullOrWhiteSpace(specification))
        {
            throw new ArgumentException($"{FeedCatalogOptions.EnvironmentVariable} is empty; expected e.g. {{\"basic\":[\"quotes.us\"]}} or basic=quotes.us;pro=quotes.us,trades.us.", nameof(specification));
        }

        if (specification.TrimStart().StartsWith('{'))
        {
            return ParseJson(specification);
        }

        var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var entry in specification.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"Feed entry '{entry}' must look like dimension=topic1,topic2.", nameof(specification));
            }

            var dimension = entry[..equals].Trim();
            if (map.ContainsKey(dimension))
            {
                throw new ArgumentException($"Feed dimension '{dimension}' appears twice.", nameof(specification));
            }

            map[dimension] = entry[(equals + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return new FeedCatalog(map);
    }

    private static FeedCatalog ParseJson(string json)
    {
        var map = new Dictionary<string, string[]>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(json);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.Array)
                {
                    throw new ArgumentException($"Feed dimension '{property.Name}' must map to an array of topic names.", nameof(json));
                }

                if (!map.TryAdd(property.Name, [.. property.Value.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty)]))
                {
                    throw new ArgumentException($"Feed dimension '{property.Name}' appears twice.", nameof(json));
                }
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"{FeedCatalogOptions.EnvironmentVariable} is not valid JSON: {ex.Message}", nameof(json), ex);
        }

        return new FeedCatalog(map);
    }

    public IReadOnlyList<string> TopicsOf(string dimension) =>
        dimensions.TryGetValue(dimension, out var topics) ? topics : [];

    /// <summary>The union of topics of every entitlement active at <paramref name="now"/>.</summary>
    public FeedSelection Select(IEnumerable<Entitlement> entitlements, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entitlements);
        var topics = new SortedSet<string>(StringComparer.Ordinal);
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var entitlement in entitlements)
        {
            if (!entitlement.IsActiveAt(now))
            {
                continue;
            }

            if (dimensions.TryGetValue(entitlement.Dimension, out var dimensionTopics))
            {
                topics.UnionWith(dimensionTopics);
            }
            else
            {
                unknown.Add(entitlement.Dimension);
            }
        }

        return new FeedSelection([.. topics], [.. unknown]);
    }

    public static bool IsValidTopic(string? topic) =>
        topic is { Length: > 0 and <= MaxTopicLength }
        && topic is not ("." or "..")
        && topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
