using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Onboarding.IntegrationTests.Template;

[Trait("Category", "Template")]
public sealed class TemplateWiringTests
{
    // The names the code reads (see README "Configuration"); a misspelt name here would leave the
    // code on its default silently. FINANCE_API_KEY is deliberately absent: it exists for the local
    // stack only, while on AWS the finance routes are protected by IAM at the gateway.
    private static readonly HashSet<string> AgreedEnvironmentVariables =
    [
        "SUBSCRIBERS_TABLE", "ONBOARDING_TABLE", "METERING_LEDGER_TABLE", "REFERENCE_PRICES_TABLE",
        "CERTIFICATE_AUTHORITY_ARN", "CERTIFICATE_TEMPLATE_ARN", "CERTIFICATE_VALIDITY_DAYS", "CERTIFICATE_ORGANIZATION", "CERTIFICATE_ORGANIZATIONAL_UNIT",
        "SECRET_PREFIX", "PRODUCT_CODE", "MARKETPLACE_MODEL",
        "KAFKA_BOOTSTRAP_SERVERS", "KAFKA_BOOTSTRAP_SERVERS_PUBLIC", "KAFKA_BOOTSTRAP_SERVERS_PRIVATELINK", "KAFKA_ADMIN_SECRET_ARN", "KAFKA_CLIENT_SECRET_ARN",
        "FEED_TOPICS_BY_DIMENSION", "DOTNET_GCgen0size", "NOTIFICATIONS_DLQ_URL", "ENRICHMENT_THRESHOLD_PERCENT", "ENRICHED_TOPIC_TEMPLATE", "LOG_LEVEL",
        "ENRICHMENT_TOPIC_THRESHOLDS", "PRODUCT_NAME", "SESSION_LIFETIME_MINUTES", "METERING_DIMENSIONS", "ENRICHMENT_DELIVERY_TIMEOUT_MS",
        "DATA_PROTECTION_KMS_KEY_ID",
    ];

    private readonly SamTemplate template = SamTemplate.Instance;

    [Fact]
    public void Functions_AreProvidedAl2023BootstrapsBuiltByTheMakefileFromTheRepositoryRoot()
    {
        var functions = template.ResourcesOfType("AWS::Lambda::Function").Select(f => f.Id).Order().ToList();
        Assert.Equal(SamTemplate.FunctionIds.Order(), functions);

        foreach (var id in SamTemplate.FunctionIds)
        {
            var properties = template.FunctionProperties(id);
            Assert.Equal("provided.al2023", (string?)properties["Runtime"]);
            Assert.Equal("bootstrap", (string?)properties["Handler"]);
            Assert.Equal(["x86_64"], properties["Architectures"]!.AsArray().Select(a => (string?)a));
            Assert.Equal("makefile", (string?)template.Resource(id)["Metadata"]?["BuildMethod"]);

            var codeUri = template.Source["Resources"]![id]!["Properties"]!["CodeUri"]
                ?? template.Source["Globals"]!["Function"]!["CodeUri"];
            Assert.Equal(".", (string?)codeUri);
        }
    }

    [Fact]
    public void Functions_EachHasItsBuildTargetInTheRootMakefile()
    {
        // sam build runs `make build-<LogicalId>` in the repository root. The Makefile is written
        // alongside the functions; until it exists there is nothing to hold the names against.
        var makefile = Path.Combine(SamTemplate.RepositoryRoot, "Makefile");
        if (!File.Exists(makefile))
        {
            return;
        }

        var text = File.ReadAllText(makefile);
        var missing = SamTemplate.FunctionIds
            .Where(id => !Regex.IsMatch(text, $@"^build-{id}\s*:", RegexOptions.Multiline))
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Functions_SetOnlyTheAgreedEnvironmentVariables()
    {
        var unknown = SamTemplate.FunctionIds
            .SelectMany(f => template.Environment(f).Keys.Select(name => (Function: f, Name: name)))
            .Where(x => !AgreedEnvironmentVariables.Contains(x.Name))
            .Select(x => $"{x.Function}: {x.Name}");

        Assert.Empty(unknown);
    }

    [Fact]
    public void Functions_TablesNamedInTheirEnvironment_AreExactlyTheTablesTheirRoleMayUse()
    {
        foreach (var id in SamTemplate.FunctionIds)
        {
            var named = template.Environment(id)
                .Where(v => v.Key.EndsWith("_TABLE", StringComparison.Ordinal))
                .Select(v => Intrinsic.Target(v.Value) ?? $"literal {v.Value}")
                .Order()
                .ToList();
            var permitted = template.Statements(template.RoleOf(id))
                .Where(s => s.Actions.Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal)))
                .SelectMany(s => s.Resources)
                .Select(r => Intrinsic.Target(r?["Fn::Sub"]?[1]?["tableName"]) ?? $"unscoped {r?.ToJsonString()}")
                .Distinct()
                .Order()
                .ToList();

            Assert.True(named.SequenceEqual(permitted), $"{id}: environment names [{string.Join(", ", named)}], role may use [{string.Join(", ", permitted)}]");
        }
    }

    [Fact]
    public void Functions_EveryQueueSecretAndCertificateAuthorityNamedInTheirEnvironment_IsOneTheirRoleMayUse()
    {
        // The counterpart of the tables test above for the other resources the functions are handed: a queue URL, an
        // ARN or a name prefix in the environment must be matched by a statement of that service on that resource
        // (or, for the certificate template, in the statement's condition). Read from the YAML as written, because the
        // transforms substitute parameter defaults into the policies.
        var missing = new List<string>();
        foreach (var id in SamTemplate.FunctionIds)
        {
            var statements = SourceStatements(id);
            foreach (var (name, value) in SourceEnvironment(id))
            {
                if (!ResourceVariable(name))
                {
                    continue;
                }

                var target = Intrinsic.Target(value) ?? Intrinsic.Target(value?["Fn::If"]?[1]);
                var (service, reference) = Expected(name, target);
                if (service is null)
                {
                    missing.Add($"{id}: {name} names no queue, parameter ARN or known prefix the test understands ({value?.ToJsonString()})");
                    continue;
                }

                if (!statements.Any(s => Actions(s).Any(a => a.StartsWith(service + ":", StringComparison.Ordinal))
                    && (s["Resource"]?.ToJsonString().Contains(reference, StringComparison.Ordinal) == true
                        || s["Condition"]?.ToJsonString().Contains(reference, StringComparison.Ordinal) == true)))
                {
                    missing.Add($"{id}: {name} ({reference}) but no {service}:* statement on it");
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public void Functions_ThatConnectToKafka_RunInsideTheVpc()
    {
        foreach (var id in SamTemplate.FunctionIds)
        {
            var talksToKafka = template.Environment(id).ContainsKey("KAFKA_BOOTSTRAP_SERVERS");
            var inVpc = template.FunctionProperties(id)["VpcConfig"] is not null;

            Assert.True(talksToKafka == inVpc, $"{id}: talks to Kafka = {talksToKafka}, in VPC = {inVpc}");
        }
    }

    [Fact]
    public void Functions_GivenAKafkaCertificate_MayReadThatSecret()
    {
        foreach (var id in SamTemplate.FunctionIds)
        {
            if (!template.Environment(id).TryGetValue("KAFKA_ADMIN_SECRET_ARN", out var secret)
                && !template.Environment(id).TryGetValue("KAFKA_CLIENT_SECRET_ARN", out secret))
            {
                continue;
            }

            var secretParameter = Intrinsic.Target(secret);
            Assert.Contains(
                template.Statements(template.RoleOf(id)),
                s => s.Actions.Contains("secretsmanager:GetSecretValue") && s.Resources.Any(r => Intrinsic.Target(r) == secretParameter));
        }
    }

    [Fact]
    public void MskEventSources_AuthenticateWithTheEnrichmentCertificateAndFitTheFourteenMinuteLimit()
    {
        var mappings = template.ResourcesOfType("AWS::Lambda::EventSourceMapping")
            .Where(m => Intrinsic.Target(m.Properties["EventSourceArn"]) == "MskClusterArn")
            .ToList();

        Assert.NotEmpty(mappings);
        foreach (var (_, properties) in mappings)
        {
            Assert.Equal("EnrichmentFunction", Intrinsic.Target(properties["FunctionName"]));
            Assert.Single(properties["Topics"]!.AsArray());
            var access = Assert.Single(properties["SourceAccessConfigurations"]!.AsArray());
            Assert.Equal("CLIENT_CERTIFICATE_TLS_AUTH", (string?)access!["Type"]);
            Assert.Equal("EnrichmentClientCertificateSecretArn", Intrinsic.Target(access["URI"]));
            Assert.NotNull(properties["AmazonManagedKafkaEventSourceConfig"]?["ConsumerGroupId"]);
        }

        Assert.InRange(Timeout("EnrichmentFunction"), 1, 14 * 60);
    }

    [Fact]
    public void SqsEventSources_ReportPartialBatchFailuresFromQueuesThatRedriveToADeadLetterQueue()
    {
        var mappings = template.ResourcesOfType("AWS::Lambda::EventSourceMapping")
            .Where(m => template.Resources[Intrinsic.Target(m.Properties["EventSourceArn"]) ?? ""]?["Type"]?.GetValue<string>() == "AWS::SQS::Queue")
            .ToList();

        Assert.Equal(2, mappings.Count);
        foreach (var (_, properties) in mappings)
        {
            Assert.Contains("ReportBatchItemFailures", properties["FunctionResponseTypes"]!.AsArray().Select(t => (string?)t));
            var queue = template.Resource(Intrinsic.Target(properties["EventSourceArn"])!)["Properties"]!;
            Assert.NotNull(Intrinsic.Target(queue["RedrivePolicy"]?["deadLetterTargetArn"]));
            // Lambda's guidance: visibility timeout at least six times the function timeout, so a
            // message being retried is not handed to a second invocation meanwhile.
            var function = Intrinsic.Target(properties["FunctionName"])!;
            Assert.True(queue["VisibilityTimeout"]!.GetValue<int>() >= 6 * Timeout(function), $"{function} timeout vs queue visibility");
        }
    }

    [Fact]
    public void MarketplaceTopics_DeliverTheSnsEnvelopeToQueuesThatAcceptOnlyThoseTopics()
    {
        var policy = Assert.Single(template.ResourcesOfType("AWS::SQS::QueuePolicy"), p => p.Id == "MarketplaceQueuesPolicy").Properties;
        var allowed = policy["PolicyDocument"]!["Statement"]!.AsArray()
            .ToDictionary(
                s => Intrinsic.Target(s!["Resource"])!,
                s => Intrinsic.SubTemplate(s!["Condition"]!["ArnEquals"]!["aws:SourceArn"]));

        string[] topics = ["aws-mp-subscription-notification", "aws-mp-entitlement-notification"];
        foreach (var topic in topics)
        {
            var (_, subscription) = Assert.Single(
                template.ResourcesOfType("AWS::SNS::Subscription"),
                s => Intrinsic.SubTemplate(s.Properties["TopicArn"])?.EndsWith($":287250355862:{topic}-${{ProductCode}}", StringComparison.Ordinal) == true);
            Assert.Equal("sqs", (string?)subscription["Protocol"]);
            Assert.False(subscription["RawMessageDelivery"]!.GetValue<bool>());
            var queue = Intrinsic.Target(subscription["Endpoint"])!;
            Assert.Equal(Intrinsic.SubTemplate(subscription["TopicArn"]), allowed[queue]);
        }
    }

    [Fact]
    public void Tables_AreOnDemandWithPointInTimeRecoveryAndDeletionProtectionFromTheParameter()
    {
        var tables = template.ResourcesOfType("AWS::DynamoDB::Table").ToList();

        Assert.Equal(4, tables.Count);
        var violations = tables.SelectMany(t => new[]
        {
            (string?)t.Properties["BillingMode"] == "PAY_PER_REQUEST" ? null : $"{t.Id}: not on-demand",
            t.Properties["PointInTimeRecoverySpecification"]?["PointInTimeRecoveryEnabled"]?.GetValue<bool>() == true ? null : $"{t.Id}: no PITR",
            // Read from the YAML: the transforms substitute the parameter's default here.
            Intrinsic.Target(template.Source["Resources"]![t.Id]!["Properties"]!["DeletionProtectionEnabled"]) == "TableDeletionProtection"
                ? null : $"{t.Id}: deletion protection not from the parameter",
        }).OfType<string>();
        Assert.Empty(violations);
    }

    [Fact]
    public void Alarms_WatchMeteringFailuresAndEveryDeadLetterQueue()
    {
        var alarms = template.ResourcesOfType("AWS::CloudWatch::Alarm").Select(a => a.Properties).ToList();

        Assert.Contains(alarms, a => (string?)a["Namespace"] == "MarketplaceFeed" && (string?)a["MetricName"] == "MeteringFailedRecords");

        var watchedQueues = alarms
            .Where(a => (string?)a["Namespace"] == "AWS/SQS")
            .SelectMany(a => a["Dimensions"]!.AsArray())
            .Select(d => Intrinsic.Target(d!["Value"]))
            .ToHashSet();
        var unwatched = DeadLetterQueues().Where(q => !watchedQueues.Contains(q));
        Assert.Empty(unwatched);
    }

    private static bool ResourceVariable(string name) =>
        !name.StartsWith("AWS_", StringComparison.Ordinal) && (name.EndsWith("_ARN", StringComparison.Ordinal) || name.EndsWith("_URL", StringComparison.Ordinal) || name.EndsWith("_PREFIX", StringComparison.Ordinal));

    /// <summary>The service whose statement must cover the variable's resource, and how a statement refers to it.</summary>
    private (string? Service, string Reference) Expected(string variable, string? target)
    {
        if (target is null)
        {
            return (null, "");
        }

        if ((string?)template.Source["Resources"]?[target]?["Type"] == "AWS::SQS::Queue")
        {
            return ("sqs", $$"""{"Fn::GetAtt":["{{target}}","Arn"]}""");
        }

        var parameter = template.Source["Parameters"]?[target];
        if (parameter is null)
        {
            return (null, "");
        }

        if (variable.EndsWith("_PREFIX", StringComparison.Ordinal))
        {
            // A name prefix is only meaningful inside an ARN pattern: arn:...:secret:${SecretPrefix}*.
            return (variable == "SECRET_PREFIX" ? "secretsmanager" : null, "${" + target + "}");
        }

        var arnService = Regex.Match((string?)parameter["AllowedPattern"] ?? "", @"arn:aws\[a-z-\]\*:([a-z-]+):");
        return (arnService.Success ? arnService.Groups[1].Value : null, $$"""{"Ref":"{{target}}"}""");
    }

    private IEnumerable<(string Name, JsonNode? Value)> SourceEnvironment(string functionId)
    {
        var global = template.Source["Globals"]?["Function"]?["Environment"]?["Variables"]?.AsObject() ?? [];
        var own = template.Source["Resources"]![functionId]!["Properties"]!["Environment"]?["Variables"]?.AsObject() ?? [];
        return global.Where(g => !own.ContainsKey(g.Key)).Concat(own).Select(v => (v.Key, v.Value));
    }

    /// <summary>The inline statements of a function's Policies as written (policy templates such as DynamoDBCrudPolicy excluded).</summary>
    private List<JsonObject> SourceStatements(string functionId) =>
        (template.Source["Resources"]![functionId]!["Properties"]!["Policies"]?.AsArray() ?? [])
        .SelectMany(p => p?["Statement"]?.AsArray() ?? [])
        .Select(s => s!.AsObject())
        .ToList();

    private static IEnumerable<string> Actions(JsonObject statement) => statement["Action"] switch
    {
        JsonArray list => list.Select(a => (string)a!),
        JsonNode one => [(string)one!],
        _ => [],
    };

    private IEnumerable<string> DeadLetterQueues()
    {
        var fromRedrive = template.ResourcesOfType("AWS::SQS::Queue")
            .Select(q => Intrinsic.Target(q.Properties["RedrivePolicy"]?["deadLetterTargetArn"]));
        var fromFailedInvocations = template.ResourcesOfType("AWS::Lambda::EventInvokeConfig")
            .Select(c => Intrinsic.Target(c.Properties["DestinationConfig"]?["OnFailure"]?["Destination"]));
        var fromRules = template.ResourcesOfType("AWS::Events::Rule")
            .SelectMany(r => r.Properties["Targets"]?.AsArray() ?? [])
            .Select(t => Intrinsic.Target(t?["DeadLetterConfig"]?["Arn"]));
        var all = fromRedrive.Concat(fromFailedInvocations).Concat(fromRules).OfType<string>().Distinct().ToList();
        Assert.NotEmpty(all);
        return all;
    }

    private int Timeout(string functionId) => template.FunctionProperties(functionId)["Timeout"]!.GetValue<int>();
}
