using System.Reflection;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace Onboarding.IntegrationTests.KafkaAcl;

/// <summary>
/// An in-memory stand-in for the ACL part of Confluent.Kafka's <see cref="IAdminClient"/> (the mock cluster has no ACL
/// API). It keeps a set of bindings, records every call, and can refuse chosen bindings or lose the connection to
/// simulate a failure midway. Every other admin call throws.
/// </summary>
public class FakeAdminClient : DispatchProxy
{
    public HashSet<AclBinding> Bindings { get; } = [];

    public List<string> Calls { get; } = [];

    /// <summary>Bindings the "cluster" refuses to create (e.g. a policy violation), by resource name.</summary>
    public HashSet<string> RefuseResources { get; } = [];

    /// <summary>When set, the next call fails as if the broker were unreachable.</summary>
    public bool Unreachable { get; set; }

    public static (IAdminClient Client, FakeAdminClient Fake) Create()
    {
        var client = DispatchProxy.Create<IAdminClient, FakeAdminClient>();
        return (client, (FakeAdminClient)(object)client);
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        var name = targetMethod?.Name ?? "?";
        Calls.Add(name);
        if (Unreachable && name.EndsWith("AclsAsync", StringComparison.Ordinal))
        {
            return Fail(targetMethod!, new KafkaException(new Error(ErrorCode.Local_Transport, "broker transport failure")));
        }

        switch (name)
        {
            case nameof(IAdminClient.CreateAclsAsync):
                return CreateAcls(((IEnumerable<AclBinding>)args![0]!).ToList());
            case nameof(IAdminClient.DeleteAclsAsync):
                return DeleteAcls(((IEnumerable<AclBindingFilter>)args![0]!).ToList());
            case nameof(IAdminClient.DescribeAclsAsync):
                var filter = (AclBindingFilter)args![0]!;
                return Task.FromResult(new DescribeAclsResult { AclBindings = [.. Bindings.Where(b => Matches(filter, b))] });
            case "Dispose":
                return null;
            default:
                throw new NotSupportedException($"FakeAdminClient does not implement {name}.");
        }
    }

    private Task CreateAcls(List<AclBinding> requested)
    {
        var reports = new List<CreateAclReport>();
        foreach (var binding in requested)
        {
            if (RefuseResources.Contains(binding.Pattern.Name))
            {
                reports.Add(new CreateAclReport { Error = new Error(ErrorCode.PolicyViolation, $"refused binding on {binding.Pattern.Name}") });
            }
            else
            {
                Bindings.Add(binding);
                reports.Add(new CreateAclReport { Error = new Error(ErrorCode.NoError) });
            }
        }

        return reports.Any(r => r.Error.IsError) ? Task.FromException(new CreateAclsException(reports)) : Task.CompletedTask;
    }

    private Task<List<DeleteAclsResult>> DeleteAcls(List<AclBindingFilter> filters)
    {
        var results = new List<DeleteAclsResult>();
        foreach (var filter in filters)
        {
            var matched = Bindings.Where(b => Matches(filter, b)).ToList();
            Bindings.ExceptWith(matched);
            results.Add(new DeleteAclsResult { AclBindings = matched });
        }

        return Task.FromResult(results);
    }

    // Kafka's filter semantics: null / Any match everything; Match pattern type is not used by the writer.
    internal static bool Matches(AclBindingFilter filter, AclBinding binding) =>
        (filter.PatternFilter.Type == ResourceType.Any || filter.PatternFilter.Type == binding.Pattern.Type)
        && (filter.PatternFilter.Name is null || filter.PatternFilter.Name == binding.Pattern.Name)
        && (filter.PatternFilter.ResourcePatternType == ResourcePatternType.Any || filter.PatternFilter.ResourcePatternType == binding.Pattern.ResourcePatternType)
        && (filter.EntryFilter.Principal is null || filter.EntryFilter.Principal == binding.Entry.Principal)
        && (filter.EntryFilter.Host is null || filter.EntryFilter.Host == binding.Entry.Host)
        && (filter.EntryFilter.Operation == AclOperation.Any || filter.EntryFilter.Operation == binding.Entry.Operation)
        && (filter.EntryFilter.PermissionType == AclPermissionType.Any || filter.EntryFilter.PermissionType == binding.Entry.PermissionType);

    private static object Fail(MethodInfo method, Exception error)
    {
        if (method.ReturnType == typeof(Task))
        {
            return Task.FromException(error);
        }

        // Task<T>: build a faulted task of the right type.
        var source = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(method.ReturnType.GetGenericArguments()[0]))!;
        source.GetType().GetMethod(nameof(TaskCompletionSource<int>.SetException), [typeof(Exception)])!.Invoke(source, [error]);
        return source.GetType().GetProperty(nameof(TaskCompletionSource<int>.Task))!.GetValue(source)!;
    }
}
