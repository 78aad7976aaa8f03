using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Onboarding.Core.Certificates;
using Onboarding.Core.Metering;
using Onboarding.Enrichment;
using Onboarding.Metering;

namespace Onboarding.IntegrationTests.Template;

/// <summary>
/// The template against the functions' own start-up code: every deployment CloudFormation accepts gives each
/// function an environment its settings accept, and no function reads a resource the template does not hand it.
/// The required and optional variables are not listed here: the settings classes decide, so this cannot drift.
/// </summary>
[Trait("Category", "Template")]
public sealed class TemplateSettingsTests
{
    // Values for the parameters that have no Default, and for the optional ones (Default "") when a case sets them.
    // Realistic rather than placeholders: they must pass the parameters' own constraints.
    private static readonly Dictionary<string, string> Samples = new()
    {
        ["ProductCode"] = "a1b2c3d4e5f6g7h8i9j0k1l2m",
        ["FeedTopicsByDimension"] = """{"bars_1m":["bars.1m.enriched"],"trades":["trades.enriched"]}""",
        ["CertificateAuthorityArn"] = "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555",
        ["ProviderOrganization"] = "Example Market Data, Inc.",
        ["MskClusterArn"] = "arn:aws:kafka:us-east-1:123456789012:cluster/feeds/11111111-2222-3333-4444-555555555555-1",
        ["KafkaBootstrapServers"] = "b-1.feeds.abc123.c2.kafka.us-east-1.amazonaws.com:9094,b-2.feeds.abc123.c2.kafka.us-east-1.amazonaws.com:9094",
        ["KafkaAdminSecretArn"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:feeds/kafka-admin-AbCdEf",
        ["SubnetIds"] = "subnet-0123456789abcdef0,subnet-0123456789abcdef1",
        ["SecurityGroupIds"] = "sg-0123456789abcdef0",
        ["EnrichmentClientCertificateSecretArn"] = "arn:aws:secretsmanager:us-east-1:123456789012:secret:feeds/kafka-enrichment-AbCdEf",
        // Optional.
        ["ProductName"] = "Example Markets Level 1 & bars",
        ["ProviderOrganizationalUnit"] = "Feed Subscribers",
        ["KafkaBootstrapServersPublic"] = "b-1-public.feeds.abc123.c2.kafka.us-east-1.amazonaws.com:9194",
        ["KafkaBootstrapServersPrivateLink"] = "b-1.feeds.vpce.example.internal:14001,b-2.feeds.vpce.example.internal:14002",
        ["EnrichmentTopicThresholds"] = "bars.1m=5,trades=2.5",
        ["AlarmEmail"] = "market-data-ops@example.com",
        ["MeteringDimensions"] = """{"default":"feed_hours","products":{"a1b2c3d4e5f6g7h8i9j0k1l2m":{"feeds":{"trades.enriched":"trade_feed_hours"}}}}""",
    };

    private static readonly Regex ResourceVariable = new("^(?!AWS_).*(_TABLE|_ARN|_URL|_QUEUE|_TOPIC|_KMS_KEY_ID)$", RegexOptions.CultureInvariant);

    private readonly SamTemplate template = SamTemplate.Instance;

    /// <summary>Parameters that are optional: Default "" and the code's own default or "off" when left empty.</summary>
    private static IReadOnlyList<string> Optional =>
        TemplateDeployment.ParameterNames(SamTemplate.Instance).Where(p => TemplateDeployment.Default(SamTemplate.Instance, p) == "").ToList();

    /// <summary>
    /// Every optional parameter empty; every one set; and each one flipped from either of those. Required parameters
    /// take their sample, the rest their Default.
    /// </summary>
    public static TheoryData<string> Deployments()
    {
        var data = new TheoryData<string> { "every optional parameter empty", "every optional parameter set" };
        foreach (var parameter in Optional)
        {
            data.Add($"every optional parameter empty but {parameter}");
            data.Add($"every optional parameter set but {parameter}");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Deployments))]
    public void Deployment_CloudFormationAccepts_GivesEveryFunctionSettingsItStartsWith(string deployment)
    {
        var values = Parameters(deployment);
        var problems = values.ParameterProblems();
        Assert.True(problems.Count == 0, "the test's sample values break the parameters' constraints: " + string.Join("; ", problems));

        var failures = SamTemplate.FunctionIds
            .Select(id => (Function: id, Error: StartError(id, values.Environment(id))))
            .Where(f => f.Error is not null)
            .Select(f => $"{f.Function}: {f.Error}")
            .ToList();
        if (values.BrokenRules() is { Count: > 0 } broken)
        {
            // CloudFormation refuses the deployment; a rule that refuses what every function accepts would be arbitrary.
            Assert.True(failures.Count > 0, $"Rules refuse ({string.Join("; ", broken)}) what every function accepts");
            return;
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public void Deployments_TheRulesAccept_LeaveEachOptionalParameterBothEmptyAndSet_SoTheTheoryAboveTestsBoth()
    {
        var accepted = ((IEnumerable<object[]>)Deployments())
            .Select(row => Parameters((string)row[0]))
            .Where(d => d.BrokenRules().Count == 0)
            .ToList();

        var untested = Optional
            .SelectMany(p => new[] { (Parameter: p, Set: false), (Parameter: p, Set: true) })
            .Where(c => !accepted.Any(d => (d.Values[c.Parameter] != "") == c.Set))
            .Select(c => $"{c.Parameter} {(c.Set ? "set" : "empty")}");
        Assert.Empty(untested);
    }

    [Fact]
    public void Functions_ReadNoResourceVariableTheTemplateLeavesUnset()
    {
        // A table, queue, topic or ARN the code can use but the template does not pass turns that part of the function
        // off on AWS without an error: the metering function once read ONBOARDING_TABLE, which the template did not set,
        // and skipped the subscribers whose feeds it would have read there.
        var deployment = Parameters("every optional parameter set");
        var unset = SamTemplate.FunctionIds
            .SelectMany(id => FunctionStartup.Run(id, deployment.Environment(id))
                .Where(name => ResourceVariable.IsMatch(name) && !deployment.Environment(id).ContainsKey(name))
                .Select(name => $"{id} reads {name}"))
            .ToList();

        Assert.Empty(unset);
    }

    [Theory]
    [InlineData("LifecycleFunction")]
    [InlineData("MeteringFunction")]
    public void ConsoleFunctions_ReadEveryVariableOfTheirOwnEnvironment(string functionId)
    {
        // A variable the code never reads suggests a setting that does something: the lifecycle function was once
        // given SECRET_PREFIX, which only scopes its IAM policy, and every function the Marketplace settings through
        // the Globals. The API and enrichment functions (which read some variables later than start-up, or leave them
        // to the runtime) are not covered here.
        var deployment = Parameters("every optional parameter set");
        var global = template.Source["Globals"]!["Function"]!["Environment"]!["Variables"]!.AsObject().Select(v => v.Key);
        var own = template.Source["Resources"]![functionId]!["Properties"]!["Environment"]!["Variables"]!.AsObject()
            .Select(v => v.Key)
            .Concat(global)
            .Where(deployment.Environment(functionId).ContainsKey);

        var unread = own.Except(FunctionStartup.Run(functionId, deployment.Environment(functionId))).ToList();

        Assert.True(unread.Count == 0, $"{functionId} is given {string.Join(", ", unread)} but does not read it");
    }

    [Theory]
    [InlineData("api", "ApiFunction")]
    [InlineData("enrichment", "EnrichmentFunction")]
    [InlineData("metering", "MeteringFunction")]
    [InlineData("lifecycle", "LifecycleFunction")]
    public void LocalStack_GivesEachFunctionOnlyVariablesTheTemplateGivesIt_AndItStartsWithThem(string local, string functionId)
    {
        // The local stack stands in for the deployment: a variable only it passes (the metering function was once
        // still given ONBOARDING_TABLE) would hide that the function no longer reads it, or make it work locally alone.
        var environment = Onboarding.LocalStack.LocalStack.FunctionEnvironment(
            local, new Uri("http://127.0.0.1:5000/"), new Uri("http://127.0.0.1:5090/"), "127.0.0.1:9092",
            "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555");
        var onAws = Parameters("every optional parameter set").Environment(functionId);

        // Local stand-ins only: the AWS endpoints and credentials of the local servers, and ASP.NET Core's own logging.
        var notOnAws = environment.Keys
            .Where(name => !name.StartsWith("AWS_", StringComparison.Ordinal) && !name.StartsWith("Logging__", StringComparison.Ordinal))
            .Where(name => !onAws.ContainsKey(name))
            .ToList();

        Assert.True(notOnAws.Count == 0, $"the local stack gives {local} {string.Join(", ", notOnAws)}, which the template does not give {functionId}");
        Assert.Null(StartError(functionId, environment.Concat(TemplateDeployment.LambdaEnvironment.Where(v => !environment.ContainsKey(v.Key))).ToDictionary()));
    }

    [Fact]
    public void Rules_RefuseADeploymentWithoutBrokersForSubscribers_WhichTheApiWouldRefuseAtStart()
    {
        var deployment = Parameters("every optional parameter empty");

        Assert.Equal("", deployment.Values["KafkaBootstrapServersPublic"]);
        Assert.Equal("", deployment.Values["KafkaBootstrapServersPrivateLink"]);
        var rule = Assert.Single(deployment.BrokenRules());
        Assert.Contains("KafkaBootstrapServersPublic", rule, StringComparison.Ordinal);
        Assert.Contains("KafkaBootstrapServersPrivateLink", rule, StringComparison.Ordinal);
        Assert.Contains("Neither KAFKA_BOOTSTRAP_SERVERS_PUBLIC nor KAFKA_BOOTSTRAP_SERVERS_PRIVATELINK", StartError("ApiFunction", deployment.Environment("ApiFunction")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ProviderOrganization", "Example Market Data, Inc.", true)]
    [InlineData("ProviderOrganization", " Example Markets ", true)]
    [InlineData("ProviderOrganization", "Données de marché 📈", true)]
    [InlineData("ProviderOrganization", " ", false)]
    [InlineData("ProviderOrganization", "    ", false)]
    [InlineData("ProviderOrganization", "\u00A0\u3000", false)]
    [InlineData("ProviderOrganization", "Example\tData", false)]
    [InlineData("ProviderOrganization", "Example\nData", false)]
    [InlineData("ProviderOrganization", "Example\u202EData", false)]
    [InlineData("ProviderOrganization", "Example\u2028Data", false)]
    [InlineData("ProviderOrganizationalUnit", "", true)]
    [InlineData("ProviderOrganizationalUnit", "Feed Subscribers", true)]
    [InlineData("ProviderOrganizationalUnit", "  ", false)]
    [InlineData("ProviderOrganizationalUnit", "Feeds\u200B", false)]
    public void CertificateSubjectParameters_CloudFormationAndTheApiAcceptTheSameValues(string parameter, string value, bool accepted)
    {
        var deployment = Parameters("every optional parameter set", (parameter, value));

        var refusedByCloudFormation = deployment.ParameterProblems().Any(p => p.StartsWith(parameter + "=", StringComparison.Ordinal));
        var apiError = StartError("ApiFunction", deployment.Environment("ApiFunction"));

        Assert.Equal(!accepted, refusedByCloudFormation);
        Assert.True(accepted == apiError is null, $"the API {(apiError is null ? "starts" : "refuses: " + apiError)}");
    }

    [Theory]
    [InlineData("ProviderOrganization")]
    [InlineData("ProviderOrganizationalUnit")]
    public void CertificateSubjectParameters_EveryShortValue_IsAcceptedByTheParameterExactlyWhenTheSubjectAcceptsIt(string parameter)
    {
        // Exhaustive over a small alphabet of each kind of character the two sides tell apart: plain text, ASCII and
        // Unicode spaces, a control, a format and a line separator. Lone surrogates are left out: CloudFormation takes
        // its values as JSON text, which cannot carry them.
        const string alphabet = "a \u00A0\t\u200E\u2028";
        var accepted = 0;
        foreach (var value in TemplateOperationsTests.AllStrings(alphabet, maxLength: 4).Prepend(""))
        {
            var byParameter = !Parameters("every optional parameter set", (parameter, value)).ParameterProblems().Any();
            var bySubject = SubjectAccepts(parameter, value);
            Assert.True(byParameter == bySubject, $"{parameter}='{value}': the parameter {(byParameter ? "accepts" : "refuses")} it, the API {(bySubject ? "accepts" : "refuses")} it");
            accepted += byParameter ? 1 : 0;
        }

        Assert.True(accepted > 30, $"only {accepted} values accepted: the search says nothing");
    }

    [Fact]
    public void FunctionStartup_RepeatsTheApiBuilderCallsOfItsProgramCs()
    {
        var program = File.ReadAllText(Path.Combine(SamTemplate.RepositoryRoot, "functions", "Onboarding.Api", "Program.cs"));
        var calls = Regex.Matches(program, @"\bbuilder\.((?:Services\.)?Add\w+)\(").Select(m => m.Groups[1].Value);

        Assert.Equal(FunctionStartup.ApiBuilderCalls, calls);
    }

    [Fact]
    public void Functions_ThatSendUsageToMarketplace_MeterWithTheSameDimensions()
    {
        // Hourly usage (metering) and final usage at the end of a subscription (lifecycle) must bill the same dimensions.
        var senders = SamTemplate.FunctionIds
            .Where(id => template.Statements(template.RoleOf(id)).Any(s => s.Actions.Contains("aws-marketplace:BatchMeterUsage")))
            .ToList();
        Assert.Equal(["LifecycleFunction", "MeteringFunction"], senders.Order());

        foreach (var deployment in new[] { "every optional parameter set", "every optional parameter empty" })
        {
            var values = Parameters(deployment);
            var dimensions = senders.Select(id => values.Environment(id).GetValueOrDefault(MeteringSettings.DimensionsVariable)).Distinct().ToList();
            Assert.Single(dimensions);
        }

        Assert.Equal(Samples["MeteringDimensions"], Parameters("every optional parameter set").Environment("MeteringFunction")[MeteringSettings.DimensionsVariable]);
    }

    [Fact]
    public void MeteringFunction_TimeBudgetFitsInsideTheSafetyMarginBeforeMarketplacesSixHourLimit()
    {
        // A run decides at its start which hours it may still send; it must finish sending before the oldest of them
        // leaves Marketplace's window, so the run may last at most the safety margin.
        var timeout = TimeSpan.FromSeconds(template.FunctionProperties("MeteringFunction")["Timeout"]!.GetValue<int>());
        var settings = MeteringSettings.FromEnvironment(name => Parameters("every optional parameter set").Environment("MeteringFunction").GetValueOrDefault(name));

        Assert.True(MeteringFunction.TimeBudget(timeout) <= settings.Window.SafetyMargin, $"a run may take {MeteringFunction.TimeBudget(timeout)}, the margin is {settings.Window.SafetyMargin}");
        Assert.Equal(MeteringWindow.Marketplace, settings.Window);
    }

    [Fact]
    public void EnrichmentFunction_GivesUpOnAStuckDeliveryBeforeLambdaEndsTheInvocation()
    {
        // A broker that stops acknowledging should fail the batch with our own error and log line, leaving the
        // function's process alive, rather than be cut off by Lambda's timeout (which also discards the process).
        var timeout = TimeSpan.FromSeconds(template.FunctionProperties("EnrichmentFunction")["Timeout"]!.GetValue<int>());
        var settings = EnrichmentSettings.FromEnvironment(name => Parameters("every optional parameter set").Environment("EnrichmentFunction").GetValueOrDefault(name));

        Assert.True(TimeSpan.FromMilliseconds(settings.DeliveryTimeoutMs) <= timeout - TimeSpan.FromSeconds(10), $"delivery timeout {settings.DeliveryTimeoutMs} ms, function timeout {timeout}");
    }

    [Fact]
    public void Leases_OutlastTheInvocationsThatHoldThem()
    {
        // A lease that can run out while its holder's invocation still runs lets a second invocation take over work
        // the first is still doing: the lifecycle function's effects (ACLs, certificate, secret) or an onboarding step
        // under the API's claim would run twice at once.
        var lifecycle = TimeSpan.FromSeconds(template.FunctionProperties("LifecycleFunction")["Timeout"]!.GetValue<int>());
        var api = TimeSpan.FromSeconds(template.FunctionProperties("ApiFunction")["Timeout"]!.GetValue<int>());

        Assert.True(lifecycle < Onboarding.Core.Lifecycle.LifecycleProcessor.DefaultEffectsLease, $"lifecycle timeout {lifecycle}, effects lease {Onboarding.Core.Lifecycle.LifecycleProcessor.DefaultEffectsLease}");
        Assert.True(api < new Onboarding.Api.Onboarding.OnboardingOptions().ClaimLease, $"API timeout {api}, onboarding claim lease {new Onboarding.Api.Onboarding.OnboardingOptions().ClaimLease}");
    }

    private TemplateDeployment Parameters(string deployment, (string Parameter, string Value) replaced)
    {
        var values = Parameters(deployment).Values.ToDictionary(v => v.Key, v => v.Value!);
        values[replaced.Parameter] = replaced.Value;
        return new TemplateDeployment(template, values);
    }

    /// <summary>What the API's start-up check (OnboardingOptions) decides for this value of the parameter.</summary>
    private static bool SubjectAccepts(string parameter, string value)
    {
        try
        {
            // As OnboardingServices reads them: an empty OU is no OU (the template then passes no variable at all).
            _ = parameter == "ProviderOrganization"
                ? CertificateSubject.Create("mp-check", value)
                : CertificateSubject.Create("mp-check", "Example", value.Length > 0 ? value : null);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private TemplateDeployment Parameters(string deployment)
    {
        var optional = Optional;
        var missing = optional.Concat(TemplateDeployment.ParameterNames(template).Where(p => TemplateDeployment.Default(template, p) is null))
            .Where(p => !Samples.ContainsKey(p))
            .ToList();
        Assert.True(missing.Count == 0, $"add a sample value for {string.Join(", ", missing)} to {nameof(TemplateSettingsTests)}");

        IReadOnlyList<string> set = deployment switch
        {
            "every optional parameter empty" => [],
            "every optional parameter set" => optional,
            _ when deployment.StartsWith("every optional parameter empty but ", StringComparison.Ordinal) => [deployment["every optional parameter empty but ".Length..]],
            _ when deployment.StartsWith("every optional parameter set but ", StringComparison.Ordinal) => optional.Where(p => p != deployment["every optional parameter set but ".Length..]).ToList(),
            _ => throw new ArgumentException($"unknown case {deployment}", nameof(deployment)),
        };
        var values = TemplateDeployment.ParameterNames(template)
            .Where(p => TemplateDeployment.Default(template, p) is null || set.Contains(p))
            .ToDictionary(p => p, p => Samples[p]);
        return new TemplateDeployment(template, values);
    }

    private static string? StartError(string functionId, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            FunctionStartup.Run(functionId, environment);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OptionsValidationException or AggregateException)
        {
            return e.Message;
        }
    }
}
