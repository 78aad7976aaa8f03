using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Onboarding.IntegrationTests.Template;

/// <summary>
/// One deployment of template.yaml with given parameter values, evaluated the way CloudFormation would: the values
/// checked against each parameter's constraints and the template's Rules, the Conditions decided, and each function's
/// environment (Globals merged) resolved to the strings Lambda passes, with resources standing in by their logical id.
/// Read from the YAML as written, because the transforms substitute parameter defaults into the environment.
/// </summary>
public sealed class TemplateDeployment
{
    /// <summary>What Lambda itself sets in every function's environment (the part the functions read).</summary>
    public static readonly IReadOnlyDictionary<string, string> LambdaEnvironment = new Dictionary<string, string>
    {
        ["AWS_REGION"] = "us-east-1",
        ["AWS_DEFAULT_REGION"] = "us-east-1",
        ["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:9001",
        ["AWS_LAMBDA_FUNCTION_NAME"] = "function",
    };

    private const string Account = "123456789012";

    private readonly JsonObject source;

    public TemplateDeployment(SamTemplate template, IReadOnlyDictionary<string, string> parameterValues)
    {
        ArgumentNullException.ThrowIfNull(template);
        source = template.Source;
        Values = ParameterNames(template).ToDictionary(
            name => name,
            name => parameterValues.TryGetValue(name, out var value) ? value : Default(template, name));
    }

    /// <summary>The value of every parameter: the one given, else its Default; null when it has neither.</summary>
    public IReadOnlyDictionary<string, string?> Values { get; }

    public static IEnumerable<string> ParameterNames(SamTemplate template) =>
        template.Source["Parameters"]!.AsObject().Select(p => p.Key);

    public static string? Default(SamTemplate template, string parameter) =>
        template.Source["Parameters"]![parameter]!["Default"] is { } value ? Text(value) : null;

    /// <summary>Why CloudFormation would refuse these values before creating anything (the parameters' own constraints).</summary>
    public IReadOnlyList<string> ParameterProblems()
    {
        var problems = new List<string>();
        foreach (var (name, definition) in source["Parameters"]!.AsObject())
        {
            var value = Values[name];
            if (value is null)
            {
                problems.Add($"{name} has no value and no Default");
                continue;
            }

            var type = (string)definition!["Type"]!;
            var items = type is "CommaDelimitedList" || type.StartsWith("List<", StringComparison.Ordinal) ? value.Split(',') : [value];
            foreach (var item in items)
            {
                problems.AddRange(Check(name, definition.AsObject(), type, item));
            }
        }

        return problems;
    }

    /// <summary>The AssertDescription of every Rules assertion these values break (empty when CloudFormation goes ahead).</summary>
    public IReadOnlyList<string> BrokenRules() =>
        (from rule in source["Rules"]?.AsObject() ?? []
         where rule.Value!["RuleCondition"] is not { } condition || IsTrue(condition)
         from assertion in rule.Value!["Assertions"]!.AsArray()
         where !IsTrue(assertion!["Assert"])
         select $"{rule.Key}: {(string?)assertion!["AssertDescription"]}").ToList();

    public bool Condition(string name) =>
        IsTrue(source["Conditions"]?[name] ?? throw new KeyNotFoundException($"template has no condition {name}"));

    /// <summary>The environment Lambda gives the function: the template's variables (Globals, then the function's own) and Lambda's.</summary>
    public IReadOnlyDictionary<string, string> Environment(string functionId)
    {
        var environment = new Dictionary<string, string>(LambdaEnvironment, StringComparer.Ordinal);
        var global = source["Globals"]?["Function"]?["Environment"]?["Variables"]?.AsObject() ?? [];
        var own = source["Resources"]![functionId]!["Properties"]!["Environment"]?["Variables"]?.AsObject() ?? [];
        foreach (var (name, node) in global.Concat(own))
        {
            if (Evaluate(node) is { } value)
            {
                environment[name] = value;
            }
            else
            {
                environment.Remove(name);
            }
        }

        return environment;
    }

    /// <summary>The string an intrinsic resolves to; null for AWS::NoValue.</summary>
    private string? Evaluate(JsonNode? node)
    {
        switch (node)
        {
            case JsonValue value:
                return Text(value);
            case JsonObject { Count: 1 } function:
                var (name, argument) = function.First();
                return name switch
                {
                    "Ref" => Reference((string)argument!),
                    "Fn::GetAtt" => Attribute(argument!),
                    "Fn::If" => Evaluate(argument![Condition((string)argument[0]!) ? 1 : 2]),
                    "Fn::Sub" => Substitute(argument!),
                    "Fn::Join" => string.Join((string)argument![0]!, argument[1]!.AsArray().Select(Evaluate)),
                    _ => throw new NotSupportedException($"TemplateDeployment cannot evaluate {name} yet: {node.ToJsonString()}"),
                };
            default:
                throw new NotSupportedException($"TemplateDeployment cannot evaluate {node?.ToJsonString()}");
        }
    }

    private string? Reference(string name)
    {
        if (name == "AWS::NoValue")
        {
            return null;
        }

        if (Pseudo(name) is { } pseudo)
        {
            return pseudo;
        }

        if (Values.TryGetValue(name, out var value))
        {
            return value ?? throw new InvalidOperationException($"parameter {name} has no value");
        }

        var type = (string?)source["Resources"]?[name]?["Type"] ?? throw new KeyNotFoundException($"template has no parameter or resource {name}");
        // What Ref returns for the types our environment names: a queue's URL, otherwise a name (tables, topics, functions).
        return type == "AWS::SQS::Queue" ? $"https://sqs.us-east-1.amazonaws.com/{Account}/{name}" : name;
    }

    private string Attribute(JsonNode argument)
    {
        var (resource, attribute) = argument is JsonArray pair
            ? ((string)pair[0]!, (string)pair[1]!)
            : ((string)argument!).Split('.', 2) switch { var parts => (parts[0], parts[1]) };
        // A KMS key ARN is checked by the API at start, so it gets the real shape (a key id is a UUID).
        return (string?)source["Resources"]?[resource]?["Type"] == "AWS::KMS::Key" && attribute == "Arn"
            ? $"arn:aws:kms:us-east-1:{Account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            : $"arn:aws:{resource}:{attribute}";
    }

    private string Substitute(JsonNode argument)
    {
        var (text, variables) = argument is JsonArray withVariables
            ? ((string)withVariables[0]!, withVariables[1]!.AsObject())
            : ((string)argument!, new JsonObject());
        return Regex.Replace(text, @"\$\{([^}!]+)\}", match =>
        {
            var name = match.Groups[1].Value;
            return variables[name] is { } local ? Evaluate(local) ?? "" : Reference(name) ?? "";
        });
    }

    private static string? Pseudo(string name) => name switch
    {
        "AWS::Region" => "us-east-1",
        "AWS::AccountId" => Account,
        "AWS::Partition" => "aws",
        "AWS::URLSuffix" => "amazonaws.com",
        "AWS::StackName" => "marketplace-feed",
        _ => null,
    };

    /// <summary>Conditions and Rules assertions: Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition.</summary>
    private bool IsTrue(JsonNode? node)
    {
        if (node is not JsonObject { Count: 1 } function)
        {
            throw new NotSupportedException($"not a condition: {node?.ToJsonString()}");
        }

        var (name, argument) = function.First();
        return name switch
        {
            "Fn::Equals" => Evaluate(argument![0]) == Evaluate(argument[1]),
            "Fn::Not" => !IsTrue(argument![0]),
            "Fn::And" => argument!.AsArray().All(IsTrue),
            "Fn::Or" => argument!.AsArray().Any(IsTrue),
            "Condition" => Condition((string)argument!),
            _ => throw new NotSupportedException($"TemplateDeployment cannot evaluate the condition {name} yet"),
        };
    }

    private static IEnumerable<string> Check(string name, JsonObject definition, string type, string value)
    {
        if (definition["AllowedValues"]?.AsArray().Select(v => Text(v!)).ToList() is { } allowed && !allowed.Contains(value))
        {
            yield return $"{name}='{value}' is not one of {string.Join(", ", allowed)}";
        }

        if ((string?)definition["AllowedPattern"] is { } pattern && !Regex.IsMatch(value, $"^(?:{pattern})$"))
        {
            yield return $"{name}='{value}' does not match {pattern}";
        }

        if (definition["MinLength"] is { } minLength && value.Length < minLength.GetValue<int>())
        {
            yield return $"{name}='{value}' is shorter than {minLength}";
        }

        if (definition["MaxLength"] is { } maxLength && value.Length > maxLength.GetValue<int>())
        {
            yield return $"{name}='{value}' is longer than {maxLength}";
        }

        if (type == "Number")
        {
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                yield return $"{name}='{value}' is not a number";
                yield break;
            }

            if (definition["MinValue"] is { } min && number < min.GetValue<double>())
            {
                yield return $"{name}={value} is below {min}";
            }

            if (definition["MaxValue"] is { } max && number > max.GetValue<double>())
            {
                yield return $"{name}={value} is above {max}";
            }
        }
    }

    private static string Text(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => value.GetValue<string>(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetValue<double>().ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"not a scalar: {value.ToJsonString()}"),
    };
}
