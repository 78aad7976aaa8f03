using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Api.Onboarding;
using Onboarding.Aws.Metering;
using Onboarding.Core.Enrichment;
using Onboarding.Core.Observability;
using Onboarding.Enrichment;
using Onboarding.IntegrationTests.Enrichment;
using Onboarding.Metering;

namespace Onboarding.IntegrationTests.Template;

/// <summary>
/// The platform engineer's CloudWatch dashboard (FeedDashboard): a body CloudWatch accepts, every MarketplaceFeed query
/// under the exact dimension set the code emits (a query with one dimension too many or too few shows an empty graph,
/// silently), every alarm of the stack on it, and every ${...} naming something the template has.
/// The body is read from the YAML as written: the transforms leave the Fn::Sub alone, but its variables are ours.
/// </summary>
[Trait("Category", "Template")]
public sealed partial class TemplateDashboardTests
{
    private const string DashboardId = "FeedDashboard";

    private static readonly HashSet<string> PseudoParameters =
        ["AWS::AccountId", "AWS::NotificationARNs", "AWS::Partition", "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"];

    private readonly SamTemplate template = SamTemplate.Instance;

    private JsonObject SourceResources => template.Source["Resources"]!.AsObject();

    private JsonObject SourceParameters => template.Source["Parameters"]!.AsObject();

    private string BodyTemplate =>
        Intrinsic.SubTemplate(SourceResources[DashboardId]?["Properties"]?["DashboardBody"])
        ?? throw new InvalidOperationException($"{DashboardId} has no DashboardBody built with Fn::Sub");

    [Fact]
    public void Dashboard_IsNamedAfterTheStack()
    {
        var name = SourceResources[DashboardId]!["Properties"]!["DashboardName"];

        Assert.Equal("AWS::CloudWatch::Dashboard", (string?)SourceResources[DashboardId]!["Type"]);
        Assert.StartsWith("${AWS::StackName}", Intrinsic.SubTemplate(name), StringComparison.Ordinal);
    }

    [Fact]
    public void DashboardBody_IsADashboardOfWidgetsInside24ColumnsThatDoNotOverlap_AndEveryGraphUsesTheStacksRegion()
    {
        var widgets = Widgets();

        Assert.NotEmpty(widgets);
        var cells = new Dictionary<(int X, int Y), int>();
        for (var i = 0; i < widgets.Count; i++)
        {
            var widget = widgets[i];
            Assert.Contains((string?)widget["type"], new[] { "metric", "text", "alarm" });
            var (x, y, width, height) = (Int(widget, "x"), Int(widget, "y"), Int(widget, "width"), Int(widget, "height"));
            Assert.True(x >= 0 && y >= 0 && width >= 1 && height >= 1 && x + width <= 24, $"widget {i} at x={x} y={y} is {width}x{height}: outside the 24-column grid");
            Assert.True(widget["properties"] is JsonObject, $"widget {i} has no properties object");
            for (var cx = x; cx < x + width; cx++)
            {
                for (var cy = y; cy < y + height; cy++)
                {
                    Assert.True(cells.TryAdd((cx, cy), i), $"widgets {cells.GetValueOrDefault((cx, cy))} and {i} overlap at ({cx},{cy})");
                }
            }

            if ((string?)widget["type"] == "metric")
            {
                Assert.Equal(Placeholder("AWS::Region"), (string?)widget["properties"]!["region"]);
                Assert.NotEmpty(widget["properties"]!["metrics"]!.AsArray());
            }
        }
    }

    [Fact]
    public void DashboardBody_EveryVariableIsAResourceAParameterOrAPseudoParameter()
    {
        var variables = VariablePattern().Matches(BodyTemplate).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.NotEmpty(variables);
        foreach (var variable in variables)
        {
            if (variable.StartsWith('!'))
            {
                continue; // ${!Literal} is CloudFormation's escape for a literal "${Literal}".
            }

            var dot = variable.IndexOf('.', StringComparison.Ordinal);
            var known = dot >= 0
                ? SourceResources.ContainsKey(variable[..dot])
                : SourceResources.ContainsKey(variable) || SourceParameters.ContainsKey(variable) || PseudoParameters.Contains(variable);
            Assert.True(known, $"the dashboard refers to ${{{variable}}}, which is not a resource, parameter or pseudo parameter of the template");
        }
    }

    [Fact]
    public void AlarmStatusWidget_ListsEveryAlarmOfTheTemplate()
    {
        var alarms = SourceResources.Where(r => r.Value is JsonObject resource && (string?)resource["Type"] == "AWS::CloudWatch::Alarm").Select(r => r.Key).Order().ToList();
        var listed = Widgets().Where(w => (string?)w["type"] == "alarm")
            .SelectMany(w => w["properties"]!["alarms"]!.AsArray().Select(a => (string)a!))
            .ToList();

        Assert.NotEmpty(alarms);
        Assert.Equal(alarms, listed.Select(AlarmOf).Order());
    }

    [Fact]
    public async Task MarketplaceFeedMetrics_AreEachOneTheCodeEmits_UnderTheDimensionsItEmitsThemWith()
    {
        var emitted = await EmittedMetricsAsync();
        var queried = QueriedMarketplaceFeedMetrics();

        Assert.NotEmpty(queried);
        foreach (var query in queried)
        {
            Assert.True(
                emitted.Any(e => e.Name == query.Name && e.DimensionNames.SequenceEqual(query.DimensionNames) && e.Service == query.Service),
                $"the dashboard queries MarketplaceFeed/{query.Name} with dimensions [{string.Join(",", query.DimensionNames)}] Service={query.Service}, "
                + $"but the code emits: {string.Join("; ", emitted.Where(e => e.Name == query.Name))}");
        }

        // Each section shows its service's metrics: the three emitters are all on the page.
        Assert.Equal(emitted.Select(e => e.Service).Where(s => s is not null).Distinct().Order(), queried.Select(q => q.Service).Where(s => s is not null).Distinct().Order());
    }

    [Fact]
    public async Task MarketplaceFeedAlarms_WatchMetricsTheCodeEmits_UnderTheDimensionsItEmitsThemWith()
    {
        // An alarm on a dimension set the code never writes watches nothing and never fires.
        var emitted = await EmittedMetricsAsync();
        var watched = new List<(string Alarm, EmittedMetric Metric)>();
        foreach (var (id, node) in SourceResources)
        {
            if (node is not JsonObject resource || (string?)resource["Type"] != "AWS::CloudWatch::Alarm")
            {
                continue;
            }

            var properties = resource["Properties"]!;
            var metrics = (properties["Metrics"]?.AsArray() ?? []).Select(m => m?["MetricStat"]?["Metric"]).Append(properties);
            foreach (var metric in metrics)
            {
                if ((string?)metric?["Namespace"] != EmbeddedMetrics.DefaultNamespace)
                {
                    continue;
                }

                var dimensions = (metric!["Dimensions"]?.AsArray() ?? []).Select(d => ((string)d!["Name"]!, (string?)d["Value"])).ToList();
                watched.Add((id, new EmittedMetric(
                    (string)metric["MetricName"]!,
                    [.. dimensions.Select(d => d.Item1).Order()],
                    dimensions.Where(d => d.Item1 == "Service").Select(d => d.Item2).SingleOrDefault())));
            }
        }

        Assert.Contains(watched, w => w.Alarm == "OnboardingStepFailedAlarm");
        foreach (var (alarm, metric) in watched)
        {
            Assert.True(
                emitted.Any(e => e.Name == metric.Name && e.DimensionNames.SequenceEqual(metric.DimensionNames) && e.Service == metric.Service),
                $"{alarm} watches {metric}, but the code emits: {string.Join("; ", emitted.Where(e => e.Name == metric.Name))}");
        }
    }

    [Fact]
    public void OffsetLagGraph_QueriesOffsetLagAsTheAlarmDoes()
    {
        var alarm = SourceResources["EnrichmentOffsetLagAlarm"]!["Properties"]!;
        var dimension = alarm["Dimensions"]!.AsArray().Single()!;
        var expected = new JsonArray("AWS/Lambda", "OffsetLag", (string)dimension["Name"]!, Placeholder(Intrinsic.Target(dimension["Value"])!));

        var lines = Widgets().Where(w => (string?)w["type"] == "metric")
            .SelectMany(w => w["properties"]!["metrics"]!.AsArray().Select(line => (Widget: w, Line: line!.AsArray())))
            .Where(m => m.Line.Count >= 2 && (string?)m.Line[1] == "OffsetLag")
            .ToList();

        var (widget, line) = Assert.Single(lines);
        Assert.Equal(expected.ToJsonString(), new JsonArray(line.Where(e => e is JsonValue).Select(e => e!.DeepClone()).ToArray()).ToJsonString());
        var stat = (string?)line.OfType<JsonObject>().SingleOrDefault()?["stat"] ?? (string?)widget["properties"]!["stat"];
        Assert.Equal((string?)alarm["Statistic"], stat);
    }

    /// <summary>The body as CloudFormation would render it, each ${X} replaced by "&lt;X&gt;" (a Number parameter by 1).</summary>
    private IReadOnlyList<JsonObject> Widgets()
    {
        var rendered = VariablePattern().Replace(BodyTemplate, m =>
            (string?)SourceParameters[m.Groups[1].Value]?["Type"] == "Number" ? "1" : Placeholder(m.Groups[1].Value));
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(rendered);
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"the dashboard body is not JSON once its variables are substituted: {e.Message}\n{rendered}");
        }

        return body!["widgets"]!.AsArray().Select(w => w!.AsObject()).ToList();
    }

    private static string Placeholder(string variable) => $"<{variable}>";

    private static string AlarmOf(string listed)
    {
        var match = Regex.Match(listed, @"^<(\w+)\.Arn>$");
        Assert.True(match.Success, $"alarm entry {listed} is not ${{SomeAlarm.Arn}}");
        return match.Groups[1].Value;
    }

    private static int Int(JsonObject widget, string property) =>
        widget[property] is JsonValue v && v.TryGetValue<int>(out var i) ? i : throw new Xunit.Sdk.XunitException($"widget {widget.ToJsonString()} has no integer {property}");

    /// <summary>Every MarketplaceFeed metric a graph reads: metric lines and SEARCH expressions (a schema search matches one exact dimension set).</summary>
    private List<EmittedMetric> QueriedMarketplaceFeedMetrics()
    {
        var queried = new List<EmittedMetric>();
        foreach (var line in Widgets().Where(w => (string?)w["type"] == "metric").SelectMany(w => w["properties"]!["metrics"]!.AsArray()).Select(l => l!.AsArray()))
        {
            var strings = line.OfType<JsonValue>().Select(v => (string)v!).ToList();
            if (strings.Count > 0)
            {
                Assert.False(strings.Contains("."), $"metric line {line.ToJsonString()} uses the \".\" shorthand; spell it out so it can be checked");
                Assert.True(strings.Count % 2 == 0, $"metric line {line.ToJsonString()} is not namespace, name and dimension pairs");
                if (strings[0] == EmbeddedMetrics.DefaultNamespace)
                {
                    var dimensions = Enumerable.Range(1, (strings.Count - 2) / 2).Select(i => (Name: strings[2 * i], Value: strings[(2 * i) + 1])).ToList();
                    queried.Add(new EmittedMetric(
                        strings[1], dimensions.Select(d => d.Name).Order().ToArray(), dimensions.Where(d => d.Name == "Service").Select(d => d.Value).SingleOrDefault()));
                }

                continue;
            }

            var expression = (string?)line.OfType<JsonObject>().Single()["expression"] ?? throw new Xunit.Sdk.XunitException($"metric line {line.ToJsonString()} has neither a metric nor an expression");
            foreach (Match search in SearchPattern().Matches(expression))
            {
                var schema = search.Groups["schema"].Value.Split(',').Select(s => s.Trim()).ToList();
                if (schema[0] != EmbeddedMetrics.DefaultNamespace)
                {
                    continue;
                }

                var terms = search.Groups["terms"].Value;
                var name = Regex.Match(terms, "MetricName=\"(\\w+)\"");
                Assert.True(name.Success, $"SEARCH {search.Value} does not name its metric exactly (MetricName=\"...\")");
                var service = Regex.Match(terms, "Service=\"([\\w-]+)\"");
                Assert.True(service.Success == schema.Contains("Service"), $"SEARCH {search.Value} must pin Service=\"...\" exactly when the schema has Service");
                queried.Add(new EmittedMetric(name.Groups[1].Value, schema.Skip(1).Order().ToArray(), service.Success ? service.Groups[1].Value : null));
            }
        }

        return queried;
    }

    /// <summary>
    /// What the functions emit. Enrichment and metering run their real emitting code in-process and their EMF lines are parsed;
    /// the API's onboarding metrics come out of a flow that needs every adapter, so its two Emit statements are read from the
    /// source instead, and a scan of every `new Metric("...")` in functions/ fails this test when a metric is emitted from a
    /// place none of these cover. The Service value is the one each composition root gives its EmbeddedMetrics.
    /// </summary>
    private static async Task<IReadOnlyList<EmittedMetric>> EmittedMetricsAsync()
    {
        var emitted = new List<EmittedMetric>();

        using var enrichment = new StringWriter();
        var handler = new EnrichmentHandler(new EnrichmentOptions(), new InMemoryReferenceStore(), new InMemoryPublisher(), NullLogger<EnrichmentHandler>.Instance, enrichment);
        await handler.HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None);
        emitted.AddRange(ParseEmf(enrichment.ToString()));

        using var metering = new StringWriter();
        var meteringService = Assert.Single(ToStdoutPattern().Matches(Source("functions/Onboarding.Metering/Program.cs"))).Groups[1].Value;
        MeteringFunction.WriteMetrics(new EmbeddedMetrics(metering, EmbeddedMetrics.DefaultNamespace, TimeProvider.System) { Service = meteringService }, new MeteringRunReport());
        emitted.AddRange(ParseEmf(metering.ToString()));

        // The API's composition root, resolved for real: the Service its EmbeddedMetrics writes.
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.AddOnboarding();
        string apiService;
        using (var services = builder.Services.BuildServiceProvider())
        {
            apiService = services.GetRequiredService<EmbeddedMetrics>().Service;
        }

        var onboarding = Source("functions/Onboarding.Api/Onboarding/OnboardingService.cs");
        var statements = EmitStatementPattern().Matches(onboarding).Select(m => m.Value).ToList();
        Assert.NotEmpty(statements);
        foreach (var statement in statements)
        {
            // EmitWithoutDimensions writes no dimension set at all (not even Service).
            var dimensions = statement.StartsWith("metrics.EmitWithoutDimensions(", StringComparison.Ordinal)
                ? []
                : DimensionKeyPattern().Matches(statement).Select(m => m.Groups[1].Value).Append("Service").Order().ToArray();
            var service = dimensions.Length == 0 ? null : apiService;
            emitted.AddRange(MetricLiteralPattern().Matches(statement).Select(m => new EmittedMetric(m.Groups[1].Value, dimensions, service)));
        }

        var everyLiteral = Directory.EnumerateFiles(Path.Combine(SamTemplate.RepositoryRoot, "functions"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => MetricLiteralPattern().Matches(File.ReadAllText(f)).Select(m => (File: f, Name: m.Groups[1].Value)));
        foreach (var (file, name) in everyLiteral)
        {
            Assert.True(emitted.Any(e => e.Name == name), $"{file} emits {name}, which this test does not collect: add its emitting code path here");
        }

        return emitted;
    }

    private static IEnumerable<EmittedMetric> ParseEmf(string output)
    {
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        foreach (var text in lines)
        {
            using var line = JsonDocument.Parse(text);
            foreach (var directive in line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics").EnumerateArray())
            {
                Assert.Equal(EmbeddedMetrics.DefaultNamespace, directive.GetProperty("Namespace").GetString());
                foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
                {
                    var names = set.EnumerateArray().Select(n => n.GetString()!).Order().ToArray();
                    var service = names.Contains("Service") ? line.RootElement.GetProperty("Service").GetString() : null;
                    foreach (var metric in directive.GetProperty("Metrics").EnumerateArray())
                    {
                        yield return new EmittedMetric(metric.GetProperty("Name").GetString()!, names, service);
                    }
                }
            }
        }
    }

    private static string Source(string relativePath) => File.ReadAllText(Path.Combine(SamTemplate.RepositoryRoot, relativePath));

    [GeneratedRegex(@"\$\{([^}]+)\}")]
    private static partial Regex VariablePattern();

    [GeneratedRegex(@"SEARCH\(\s*'\{(?<schema>[^}]*)\}(?<terms>[^']*)'")]
    private static partial Regex SearchPattern();

    [GeneratedRegex(@"EmbeddedMetrics\.ToStdout\(""([^""]+)""\)")]
    private static partial Regex ToStdoutPattern();

    [GeneratedRegex(@"metrics\.Emit(WithoutDimensions)?\(.*?\);", RegexOptions.Singleline)]
    private static partial Regex EmitStatementPattern();

    [GeneratedRegex(@"new Metric\(""(\w+)""")]
    private static partial Regex MetricLiteralPattern();

    [GeneratedRegex(@"\[""(\w+)""\]\s*=")]
    private static partial Regex DimensionKeyPattern();

    private sealed record EmittedMetric(string Name, string[] DimensionNames, string? Service)
    {
        public override string ToString() => $"{Name} [{string.Join(",", DimensionNames)}] Service={Service}";
    }
}
