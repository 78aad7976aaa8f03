using Onboarding.Core.Certificates;
using Onboarding.Core.Feeds;

namespace Onboarding.Core.Acl;

/// <summary>
/// The ACLs a subscriber should have, and the difference from what they have. Pure.
/// A subscriber gets READ and DESCRIBE on each entitled topic (LITERAL) and READ on consumer groups PREFIXED with their
/// group prefix. Nothing else: no WRITE, no wildcard resource, no cluster operation, no DENY.
/// </summary>
public static class AclPlan
{
    public static IReadOnlySet<AclRule> Desired(KafkaPrincipal principal, IEnumerable<string> topics, string groupPrefix)
    {
        ArgumentNullException.ThrowIfNull(topics);
        if (principal.Value is null)
        {
            throw new ArgumentException("The principal is not set.", nameof(principal));
        }

        if (string.IsNullOrWhiteSpace(groupPrefix) || groupPrefix.Contains('*', StringComparison.Ordinal) || groupPrefix.Length < 4)
        {
            throw new ArgumentException("The consumer-group prefix must be the customer's own prefix (at least 4 characters, no wildcard).", nameof(groupPrefix));
        }

        var rules = new HashSet<AclRule>();
        foreach (var topic in topics)
        {
            if (!FeedCatalog.IsValidTopic(topic))
            {
                throw new ArgumentException($"'{topic}' is not a literal Kafka topic name; wildcards and invalid names are never granted.", nameof(topics));
            }

            rules.Add(new AclRule(principal.Value, AclResourceType.Topic, topic, AclPatternType.Literal, AclOperation.Read));
            rules.Add(new AclRule(principal.Value, AclResourceType.Topic, topic, AclPatternType.Literal, AclOperation.Describe));
        }

        rules.Add(new AclRule(principal.Value, AclResourceType.Group, groupPrefix, AclPatternType.Prefixed, AclOperation.Read));
        return rules;
    }

    /// <summary>
    /// Additions and removals that turn the principal's current rules into <paramref name="desired"/>. Rules of other
    /// principals in <paramref name="current"/> are ignored, so they are never touched.
    /// </summary>
    public static AclChange Diff(KafkaPrincipal principal, IEnumerable<AclRule> current, IReadOnlySet<AclRule> desired)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(desired);
        if (desired.FirstOrDefault(rule => rule.Principal != principal.Value) is { } foreign)
        {
            throw new ArgumentException($"The desired rules must all be for {principal.Value}; found {foreign}.", nameof(desired));
        }

        var mine = current.Where(rule => rule.Principal == principal.Value).ToHashSet();
        var additions = desired.Where(rule => !mine.Contains(rule)).Order(RuleOrder.Instance).ToList();
        var removals = mine.Where(rule => !desired.Contains(rule)).Order(RuleOrder.Instance).ToList();
        return new AclChange(additions, removals);
    }

    /// <summary>Removes every rule of the principal (subscription ended).</summary>
    public static AclChange Revoke(KafkaPrincipal principal, IEnumerable<AclRule> current) =>
        Diff(principal, current, new HashSet<AclRule>());

    /// <summary>Applies a change to a set of rules (what the cluster does); used by tests and the fake admin port.</summary>
    public static IReadOnlySet<AclRule> Apply(IEnumerable<AclRule> current, AclChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var result = current.ToHashSet();
        result.ExceptWith(change.Removals);
        result.UnionWith(change.Additions);
        return result;
    }

    private sealed class RuleOrder : IComparer<AclRule>
    {
        public static readonly RuleOrder Instance = new();

        public int Compare(AclRule? x, AclRule? y) =>
            string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}
