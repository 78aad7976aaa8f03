using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging.Abstractions;
using Onboarding.Api.Onboarding;
using Onboarding.Core.Enrichment;
using Onboarding.Enrichment;
using Onboarding.IntegrationTests.Enrichment;
using Onboarding.Lifecycle;
using Onboarding.Metering;

namespace Onboarding.IntegrationTests.Template;

/// <summary>
/// What the platform engineer sets and is paged by: every parameter documented, grouped and validated, the new
/// settings wired to the names the code reads, and the enrichment alarms watching metrics the code really emits.
/// Parameter references are read from the YAML as written, because the transforms substitute parameter defaults.
/// </summary>
[Trait("Category", "Template")]
public sealed class TemplateOperationsTests
{
    private readonly SamTemplate template = SamTemplate.Instance;

    private JsonObject Parameters => template.Source["Parameters"]!.AsObject();

    private JsonObject SourceResource(string id) => template.Source["Resources"]![id]!.AsObject();

    private JsonObject SourceEnvironment(string functionId) =>
        SourceResource(functionId)["Properties"]!["Environment"]!["Variables"]!.AsObject();

    [Fact]
    public void Parameters_EachHasADescriptionAndAppearsInExactlyOneConsoleGroup()
    {
        var grouped = template.Source["Metadata"]!["AWS::CloudFormation::Interface"]!["ParameterGroups"]!.AsArray()
            .SelectMany(g => g!["Parameters"]!.AsArray().Select(p => (string)p!))
            .ToList();

        Assert.Equal(Parameters.Select(p => p.Key).Order(), grouped.Order());
        Assert.All(Parameters, p => Assert.False(string.IsNullOrWhiteSpace((string?)p.Value!["Description"]), $"{p.Key} has no Description"));
    }

    [Theory]
    [InlineData("ApiFunction", OnboardingOptions.ProductNameVariable, "ProductName", "HasProductName")]
    [InlineData("ApiFunction", OnboardingOptions.SessionLifetimeMinutesVariable, "SessionLifetimeMinutes", null)]
    [InlineData("EnrichmentFunction", EnrichmentEnvironment.TopicThresholds, "EnrichmentTopicThresholds", "HasTopicThresholds")]
    [InlineData("EnrichmentFunction", EnrichmentEnvironment.ThresholdPercent, "EnrichmentThresholdPercent", null)]
    [InlineData("MeteringFunction", MeteringSettings.DimensionsVariable, "MeteringDimensions", "HasMeteringDimensions")]
    [InlineData("LifecycleFunction", LifecycleSettings.MeteringDimensionsVariable, "MeteringDimensions", "HasMeteringDimensions")]
    public void Setting_IsTheParameterUnderTheNameTheCodeReads(string functionId, string variable, string parameter, string? whenSet)
    {
        var value = SourceEnvironment(functionId)[variable];

        Assert.NotNull(value);
        if (whenSet is null)
        {
            Assert.Equal(parameter, Intrinsic.Target(value));
            return;
        }

        // Optional: left out of the environment when empty, so the code's own default applies.
        var choice = value!["Fn::If"]!.AsArray();
        Assert.Equal(whenSet, (string?)choice[0]);
        Assert.Equal(parameter, Intrinsic.Target(choice[1]));
        Assert.Equal("AWS::NoValue", Intrinsic.Target(choice[2]));
        var condition = template.Source["Conditions"]![whenSet]!.ToJsonString();
        Assert.Equal($$"""{"Fn::Not":[{"Fn::Equals":[{"Ref":"{{parameter}}"},""]}]}""", condition);
        Assert.Equal("", (string?)Parameters[parameter]!["Default"]);
    }

    [Fact]
    public void SessionLifetimeMinutes_IsBoundedAsTheApiValidatesIt()
    {
        var parameter = Parameters["SessionLifetimeMinutes"]!;

        Assert.Equal("Number", (string?)parameter["Type"]);
        Assert.Equal(OnboardingOptions.MinSessionLifetime.TotalMinutes, parameter["MinValue"]!.GetValue<double>());
        Assert.Equal(OnboardingOptions.MaxSessionLifetime.TotalMinutes, parameter["MaxValue"]!.GetValue<double>());
        Assert.Equal(new OnboardingOptions().SessionLifetime.TotalMinutes, parameter["Default"]!.GetValue<double>());
    }

    [Fact]
    public void EnrichmentThresholdPercent_RefusesZero_WhichTheFunctionWouldRefuseAtStart()
    {
        var minimum = Parameters["EnrichmentThresholdPercent"]!["MinValue"]!.GetValue<double>();

        Assert.True(minimum > 0);
        Assert.True(EnrichmentRule.IsValidThreshold(minimum));
    }

    [Theory]
    [InlineData("")]
    [InlineData("bars.1m=5,trades=2.5")]
    [InlineData("trades=0.5")]
    [InlineData("quotes_us-1=.25")]
    [InlineData("a=10,b=20,c=0.001")]
    public void EnrichmentTopicThresholds_PatternAcceptsWhatTheFunctionAccepts(string value)
    {
        Assert.Matches(Pattern("EnrichmentTopicThresholds"), value);
        Assert.Equal(value.Length == 0 ? 0 : value.Split(',').Length, ThresholdsAsTheFunctionReadsThem(value)!.Count);
    }

    [Theory]
    [InlineData("trades=0")]
    [InlineData("trades=0.0")]
    [InlineData("trades=-1")]
    [InlineData("trades")]
    [InlineData("=5")]
    [InlineData("bars=5,")]
    [InlineData("bars=5;trades=2")]
    [InlineData("bars=1e3")]
    [InlineData("bars/1m=5")]
    public void EnrichmentTopicThresholds_PatternRefusesMalformedOrNonPositiveThresholds(string value)
    {
        Assert.DoesNotMatch(Pattern("EnrichmentTopicThresholds"), value);
    }

    [Fact]
    public void EnrichmentTopicThresholds_EveryShortValueThePatternAccepts_TheFunctionAcceptsToo()
    {
        // Exhaustive over a small alphabet rather than sampled: CloudFormation must never pass a value that then
        // stops the function at start (it would fail every batch until redeployed).
        var pattern = new Regex(Pattern("EnrichmentTopicThresholds"), RegexOptions.CultureInvariant);
        const string alphabet = "a.=,05-";
        var accepted = 0;
        foreach (var value in AllStrings(alphabet, maxLength: 6))
        {
            if (pattern.IsMatch(value))
            {
                accepted++;
                Assert.True(ThresholdsAsTheFunctionReadsThem(value) is not null, $"the pattern accepts '{value}' but the function refuses it");
            }
        }

        Assert.True(accepted > 100, $"only {accepted} values matched: the search says nothing");
    }

    [Theory]
    [InlineData("Real-time market data feed", true)]
    [InlineData("Example Markets — Level 1 & bars", true)]
    [InlineData("", true)]
    [InlineData("two\nlines", false)]
    [InlineData("tab\there", false)]
    public void ProductName_PatternAllowsOneLineOfText(string value, bool allowed)
    {
        Assert.Equal(allowed, Regex.IsMatch(value, Pattern("ProductName")));
    }

    [Fact]
    public void Alarms_AllNotifyTheAlarmTopicOnAlarmAndOnRecovery()
    {
        foreach (var (id, properties) in template.ResourcesOfType("AWS::CloudWatch::Alarm"))
        {
            Assert.Equal(new string?[] { "AlarmTopic" }, properties["AlarmActions"]!.AsArray().Select(Intrinsic.Target));
            Assert.Equal(new string?[] { "AlarmTopic" }, properties["OKActions"]!.AsArray().Select(Intrinsic.Target));
            Assert.True((string?)properties["TreatMissingData"] == "notBreaching", $"{id}: a quiet period must not raise or hold an alarm");
        }
    }

    [Fact]
    public void EnrichmentOffsetLagAlarm_WatchesTheWorstLagOfTheFunctionTheMskMappingsInvoke()
    {
        var alarm = SourceResource("EnrichmentOffsetLagAlarm")["Properties"]!.AsObject();
        var mappedFunctions = template.ResourcesOfType("AWS::Lambda::EventSourceMapping")
            .Where(m => Intrinsic.Target(m.Properties["EventSourceArn"]) == "MskClusterArn")
            .Select(m => Intrinsic.Target(m.Properties["FunctionName"]))
            .Distinct();

        Assert.Equal("AWS/Lambda", (string?)alarm["Namespace"]);
        Assert.Equal("OffsetLag", (string?)alarm["MetricName"]);
        var dimension = Assert.Single(alarm["Dimensions"]!.AsArray());
        Assert.Equal("FunctionName", (string?)dimension!["Name"]);
        Assert.Equal(Assert.Single(mappedFunctions), Intrinsic.Target(dimension["Value"]));
        Assert.Equal("Maximum", (string?)alarm["Statistic"]);
        Assert.Equal("EnrichmentLagAlarmRecords", Intrinsic.Target(alarm["Threshold"]));
        Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
        // Sustained lag, not the sawtooth of normal batching.
        Assert.True(alarm["EvaluationPeriods"]!.GetValue<int>() * alarm["Period"]!.GetValue<int>() >= 300);
        Assert.Equal("Number", (string?)Parameters["EnrichmentLagAlarmRecords"]!["Type"]);
        Assert.True(Parameters["EnrichmentLagAlarmRecords"]!["MinValue"]!.GetValue<double>() >= 1);
    }

    [Fact]
    public void EnrichmentErrorsAlarm_WatchesTheEnrichmentFunction()
    {
        var alarms = template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Properties);

        Assert.Contains(alarms, a => (string?)a["Namespace"] == "AWS/Lambda" && (string?)a["MetricName"] == "Errors"
            && a["Dimensions"]!.AsArray().Any(d => (string?)d!["Name"] == "FunctionName" && Intrinsic.Target(d["Value"]) == "EnrichmentFunction"));
    }

    [Fact]
    public async Task EnrichmentDeadLetterRateAlarm_ReadsTheMetricsTheHandlerEmitsUnderTheirExactDimensions()
    {
        // What the handler really writes: one EMF line for a batch with a dead letter.
        using var emf = new StringWriter();
        var handler = new EnrichmentHandler(new EnrichmentOptions(), new InMemoryReferenceStore(), new InMemoryPublisher(), NullLogger<EnrichmentHandler>.Instance, emf);
        await handler.HandleAsync(SampleEvents.Load("msk-bars.json"), CancellationToken.None);
        using var line = JsonDocument.Parse(emf.ToString().Trim().Split('\n').Single());
        var directive = line.RootElement.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        var emittedDimensions = directive.GetProperty("Dimensions")[0].EnumerateArray()
            .Select(name => (name.GetString()!, line.RootElement.GetProperty(name.GetString()!).GetString()!))
            .ToList();
        var emittedMetrics = directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString()).ToList();
        Assert.True(line.RootElement.GetProperty("DeadLettered").GetDouble() > 0);

        var alarm = SourceResource("EnrichmentDeadLetterRateAlarm")["Properties"]!.AsObject();
        var queries = alarm["Metrics"]!.AsArray().Select(q => q!.AsObject()).ToList();
        var watched = queries.Where(q => q["MetricStat"] is not null).ToDictionary(q => (string)q["Id"]!, q => q["MetricStat"]!["Metric"]!);
        Assert.Equal(2, watched.Count);
        foreach (var metric in watched.Values)
        {
            Assert.Equal(directive.GetProperty("Namespace").GetString(), (string?)metric["Namespace"]);
            Assert.Contains((string?)metric["MetricName"], emittedMetrics);
            var dimensions = metric["Dimensions"]!.AsArray().Select(d => ((string)d!["Name"]!, (string)d["Value"]!)).ToList();
            Assert.Equal(emittedDimensions, dimensions);
        }

        // A percentage of the batch's records, alarming above the parameter.
        var byName = watched.ToDictionary(w => (string)w.Value["MetricName"]!, w => w.Key);
        var expression = Assert.Single(queries, q => q["ReturnData"]?.GetValue<bool>() == true)["Expression"]!.GetValue<string>();
        Assert.Contains($"100 * {byName["DeadLettered"]} / {byName["Records"]}", expression, StringComparison.Ordinal);
        Assert.Equal("EnrichmentDeadLetterAlarmPercent", Intrinsic.Target(alarm["Threshold"]));
        Assert.Equal("GreaterThanThreshold", (string?)alarm["ComparisonOperator"]);
        var percent = Parameters["EnrichmentDeadLetterAlarmPercent"]!;
        Assert.Equal(0d, percent["MinValue"]!.GetValue<double>());
        Assert.Equal(100d, percent["MaxValue"]!.GetValue<double>());
    }

    private string Pattern(string parameter) =>
        (string?)Parameters[parameter]!["AllowedPattern"] ?? throw new InvalidOperationException($"{parameter} has no AllowedPattern");

    /// <summary>The per-feed thresholds as the function's own settings read them, or null when it would refuse to start.</summary>
    private static IReadOnlyDictionary<string, double>? ThresholdsAsTheFunctionReadsThem(string value)
    {
        var environment = new Dictionary<string, string?>
        {
            [EnrichmentEnvironment.BootstrapServers] = "127.0.0.1:9092",
            [EnrichmentEnvironment.ReferenceTable] = "reference-prices",
            [EnrichmentEnvironment.TopicThresholds] = value,
        };
        try
        {
            return EnrichmentSettings.FromEnvironment(n => environment.GetValueOrDefault(n)).Options.ThresholdPercentByTopic;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Every non-empty string of at most <paramref name="maxLength"/> characters from <paramref name="alphabet"/>.</summary>
    internal static IEnumerable<string> AllStrings(string alphabet, int maxLength)
    {
        IEnumerable<string> level = [""];
        for (var length = 1; length <= maxLength; length++)
        {
            level = level.SelectMany(prefix => alphabet.Select(c => prefix + c)).ToList();
            foreach (var value in level)
            {
                yield return value;
            }
        }
    }
}
